import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

/// Reading and verifying report archives (for `timbang verify` and `timbang diff`).
public enum Archive {
    /// One file of an archive.
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var bytes: [UInt8]
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// What `verify` found.
    public struct VerifyResult: Sendable, Equatable {
        /// Files checked against the manifest (manifest excluded).
        public var checked: Int
        /// One line per problem; empty when the archive is intact.
        public var problems: [String]
        /// Why the archive was refused unread (damaged or unsafe: see `Archive.open`); nil
        /// when it could be read.
        public var refused: String?
        public var ok: Bool { problems.isEmpty && refused == nil }
    }

    /// The most bytes an archive may hold, compressed or not (4 GiB; the archive of a
    /// 1 M-record district is a 462 MB tar). A larger one is refused before it is read or
    /// inflated further, so that a gzip bomb never takes the memory it asks for.
    public static let maxBytes = 4 << 30

    /// Reads an archive file: gunzip (CRC and length checked), then the tar structure, refusing
    /// what is damaged or unsafe (see `open(_:)`).
    /// - Returns: the file entries (folders left out), in archive order.
    /// - Throws: `ReportError.cannotRead` when the file cannot be read, `.refused` when it is not
    ///   a whole, safe timbang archive.
    public static func read(path: String) throws -> [Entry] {
        let bytes = try readArchiveFile(path)
        do { return try read(bytes: bytes) } catch let e as Tar.Refusal {
            throw ReportError.refused(path: path, why: e.description)
        }
    }

    /// Reads archive bytes (see `read(path:)`); throws `Tar.Refusal`.
    public static func read(bytes: [UInt8]) throws -> [Entry] {
        let (tar, entries) = try open(bytes)
        return entries.filter { $0.kind == .file }.map { Entry(path: $0.path, bytes: Array(tar[$0.contents])) }
    }

    /// Inflates (at most `maxBytes`) and scans archive bytes, refusing on the first problem:
    /// a damaged gzip stream, a tar structure `Tar.scan` refuses (an absolute or `..` path, a
    /// NUL or over-long name, a link, device, FIFO or pax/GNU header, a size beyond the bytes
    /// present), or a file larger than the `bytes` the manifest lists for it. Nothing is
    /// written anywhere: entries are ranges of the inflated bytes in memory.
    static func open(_ bytes: [UInt8]) throws -> (tar: [UInt8], entries: [Tar.Scanned]) {
        let tar: [UInt8]
        do { tar = try Gzip.decompress(bytes, limit: maxBytes) } catch let e as Gzip.Failure {
            throw Tar.Refusal(reason: e.description)
        }
        let entries = try Tar.scan(tar)
        if let m = entries.first(where: { $0.kind == .file && $0.path == "manifest.json" }) {
            try checkListedSizes(entries, manifest: tar[m.contents])
        }
        return (tar, entries)
    }

    /// Refuses a file larger than the `bytes` the manifest lists for it (a manifest that does
    /// not parse lists nothing here; `verify` reports it).
    static func checkListedSizes(_ entries: [Tar.Scanned], manifest: some Collection<UInt8>) throws {
        guard let listed = (try? JSON.parse(String(decoding: manifest, as: UTF8.self)))?["entries"]?.array else { return }
        var size: [String: Int] = [:]
        for e in listed { if let p = e["path"]?.string, let b = e["bytes"]?.int { size[p] = b } }
        for e in entries where e.kind == .file {
            if let b = size[e.path], e.contents.count > b {
                throw Tar.Refusal(entry: Tar.shown(e.path.utf8),
                                  reason: "\(e.contents.count) bytes, more than the \(b) the manifest lists")
            }
        }
    }

