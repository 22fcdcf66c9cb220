import TimbangCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One field of a CSV record: bytes in the input, or (for a quoted field with `""` inside)
/// in the reader's scratch buffer.
struct Field {
    var start: Int
    var count: Int
    var inScratch: Bool
    static let empty = Field(start: 0, count: 0, inScratch: false)
}

/// The value of a numeric cell.
enum NumberCell {
    case missing
    case value(Double)
    case bad
}

/// Reads RFC 4180 records (quotes, `""`, `\r\n` or `\n`) from bytes, reusing its buffers.
struct RecordReader {
    let base: UnsafePointer<UInt8>
    let end: Int
    var fields: [Field] = []
    var count = 0
    var scratch: [UInt8] = []

    init(base: UnsafePointer<UInt8>, end: Int) {
        self.base = base; self.end = end
        fields.reserveCapacity(32)
    }

    /// Reads the record starting at `pos`; returns the position after its line end.
    mutating func read(at start: Int) -> Int {
        count = 0
        scratch.removeAll(keepingCapacity: true)
        var pos = start
        while true {
            var field: Field
            if pos < end && base[pos] == 0x22 {
                // Quoted field: up to the closing quote; "" is one quote.
                pos += 1
                let s = pos
                var escaped = false
                while pos < end {
                    if base[pos] == 0x22 {
                        if pos + 1 < end && base[pos + 1] == 0x22 { escaped = true; pos += 2; continue }
                        break
                    }
                    pos += 1
                }
                if escaped {
                    let from = scratch.count
                    var i = s
                    while i < pos {
                        scratch.append(base[i])
                        i += base[i] == 0x22 ? 2 : 1
                    }
                    field = Field(start: from, count: scratch.count - from, inScratch: true)
                } else {
                    field = Field(start: s, count: pos - s, inScratch: false)
                }
                if pos < end { pos += 1 } // closing quote
                // Anything between the closing quote and the delimiter is dropped.
                while pos < end && base[pos] != 0x2C && base[pos] != 0x0A { pos += 1 }
            } else {
                let s = pos
                while pos < end {
                    let b = base[pos]
                    if b == 0x2C || b == 0x0A { break }
                    pos += 1
                }
                var e = pos
                if e > s && base[e - 1] == 0x0D { e -= 1 }
                field = Field(start: s, count: e - s, inScratch: false)
            }
            if count < fields.count { fields[count] = field } else { fields.append(field) }
            count += 1
            if pos >= end { return end }
            if base[pos] == 0x0A { return pos + 1 }
            pos += 1 // comma
        }
    }

    /// Field `column` of the current record; empty when the record is shorter or the column absent.
    @inline(__always)
    func cell(_ column: Int) -> Field { column >= 0 && column < count ? fields[column] : Field.empty }

    @inline(__always)
    func withBytes<R>(_ f: Field, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if f.inScratch { return scratch.withUnsafeBufferPointer { body($0.baseAddress! + f.start, f.count) } }
        return body(base + f.start, f.count)
    }

    /// The field as text (for messages and headers).
    func text(_ f: Field) -> String {
        withBytes(f) { String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) }
    }

    /// A one-character code cell, trimmed of spaces: 0 when empty or `NA`, the byte when it is
    /// one byte long, `UInt32.max` otherwise.
    @inline(__always)
    func token(_ f: Field) -> UInt32 {
        withBytes(f) { p, n in
            var s = 0, e = n
            while s < e && (p[s] == 0x20 || p[s] == 0x09) { s += 1 }
            while e > s && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
            if s == e { return 0 }
            if e - s == 1 { return UInt32(p[s]) }
            if e - s == 2 && p[s] == 0x4E && p[s + 1] == 0x41 { return 0 } // NA
            return UInt32.max
        }
    }

    /// A decimal number cell (`.` decimals, optional exponent), trimmed of spaces.
    @inline(__always)
    func number(_ f: Field) -> NumberCell {
        withBytes(f) { decimalCell($0, $1) }
    }
}

/// A decimal number cell: trimmed of spaces and tabs; empty and `NA` are missing; otherwise
/// a `.`-decimal number (see `parseDecimal`) or bad.
@inline(__always)
func decimalCell(_ p: UnsafePointer<UInt8>, _ n: Int) -> NumberCell {
    var s = 0, e = n
    while s < e && (p[s] == 0x20 || p[s] == 0x09) { s += 1 }
    while e > s && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
    if s == e { return .missing }
    if e - s == 2 && p[s] == 0x4E && p[s + 1] == 0x41 { return .missing } // NA
    return parseDecimal(p + s, count: e - s, decimalComma: false).map { .value($0) } ?? .bad
}

/// Bytes that never change after creation (a chunk of `timbang zscore` output); handed from
/// the worker that wrote them to the caller without a copy.
public final class ByteBuffer: @unchecked Sendable {
    private let base: UnsafeMutablePointer<UInt8>
    /// Number of bytes.
    public let count: Int

