import Foundation
import Testing
import TimbangCore
import Pipeline

/// Input-system faults are findings and the run goes on (issue 16), through the built binary.
@Suite struct InputFaultTests {
    @Test func aFIFOAFolderNamedCSVABrokenLinkALoopAndOddNamesAreFindingsOrRead() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let dir = makeTempFolder("faults")
        let dumps = dir + "/dumps"
        let odd = ["a b;$(touch PWNED)&.csv", "désa-ü Melati.csv", "plain.csv"]
        for name in odd { write(smallDump, to: dumps + "/" + name) }
        #expect(mkfifo(dumps + "/fifo.csv", 0o644) == 0)
        try FileManager.default.createDirectory(atPath: dumps + "/x.csv", withIntermediateDirectories: true)
        #expect(symlink("nowhere.csv", dumps + "/dangling.csv") == 0)
        #expect(symlink("..", dumps + "/loop") == 0)
        let path = writePipeline(in: dir, name: "faults", inputs: [dumps])

        // a FIFO must not block the run: give it a minute, then fail the test rather than hang
        let p = Process()
        p.executableURL = URL(fileURLWithPath: timbangBinary)
        p.arguments = ["run", path]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run()
        var waited = 0
        while p.isRunning && waited < 600 { usleep(100_000); waited += 1 }
        if p.isRunning { p.terminate(); Issue.record("the run hung on the input folder"); return }
        #expect(p.terminationStatus == 0)

        let store = StageStore(runFolder: dir + "/out/faults")
        let findings = try store.readTable(.ingest, "findings")
        let (f, m) = (findings.column("file")!, findings.column("message")!)
        func message(_ file: String) -> String? { findings.rows.first { $0[f] == file }?[m] }
        #expect(message("fifo.csv")?.contains("a FIFO") == true, "\(findings.rows)")
        #expect(message("x.csv")?.contains("a folder") == true)
        #expect(message("dangling.csv") != nil)
        // every record of the three real dumps is in the ledger, whatever its file's name
        let records = try store.readRecords(.link)
        let perDump = smallDump.split(separator: "\n").count - 1
        for name in odd { #expect(records.filter { $0.ref.file == name }.count == perDump, "\(name)") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/PWNED") && !FileManager.default.fileExists(atPath: dumps + "/PWNED"))
    }
}
