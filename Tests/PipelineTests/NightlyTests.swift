import Foundation
import Testing
import TimbangCore
import Pipeline
import Report

/// Nightly operation through the built binary, as cron runs it: exit codes, the lock, kills
/// at any moment, the log, the closing line, `init` (issue 14).
@Suite(.serialized) struct NightlyTests {
    let district = District.shared

    /// A copy of the district's dumps without its last file (last night's folder), and the whole
    /// folder (tonight's).
    static let nights: (before: String, after: String) = {
        let fm = FileManager.default
        let before = makeTempFolder("night-before")
        let files = (try! fm.subpathsOfDirectory(atPath: District.shared.data))
            .filter { !isDirectory(District.shared.data + "/" + $0) }.sorted()
        for f in files.dropLast() {
            try! AtomicFile.makeDirectories(AtomicFile.parentDirectory(of: before + "/" + f))
            try! fm.copyItem(atPath: District.shared.data + "/" + f, toPath: before + "/" + f)
        }
        return (before, District.shared.data)
    }()

    func pipeline(_ label: String) -> (dir: String, path: String) {
        let dir = makeTempFolder(label)
        return (dir, writePipeline(in: dir, name: "night", asOf: "2024-06-30", inputs: [district.data]))
    }

    /// Files left by a killed run that a completed run must have cleaned away.
    func leftovers(_ runFolder: String) -> [String] {
        let all = (try? FileManager.default.subpathsOfDirectory(atPath: runFolder)) ?? []
        return all.filter { p in
            let name = p.split(separator: "/").last.map(String.init) ?? p
            return name.contains(".tmp-") || name.contains(".link-") || name.contains(".old-")
        }
    }

