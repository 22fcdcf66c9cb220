#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TimbangCore
@testable import Report

/// A fresh temporary folder for one test.
func temporaryFolder(_ tag: String) -> String {
    let path = "/tmp/timbang-report-tests-\(getpid())-\(tag)"
    _ = try? FileManager.default.removeItem(atPath: path)
    try! AtomicFile.makeDirectories(path)
    return path
}

func writeFile(_ bytes: [UInt8], _ path: String) { try! AtomicFile.write(bytes, to: path) }

@Suite struct DeterminismTests {
    @Test func sameInputGivesIdenticalBytesTwice() throws {
        let input = Fixture().input()
        let a = try Report.buildArchive(input)
        let b = try Report.buildArchive(input)
        #expect(a == b)
        #expect(a.count > 1000)
    }

    @Test func timeZoneAndLanguageDoNotChangeTheBytes() throws {
        let input = Fixture().input()
        let before = try Report.buildArchive(input)
        let oldTZ = getenv("TZ").map { String(cString: $0) }, oldLang = getenv("LANG").map { String(cString: $0) }
        setenv("TZ", "Asia/Jayapura", 1); setenv("LANG", "id_ID.UTF-8", 1); setenv("LC_ALL", "id_ID.UTF-8", 1)
        tzset()
        let after = try Report.buildArchive(input)
        if let oldTZ { setenv("TZ", oldTZ, 1) } else { unsetenv("TZ") }
        if let oldLang { setenv("LANG", oldLang, 1) } else { unsetenv("LANG") }
        unsetenv("LC_ALL")
        tzset()
        #expect(before == after)
    }

