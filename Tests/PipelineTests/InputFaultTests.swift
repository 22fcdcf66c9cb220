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

    @Test func anUnreadableFileOrFolderIsAFindingAndTheRunGoesOn() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        // Root reads any file: the run is made as user 65534 (nobody) when the test is root.
        let root = getuid() == 0
        let setpriv = "/usr/bin/setpriv"
        if root && !FileManager.default.isExecutableFile(atPath: setpriv) {
            Issue.record("cannot test unreadable input as root without \(setpriv) (util-linux) to drop privileges")
            return
        }
        let dir = makeTempFolder("unreadable")
        let dumps = dir + "/dumps"
        write(smallDump, to: dumps + "/ok.csv")
        write(smallDump, to: dumps + "/secret.csv")
        write(smallDump, to: dumps + "/closed/inside.csv")
        let path = writePipeline(in: dir, name: "unreadable", inputs: [dumps])
        if root {
            // the run folder, and every file, belong to the user the run is made as
            let all = try FileManager.default.subpathsOfDirectory(atPath: dir).map { dir + "/" + $0 } + [dir]
            for p in all { #expect(chown(p, 65534, 65534) == 0, "chown \(p)") }
        }
        #expect(chmod(dumps + "/secret.csv", 0) == 0)
        #expect(chmod(dumps + "/closed", 0) == 0)
        defer { _ = chmod(dumps + "/closed", 0o755) }   // so the folder can be removed

        let p = Process()
        p.executableURL = URL(fileURLWithPath: root ? setpriv : timbangBinary)
        p.arguments = (root ? ["--reuid=65534", "--regid=65534", "--clear-groups", timbangBinary] : []) + ["run", path]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice; p.standardError = err
        try p.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(stderr)")

        let store = StageStore(runFolder: dir + "/out/unreadable")
        let findings = try store.readTable(.ingest, "findings")
        let (f, c, m) = (findings.column("file")!, findings.column("code")!, findings.column("message")!)
        #expect(findings.rows.contains { $0[f] == "secret.csv" && $0[c] == "FILE_UNREADABLE" && $0[m] == "cannot open: Permission denied" },
                "\(findings.rows)")
        // a folder that cannot be listed is listed itself, so its dumps are not silently left out
        #expect(findings.rows.contains { $0[f] == "closed" && $0[c] == "FILE_UNREADABLE" && $0[m] == "cannot open: Permission denied" }, "\(findings.rows)")
        let records = try store.readRecords(.link)
        #expect(records.filter { $0.ref.file == "ok.csv" }.count == smallDump.split(separator: "\n").count - 1)
        #expect(records.allSatisfy { $0.ref.file == "ok.csv" })
    }
}
