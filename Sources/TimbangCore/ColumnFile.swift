#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlibSystem

/// The binary column file of the stage store: one typed column of a table, versioned,
/// checksummed, little-endian, readable through `mmap` without parsing.
///
/// Layout (all integers little-endian; the format's one owner, documented in docs/contracts.md):
///
/// | offset | bytes | field |
/// |---|---|---|
/// | 0 | 8 | magic `TBCOL\0\r\n` |
/// | 8 | 4 | format version (`ColumnFile.version`) |
/// | 12 | 4 | column type (`ColumnType` raw value) |
/// | 16 | 8 | row count |
/// | 24 | 8 | payload length in bytes |
/// | 32 | 4 | CRC-32 (zlib) of the payload |
/// | 36 | 12 | reserved, zero |
/// | 48 | … | payload (see `ColumnType`) |
///
/// A file whose magic, version, type, length or checksum does not match is refused with a
/// `TableError` naming the file and what is wrong; nothing is read from it.
public enum ColumnFile {
    public static let magic: [UInt8] = [0x54, 0x42, 0x43, 0x4F, 0x4C, 0x00, 0x0D, 0x0A]
    public static let version: UInt32 = 1
    public static let headerSize = 48
    /// The bit pattern a missing `Double` is stored as (a quiet NaN); any NaN reads back as missing.
    public static let missingDoubleBits: UInt64 = 0x7FF8_0000_0000_0000
    /// A missing `Int32` (days since the epoch of `Day`) or `Int64`.
    public static let missingInt32 = Int32.min
    public static let missingInt64 = Int64.min
    /// An `optionalBool` byte: 0 false, 1 true, this value missing.
    public static let missingBool: UInt8 = 2

    /// Prefixes `payload` with the header.
    public static func bytes(type: ColumnType, rows: Int, payload: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(headerSize + payload.count)
        out.append(contentsOf: magic)
        appendLE(&out, version)
        appendLE(&out, type.rawValue)
        appendLE(&out, UInt64(rows))
        appendLE(&out, UInt64(payload.count))
        appendLE(&out, crc(payload))
        out.append(contentsOf: repeatElement(0, count: headerSize - out.count))
        out.append(contentsOf: payload)
        return out
    }

    /// CRC-32 of a byte range (zlib).
    public static func crc(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { crc($0) }
    }

    static func crc(_ b: UnsafeRawBufferPointer) -> UInt32 {
        var c = crc32(0, nil, 0)
        var p = b.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var left = b.count
        while left > 0, let q = p {
            let n = min(left, 1 << 30)
            c = crc32(c, q, uInt(n))
            p = q + n; left -= n
        }
        return UInt32(c)
    }
}

/// What a column file holds, and how its payload is laid out.
public enum ColumnType: UInt32, Sendable, CaseIterable {
    /// `rows` bytes.
    case uint8 = 1
    /// `rows` × 4 bytes, two's complement.
    case int32 = 2
    /// `rows` × 8 bytes, two's complement.
    case int64 = 3
    /// `rows` × 8 bytes, IEEE 754 binary64; missing = `ColumnFile.missingDoubleBits`.
    case double = 4
    /// `rows` bytes: 0 false, 1 true, 2 missing.
    case optionalBool = 5
    /// `rows + 1` UInt64 offsets (the first 0), then the UTF-8 bytes of all rows end to end.
    case string = 6
    /// `rows` UInt32 codes, zero-padded to a multiple of 8 bytes, then the pool: a UInt64
    /// count `k`, `k + 1` UInt64 offsets and the UTF-8 bytes (as `string`). Row `i` is
    /// `pool[code[i]]`; the pool lists each distinct value once, in order of first use.
    case dictionary = 7
}

@inline(__always) func appendLE<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
    withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
}

/// Builds the payload of one column file.
public struct ColumnBuilder {
    public let type: ColumnType
    public private(set) var rows = 0
    var payload: [UInt8] = []
    // string / dictionary
    var offsets: [UInt64] = [0]
    var text: [UInt8] = []
    var codes: [UInt32] = []
    var pool: [String: UInt32] = [:]
    var last: (String, UInt32)?

    public init(_ type: ColumnType, capacity: Int = 0) {
        self.type = type
        switch type {
        case .uint8, .optionalBool: payload.reserveCapacity(capacity)
        case .int32: payload.reserveCapacity(capacity * 4)
        case .int64, .double: payload.reserveCapacity(capacity * 8)
        case .string: offsets.reserveCapacity(capacity + 1); text.reserveCapacity(capacity * 8)
        case .dictionary: codes.reserveCapacity(capacity)
        }
    }