    /// The compression level changes the compressed bytes only: the same entries, and the same
    /// workbook parts inside the workbooks (the manifest differs only by their hashes).
    @Test func theCompressionLevelChangesOnlyTheCompressedBytes() throws {
        var input = Fixture().input()
        #expect(input.compressionLevel == 1)
        let fast = try Report.buildArchive(input)
        input.compressionLevel = 9
        let small = try Report.buildArchive(input)
        #expect(fast != small)
        func entries(_ archive: [UInt8]) throws -> [String: [UInt8]] {
            let tar = try Gzip.decompress(archive, limit: 1 << 30)
            var out: [String: [UInt8]] = [:]
            for e in try Tar.scan(tar) where e.kind == .file { out[e.path] = Array(tar[e.contents]) }
            return out
        }
        let (a, b) = (try entries(fast), try entries(small))
        #expect(a.keys.sorted() == b.keys.sorted())
        let workbooks = a.keys.filter { $0.hasSuffix(".xlsx") }.sorted()
        #expect(workbooks == ["public/laporan.xlsx", "public/tables.xlsx", "restricted/laporan.xlsx"])
        for name in workbooks {
            #expect(a[name] != b[name], "\(name)")
            #expect(try ExcelTables.xmlText(a[name]!) == ExcelTables.xmlText(b[name]!), "\(name)")
        }
        for name in a.keys where !workbooks.contains(name) && name != "manifest.json" { #expect(a[name] == b[name], "\(name)") }
        // the manifests: the same but for the workbooks' sizes and hashes
        let manifests = try [a, b].map { m in
            var json = try #require(try JSONSerialization.jsonObject(with: Data(m["manifest.json"]!)) as? [String: Any])
            let listed = try #require(json["entries"] as? [[String: Any]])
            #expect(listed.filter { workbooks.contains($0["path"] as? String ?? "") }.count == 3)
            json["entries"] = listed.filter { !workbooks.contains($0["path"] as? String ?? "") }
            return json as NSDictionary
        }
        #expect(manifests[0] == manifests[1])

        input.compressionLevel = 0
        #expect(throws: ReportError.self) { try Report.buildArchive(input) }
    }

    @Test func gzipHeaderIsFixed() throws {
        let bytes = try Report.buildArchive(Fixture().input())
        // ID1 ID2 CM FLG MTIME(4) XFL OS: deflate, no flags, no time, level 6, Unix.
        #expect(Array(bytes[0..<10]) == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])
    }

    @Test func gzipOfSeveralBlocksIsOneOrdinaryMember() throws {
        // 2.5 blocks of CSV-like text, and the edge cases of the block cut
        var text: [UInt8] = []
        var n: UInt64 = 7
        while text.count < Gzip.blockSize * 5 / 2 {
            n = n &* 6364136223846793005 &+ 1442695040888963407
            text += Array("\(n >> 40),posyandu \(n % 97),2024-0\(n % 9 + 1)\n".utf8)
        }
        for input in [text, Array(text.prefix(Gzip.blockSize)), Array(text.prefix(Gzip.blockSize + 1)), [], [65]] {
            let z = try Gzip.compress(input)
            #expect(Array(z[0..<10]) == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])
            #expect(try Gzip.decompress(z) == input, "\(input.count) bytes")
            #expect(try Gzip.compress(input) == z)
        }
        let z = try Gzip.compress(text)
        #expect(z.count < text.count / 2)
        // the system gzip reads it as one member with a good CRC and length
        let gzip = ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let gzip else { return }
        let dir = temporaryFolder("gzip")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        writeFile(z, dir + "/t.gz")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: gzip)
        p.arguments = ["-t", dir + "/t.gz"]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    /// The streaming writer (the archive goes through it) gives `compress`'s bytes, whatever the
    /// pieces it is fed in and the threads: flushed mid-stream (more than a batch of blocks), on
    /// a block boundary, and with nothing written at all.
    @Test func gzipWriterGivesTheBytesOfCompressWhateverThePieces() throws {
        var text: [UInt8] = []
        var n: UInt64 = 11
        while text.count < Gzip.blockSize * 11 / 2 {
            n = n &* 6364136223846793005 &+ 1442695040888963407
            text += Array("\(n >> 40),desa \(n % 89),2024-1\(n % 3)\n".utf8)
        }
        let sizes = [text.count, 2 * Gzip.blockSize, 4 * Gzip.blockSize, 4 * Gzip.blockSize + 1, 1, 0]
        for size in sizes {
            let input = Array(text.prefix(size))
            let expected = try Gzip.compress(input)
            for (threads, piece) in [(1, 100_003), (3, 1 << 22), (2, Int.max)] {
                var out: [UInt8] = []
                var w = try Gzip.Writer(threads: threads) { out += $0 }
                var at = 0
                while at < input.count {
                    let end = input.count - at > piece ? at + piece : input.count
                    try w.write(Array(input[at..<end]))
                    at = end
                }
                try w.finish()
                #expect(out == expected, "\(size) bytes in pieces of \(piece) on \(threads) threads")
            }
        }
    }

    @Test func entriesAreInFixedOrderWithFixedOwnersModesAndTimes() throws {
        let tar = try Tar.read(try Gzip.decompress(try Report.buildArchive(Fixture().input())))
        let paths = tar.map(\.path)
        #expect(paths == [
            "manifest.json", "public/", "public/categories.csv", "public/findings.csv", "public/laporan.xlsx", "public/prevalence.csv",
            "public/quality.csv", "public/rejections.csv", "public/report.html", "public/skdn.csv", "public/tables.xlsx", "public/zdist.csv",
            "restricted/", "restricted/by_name_followup.csv", "restricted/child_months.csv", "restricted/findings.csv",
            "restricted/followup.csv", "restricted/laporan.xlsx", "restricted/ledger.csv", "restricted/report.html",
        ])
        let asOf = Int(Day(year: 2024, month: 4, day: 10)!.ordinal) * 86_400
        for e in tar {
            #expect(e.mtime == asOf)
            #expect(e.mode == (e.kind == .directory ? 0o755 : 0o644), "\(e.path)")
        }
    }

    @Test func standardTarListsAndExtractsTheArchive() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tar") || FileManager.default.isExecutableFile(atPath: "/bin/tar") else { return }
        let dir = temporaryFolder("tar")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = try Report.buildArchive(Fixture().input())
        writeFile(bytes, dir + "/a.tar.gz")
        func run(_ args: [String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/bin/tar") ? "/usr/bin/tar" : "/bin/tar")
            p.arguments = args
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let (rc, list) = try run(["-tzf", dir + "/a.tar.gz"])
        #expect(rc == 0, "\(list)")
        let names = list.split(separator: "\n").map(String.init)
        #expect(names.first == "manifest.json")
        #expect(names.contains("public/report.html"))
        #expect(names.contains("restricted/ledger.csv"))
        try AtomicFile.makeDirectories(dir + "/x")
        let (rc2, out2) = try run(["-xzf", dir + "/a.tar.gz", "-C", dir + "/x"])
        #expect(rc2 == 0, "\(out2)")
        let entries = try Archive.read(bytes: bytes)
        for e in entries {
            #expect(readFileBytes(dir + "/x/" + e.path) == e.bytes, "\(e.path)")
        }
    }

    @Test func publishWritesAtomicallyAndMovesLatest() throws {
        let dir = temporaryFolder("publish")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = Fixture().input()
        let published = try Report.publish(input, folder: dir)
        let path = published.path
        #expect(path == dir + "/kabupaten-contoh-2024-01_2024-03-2024-04-10.tar.gz")
        let bytes = try Report.buildArchive(input)
        #expect(readFileBytes(path) == bytes)
        #expect(published.bytes == bytes.count)
        #expect(published.sha256 == sha256Hex(bytes))
        var buf = [CChar](repeating: 0, count: 512)
        let n = readlink(dir + "/latest.tar.gz", &buf, 511)
        #expect(n > 0)
        #expect(String(decoding: buf[0..<max(n, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                == "kabupaten-contoh-2024-01_2024-03-2024-04-10.tar.gz")
        var second = input
        second.asOf = Day(year: 2024, month: 5, day: 1)!
        let path2 = try Report.publish(second, folder: dir).path
        #expect(Archive.verify(path: dir + "/latest.tar.gz").ok)
        #expect(readFileBytes(dir + "/latest.tar.gz") == readFileBytes(path2))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == ["kabupaten-contoh-2024-01_2024-03-2024-04-10.tar.gz",
                          "kabupaten-contoh-2024-01_2024-03-2024-05-01.tar.gz", "latest.tar.gz"])
    }

    @Test func manifestListsFactsAndHashesOfEveryOtherEntry() throws {
        let entries = try Archive.read(bytes: try Report.buildArchive(Fixture().input()))
        let m = try Archive.manifest(entries)
        #expect(m["as_of"]?.string == "2024-04-10")
        #expect(m["hmac_key_id"]?.string == "dinkes-2024-01")
        #expect(m["inputs"]?.array?.count == 3)
        #expect(m["inputs"]?.array?.first?["name"]?.string == "eppgbm/tanjung-sari-2024Q1.csv.gz")
        #expect(m["references"]?.array?.map { $0["version"]?.string ?? "" } == ["Buku KIA 2023", "WHO 2006"])
        #expect(m["suppression"]?["k"]?.int == 5)
        #expect(m["ledger_fates"]?["records"]?.int == 40)
        #expect(m["run_time"] == nil)
        let listed = m["entries"]?.array ?? []
        #expect(listed.count == entries.count - 1)
        for (e, l) in zip(entries.dropFirst(), listed) {
            #expect(l["path"]?.string == e.path)
            #expect(l["sha256"]?.string == sha256Hex(e.bytes))
        }
        #expect(m["config"]?.string?.contains("min_cell = 5") == true)
        // The writer's own output reads back to the same value.
        #expect(try JSON.parse(m.rendered()) == m)
    }

    @Test func aTableRenderedByItsStageIsArchivedAsTheSameEntry() throws {
        let plain = Fixture().input()
        var rendered = plain
        let i = try #require(rendered.monitor.firstIndex { $0.name == "child_months" })
        let t = rendered.monitor.remove(at: i)
        rendered.rendered = [RenderedTable(name: t.name, rowCount: t.rows.count, csv: t.csvBytes())]
        let bytes = try Report.buildArchive(rendered)
        #expect(bytes == (try Report.buildArchive(plain)))
        #expect(Archive.verify(bytes: bytes).ok)
    }
}

