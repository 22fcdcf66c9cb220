/// A POSIX ustar archive, written and read by hand so that every header byte is ours.
///
/// Written entries: regular files (mode 0644) and folders (mode 0755), uid/gid 0, empty
/// owner names, one fixed mtime for every entry (the as-of date at 00:00 UTC), entries in
/// the order given. Two zero blocks end the archive; the total is padded to 10240 bytes
/// (the default tar record size), as GNU and BSD tar write it.
enum Tar {
    /// One entry of an archive.
    struct Entry: Equatable, Sendable {
        enum Kind: Equatable, Sendable { case file, directory }
        var path: String
        var kind: Kind
        var bytes: [UInt8]
        var mode: Int
        var mtime: Int

        static func file(_ path: String, _ bytes: [UInt8], mtime: Int) -> Entry {
            Entry(path: path, kind: .file, bytes: bytes, mode: 0o644, mtime: mtime)
        }
        static func directory(_ path: String, mtime: Int) -> Entry {
            Entry(path: path.hasSuffix("/") ? path : path + "/", kind: .directory, bytes: [], mode: 0o755, mtime: mtime)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let block = 512
    static let record = 10240

    // MARK: writing

    static func write(_ entries: [Entry]) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(0) { $0 + $1.bytes.count + 1024 } + record)
        try write(entries) { out.append(contentsOf: $0) }
        return out
    }

    /// The archive of `entries` handed to `sink` piece by piece (headers, contents, padding),
    /// so that it never has to be held whole next to the entries.
    static func write(_ entries: [Entry], to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let zeros = [UInt8](repeating: 0, count: record)
        var written = 0
        func put(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try sink($0) }
            written += bytes.count
        }
        func pad(_ n: Int) throws {
            try zeros.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            written += n
        }
        for e in entries {
            try put(try header(e))
            try put(e.bytes)
            let rest = e.bytes.count % block
            if rest != 0 { try pad(block - rest) }
        }
        try pad(2 * block)
        let rest = written % record
        if rest != 0 { try pad(record - rest) }
    }

    static func header(_ e: Entry) throws -> [UInt8] {
        let name = Array(e.path.utf8)
        guard !name.isEmpty, name.count <= 100 else {
            throw Failure(description: "tar entry name '\(e.path)' must be 1–100 bytes")
        }
        var h = [UInt8](repeating: 0, count: block)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (i, b) in bytes.enumerated() { h[offset + i] = b }
        }
        put(name, at: 0)
        put(octal(e.mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)            // uid
        put(octal(0, width: 8), at: 116)            // gid
        put(octal(e.kind == .file ? e.bytes.count : 0, width: 12), at: 124)
        put(octal(e.mtime, width: 12), at: 136)
        put([UInt8](repeating: 32, count: 8), at: 148) // checksum field counts as spaces
        h[156] = e.kind == .file ? UInt8(ascii: "0") : UInt8(ascii: "5")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        // uname/gname (265, 297) stay empty; devmajor/devminor as zero octal.
        put(octal(0, width: 8), at: 329)
        put(octal(0, width: 8), at: 337)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7), at: 148)           // six digits, NUL, then the space kept above
        return h
    }

    /// `width - 1` zero-padded octal digits and a NUL.
    static func octal(_ v: Int, width: Int) -> [UInt8] {
        var digits = Array(String(v, radix: 8).utf8)
        if digits.count < width - 1 {
            digits = [UInt8](repeating: UInt8(ascii: "0"), count: width - 1 - digits.count) + digits
        }
        return digits + [0]
    }

    // MARK: reading

    /// Reads every entry, checking each header's checksum, the ustar magic, the sizes and
    /// the end-of-archive blocks. Throws on the first structural problem.
    static func read(_ bytes: [UInt8]) throws -> [Entry] {
        var entries: [Entry] = []
        var off = 0
        var sawEnd = false
        while off + block <= bytes.count {
            let h = bytes[off..<(off + block)]
            if h.allSatisfy({ $0 == 0 }) {
                sawEnd = true
                break
            }
            let index = entries.count + 1
            let stored = parseOctal(h, 148, 8)
            var sum = 0
            for (i, b) in h.enumerated() { sum += (i >= 148 && i < 156) ? 32 : Int(b) }
            guard let stored, stored == sum else {
                throw Failure(description: "tar header \(index) (at byte \(off)): checksum mismatch")
            }
            guard Array(h[(off + 257)..<(off + 262)]) == Array("ustar".utf8) else {
                throw Failure(description: "tar header \(index): not a ustar header")
            }
            let nameBytes = h[off..<(off + 100)].prefix { $0 != 0 }
            let prefixBytes = h[(off + 345)..<(off + 500)].prefix { $0 != 0 }
            var path = String(decoding: nameBytes, as: UTF8.self)
            if !prefixBytes.isEmpty { path = String(decoding: prefixBytes, as: UTF8.self) + "/" + path }
            guard let size = parseOctal(h, 124, 12), let mode = parseOctal(h, 100, 8),
                  let mtime = parseOctal(h, 136, 12) else {
                throw Failure(description: "tar entry '\(path)': unreadable size/mode/mtime")
            }
            let type = h[off + 156]
            let kind: Entry.Kind
            switch type {
            case UInt8(ascii: "0"), 0: kind = .file
            case UInt8(ascii: "5"): kind = .directory
            default:
                throw Failure(description: "tar entry '\(path)': unexpected type '\(Character(Unicode.Scalar(type)))'")
            }
            let start = off + block
            guard start + size <= bytes.count else {
                throw Failure(description: "tar entry '\(path)': cut short (\(size) bytes announced)")
            }
            entries.append(Entry(path: path, kind: kind, bytes: Array(bytes[start..<(start + size)]),
                                 mode: mode, mtime: mtime))
            off = start + (size + block - 1) / block * block
        }
        guard sawEnd else { throw Failure(description: "tar: no end-of-archive marker") }
        guard bytes[off...].allSatisfy({ $0 == 0 }) else {
            throw Failure(description: "tar: unexpected data after the end-of-archive marker")
        }
        return entries
    }

    static func parseOctal(_ h: ArraySlice<UInt8>, _ offset: Int, _ width: Int) -> Int? {
        let start = h.startIndex + offset
        var v = 0
        var seen = false
        for b in h[start..<(start + width)] {
            if b == 0 || b == 32 { if seen { break } else { continue } }
            guard b >= 48, b <= 55 else { return nil }
            v = v * 8 + Int(b - 48)
            seen = true
        }
        return seen ? v : nil
    }
}