    /// Reads only some files of an archive, streaming it: the archive is inflated and walked
    /// piece by piece with every check of `read(path:)` (`open(_:)`), but only the contents of
    /// `manifest.json` and of the files `keep` names are kept, so that memory is what they hold
    /// (`timbang merge` keeps the merge tables of a 460 MB archive, not the archive).
    /// - Returns: those files (archive order), the archive file's size and SHA-256.
    /// - Throws: as `read(path:)`.
    public static func readFile(path: String, keeping keep: @escaping (String) -> Bool) throws
        -> (entries: [Entry], bytes: Int, sha256: String) {
        let (fd, size) = try openArchiveFile(path)
        defer { close(fd) }
        var hash = SHA256Stream()
        var total = 0
        var walk = Tar.Walk(keep: { $0 == "manifest.json" || keep($0) })
        do {
            if size < 18 { throw Gzip.Failure(description: "not a gzip file (bad magic bytes)") }
            var magic: [UInt8] = []
            try Gzip.inflate(limit: maxBytes, read: { buffer in
                while true {
                    let n = Glibc.read(fd, buffer.baseAddress!, buffer.count)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw ReportError.cannotRead(path: path, why: String(cString: strerror(errno)))
                    }
                    if n > 0 {
                        hash.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                        if magic.count < 2 { magic += buffer[0..<min(n, 2 - magic.count)] }
                        if magic.count == 2 && magic != [0x1f, 0x8b] {
                            throw Gzip.Failure(description: "not a gzip file (bad magic bytes)")
                        }
                    }
                    total += n
                    return n
                }
            }, deliver: { try walk.feed($0) })
            try walk.finish()
            if let m = walk.kept.first(where: { walk.entries[$0.entry].path == "manifest.json" }) {
                try checkListedSizes(walk.entries, manifest: m.bytes)
            }
        } catch let e as Gzip.Failure {
            throw ReportError.refused(path: path, why: e.description)
        } catch let e as Tar.Refusal {
            throw ReportError.refused(path: path, why: e.description)
        }
        let entries = walk.kept.map { Entry(path: walk.entries[$0.entry].path, bytes: $0.bytes) }
        return (entries, total, hash.finalizeHex())
    }

    /// The bytes of an archive file: only a regular file (after symlinks), opened without
    /// waiting (a FIFO or a device is refused at once, never read), and at most `maxBytes`.
    /// - Throws: `ReportError.cannotRead` (no such file, not readable), `.refused` (not a
    ///   regular file, too large).
    static func readArchiveFile(_ path: String) throws -> [UInt8] {
        let (fd, size) = try openArchiveFile(path)
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: Int(size))
        var used = 0
        while used < out.count {
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + used, $0.count - used) }
            if n < 0 { if errno == EINTR { continue }; throw ReportError.cannotRead(path: path, why: String(cString: strerror(errno))) }
            if n == 0 { break }
            used += n
        }
        out.removeSubrange(used...)
        return out
    }

    /// Opens an archive file for reading: only a regular file (after symlinks), opened without
    /// waiting, of at most `maxBytes`. The caller closes the descriptor.
    static func openArchiveFile(_ path: String) throws -> (fd: Int32, size: Int) {
        switch openRegularFile(path) {
        case .success(let (fd, st)):
            guard Int(st.st_size) <= maxBytes else {
                close(fd)
                throw ReportError.refused(path: path, why: "\(st.st_size) bytes, more than the \(maxBytes) an archive may hold")
            }
            return (fd, Int(st.st_size))
        case .failure(.system(let why)): throw ReportError.cannotRead(path: path, why: why)
        case .failure(.notRegular): throw ReportError.refused(path: path, why: "not a regular file")
        }
    }

    /// The parsed `manifest.json` of an archive's entries.
    public static func manifest(_ entries: [Entry]) throws -> JSON {
        guard let m = entries.first(where: { $0.path == "manifest.json" }) else {
            throw ReportError.badSetting("the archive has no manifest.json")
        }
        return try JSON.parse(m.text)
    }

    /// Checks an archive: first that it can be read safely (`open(_:)`: the gzip stream with
    /// its CRC-32 and length and nothing after it, every tar header, no unsafe entry, no
    /// file larger than the manifest lists), else it is `refused`; then the fixed gzip header
    /// timbang writes (a re-compressed file fails), that `manifest.json` comes first and
    /// parses, and that the archive holds exactly the files the manifest lists, each with its
    /// listed size and SHA-256.
    public static func verify(path: String) -> VerifyResult {
        do { return verify(bytes: try readArchiveFile(path)) } catch ReportError.refused(_, let why) {
            return VerifyResult(checked: 0, problems: [], refused: why)
        } catch {
            return VerifyResult(checked: 0, problems: ["\(error)"])
        }
    }

    /// `verify(path:)` on bytes already read.
    public static func verify(bytes: [UInt8]) -> VerifyResult {
        let tar: [UInt8], scanned: [Tar.Scanned]
        do { (tar, scanned) = try open(bytes) } catch {
            return VerifyResult(checked: 0, problems: [], refused: "\(error)")
        }
        if bytes.count >= 10, Array(bytes[2..<8]) != [8, 0, 0, 0, 0, 0] || bytes[9] != 3 {
            return VerifyResult(checked: 0, problems: [
                "gzip header is not the fixed one timbang writes (deflate, no flags, MTIME 0, OS 3): the file was re-compressed or altered",
            ])
        }
        var problems: [String] = []
        let files = scanned.filter { $0.kind == .file }
        guard let first = files.first, first.path == "manifest.json" else {
            return VerifyResult(checked: 0, problems: ["manifest.json is missing or not the first entry"])
        }
        let manifest: JSON
        do { manifest = try JSON.parse(String(decoding: tar[first.contents], as: UTF8.self)) } catch {
            return VerifyResult(checked: 0, problems: ["manifest.json: \(error)"])
        }
        guard let listed = manifest["entries"]?.array else {
            return VerifyResult(checked: 0, problems: ["manifest.json has no entries list"])
        }
        var expected: [String: (bytes: Int?, sha: String?)] = [:]
        for e in listed {
            guard let p = e["path"]?.string else { problems.append("manifest.json: an entry without a path"); continue }
            expected[p] = (e["bytes"]?.int, e["sha256"]?.string)
        }
        var seen: Set<String> = []
        var checked = 0
        for f in files.dropFirst() {
            guard seen.insert(f.path).inserted else { problems.append("\(f.path): appears twice"); continue }
            guard let exp = expected[f.path] else { problems.append("\(f.path): not listed in the manifest"); continue }
            checked += 1
            if exp.bytes != f.contents.count {
                problems.append("\(f.path): \(f.contents.count) bytes, manifest says \(exp.bytes.map(String.init) ?? "?")")
            }
            let sha = sha256Hex(tar[f.contents])
            if exp.sha != sha {
                problems.append("\(f.path): SHA-256 \(sha), manifest says \(exp.sha ?? "?")")
            }
        }
        for p in expected.keys.sorted() where !seen.contains(p) {
            problems.append("\(p): listed in the manifest but missing from the archive")
        }
        return VerifyResult(checked: checked, problems: problems)
    }
}