@Suite struct VerifyTests {
    @Test func intactArchiveVerifies() throws {
        let r = Archive.verify(bytes: try Report.buildArchive(Fixture().input()))
        #expect(r.ok, "\(r.problems)")
        #expect(r.checked == 17)
    }

    @Test(arguments: [0, 5, 200, 1000, -8, -3])
    func oneChangedByteFails(_ position: Int) throws {
        var bytes = try Report.buildArchive(Fixture().input())
        let i = position >= 0 ? position : bytes.count + position
        bytes[i] ^= 0x01
        let r = Archive.verify(bytes: bytes)
        #expect(!r.ok, "byte \(i) changed but verify passed")
    }

    /// An archive re-packed with a valid gzip and tar structure but one changed entry.
    @Test func changedEntryInAWellFormedArchiveFails() throws {
        var tar = try Tar.read(try Gzip.decompress(try Report.buildArchive(Fixture().input())))
        let i = tar.firstIndex { $0.path == "public/prevalence.csv" }!
        tar[i].bytes[tar[i].bytes.count - 2] = UInt8(ascii: "9")
        tar.append(.file("public/extra.csv", Array("a\n".utf8), mtime: 0))
        let r = Archive.verify(bytes: try Gzip.compress(try Tar.write(tar)))
        #expect(!r.ok)
        #expect(r.problems.contains { $0.hasPrefix("public/prevalence.csv: SHA-256") })
        #expect(r.problems.contains("public/extra.csv: not listed in the manifest"))
        tar.remove(at: tar.firstIndex { $0.path == "public/zdist.csv" }!)
        let r2 = Archive.verify(bytes: try Gzip.compress(try Tar.write(tar)))
        #expect(r2.problems.contains("public/zdist.csv: listed in the manifest but missing from the archive"))
    }
}

