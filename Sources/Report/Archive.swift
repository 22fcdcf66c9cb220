import TimbangCore

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
        public var ok: Bool { problems.isEmpty }
    }

    /// Reads an archive file: gunzip (CRC and length checked), then the tar structure.
    /// - Returns: the file entries (folders left out), in archive order.
    /// - Throws: `ReportError` when the file cannot be read or is not a gzip'd ustar archive.
    public static func read(path: String) throws -> [Entry] {
        guard let bytes = readFileBytes(path) else {
            throw ReportError.cannotRead(path: path, why: "no such file or not readable")
        }
        do { return try read(bytes: bytes) } catch let e as ReportError { throw e } catch {
            throw ReportError.notAnArchive(path: path, why: "\(error)")
        }
    }

    /// Reads archive bytes (see `read(path:)`).
    public static func read(bytes: [UInt8]) throws -> [Entry] {
        let tar = try Gzip.decompress(bytes)
        return try Tar.read(tar).filter { $0.kind == .file }.map { Entry(path: $0.path, bytes: $0.bytes) }
    }

    /// The parsed `manifest.json` of an archive's entries.
    public static func manifest(_ entries: [Entry]) throws -> JSON {
        guard let m = entries.first(where: { $0.path == "manifest.json" }) else {
            throw ReportError.badSetting("the archive has no manifest.json")
        }
        return try JSON.parse(m.text)
    }

    /// Checks an archive: the fixed gzip header timbang writes (a re-compressed file fails), the
    /// gzip stream (CRC-32, length, nothing after it), every tar header checksum
    /// and the end-of-archive blocks, that `manifest.json` comes first and parses, and that the
    /// archive holds exactly the files the manifest lists, each with its listed size and SHA-256.
    public static func verify(path: String) -> VerifyResult {
        guard let bytes = readFileBytes(path) else {
            return VerifyResult(checked: 0, problems: ["cannot read \(path)"])
        }
        return verify(bytes: bytes)
    }

    /// `verify(path:)` on bytes already read.
    public static func verify(bytes: [UInt8]) -> VerifyResult {
        if bytes.count >= 10, bytes[0] == 0x1f, bytes[1] == 0x8b,
           Array(bytes[2..<8]) != [8, 0, 0, 0, 0, 0] || bytes[9] != 3 {
            return VerifyResult(checked: 0, problems: [
                "gzip header is not the fixed one timbang writes (deflate, no flags, MTIME 0, OS 3): the file was re-compressed or altered",
            ])
        }
        let tar: [Tar.Entry]
        do { tar = try Tar.read(try Gzip.decompress(bytes)) } catch {
            return VerifyResult(checked: 0, problems: ["\(error)"])
        }
        var problems: [String] = []
        let files = tar.filter { $0.kind == .file }
        guard let first = files.first, first.path == "manifest.json" else {
            return VerifyResult(checked: 0, problems: ["manifest.json is missing or not the first entry"])
        }
        let manifest: JSON
        do { manifest = try JSON.parse(String(decoding: first.bytes, as: UTF8.self)) } catch {
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
            if exp.bytes != f.bytes.count {
                problems.append("\(f.path): \(f.bytes.count) bytes, manifest says \(exp.bytes.map(String.init) ?? "?")")
            }
            let sha = sha256Hex(f.bytes)
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