    @inline(__always) public mutating func append(_ v: UInt8) { payload.append(v); rows += 1 }
    @inline(__always) public mutating func append(_ v: Int32) { appendLE(&payload, v); rows += 1 }
    @inline(__always) public mutating func append(_ v: Int64) { appendLE(&payload, v); rows += 1 }
    @inline(__always) public mutating func append(_ v: Double?) {
        let bits = v.map { $0.isNaN ? ColumnFile.missingDoubleBits : $0.bitPattern } ?? ColumnFile.missingDoubleBits
        appendLE(&payload, bits); rows += 1
    }
    @inline(__always) public mutating func append(_ v: Bool?) {
        payload.append(v.map { $0 ? 1 : 0 } ?? ColumnFile.missingBool); rows += 1
    }

    /// Appends a text cell (`string` or `dictionary` columns).
    @inline(__always) public mutating func append(_ s: String) {
        rows += 1
        if type == .string {
            var s = s
            s.withUTF8 { text.append(contentsOf: $0) }
            offsets.append(UInt64(text.count))
            return
        }
        // Dumps come sorted by unit, so a cell is most often the one before it.
        if let (ls, lc) = last, ls == s { codes.append(lc); return }
        let code: UInt32
        if let c = pool[s] { code = c } else {
            code = UInt32(pool.count)
            pool[s] = code
            var s = s
            s.withUTF8 { text.append(contentsOf: $0) }
            offsets.append(UInt64(text.count))
        }
        codes.append(code)
        last = (s, code)
    }

    /// The whole file: header and payload.
    public func fileBytes() -> [UInt8] {
        switch type {
        case .uint8, .int32, .int64, .double, .optionalBool:
            return ColumnFile.bytes(type: type, rows: rows, payload: payload)
        case .string:
            var p = [UInt8]()
            p.reserveCapacity(offsets.count * 8 + text.count)
            for o in offsets { appendLE(&p, o) }
            p.append(contentsOf: text)
            return ColumnFile.bytes(type: type, rows: rows, payload: p)
        case .dictionary:
            var p = [UInt8]()
            p.reserveCapacity(codes.count * 4 + 16 + offsets.count * 8 + text.count)
            for c in codes { appendLE(&p, c) }
            while p.count % 8 != 0 { p.append(0) }
            appendLE(&p, UInt64(offsets.count - 1))
            for o in offsets { appendLE(&p, o) }
            p.append(contentsOf: text)
            return ColumnFile.bytes(type: type, rows: rows, payload: p)
        }
    }
}

/// A whole file mapped into memory (read-only); the columns read from it keep it mapped.
final class FileMapping: @unchecked Sendable {
    // Safety: read-only after init; unmapped when the last column holding it is gone.
    let base: UnsafeMutableRawPointer?
    let length: Int

    /// Maps `path`, refusing a file shorter than `minimum` bytes (`what` names the file's kind).
    init(path: String, minimum: Int, what: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TableError("cannot open \(what) \(path)") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw TableError("cannot stat \(what) \(path)") }
        let size = Int(st.st_size)
        guard size >= max(minimum, 1) else {
            throw TableError("\(path): not a timbang \(what) (\(size) bytes, shorter than its header)")
        }
        guard let m = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
            throw TableError("cannot map \(what) \(path)")
        }
        base = m; length = size
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }

    deinit { if let base { munmap(base, length) } }
}

/// A column file mapped into memory (read-only), checked before use.
public final class MappedColumn: @unchecked Sendable {
    public let path: String
    public let type: ColumnType
    public let rows: Int
    /// Keeps the file mapped while the column is in use.
    let mapping: FileMapping
    /// The payload (after the header).
    public let payload: UnsafeRawBufferPointer
    // string / dictionary
    var offsetsStart = 0
    var poolCount = 0

    /// Maps and checks `path`; `expect` (when given) is the type the caller needs.
    /// - Throws: `TableError` when the file is missing, short, or its magic, version, type,
    ///   length or checksum is not what this timbang writes.
    public convenience init(path: String, expect: ColumnType? = nil, verify: Bool = true) throws {
        let m = try FileMapping(path: path, minimum: ColumnFile.headerSize, what: "column file")
        try self.init(mapping: m, offset: 0, length: m.length, path: path, expect: expect, verify: verify)
    }

