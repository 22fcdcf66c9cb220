import TimbangCore

/// A POSIX ustar archive, written and read by hand so that every header byte is ours.
///
/// Written entries: regular files (mode 0644) and folders (mode 0755), uid/gid 0, empty
/// owner names, one fixed mtime for every entry (the as-of date at 00:00 UTC), entries in
/// the order given. Two zero blocks end the archive; the total is padded to 10240 bytes
/// (the default tar record size), as GNU and BSD tar write it. Entry names are relative and
/// plain (`nameProblem`), checked by the writer and by the reader alike; the reader (`scan`)
/// refuses anything else the format allows (links, devices, FIFOs, pax and GNU headers).
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
        // The writer's guarantee: only names the reader accepts (one rule, `nameProblem`).
        if let why = nameProblem(name, directory: e.kind == .directory) {
            throw Failure(description: "tar entry name '\(shown(name))' is not a safe relative name: \(why)")
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

    // MARK: names

    /// Why `name` is not a name timbang writes, or nil when it is one: 1–100 bytes, relative,
    /// components of ASCII letters, digits, `.`, `_` and `-` (never empty, `.` or `..`), a
    /// folder's name ending in one `/`. The writer refuses any other name and the reader
    /// refuses an archive holding one, so no entry can point outside the folder it is read into.
    static func nameProblem(_ name: [UInt8], directory: Bool) -> String? {
        if name.isEmpty { return "an empty name" }
        if name.first == UInt8(ascii: "/") { return "an absolute path" }
        if name.contains(0) { return "a NUL byte in its name" }
        if name.count > 100 { return "a name longer than 100 bytes" }
        var body = name[...]
        if directory, body.last == UInt8(ascii: "/") { body = body.dropLast() }
        let parts = body.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        if parts.contains(where: { $0.elementsEqual("..".utf8) }) { return "a '..' path component" }
        if parts.contains(where: { $0.isEmpty || $0.elementsEqual(".".utf8) }) { return "an empty or '.' path component" }
        if let b = body.first(where: { !isNameByte($0) && $0 != UInt8(ascii: "/") }) {
            return "a character timbang never writes in a name (byte 0x\(hex([b])); only A–Z, a–z, 0–9, '.', '_', '-' and '/')"
        }
        return nil
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }

    /// A name as a message shows it, on one line: printable ASCII as it is (`\` doubled),
    /// any other byte (NUL, a newline, UTF-8) as `\xNN`.
    static func shown(_ name: some Sequence<UInt8>) -> String {
        var out = ""
        for b in name {
            if b == UInt8(ascii: "\\") { out += "\\\\" } else if b >= 0x20 && b < 0x7f { out.append(Character(Unicode.Scalar(b))) } else { out += "\\x" + hex([b]) }
        }
        return out
    }

    // MARK: reading

    /// One entry as `scan` found it: its contents are a range of the tar bytes, not copied.
    struct Scanned: Sendable {
        var path: String
        var kind: Entry.Kind
        var mode: Int
        var mtime: Int
        var contents: Range<Int>
    }

    /// The archive is damaged or holds an entry timbang never writes: refused as a whole.
    struct Refusal: Error, CustomStringConvertible {
        /// The entry's name as shown (`shown`), nil for a problem of the structure.
        var entry: String?
        var reason: String
        var description: String { entry.map { "entry '\($0)': \(reason)" } ?? reason }
    }

    /// Reads every entry, copying its contents (see `scan`).
    static func read(_ bytes: [UInt8]) throws -> [Entry] {
        try scan(bytes).map {
            Entry(path: $0.path, kind: $0.kind, bytes: Array(bytes[$0.contents]), mode: $0.mode, mtime: $0.mtime)
        }
    }

    /// Walks the headers, checking each one's checksum and ustar magic, that it is a regular
    /// file or a folder (no link, device, FIFO, pax or GNU long-name header), that its name is
    /// one timbang writes (`nameProblem`: no absolute path, no `..`, no NUL, no ustar prefix),
    /// that its mode has no set-user-ID, set-group-ID or sticky bit, that a folder has no contents, that its announced size is readable and present in
    /// `bytes`, then the end-of-archive blocks and nothing after them.
    ///
    /// Nothing is allocated from a header's word: an announced size is compared with the bytes
    /// at hand before anything is read.
    /// - Throws: `Refusal` on the first problem.
    static func scan(_ bytes: [UInt8]) throws -> [Scanned] {
        var walk = Walk(keep: { _ in false })
        try bytes.withUnsafeBytes { try walk.feed($0) }
        try walk.finish()
        return walk.entries
    }

    /// `scan`'s checks on a tar stream that comes piece by piece (an archive inflated as it is
    /// read), keeping the contents of only the files `keep` names: memory is what they hold,
    /// not what the archive holds. `entries` gives each entry's range in the stream.
    struct Walk {
        let keep: (String) -> Bool
        private(set) var entries: [Scanned] = []
        /// The contents of the kept files, by index in `entries`.
        private(set) var kept: [(entry: Int, bytes: [UInt8])] = []
        private var header: [UInt8] = []
        private var offset = 0
        /// Bytes of the current entry's contents still to come, then of its padding.
        private var contentLeft = 0, paddingLeft = 0
        /// The size the current entry's header claims.
        private var claimed = 0
        private var collecting = false
        private var sawEnd = false

        init(keep: @escaping (String) -> Bool) { self.keep = keep }

        /// Takes the next bytes of the stream. - Throws: `Refusal` on the first problem.
        mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
            var i = 0
            while i < bytes.count {
                if sawEnd {
                    guard bytes[i...].allSatisfy({ $0 == 0 }) else {
                        throw Refusal(reason: "tar: unexpected data after the end-of-archive marker")
                    }
                    offset += bytes.count - i
                    return
                }
                if contentLeft > 0 {
                    let n = min(contentLeft, bytes.count - i)
                    if collecting { kept[kept.count - 1].bytes.append(contentsOf: bytes[i..<(i + n)]) }
                    contentLeft -= n; i += n; offset += n
                    continue
                }
                if paddingLeft > 0 {
                    let n = min(paddingLeft, bytes.count - i)
                    paddingLeft -= n; i += n; offset += n
                    continue
                }
                let n = min(block - header.count, bytes.count - i)
                header.append(contentsOf: bytes[i..<(i + n)])
                i += n; offset += n
                guard header.count == block else { continue }
                let h = header
                header.removeAll(keepingCapacity: true)
                try take(h, at: offset - block)
            }
        }

        /// The end of the stream. - Throws: `Refusal` when the archive is cut short.
        mutating func finish() throws {
            if contentLeft > 0, let last = entries.last {
                throw Refusal(entry: shown(last.path.utf8),
                              reason: "its header claims \(claimed) bytes, only \(last.contents.count - contentLeft) follow (cut short or forged)")
            }
            guard sawEnd else { throw Refusal(reason: "tar: no end-of-archive marker (cut short)") }
        }

        private mutating func take(_ h: [UInt8], at off: Int) throws {
            if h.allSatisfy({ $0 == 0 }) {
                sawEnd = true
                return
            }
            let index = entries.count + 1
            let stored = parseOctal(h[...], 148, 8)
            var sum = 0
            for (i, b) in h.enumerated() { sum += (i >= 148 && i < 156) ? 32 : Int(b) }
            guard let stored, stored == sum else {
                throw Refusal(reason: "tar header \(index) (at byte \(off)): checksum mismatch")
            }
            guard h[257..<262].elementsEqual("ustar".utf8) else {
                throw Refusal(reason: "tar header \(index) (at byte \(off)): not a ustar header")
            }
            // the whole name field, NULs inside included, so that nothing hides behind one
            let field = h[0..<100]
            let nameBytes = Array(field[..<((field.lastIndex { $0 != 0 } ?? -1) + 1)])
            let shownName = shown(nameBytes)
            func refuse(_ reason: String) -> Refusal { Refusal(entry: shownName, reason: reason) }
            let type = h[156]
            let kind: Entry.Kind
            let link = shown(h[157..<257].prefix { $0 != 0 })
            switch type {
            case UInt8(ascii: "0"), 0: kind = .file
            case UInt8(ascii: "5"): kind = .directory
            case UInt8(ascii: "1"): throw refuse("a hard link (to '\(link)'); timbang archives hold only files and folders")
            case UInt8(ascii: "2"): throw refuse("a symbolic link (to '\(link)'); timbang archives hold only files and folders")
            case UInt8(ascii: "3"): throw refuse("a character device; timbang archives hold only files and folders")
            case UInt8(ascii: "4"): throw refuse("a block device; timbang archives hold only files and folders")
            case UInt8(ascii: "6"): throw refuse("a FIFO; timbang archives hold only files and folders")
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                throw refuse("a pax extended header (type '\(shown([type]))'), which timbang never writes")
            case UInt8(ascii: "L"), UInt8(ascii: "K"):
                throw refuse("a GNU long-name header (type '\(shown([type]))'), which timbang never writes")
            default:
                throw refuse("entry type '\(shown([type]))', neither a regular file nor a folder")
            }
            if h[345..<500].contains(where: { $0 != 0 }) {
                throw refuse("a name in the ustar prefix field (longer than 100 bytes), which timbang never writes")
            }
            if let why = nameProblem(nameBytes, directory: kind == .directory) { throw refuse(why) }
            guard let size = parseSize(h[...], 124, 12) else { throw refuse("an unreadable size field") }
            guard let mode = parseOctal(h[...], 100, 8), let mtime = parseOctal(h[...], 136, 12) else {
                throw refuse("an unreadable mode or mtime field")
            }
            if mode & 0o7000 != 0 {
                throw refuse("a set-user-ID, set-group-ID or sticky mode (0\(String(mode, radix: 8))), which timbang never writes")
            }
            if kind == .directory && size != 0 { throw refuse("a folder entry with \(size) bytes of contents") }
            let start = off + block
            // a forged size is never added to or allocated: a range past `Int.max / 2` is cut short
            // there, and the stream ends long before it (`finish` says so)
            let end = start + min(size, Int.max / 2 - start)
            let path = String(decoding: nameBytes, as: UTF8.self)
            entries.append(Scanned(path: path, kind: kind, mode: mode, mtime: mtime, contents: start..<end))
            contentLeft = end - start
            claimed = size
            paddingLeft = (block - contentLeft % block) % block
            collecting = kind == .file && keep(path)
            if collecting { kept.append((entries.count - 1, [])) }
        }
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

    /// A size field: octal, or the base-256 form of GNU tar for sizes of 8 GiB and more (first
    /// byte 0x80), saturating at `Int.max` (so that a forged size is reported, not trusted);
    /// nil when unreadable or negative.
    static func parseSize(_ h: ArraySlice<UInt8>, _ offset: Int, _ width: Int) -> Int? {
        let start = h.startIndex + offset
        guard h[start] == 0x80 else { return parseOctal(h, offset, width) }
        var v = 0
        for b in h[(start + 1)..<(start + width)] {
            let (m, o1) = v.multipliedReportingOverflow(by: 256)
            let (a, o2) = m.addingReportingOverflow(Int(b))
            if o1 || o2 { return Int.max }
            v = a
        }
        return v
    }
}
