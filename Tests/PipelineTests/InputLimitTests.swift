import Foundation
import Testing
import TimbangCore
import Pipeline
import Report
import Link

/// Bounded memory per input file (issue 16), through the built binary: a gzip bomb and a
/// line with no end beside normal dumps are findings, the run goes on, the ledger closes.
@Suite struct InputLimitTests {
    /// Writes `count` bytes of `unit` repeated, after `head`, gzip-compressed, streaming
    /// (never the inflated bytes whole).
    func writeBomb(_ path: String, head: String, unit: String, count: Int) throws {
        let out = try FileHandle(forWritingTo: { _ = FileManager.default.createFile(atPath: path, contents: nil); return URL(fileURLWithPath: path) }())
        defer { try? out.close() }
        var gz = try Gzip.Writer(threads: 2) { try out.write(contentsOf: Data($0)) }
        try gz.write(Array(head.utf8))
        let block = [UInt8](String(repeating: unit, count: (1 << 20) / unit.utf8.count).utf8)
        var written = 0
        while written < count { try gz.write(block); written += block.count }
        try gz.finish()
    }

    @Test func aGzipBombAndALineWithNoEndAreFindingsAndTheOtherDumpsAreAllInTheLedger() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let dir = makeTempFolder("bomb")
        let dumps = dir + "/dumps"
        for name in ["a.csv", "b.csv"] { write(smallDump, to: dumps + "/" + name) }
        let lines = smallDump.split(separator: "\n").map(String.init)
        let head = lines[0...2].joined(separator: "\n") + "\n"   // header and two records
        // 256 MB of empty rows, and 256 MB of one line: about 250 KB each on disk
        try writeBomb(dumps + "/bomb.csv.gz", head: head, unit: ",,,,\n", count: 256 << 20)
        try writeBomb(dumps + "/line.csv.gz", head: head, unit: "z", count: 256 << 20)
        let path = writePipeline(in: dir, name: "bomb", inputs: [dumps], input: "max_inflated_mb = 8\nmax_record_kb = 64")

        let started = Date()
        let run = try runTimbang(["run", path])
        #expect(run.code == 0, "\(run.err)")
        #expect(Date().timeIntervalSince(started) < 60, "the bombs are read only up to their limits")

        let store = StageStore(runFolder: dir + "/out/bomb")
        let findings = try store.readTable(.ingest, "findings")
        let (f, c, m) = (findings.column("file")!, findings.column("code")!, findings.column("message")!)
        func messages(_ file: String, _ code: String) -> [String] { findings.rows.filter { $0[f] == file && $0[c] == code }.map { $0[m] } }
        #expect(messages("bomb.csv.gz", "INFLATE_LIMIT") == ["inflates to more than 8 MB (the limit input.max_inflated_mb): the records in the first 8 MB are kept, the rest of the file is not read"], "\(findings.rows)")
        #expect(messages("line.csv.gz", "RECORD_TOO_LONG") == ["a record longer than 64 KB at line 4 (the limit input.max_record_kb): the records before it are kept, that record is kept as malformed, the rest of the file is not read"], "\(findings.rows)")

        // every record read has its fate in the ledger: the normal dumps whole, the bombs' two
        // records (and the long line, malformed: invalid)
        let entries = try Archive.read(path: try #require(archivePath(run.out)))
        let ledger = try #require(entries.first { $0.path == "restricted/ledger.csv" }).text
        let rows = ledger.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        func count(_ file: String) -> Int { rows.filter { $0[0] == file }.count }
        let perDump = lines.count - 1
        #expect(count("a.csv") == perDump && count("b.csv") == perDump)
        #expect(count("bomb.csv.gz") == 2)
        #expect(count("line.csv.gz") == 3)
        let status = Link.ledgerColumns.firstIndex(of: "status")!
        // (the two records repeat a.csv's: duplicates)
        #expect(rows.filter { $0[0] == "line.csv.gz" }.map { $0[status] } == ["duplicate", "duplicate", "invalid"], "\(rows)")
    }
}