    /// Checks the column file at `offset..<offset + length` of a mapped file (a whole column
    /// file, or one column of a `ColumnPack`); `path` names it in errors.
    init(mapping: FileMapping, offset: Int, length size: Int, path: String, expect: ColumnType?, verify: Bool) throws {
        self.path = path
        self.mapping = mapping
        guard size >= ColumnFile.headerSize, offset >= 0, offset + size <= mapping.length else {
            throw TableError("\(path): not a timbang column file (\(size) bytes, shorter than its header)")
        }
        let all = UnsafeRawBufferPointer(rebasing: mapping.bytes[offset..<(offset + size)])
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: all.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: all.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        payload = UnsafeRawBufferPointer(rebasing: all[ColumnFile.headerSize...])
        var problem: String?
        var t = ColumnType.uint8
        var n = 0
        if !all.prefix(8).elementsEqual(ColumnFile.magic) {
            problem = "not a timbang column file (bad magic)"
        } else if u32(8) != ColumnFile.version {
            problem = "column file format version \(u32(8)), this timbang reads version \(ColumnFile.version): rerun the pipeline"
        } else if let tt = ColumnType(rawValue: u32(12)) {
            t = tt
            n = Int(truncatingIfNeeded: u64(16))
            if let expect, expect != tt { problem = "column type \(tt), expected \(expect)" }
            else if u64(24) != UInt64(size - ColumnFile.headerSize) {
                problem = "payload length \(u64(24)) in the header, \(size - ColumnFile.headerSize) in the file (cut or grown)"
            } else if n < 0 {
                problem = "bad row count"
            } else if verify && ColumnFile.crc(payload) != u32(32) {
                problem = "checksum mismatch (the file is damaged)"
            }
        } else {
            problem = "unknown column type \(u32(12))"
        }
        type = t; rows = n
        if problem == nil { problem = checkLayout() }
        if let problem { throw TableError("\(path): \(problem)") }
    }

    /// Checks that the payload is as long as the type and row count say; sets the offsets.
    private func checkLayout() -> String? {
        let p = payload.count
        func need(_ n: Int) -> String? { p == n ? nil : "payload of \(p) bytes, \(n) expected for \(rows) rows of \(type)" }
        switch type {
        case .uint8, .optionalBool: return need(rows)
        case .int32: return need(rows * 4)
        case .int64, .double: return need(rows * 8)
        case .string:
            offsetsStart = 0; poolCount = rows
            return checkStrings(at: 0, count: rows)
        case .dictionary:
            let codesEnd = (rows * 4 + 7) / 8 * 8
            guard p >= codesEnd + 8 else { return "payload too short for \(rows) codes" }
            poolCount = Int(truncatingIfNeeded: UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: codesEnd, as: UInt64.self)))
            offsetsStart = codesEnd + 8
            if let e = checkStrings(at: offsetsStart, count: poolCount) { return e }
            for i in 0..<rows where Int(code(i)) >= poolCount { return "row \(i): code \(code(i)) outside a pool of \(poolCount)" }
            return nil
        }
    }

    private func checkStrings(at start: Int, count: Int) -> String? {
        guard count >= 0, start + (count + 1) * 8 <= payload.count else { return "payload too short for \(count) string offsets" }
        let textStart = start + (count + 1) * 8
        if offset(0) != 0 { return "first string offset is not 0" }
        var prev: UInt64 = 0
        for i in stride(from: 1, through: count, by: 1) {
            let o = offset(i)
            if o < prev { return "string offsets decrease at \(i)" }
            prev = o
        }
        return textStart + Int(prev) == payload.count ? nil : "string bytes end at \(textStart + Int(prev)), payload at \(payload.count)"
    }

    @inline(__always) func offset(_ i: Int) -> UInt64 {
        UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: offsetsStart + i * 8, as: UInt64.self))
    }

    @inline(__always) public func uint8(_ i: Int) -> UInt8 { payload[i] }
    @inline(__always) public func int32(_ i: Int) -> Int32 {
        Int32(littleEndian: payload.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
    }
    @inline(__always) public func int64(_ i: Int) -> Int64 {
        Int64(littleEndian: payload.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
    }
    @inline(__always) public func double(_ i: Int) -> Double? {
        let d = Double(bitPattern: UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
        return d.isNaN ? nil : d
    }
    @inline(__always) public func optionalBool(_ i: Int) -> Bool? {
        let b = payload[i]
        return b == ColumnFile.missingBool ? nil : b == 1
    }
    @inline(__always) func code(_ i: Int) -> UInt32 {
        UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
    }

    /// The `k`-th string of a `string` column (row) or of a dictionary's pool.
    @inline(__always) func poolString(_ k: Int) -> String {
        let textStart = offsetsStart + (poolCount + 1) * 8
        let a = Int(offset(k)), b = Int(offset(k + 1))
        return String(decoding: UnsafeRawBufferPointer(rebasing: payload[(textStart + a)..<(textStart + b)]), as: UTF8.self)
    }

    /// The distinct values of a dictionary column, by code.
    public func pool() -> [String] { (0..<poolCount).map(poolString) }

    /// Row `i` of a text column; `pool` is `pool()` for a dictionary column.
    @inline(__always) public func string(_ i: Int, pool: [String]) -> String {
        type == .dictionary ? pool[Int(code(i))] : poolString(i)
    }
}
