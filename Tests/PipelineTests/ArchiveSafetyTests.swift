import Foundation
import Testing
import TimbangCore

/// Hostile and broken archives (issue 16): `timbang verify`, `timbang diff` and `timbang
/// merge` (which streams an archive, `Archive.readFile(path:keeping:)`) refuse each one
/// unread with exit 76 and one line naming the entry and the reason, and never write a
/// file anywhere. The archives are made here byte by byte (ustar headers with their checksum,
/// gzip by timbang's own writer), not by timbang's tar writer, which refuses to write them.
@Suite struct ArchiveSafetyTests {
    /// A ustar header: `size` (a number, written as octal) unless `rawSize` gives the 12 bytes
    /// of the size field as they are (a base-256 size, garbage).
    static func header(_ name: [UInt8], type: UInt8 = UInt8(ascii: "0"), size: Int = 0, rawSize: [UInt8]? = nil,
                       link: String = "", prefix: String = "", mode: Int? = nil) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], _ at: Int) { for (i, b) in bytes.enumerated() { h[at + i] = b } }
        func octal(_ v: Int, _ width: Int) -> [UInt8] {
            let d = Array(String(v, radix: 8).utf8)
            return [UInt8](repeating: UInt8(ascii: "0"), count: max(0, width - 1 - d.count)) + d + [0]
        }
        put(name, 0)
        put(octal(mode ?? (type == UInt8(ascii: "5") ? 0o755 : 0o644), 8), 100)
        put(octal(0, 8), 108); put(octal(0, 8), 116)
        put(rawSize ?? octal(size, 12), 124)
        put(octal(19_900 * 86_400, 12), 136)
        put([UInt8](repeating: 32, count: 8), 148)
        h[156] = type
        put(Array(link.utf8), 157)
        put(Array("ustar".utf8) + [0] + Array("00".utf8), 257)
        put(octal(0, 8), 329); put(octal(0, 8), 337)
        put(Array(prefix.utf8), 345)
        put(octal(h.reduce(0) { $0 + Int($1) }, 7), 148)
        return h
    }

    /// Contents padded to whole blocks.
    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
    }

    /// The end of an archive: two zero blocks, the whole padded to 10240 bytes.
    static func end(_ tar: [UInt8]) -> [UInt8] {
        let t = tar + [UInt8](repeating: 0, count: 1024)
        return t + [UInt8](repeating: 0, count: (10240 - t.count % 10240) % 10240)
    }

    static let csv = Array("a,b\n1,2\n".utf8)

    /// `manifest.json` listing `public/a.csv` (its size and SHA-256), then the folder and the
    /// file: what a timbang archive looks like, small.
    static var goodEntries: [UInt8] {
        let manifest = Array("{\"entries\":[{\"path\":\"public/a.csv\",\"bytes\":\(csv.count),\"sha256\":\"\(sha256Hex(csv))\"}]}".utf8)
        return header(Array("manifest.json".utf8), size: manifest.count) + padded(manifest)
            + header(Array("public/".utf8), type: UInt8(ascii: "5"))
            + header(Array("public/a.csv".utf8), size: csv.count) + padded(csv)
    }

    /// The good entries, then one more (header and contents), ended and gzipped.
    static func with(_ extra: [UInt8]) -> [UInt8] { try! Gzip.compress(end(goodEntries + extra)) }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        /// The archive's bytes, given the folder it is written to.
        var bytes: @Sendable (_ dir: String) -> [UInt8]
        /// What follows `refused <path>: ` (`{dir}`: the folder).
        var why: String
        var testDescription: String { label }
    }

    static let escapeName = "timbang-escape-\(UUID().uuidString).csv"

    static let cases: [Case] = [
        Case(label: "an absolute path", bytes: { _ in with(header(Array("/tmp/\(escapeName)".utf8), size: csv.count) + padded(csv)) },
             why: "entry '/tmp/\(escapeName)': an absolute path"),
        Case(label: "a .. component", bytes: { _ in with(header(Array("public/../../\(escapeName)".utf8), size: csv.count) + padded(csv)) },
             why: "entry 'public/../../\(escapeName)': a '..' path component"),
        Case(label: "a symbolic link", bytes: { _ in with(header(Array("public/b.csv".utf8), type: UInt8(ascii: "2"), link: "/etc/passwd")) },
             why: "entry 'public/b.csv': a symbolic link (to '/etc/passwd'); timbang archives hold only files and folders"),
        Case(label: "a hard link", bytes: { _ in with(header(Array("public/b.csv".utf8), type: UInt8(ascii: "1"), link: "../../etc/shadow")) },
             why: "entry 'public/b.csv': a hard link (to '../../etc/shadow'); timbang archives hold only files and folders"),
        Case(label: "a character device", bytes: { _ in with(header(Array("public/null".utf8), type: UInt8(ascii: "3"))) },
             why: "entry 'public/null': a character device; timbang archives hold only files and folders"),
        Case(label: "a block device", bytes: { _ in with(header(Array("public/sda".utf8), type: UInt8(ascii: "4"))) },
             why: "entry 'public/sda': a block device; timbang archives hold only files and folders"),
        Case(label: "a FIFO", bytes: { _ in with(header(Array("public/pipe".utf8), type: UInt8(ascii: "6"))) },
             why: "entry 'public/pipe': a FIFO; timbang archives hold only files and folders"),
        Case(label: "a pax header", bytes: { _ in
            let pax = Array("30 path=public/../../etc/passwd\n".utf8)
            return with(header(Array("PaxHeaders/a.csv".utf8), type: UInt8(ascii: "x"), size: pax.count) + padded(pax))
        }, why: "entry 'PaxHeaders/a.csv': a pax extended header (type 'x'), which timbang never writes"),
        Case(label: "a GNU long name", bytes: { _ in
            let long = Array((String(repeating: "d/", count: 80) + "x.csv\0").utf8)
            return with(header(Array("././@LongLink".utf8), type: UInt8(ascii: "L"), size: long.count) + padded(long))
        }, why: "entry '././@LongLink': a GNU long-name header (type 'L'), which timbang never writes"),
        Case(label: "a name in the prefix field", bytes: { _ in
            with(header(Array("x.csv".utf8), size: csv.count, prefix: String(repeating: "d", count: 120)) + padded(csv))
        }, why: "entry 'x.csv': a name in the ustar prefix field (longer than 100 bytes), which timbang never writes"),
        Case(label: "a NUL in the name", bytes: { _ in with(header(Array("public/b.csv".utf8) + [0] + Array("../../x".utf8), size: csv.count) + padded(csv)) },
             why: "entry 'public/b.csv\\x00../../x': a NUL byte in its name"),
        Case(label: "a newline in the name", bytes: { _ in with(header(Array("public/b\nc.csv".utf8), size: csv.count) + padded(csv)) },
             why: "entry 'public/b\\x0ac.csv': a character timbang never writes in a name (byte 0x0a; only A–Z, a–z, 0–9, '.', '_', '-' and '/')"),
        Case(label: "a set-user-ID file", bytes: { _ in with(header(Array("public/b.csv".utf8), size: csv.count, mode: 0o4755) + padded(csv)) },
             why: "entry 'public/b.csv': a set-user-ID, set-group-ID or sticky mode (04755), which timbang never writes"),
        Case(label: "a folder with contents", bytes: { _ in with(header(Array("restricted/".utf8), type: UInt8(ascii: "5"), size: csv.count) + padded(csv)) },
             why: "entry 'restricted/': a folder entry with 8 bytes of contents"),
        Case(label: "an entry larger than the manifest says", bytes: { _ in
            let manifest = Array("{\"entries\":[{\"path\":\"public/a.csv\",\"bytes\":8,\"sha256\":\"\(sha256Hex(csv))\"}]}".utf8)
            let big = [UInt8](repeating: UInt8(ascii: "9"), count: 3000)
            return try! Gzip.compress(end(header(Array("manifest.json".utf8), size: manifest.count) + padded(manifest)
                + header(Array("public/a.csv".utf8), size: big.count) + padded(big)))
        }, why: "entry 'public/a.csv': 3000 bytes, more than the 8 the manifest lists"),
        Case(label: "a header claiming 100 GB", bytes: { _ in
            // base-256 (GNU) size 100 GiB, nothing after the header: the tar stops there
            var size = [UInt8](repeating: 0, count: 12)
            size[0] = 0x80
            var v = 100 << 30
            for i in stride(from: 11, to: 0, by: -1) { size[i] = UInt8(v & 0xff); v >>= 8 }
            return try! Gzip.compress(goodEntries + header(Array("public/huge.csv".utf8), rawSize: size))
        }, why: "entry 'public/huge.csv': its header claims 107374182400 bytes, only 0 follow (cut short or forged)"),
        Case(label: "a header claiming more than the file holds", bytes: { _ in
            try! Gzip.compress(goodEntries + header(Array("public/b.csv".utf8), size: 0o77777777777) + padded(csv))
        }, why: "entry 'public/b.csv': its header claims 8589934591 bytes, only 512 follow (cut short or forged)"),
        Case(label: "an unreadable size", bytes: { _ in
            with(header(Array("public/b.csv".utf8), rawSize: Array("12345678z01\0".utf8)))
        }, why: "entry 'public/b.csv': an unreadable size field"),
        Case(label: "a truncated gzip", bytes: { _ in
            let whole = with([])
            return Array(whole.prefix(whole.count / 2))
        }, why: "gzip: file is cut short (no end of stream)"),
        Case(label: "garbage, not gzip", bytes: { _ in Array("this is not an archive at all, only text\n".utf8) },
             why: "not a gzip file (bad magic bytes)"),
        Case(label: "gzip of garbage", bytes: { _ in try! Gzip.compress(Array(repeating: Array("garbage!".utf8), count: 200).flatMap { $0 }) },
             why: "tar header 1 (at byte 0): checksum mismatch"),
        Case(label: "a tar without its end", bytes: { _ in try! Gzip.compress(goodEntries) },
             why: "tar: no end-of-archive marker (cut short)"),
        Case(label: "data after the end", bytes: { _ in try! Gzip.compress(end(goodEntries) + padded(csv)) },
             why: "tar: unexpected data after the end-of-archive marker"),
        Case(label: "a second gzip member", bytes: { _ in with([]) + with([]) },
             why: "gzip: \(with([]).count) unexpected bytes after the end of the stream"),
    ]

    /// Every file under `dir`, with its bytes.
    static func snapshot(_ dir: String) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for p in (try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? [] { out[p] = readFileBytes(dir + "/" + p) ?? [] }
        return out
    }

    @Test(arguments: ArchiveSafetyTests.cases)
    func verifyAndDiffRefuseIt(_ c: Case) throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let dir = makeTempFolder("hostile")
        let good = dir + "/good.tar.gz", bad = dir + "/bad.tar.gz"
        try AtomicFile.write(Self.with([]), to: good)
        try AtomicFile.write(c.bytes(dir), to: bad)
        // the good one is whole: what is refused is the entry, not the way these are made
        let ok = try runTimbang(["verify", good])
        #expect(ok.code == 0 && ok.out == "\(good): OK (1 entries match the manifest)\n", "\(ok.err)")
        let before = Self.snapshot(dir)

        let v = try runTimbang(["verify", bad])
        #expect(v.code == 76, "\(c.label): \(v.code) \(v.err)")
        #expect(v.err == "timbang verify: refused \(bad): \(c.why)\n", "\(c.label)")
        #expect(v.out.isEmpty)
        for args in [[good, bad], [bad, good], [bad, bad]] {
            let d = try runTimbang(["diff"] + args)
            #expect(d.code == 76, "\(c.label) \(args): \(d.code) \(d.err)")
            #expect(d.err == "timbang diff: refused \(bad): \(c.why)\n", "\(c.label) \(args)")
            #expect(d.out.isEmpty)
        }
        // merge streams an archive (keeping only its merge tables) with the same checks
        for args in [[bad], [bad, good]] {
            let m = try runTimbang(["merge", dir + "/merged.tar.gz"] + args)
            #expect(m.code == 76, "\(c.label) \(args): \(m.code) \(m.err)")
            #expect(m.err == "timbang merge: refused \(bad): \(c.why)\n", "\(c.label) \(args)")
        }
        // nothing was written: not beside the archive, not where an entry points
        #expect(Self.snapshot(dir) == before)
        for p in ["/tmp/" + Self.escapeName, dir + "/../../" + Self.escapeName, FileManager.default.currentDirectoryPath + "/../../" + Self.escapeName] {
            #expect(!FileManager.default.fileExists(atPath: p), "\(p)")
        }
    }

    /// Not a regular file: refused at once, a FIFO never opened for a read that would wait.
    @Test func aFIFOOrADeviceIsRefusedWithoutWaiting() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let dir = makeTempFolder("hostile-fifo")
        #expect(mkfifo(dir + "/fifo.tar.gz", 0o644) == 0)
        for path in [dir + "/fifo.tar.gz", "/dev/zero"] {
            let v = try runTimbang(["verify", path])
            #expect(v.code == 76 && v.err == "timbang verify: refused \(path): not a regular file\n", "\(v.code) \(v.err)")
        }
        // a missing file is still 66: nothing to refuse
        let missing = try runTimbang(["verify", dir + "/none.tar.gz"])
        #expect(missing.code == 66 && missing.err == "timbang verify: cannot read \(dir)/none.tar.gz: No such file or directory\n",
                "\(missing.err)")
        let gone = try runTimbang(["diff", dir + "/none.tar.gz", "/dev/zero"])
        #expect(gone.code == 66 && gone.err == "timbang diff: cannot read \(dir)/none.tar.gz: No such file or directory\n",
                "\(gone.err)")
    }
}