@Suite struct ManifestTests {
    @Test func secretsInTheConfigAreRedactedButTheirIdsKept() {
        let text = "[link]\nhmac_key = \"s3cr3t-value\"\nhmac_key_id = \"dinkes-1\"\nkey_file = \"/etc/k\"\n# api_token = x\nname = \"demo\""
        let r = Report.redactSecrets(text)
        #expect(r == "[link]\nhmac_key = \"<redacted>\"\nhmac_key_id = \"dinkes-1\"\nkey_file = \"/etc/k\"\n# api_token = \"<redacted>\"\nname = \"demo\"")
    }
}

/// What the tar writer refuses and the reader's bounds (issue 16); the hostile archives
/// themselves go through the binary in `ArchiveSafetyTests`.
@Suite struct ArchiveBoundsTests {
    /// The writer writes only names the reader accepts: one rule, `Tar.nameProblem`.
    @Test(arguments: [
        ("/etc/passwd", "an absolute path"), ("public/../x.csv", "a '..' path component"), ("", "an empty name"),
        ("public//x.csv", "an empty or '.' path component"), ("./x.csv", "an empty or '.' path component"),
        ("a\0b", "a NUL byte in its name"), (String(repeating: "x", count: 101), "a name longer than 100 bytes"),
        ("public/a b.csv", "a character timbang never writes in a name (byte 0x20; only A–Z, a–z, 0–9, '.', '_', '-' and '/')"),
    ])
    func theWriterRefusesAnUnsafeName(_ name: String, _ why: String) {
        #expect(Tar.nameProblem(Array(name.utf8), directory: false) == why)
        #expect(throws: Tar.Failure.self) { try Tar.write([.file(name, [1], mtime: 0)]) }
    }

    @Test func everyNameOfARealArchiveIsSafe() throws {
        let entries = try Tar.read(try Gzip.decompress(try Report.buildArchive(Fixture().input(byName: true))))
        for e in entries { #expect(Tar.nameProblem(Array(e.path.utf8), directory: e.kind == .directory) == nil, "\(e.path)") }
    }

    /// A gzip bomb stops at the limit: 64 MiB of zeros (64 KiB compressed) against 1 MiB.
    @Test func inflatingStopsAtTheLimit() throws {
        let bomb = try Gzip.compress([UInt8](repeating: 0, count: 64 << 20))
        #expect(bomb.count < 1 << 17)
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(bomb, limit: 1 << 20) }
        #expect(try Gzip.decompress(bomb, limit: 64 << 20).count == 64 << 20)
        // a trailer announcing 1 MiB: inflating stops there, the 64 MiB are never allocated
        var forged = bomb
        forged.replaceSubrange((forged.count - 4)..., with: [0, 0, 16, 0])
        do { _ = try Gzip.decompress(forged, limit: 64 << 20); Issue.record("a forged trailer was not refused") } catch {
            #expect("\(error)" == "gzip: inflates to more than the 1048576 bytes its trailer announces (cut short or forged)")
        }
    }

