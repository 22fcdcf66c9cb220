import Foundation
import Testing
import TimbangCore
import Pipeline

/// Output faults (issue 16) through the built binary: a disk that fills up or an output folder
/// that turns read-only while a run writes stops it with exit 73 and one line; the last
/// archive and `latest` are untouched and no final name holds a partial file.
@Suite(.serialized) struct OutputFaultTests {
    /// Everything that is not a final name: temporary files and pointers.
    static func leftovers(_ runFolder: String) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: runFolder)) ?? []).filter { p in
            let name = p.split(separator: "/").last.map(String.init) ?? p
            return name.contains(".tmp-") || name.contains(".link-") || name.contains(".old-") || name.hasPrefix(".write-test")
        }
    }

    /// The archives of a run folder (`latest.tar.gz` included, read through its link), by name.
    static func archives(_ runFolder: String) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for e in (try? FileManager.default.contentsOfDirectory(atPath: runFolder)) ?? [] where e.hasSuffix(".tar.gz") {
            out[e] = readFileBytes(runFolder + "/" + e) ?? []
        }
        return out
    }

    /// Each stage's current generation and the bytes of every file in it.
    static func stageFiles(_ runFolder: String) -> [String: [String: [UInt8]]] {
        let store = StageStore(runFolder: runFolder)
        var out: [String: [String: [UInt8]]] = [:]
        for s in Stage.allCases {
            guard let dir = store.current(s) else { continue }
            var files: [String: [UInt8]] = ["": Array(lastPathComponent(dir).utf8)]
            for p in (try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? [] where !isDirectory(dir + "/" + p) {
                files[p] = readFileBytes(dir + "/" + p) ?? []
            }
            out[s.rawValue] = files
        }
        return out
    }

    /// Generation folders in the stage store (one per stage when nothing half-written is left).
    static func generations(_ runFolder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runFolder + "/stages")) ?? [])
            .filter { e in Stage.allCases.contains { e.hasPrefix($0.rawValue + ".") } }.sorted()
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        let re = try! NSRegularExpression(pattern: "^" + pattern + "$")
        return re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Checks what a failed run must leave: its one line and code, the archives and `latest` as
    /// they were (each one verifying), no temporary name, no half generation, and the stages
    /// from `unchangedFrom` on exactly as they were.
    static func expectUntouched(_ r: (code: Int32, out: String, err: String, signaled: Bool), line pattern: String,
                                runFolder: String, archives before: [String: [UInt8]], latest: String,
                                stages: [String: [String: [UInt8]]], unchangedFrom: Stage?, _ label: String) throws {
        #expect(r.code == 73, "\(label): \(r.code) \(r.err)")
        #expect(matches(r.err, pattern + "\n"), "\(label): \(r.err)")
        #expect(r.out.isEmpty, "\(label): \(r.out)")
        #expect(archives(runFolder) == before, "\(label): \(archives(runFolder).keys.sorted())")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: runFolder + "/latest.tar.gz")) == latest, "\(label)")
        for name in before.keys {
            let v = try runTimbang(["verify", runFolder + "/" + name])
            #expect(v.code == 0, "\(label): \(name): \(v.err)")
        }
        #expect(leftovers(runFolder).isEmpty, "\(label): \(leftovers(runFolder))")
        #expect(generations(runFolder).count == Stage.allCases.count, "\(label): \(generations(runFolder))")
        let now = stageFiles(runFolder)
        if let from = unchangedFrom {
            for s in Stage.allCases.drop(while: { $0 != from }) {
                #expect(now[s.rawValue] == stages[s.rawValue], "\(label): stage \(s.rawValue) changed")
            }
        }
    }

    /// Injected: from each failpoint on, every write fails with ENOSPC (a full disk) or EROFS
    /// (the folder remounted read-only); the next run without it gives the uninterrupted archive.
    @Test(arguments: ["enospc", "erofs"])
    func aWriteFailingAtAnyPointStopsTheRunWithOneLineAndLeavesTheLastArchive(_ fault: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let nights = NightlyTests.nights
        let reason = fault == "enospc" ? "No space left on device" : "Read-only file system"
        let refDir = makeTempFolder("fault-ref")
        let reference = try runTimbang(["run", writePipeline(in: refDir, name: "night", asOf: "2024-06-29", inputs: [nights.after])])
        #expect(reference.code == 0, "\(reference.err)")
        let expected = try #require(archivePath(reference.out).flatMap(readFileBytes))

        let places: [(place: String, unchangedFrom: Stage?, line: (String) -> String)] = [
            ("ingest.write", .ingest, { rf in "timbang: cannot write the output of stage 'ingest' \\(\(rf)/stages/ingest\\.[0-9a-f]+/[^)]+\\): \(reason)" }),
            ("link.write", .link, { rf in "timbang: cannot write the output of stage 'link' \\(\(rf)/stages/link\\.[0-9a-f]+/[^)]+\\): \(reason)" }),
            ("aggregate.write", .aggregate, { rf in "timbang: cannot write the output of stage 'aggregate' \\(\(rf)/stages/aggregate\\.[0-9a-f]+/[^)]+\\): \(reason)" }),
            ("archive.write", .report, { rf in "timbang: cannot write \(rf)/[a-z0-9_-]+\\.tar\\.gz: \(reason)" }),
            ("archive.latest", .report, { rf in "timbang: cannot write \(rf)/latest\\.tar\\.gz: \(reason)" }),
        ]
        for p in places {
            let dir = makeTempFolder("fault-" + p.place)
            let path = writePipeline(in: dir, name: "night", asOf: "2024-06-29", inputs: [nights.before])
            let runFolder = dir + "/out/night"
            // last night's run, published; tonight's has the same as-of, maybe the same archive name
            let last = try runTimbang(["run", path])
            #expect(last.code == 0, "\(last.err)")
            let before = Self.archives(runFolder), stages = Self.stageFiles(runFolder)
            let latest = try FileManager.default.destinationOfSymbolicLink(atPath: runFolder + "/latest.tar.gz")

            let failed = try runTimbang(["run", path, "--input", nights.after], env: ["TIMBANG_FAILPOINT": "\(p.place)=\(fault)"])
            try Self.expectUntouched(failed, line: p.line(NSRegularExpression.escapedPattern(for: runFolder)), runFolder: runFolder,
                                     archives: before, latest: latest, stages: stages, unchangedFrom: p.unchangedFrom,
                                     "\(p.place)=\(fault)")

            let next = try runTimbang(["run", path, "--input", nights.after])
            #expect(next.code == 0, "\(p.place): \(next.err)")
            #expect(archivePath(next.out).flatMap(readFileBytes) == expected, "\(p.place): the next run's archive differs")
            #expect(readFileBytes(runFolder + "/latest.tar.gz") == expected, "\(p.place)")
            #expect(Self.leftovers(runFolder).isEmpty && Self.generations(runFolder).count == Stage.allCases.count, "\(p.place)")
        }
    }

    /// A `--timings` file that cannot be written is the same one line and 73 (not an internal error).
    @Test func anUnwritableTimingsFileIsACannotWrite() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let dir = makeTempFolder("fault-timings")
        let path = writePipeline(in: dir, name: "night", asOf: "2024-06-30", inputs: [District.shared.data])
        write("x", to: dir + "/plainfile")
        let r = try runTimbang(["run", path, "--timings", dir + "/plainfile/t.tsv"])
        #expect(r.code == 73 && r.err == "timbang: cannot write \(dir)/plainfile/t.tsv: Not a directory\n", "\(r.code) \(r.err)")
    }

    /// For real: the output folder on a small tmpfs, filled up, then remounted read-only.
    @Test func aRealFullDiskAndARealReadOnlyFolder() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        func system(_ args: [String]) -> (code: Int32, err: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = args
            let err = Pipe()
            p.standardError = err; p.standardOutput = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return (-1, "cannot start \(args[0])") }
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: e, as: UTF8.self))
        }
        let dir = makeTempFolder("fault-tmpfs")
        let mnt = dir + "/mnt"
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        let mounted: (code: Int32, err: String) = getuid() == 0 ? system(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt]) : (-1, "not root")
        guard mounted.code == 0 else {
            print("OutputFaultTests: real full-disk test skipped: cannot mount a tmpfs (\(mounted.err.trimmingCharacters(in: .whitespacesAndNewlines)))")
            return
        }
        defer { _ = system(["mount", "-o", "remount,rw", mnt]); _ = system(["umount", mnt]) }
        let path = writePipeline(in: dir, name: "night", asOf: "2024-06-29", inputs: [District.shared.data], output: mnt)
        let runFolder = mnt + "/night"
        let rf = NSRegularExpression.escapedPattern(for: runFolder)
        let last = try runTimbang(["run", path])
        #expect(last.code == 0, "\(last.err)")
        let before = Self.archives(runFolder), stages = Self.stageFiles(runFolder)
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: runFolder + "/latest.tar.gz")
        let archiveBytes = try #require(before[latest]).count

        /// Fills the tmpfs so that about `free` bytes stay free.
        func fill(leaving free: Int) throws {
            var st = statvfs()
            #expect(statvfs(mnt, &st) == 0)
            let room = Int(st.f_bavail) * Int(st.f_frsize)
            try AtomicFile.write([UInt8](repeating: 7, count: max(0, room - free)), to: mnt + "/filler")
        }

        // 1. The disk full from the start: the first stage write fails.
        try fill(leaving: 16 << 10)
        let full = try runTimbang(["run", path, "--as-of", "2024-07-01"])
        try Self.expectUntouched(full, line: "timbang: cannot write the output of stage '[a-z]+' \\(\(rf)/stages/[^)]+\\): No space left on device",
                                 runFolder: runFolder, archives: before, latest: latest, stages: stages, unchangedFrom: .ingest, "full")
        unlink(mnt + "/filler")

        // 2. Room for the stage outputs but not for the archive: its write fails halfway.
        try fill(leaving: archiveBytes / 2)
        let half = try runTimbang(["run", path, "--stage", "report", "--as-of", "2024-07-01"])
        try Self.expectUntouched(half, line: "timbang: cannot write \(rf)/[a-z0-9_-]+-2024-07-01\\.tar\\.gz: No space left on device",
                                 runFolder: runFolder, archives: before, latest: latest, stages: stages, unchangedFrom: .report, "half")
        unlink(mnt + "/filler")

        // 3. Read-only: refused before anything is computed.
        let ro = system(["mount", "-o", "remount,ro", mnt])
        #expect(ro.code == 0, "\(ro.err)")
        let readOnly = try runTimbang(["run", path, "--as-of", "2024-07-01"])
        try Self.expectUntouched(readOnly, line: "timbang: cannot write the run folder \(rf): Read-only file system",
                                 runFolder: runFolder, archives: before, latest: latest, stages: stages, unchangedFrom: .ingest, "read-only")
        _ = system(["mount", "-o", "remount,rw", mnt])

        // Space again: the run goes through.
        let again = try runTimbang(["run", path, "--as-of", "2024-07-01"])
        #expect(again.code == 0, "\(again.err)")
        #expect(Self.leftovers(runFolder).isEmpty)
    }
}