    /// Generation folders in the stage store: exactly one per stage after a completed run.
    func generations(_ runFolder: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: runFolder + "/stages")) ?? []
        return entries.filter { $0.contains(".") }.sorted()
    }

    @Test func aRunKilledAnywhereLeavesTheLastArchiveAndTheNextRunGivesTheUninterruptedArchive() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let nights = Self.nights
        // What tonight's run gives when nothing goes wrong.
        let reference = pipeline("kill-ref")
        let uninterrupted = try runTimbang(["run", reference.path, "--input", nights.after])
        #expect(uninterrupted.code == 0, "\(uninterrupted.err)")
        let expected = try #require(archivePath(uninterrupted.out).flatMap(readFileBytes))

        for place in ["ingest.compute", "ingest.write", "link.compute", "link.write", "aggregate.write",
                      "archive.write", "archive.latest"] {
            let (dir, path) = pipeline("kill-" + place)
            let runFolder = dir + "/out/night"
            // Last night's run, published (another as-of: another archive name).
            let last = try runTimbang(["run", path, "--input", nights.before, "--as-of", "2024-06-29"])
            #expect(last.code == 0, "\(last.err)")
            let lastArchive = try #require(archivePath(last.out))
            let lastBytes = try #require(readFileBytes(lastArchive))

            let killed = try runTimbang(["run", path, "--input", nights.after], env: ["TIMBANG_FAILPOINT": place])
            #expect(killed.signaled && killed.code == SIGKILL, "\(place): \(killed.code) \(killed.err)")
            // The last published archive and `latest` are as they were.
            #expect(readFileBytes(runFolder + "/latest.tar.gz") == lastBytes, "\(place)")
            #expect(try runTimbang(["verify", runFolder + "/latest.tar.gz"]).code == 0, "\(place)")
            // Every stage has a whole output: one from this run or last night's. A record table
            // computed from last night's input of a stage since redone is refused, naming the
            // stage to rerun from, never read mixed.
            for stage in Stage.allCases {
                let shown = try runTimbang(["show", path, "--stage", stage.rawValue])
                #expect(shown.code == 0 || (shown.code == 66 && shown.err.contains("rerun with --stage")),
                        "\(place): show \(stage): \(shown.err)")
            }

            let next = try runTimbang(["run", path, "--input", nights.after])
            #expect(next.code == 0, "\(place): \(next.err)")
            #expect(archivePath(next.out).flatMap(readFileBytes) == expected, "\(place): the rerun's archive differs")
            #expect(readFileBytes(runFolder + "/latest.tar.gz") == expected, "\(place)")
            #expect(leftovers(runFolder).isEmpty, "\(place): \(leftovers(runFolder))")
            #expect(generations(runFolder).count == Stage.allCases.count, "\(place): \(generations(runFolder))")
        }
    }

    @Test func aFailedWriteStopsWithItsCodeAndTouchesNeitherTheArchiveNorLatest() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let (dir, path) = pipeline("write-fail")
        let runFolder = dir + "/out/night"
        let first = try runTimbang(["run", path, "--as-of", "2024-06-29"])
        #expect(first.code == 0, "\(first.err)")
        let lastBytes = try #require(archivePath(first.out).flatMap(readFileBytes))
        for place in ["link.write", "archive.write"] {
            let r = try runTimbang(["run", path], env: ["TIMBANG_FAILPOINT": place + "=error"])
            #expect(r.code == 73, "\(place): \(r.code) \(r.err)")
            #expect(r.err.split(separator: "\n").count == 1 && r.err.hasPrefix("timbang: cannot write"), "\(r.err)")
            #expect(r.out.isEmpty)
            #expect(readFileBytes(runFolder + "/latest.tar.gz") == lastBytes)
            // no archive of this run under its final name
            let archives = try FileManager.default.contentsOfDirectory(atPath: runFolder).filter { $0.hasSuffix(".tar.gz") }
            #expect(archives.sorted() == ["latest.tar.gz", lastPathComponent(archivePath(first.out)!)].sorted(), "\(archives)")
        }
        // An output folder that cannot exist (under a file): refused before anything is computed.
        write("x", to: dir + "/plainfile")
        let blocked = try runTimbang(["run", path, "--output", dir + "/plainfile/out"])
        #expect(blocked.code == 73 && blocked.err.contains("cannot write the run folder"), "\(blocked.code) \(blocked.err)")
    }

    @Test func everyExitCodeOfRun() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let (dir, path) = pipeline("codes")
        // 66: an input that does not exist, a folder without dumps, a stage whose input is missing
        let missing = try runTimbang(["run", path, "--input", dir + "/nowhere"])
        #expect(missing.code == 66 && missing.err.contains("does not exist"), "\(missing.err)")
        try AtomicFile.makeDirectories(dir + "/empty")
        let empty = try runTimbang(["run", path, "--input", dir + "/empty"])
        #expect(empty.code == 66 && empty.err.contains("no dumps"), "\(empty.err)")
        let early = try runTimbang(["run", path, "--stage", "aggregate"])
        #expect(early.code == 66 && early.err.contains("run the whole pipeline first"), "\(early.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/night/stages"))
        // 0, with one line on stdout and nothing on stderr off a terminal
        let ok = try runTimbang(["run", path])
        #expect(ok.code == 0)
        #expect(ok.err.isEmpty, "\(ok.err)")
        let lines = ok.out.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("ok: "), "\(ok.out)")
        let records = try StageStore(runFolder: dir + "/out/night").readRecords(.growth)
        let valid = records.filter { $0.status == .valid }
        let children = Set(valid.map(\.childKey)).count
        #expect(ok.out.contains("\(records.count) records, \(valid.count) valid, "
            + "\(records.filter { $0.status == .invalid }.count) invalid, \(records.filter { $0.status == .duplicate }.count) duplicate, "
            + "\(children) children; \(try StageStore(runFolder: dir + "/out/night").readTable(.ingest, "files").rows.count) files parsed, 0 reused; archive: "), "\(ok.out)")
        // 66 again: a stage whose input was removed says which stage to run first
        try FileManager.default.removeItem(atPath: dir + "/out/night/stages/link")
        let gap = try runTimbang(["run", path, "--stage", "monitor"])
        #expect(gap.code == 66 && gap.err.contains("run with --stage link first"), "\(gap.err)")
        // 64 usage, 78 config, 70 internal error
        #expect(try runTimbang(["run", path, "--stage", "nope"]).code == 64)
        #expect(try runTimbang(["run", path, "--set", "report.min_cell=zero"]).code == 78)
        let bug = try runTimbang(["run", path], env: ["TIMBANG_FAILPOINT": "validate.compute=error"])
        #expect(bug.code == 70 && bug.err.contains("internal error"), "\(bug.code) \(bug.err)")
    }

    @Test func aSecondRunExitsAtOnceNamingTheFirstAndAKilledHolderNeverBlocks() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let (dir, path) = pipeline("lock")
        // The first run stops for a minute in link, holding the lock.
        let first = Process()
        first.executableURL = URL(fileURLWithPath: timbangBinary)
        first.arguments = ["run", path]
        var env = ProcessInfo.processInfo.environment
        env["TIMBANG_FAILPOINT"] = "link.compute=sleep"
        first.environment = env
        first.standardOutput = FileHandle.nullDevice; first.standardError = FileHandle.nullDevice
        try first.run()
        let log = dir + "/out/night/logs"
        var waited = 0
        // It holds the lock once it has logged validate's end.
        while waited < 600, !(((try? FileManager.default.contentsOfDirectory(atPath: log)) ?? []).contains { name in
            String(decoding: readFileBytes(log + "/" + name) ?? [], as: UTF8.self).contains("validate: done")
        }) { usleep(100_000); waited += 1 }
        let started = Date()
        let second = try runTimbang(["run", path])
        #expect(second.code == 75, "\(second.code) \(second.err)")
        #expect(second.err.contains("PID \(first.processIdentifier), started 20"), "\(second.err)")
        #expect(Date().timeIntervalSince(started) < 10)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let third = try runTimbang(["run", path])
        #expect(third.code == 0, "\(third.err)")
    }

    @Test func theJSONLogHasOneEventPerStageWithItsCounts() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let (dir, path) = pipeline("jsonlog")
        let r = try runTimbang(["run", path, "--log-format", "json"])
        #expect(r.code == 0, "\(r.err)")
        let logs = dir + "/out/night/logs"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: logs).first)
        let events = try String(decoding: try #require(readFileBytes(logs + "/" + file)), as: UTF8.self)
            .split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]) }
        let stages = events.filter { $0["message"] == "stage finished" }
        #expect(stages.map { $0["stage"] ?? "" } == Stage.allCases.map(\.rawValue))
        let records = try StageStore(runFolder: dir + "/out/night").readRecords(.growth)
        let byStage = Dictionary(uniqueKeysWithValues: stages.map { ($0["stage"]!, $0) })
        #expect(byStage["ingest"]?["records"] == String(records.count))
        for s in ["validate", "link", "growth"] {
            let e = try #require(byStage[s])
            #expect(Double(e["seconds"] ?? "") != nil)
            #expect(["valid", "invalid"].allSatisfy { e[$0] != nil }, "\(s): \(e)")
        }
        #expect(byStage["link"]?["duplicate"] == String(records.filter { $0.status == .duplicate }.count))
        #expect(Int(byStage["monitor"]?["child_months"] ?? "") ?? 0 > 0)
        #expect(Int(byStage["aggregate"]?["tables"] ?? "") ?? 0 > 0)
        #expect(Int(byStage["report"]?["archive_bytes"] ?? "") ?? 0 > 0)
        let finished = try #require(events.last)
        #expect(finished["message"] == "run finished" && finished["records"] == String(records.count))
    }

    @Test func aSetRerunChangesWhatTheSettingGovernsAndNothingElse() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let (_, path) = pipeline("setrerun")
        let base = try runTimbang(["run", path])
        let before = try Archive.read(path: try #require(archivePath(base.out)))
        let rerun = try runTimbang(["run", path, "--stage", "report", "--set", "report.min_cell=10"])
        #expect(rerun.code == 0, "\(rerun.err)")
        let after = try Archive.read(path: try #require(archivePath(rerun.out)))
        let old = Dictionary(uniqueKeysWithValues: before.map { ($0.path, $0.bytes) })
        let new = Dictionary(uniqueKeysWithValues: after.map { ($0.path, $0.bytes) })
        #expect(Set(old.keys) == Set(new.keys))
        let changed = Set(new.keys.filter { new[$0] != old[$0] })
        // Suppression governs the public tables and the report; restricted data and the
        // ledger are untouched.
        #expect(changed.contains("manifest.json"))
        #expect(changed.contains { $0.hasPrefix("public/") && $0.hasSuffix(".csv") }, "\(changed.sorted())")
        #expect(changed.allSatisfy { $0 == "manifest.json" || $0.hasPrefix("public/") || $0.hasSuffix(".html") || $0 == "SHA256SUMS" },
                "\(changed.sorted())")
        let manifest = String(decoding: new["manifest.json"]!, as: UTF8.self)
        #expect(manifest.contains("[overrides]") && manifest.contains("min_cell = 10"))
        // The same as a full run with the setting.
        let (_, fullPath) = pipeline("setfull")
        let full = try runTimbang(["run", fullPath, "--set", "report.min_cell=10"])
        let fullEntries = try Archive.read(path: try #require(archivePath(full.out)))
        for e in fullEntries where e.path.hasPrefix("public/") { #expect(new[e.path] == e.bytes, "\(e.path)") }
    }

    @Test func initWritesAPipelineThatRunsAndNeverOverwrites() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let dir = makeTempFolder("init") + "/Kab Contoh"
        let r = try runTimbang(["init", dir, "--kabupaten", "Kabupaten Contoh"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("30 2 * * * timbang run \(dir)/kab-contoh.toml --as-of $(date +\\%F)"), "\(r.out)")
        var st = stat()
        #expect(stat(dir + "/kab-contoh.key", &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(readFileBytes(dir + "/kab-contoh.key")?.count == 65)
        try FileManager.default.removeItem(atPath: dir + "/dumps")
        try FileManager.default.copyItem(atPath: district.data, toPath: dir + "/dumps")
        let run = try runTimbang(["run", dir + "/kab-contoh.toml", "--as-of", "2024-06-30"])
        #expect(run.code == 0, "\(run.err)")
        #expect(archivePath(run.out)?.hasPrefix(dir + "/output/kab-contoh/kabupaten-contoh-") == true, "\(run.out)")
        let again = try runTimbang(["init", dir])
        #expect(again.code == 64 && again.err.contains("exists"), "\(again.err)")
    }

    @Test func scoreReadsARunFolderOrItsSinglePipelineSubfolder() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let (dir, path) = pipeline("score")
        #expect(try runTimbang(["run", path]).code == 0)
        for out in [dir + "/out/night", dir + "/out"] {
            let r = try runTimbang(["score", district.truth, out])
            #expect(r.code == 0, "\(r.err)")
            #expect(r.out.contains("linkage (pairs): precision "), "\(r.out)")
        }
        let none = try runTimbang(["score", district.truth, dir])
        #expect(none.code == 66 && none.err.contains("no stages/link"), "\(none.err)")
    }

    @Test func diffOfAOneRecordChangeNamesTheRecordAndTheHeadlineFiguresFirst() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        let fm = FileManager.default
        let (dir, path) = pipeline("diff1")
        let data = dir + "/data"
        try fm.copyItem(atPath: district.data, toPath: data)
        let before = try runTimbang(["run", path, "--input", data, "--output", dir + "/before"])
        #expect(before.code == 0, "\(before.err)")
        // A valid record on the last line of its file, so that removing it renumbers nothing.
        let records = try StageStore(runFolder: dir + "/before/night").readRecords(.link)
        var removed: RowRef?
        for r in records where r.status == .valid && r.ref.file.hasSuffix(".csv") {
            guard let bytes = readFileBytes(data + "/" + r.ref.file) else { continue }
            let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
            let last = lines.lastIndex { !$0.allSatisfy { $0 == 13 || $0 == 32 } } ?? 0
            guard last + 1 == r.ref.line else { continue }
            try AtomicFile.write(Array(lines[..<last].joined(separator: [10])) + [10], to: data + "/" + r.ref.file)
            removed = r.ref
            break
        }
        let ref = try #require(removed)
        let after = try runTimbang(["run", path, "--input", data, "--output", dir + "/after"])
        #expect(after.code == 0, "\(after.err)")
        let diff = try runTimbang(["diff", try #require(archivePath(before.out)), try #require(archivePath(after.out))])
        #expect(diff.code == 1)
        let first = diff.out.split(separator: "\n").prefix(15).joined(separator: "\n")
        #expect(first.contains("~ \(ref.file)"), "\(first)")
        #expect(first.contains("Records: 0 changed fate, 0 added, 1 removed (valid → (none) 1)"), "\(first)")
        #expect(first.contains("  \(ref.description): valid"), "\(first)")
        #expect(first.contains("  kabupaten, "), "\(first)")
        #expect(first.contains("children "), "\(first)")
        #expect(diff.out.contains("--details lists them"))
        // --details lists every other cell, a shared denominator once per unit and period.
        let details = try runTimbang(["diff", archivePath(before.out)!, archivePath(after.out)!, "--details"])
        let lines = details.out.split(separator: "\n")
        let totals = lines.filter { $0.contains("[categories indicator=") && $0.contains("total_d ") }
        #expect(!totals.isEmpty && totals.allSatisfy { $0.contains("(in ") && $0.contains(" rows)") }, "\(totals.prefix(3))")
        #expect(Set(totals.map { $0.prefix { $0 != ":" } }).count == totals.count, "one line per unit, period and indicator")
    }

    @Test func everySubcommandsHelpShowsAnExample() throws {
        try #require(FileManager.default.isExecutableFile(atPath: timbangBinary), "build the package first")
        for sub in ["init", "run", "show", "verify", "diff", "zscore", "synth", "score", "bench-zscore", "bench-aggregate"] {
            let r = try runTimbang([sub, "--help"])
            #expect(r.code == 0)
            #expect(r.out.contains("Example") && r.out.contains("timbang \(sub) "), "\(sub)")
        }
    }
}

/// What the reports tell the officer to fix is written once in code (`Reason.whatToFix`);
/// the README's reason table must say the same.
@Test func theReadmeSaysWhatToFixAsTheReportsDo() throws {
    let readme = String(decoding: try #require(readFileBytes(AtomicFile.parentDirectory(of: referenceFolder) + "/README.md")), as: UTF8.self)
    for reason in Reason.allCases where reason != .nikInvalid {
        let row = try #require(readme.split(separator: "\n").first { $0.hasPrefix("| ") && $0.contains("| `\(reason.rawValue)` |") }, "\(reason)")
        let cells = row.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(cells.dropLast().last == reason.whatToFix, "\(reason): README says '\(cells.dropLast().last ?? "")'")
    }
}