    /// `Gzip.inflate` read a few bytes at a time gives what `decompress` gives of the whole,
    /// and refuses alike what is cut short or has bytes after the member.
    @Test(arguments: [1, 7, 4096, 1 << 20])
    func inflatingPieceByPieceEqualsDecompressingTheWhole(_ bufferSize: Int) throws {
        var text: [UInt8] = []
        var x: UInt64 = 7
        while text.count < 3 * Gzip.blockSize / 2 { x = x &* 6364136223846793005 &+ 1442695040888963407; text += Array("row \(x >> 40),\n".utf8) }
        let z = try Gzip.compress(text)
        func pieces(_ bytes: [UInt8]) throws -> [UInt8] {
            var at = 0, out: [UInt8] = []
            try Gzip.inflate(read: { buffer in
                let n = min(buffer.count, bytes.count - at)
                bytes[at..<(at + n)].withUnsafeBytes { buffer.copyMemory(from: $0) }
                at += n
                return n
            }, bufferSize: bufferSize, deliver: { out += $0 })
            return out
        }
        #expect(try pieces(z) == text)
        for damaged in [Array(z.dropLast(9)), z + [0, 1, 2], z + z] {
            var whole = "", piecewise = ""
            do { _ = try Gzip.decompress(damaged) } catch { whole = "\(error)" }
            do { _ = try pieces(damaged) } catch { piecewise = "\(error)" }
            #expect(!whole.isEmpty && piecewise == whole, "\(damaged.count) bytes")
        }
    }

    /// `readFile(path:keeping:)` streams an archive and keeps the manifest and the files asked
    /// for, as `read(path:)` reads them, with the file's size and SHA-256.
    @Test func readingSomeFilesOfAnArchiveKeepsThoseAsTheWholeReadGivesThem() throws {
        let dir = temporaryFolder("keeping")
        let bytes = try Report.buildArchive(Fixture().input())
        writeFile(bytes, dir + "/a.tar.gz")
        let all = try Archive.read(path: dir + "/a.tar.gz")
        let (kept, size, sha) = try Archive.readFile(path: dir + "/a.tar.gz") { $0.hasPrefix("public/") }
        #expect(size == bytes.count && sha == sha256Hex(bytes))
        #expect(kept == all.filter { $0.path == "manifest.json" || $0.path.hasPrefix("public/") })
        #expect(kept.count > 2)
        // a file larger than the manifest lists is refused as `read` refuses it
        var tar = try Tar.read(try Gzip.decompress(bytes))
        let i = try #require(tar.firstIndex { $0.path.hasPrefix("public/") && $0.kind == .file })
        tar[i].bytes += [65]
        writeFile(try Gzip.compress(try Tar.write(tar)), dir + "/b.tar.gz")
        var whole = "", streamed = ""
        do { _ = try Archive.read(path: dir + "/b.tar.gz") } catch { whole = "\(error)" }
        do { _ = try Archive.readFile(path: dir + "/b.tar.gz") { _ in false } } catch { streamed = "\(error)" }
        #expect(whole.contains("more than the") && streamed == whole)
    }

    /// A manifest nested deeper than `JSON.maxDepth` is refused, not parsed to a stack overflow.
    @Test func deepJSONIsRefused() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSON.ParseError.self) { try JSON.parse(deep) }
        let ok = String(repeating: "[", count: JSON.maxDepth) + String(repeating: "]", count: JSON.maxDepth)
        #expect(try JSON.parse(ok) != .null)
        let r = Archive.verify(bytes: try Gzip.compress(try Tar.write([.file("manifest.json", Array(deep.utf8), mtime: 0)])))
        #expect(r.refused == nil && r.problems == ["manifest.json: JSON: nested deeper than 64 levels at byte 64"])
    }
}