    init(adopting base: UnsafeMutablePointer<UInt8>, count: Int) { self.base = base; self.count = count }

    /// A copy of `bytes`.
    public convenience init(_ bytes: [UInt8]) {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBufferPointer { if let b = $0.baseAddress { p.update(from: b, count: bytes.count) } }
        self.init(adopting: p, count: bytes.count)
    }

    deinit { base.deallocate() }

    /// Calls `body` with the bytes (valid only during the call).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}

/// Appends CSV output bytes into one growing buffer; numbers without Foundation formatters.
///
/// `byte` does not check capacity: call `reserve` with an upper bound for a row first.
struct ByteWriter {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 4096)
        base = .allocate(capacity: self.capacity)
    }

    /// Makes room for `n` more bytes.
    @inline(__always) mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        p.update(from: base, count: count)
        base.deallocate()
        base = p
        capacity = newCapacity
    }

    /// The bytes written (the buffer is handed over, not copied); the writer must not be
    /// used afterwards.
    mutating func finish() -> ByteBuffer {
        let out = ByteBuffer(adopting: base, count: count)
        base = .allocate(capacity: 1)
        capacity = 0
        count = 0
        return out
    }

    @inline(__always) mutating func byte(_ b: UInt8) { base[count] = b; count += 1 }
    @inline(__always) mutating func comma() { byte(0x2C) }

    @inline(__always) mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n)
        (base + count).update(from: p, count: n)
        count += n
    }

    /// A field copied from the input, quoted when it holds a comma, quote or line end.
    mutating func field(_ reader: RecordReader, _ f: Field) {
        reader.withBytes(f) { p, n in
            var needsQuotes = false
            for k in 0..<n where p[k] == 0x2C || p[k] == 0x22 || p[k] == 0x0A || p[k] == 0x0D { needsQuotes = true; break }
            if !needsQuotes { append(p, n); return }
            reserve(2 * n + 2)
            byte(0x22)
            for k in 0..<n {
                if p[k] == 0x22 { byte(0x22) }
                byte(p[k])
            }
            byte(0x22)
        }
    }

    /// Digits of a non-negative integer.
    @inline(__always) mutating func integer(_ v: UInt64) {
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = v
        var len = 0
        withUnsafeMutableBytes(of: &tmp) { t in
            repeat {
                t[19 - len] = UInt8(n % 10) + 0x30
                n /= 10
                len += 1
            } while n > 0
            append(t.baseAddress!.assumingMemoryBound(to: UInt8.self) + (20 - len), len)
        }
    }

    /// A z-score already rounded to 2 decimals: `-1.07`, `-0.5`, `2`, `0`; nil/non-finite → empty.
    @inline(__always) mutating func fixed2(_ v: Double) {
        guard v.isFinite, abs(v) < 1e15 else { return }
        // v is already on a 2-decimal grid: abs(v) · 100 is within 1e-12 of a whole number.
        let cents = UInt64(abs(v) * 100 + 0.5)
        if cents == 0 { byte(0x30); return }
        if v < 0 { byte(0x2D) }
        integer(cents / 100)
        let c = cents % 100
        if c != 0 {
            byte(0x2E)
            byte(UInt8(c / 10) + 0x30)
            if c % 10 != 0 { byte(UInt8(c % 10) + 0x30) }
        }
    }

    /// `,z,flag` of one indicator, or `,,` when missing.
    @inline(__always) mutating func score(_ s: Score?) {
        byte(0x2C)
        guard let s, s.z.isFinite else { byte(0x2C); return }
        fixed2(s.z)
        byte(0x2C)
        byte(s.flag ? 0x31 : 0x30)
    }

    /// The shortest text that reads back as the same double (whole numbers without `.0`);
    /// nil/non-finite → empty.
    @inline(__always) mutating func shortest(_ v: Double?) {
        guard let v, v.isFinite else { return }
        if v == v.rounded(.towardZero) && abs(v) < 1e15 {
            if v < 0 { byte(0x2D) }
            integer(UInt64(abs(v)))
            return
        }
        // Lengths such as 75.7 or 49.599999999999994: try 1–3 decimals; `n / 10^d` read back
        // is one correctly rounded division, so equality means the text round-trips.
        let a = abs(v)
        if a < 1e9 {
            var p = 1.0
            for d in 1...3 {
                p *= 10
                // Nearest whole number (no libm call); a wrong guess only fails the check below.
                let n = Double(UInt64(a * p + 0.5))
                if n / p == a {
                    if v < 0 { byte(0x2D) }
                    let whole = UInt64(n) / UInt64(p), frac = UInt64(n) % UInt64(p)
                    integer(whole)
                    byte(0x2E)
                    var div = UInt64(p) / 10
                    for _ in 0..<d { byte(UInt8(frac / div % 10) + 0x30); div /= 10 }
                    return
                }
            }
        }
        var text = v.description
        text.withUTF8 { append($0.baseAddress!, $0.count) }
    }
}
