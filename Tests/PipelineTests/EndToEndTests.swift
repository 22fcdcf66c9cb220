import Foundation
import Testing
@testable import Pipeline
import Growth
import Report
import Link
import Synth
import TimbangCore

/// A small messy synthetic district, generated once for all end-to-end tests.
struct District: Sendable {
    let folder: String
    var data: String { folder + "/data" }
    var truth: String { folder + "/truth" }

    static let shared: District = {
        let folder = makeTempFolder("district")
        var s = SynthSettings()
        s.seed = 11; s.children = 250; s.months = 4; s.messiness = 1.5; s.kecamatan = 3
        s.realExportQuirks = QuirkReaders.landed
        let standards = try! GrowthStandards(directory: referenceFolder + "/who-growth-standards")
        _ = try! Synth.run(s, standards: standards, dataDir: folder + "/data", truthDir: folder + "/truth")
        return District(folder: folder)
    }()

    /// Runs the whole pipeline on `data` into a fresh output folder; returns (config, summary).
    func run(data: String? = nil, threads: Int = 2, label: String = "e2e") throws -> (PipelineConfig, RunSummary) {
        let dir = makeTempFolder(label)
        let path = writePipeline(in: dir, name: "e2e", extra: "kabupaten = \"Kabupaten Uji\"", asOf: "2024-06-30",
                                 inputs: [data ?? self.data],
                                 input: QuirkReaders.landed ? "unit_pattern = \"\(SynthSummary.unitPattern)\"" : "")
        let config = try PipelineConfig.load(path: path)
        let runner = PipelineRunner(config: config, options: RunOptions(threads: threads))
        runner.timbangVersion = "test"
        return (config, try runner.run())
    }
}

@Suite(.serialized) struct EndToEndTests {
    let district = District.shared

    @Test func sameInputsGiveTheSameBytesWhateverTheThreadCount() throws {
        let (c1, s1) = try district.run(threads: 1)
        let (c2, s2) = try district.run(threads: 2)
        let a1 = try #require(s1.archive.flatMap(readFileBytes))
        let a2 = try #require(s2.archive.flatMap(readFileBytes))
        #expect(a1 == a2, "archives of a 1-thread and a 2-thread run are byte-identical")
        #expect(lastPathComponent(s1.archive!) == lastPathComponent(s2.archive!))
        for stage in [Stage.ingest, .validate, .link, .growth] {
            let a = try StageStore(runFolder: c1.runFolder).csvBytes(stage, table: "records")
            let b = try StageStore(runFolder: c2.runFolder).csvBytes(stage, table: "records")
            #expect(a != nil && a == b,
                    "stage \(stage.rawValue) output identical")
        }
        // A rerun into the same folder publishes the same bytes again.
        let again = PipelineRunner(config: c1, options: RunOptions(threads: 2))
        again.timbangVersion = "test"
        #expect(try again.run().archive.flatMap(readFileBytes) == a1)
    }

    @Test func everyRecordEndsInTheLedgerWithOneFate() throws {
        let (config, _) = try district.run()
        let store = StageStore(runFolder: config.runFolder)
        let ingested = try store.readRecords(.ingest)
        let final = try store.readRecords(.growth)
        #expect(ingested.count == final.count)
        #expect(Set(ingested.map(\.ref)) == Set(final.map(\.ref)))
        for r in final {
            #expect([Status.valid, .invalid, .duplicate].contains(r.status), "\(r.ref) has a fate")
            if r.status == .invalid { #expect(!r.reason.isEmpty, "\(r.ref) invalid with a reason") }
            if r.status == .duplicate { #expect(RowRef(r.duplicateOf) != nil, "\(r.ref) points at the kept record") }
            if r.status == .valid { #expect(r.childKey.count == 64, "\(r.ref) has a child key") }
        }
        let summary = try store.readTable(.link, "link_summary_file")
        let cols = ["records_n", "valid_n", "invalid_n", "duplicate_n"].map { summary.column($0)! }
        for row in summary.rows {
            #expect(Int(row[cols[0]])! == Int(row[cols[1]])! + Int(row[cols[2]])! + Int(row[cols[3]])!)
        }
    }

    @Test func theRunScoresAboveItsFloorsAgainstTheTruth() throws {
        let (config, _) = try district.run()
        let score = try scoreRun(truth: district.truth, runFolder: config.runFolder)
        #expect(score.records == score.matched)
        #expect(try #require(score.rejection.precision) >= 0.99)
        #expect(try #require(score.rejection.recall) >= 0.95)
        #expect(try #require(score.duplicates.precision) >= 0.98)
        #expect(try #require(score.duplicates.recall) >= 0.85)  // 9 of 10 on this small district: a double entry whose NIK link treats as shared
        #expect(try #require(score.linkage.precision) == 1)
        #expect(try #require(score.linkage.recall) >= 0.99)
        #expect(score.nameVariantRecords > 0)
        #expect(try #require(score.nameVariantsLinked) >= 0.97)
        #expect(score.twinPairsMerged == 0)
        #expect(score.namesakePairsMerged == 0)
        #expect(try #require(score.maxPrevalenceError(level: "kabupaten")) <= 0.5)
        print("e2e score:", score.linkage, score.nameVariantLinked, score.nameVariantRecords,
              score.meanPrevalenceError(level: "desa") ?? -1, score.duplicates, score.duplicateTargetsRight)
    }

    @Test func publicOutputsHoldNoPersonalData() throws {
        let (config, summary) = try district.run()
        let entries = try Archive.read(path: try #require(summary.archive))
        let publicText = try entries.filter { $0.path.hasPrefix("public/") || $0.path == "manifest.json" }
            .map { ($0.path.hasSuffix(".xlsx") ? try ExcelTables.xmlText($0.bytes) : $0.text).uppercased() }.joined(separator: "\n")
        #expect(entries.contains { $0.path == "public/tables.xlsx" } && entries.contains { $0.path == "public/laporan.xlsx" })
        #expect(entries.contains { $0.path == "public/report.html" })
        var secrets = Set<String>()
        // (An Excel summary row names no one: its label is not personal data.)
        for r in try StageStore(runFolder: config.runFolder).readRecords(.ingest) where !r.ingestNotes.contains("SUMMARY_ROW") {
            for s in [r.nik, r.name, r.parentName, r.address, r.birthDateRaw, r.birthDate?.iso ?? ""]
            where s.count >= 6 && s.contains(where: { !$0.isWhitespace }) {
                secrets.insert(s.uppercased())
            }
        }
        #expect(secrets.count > 500, "the district has realistic personal data to look for")
        // Cheap pre-filter: a secret can only occur if each of its words is a token of the text.
        let tokens = Set(publicText.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
        let candidates = secrets.filter { s in
            s.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).allSatisfy { tokens.contains(String($0)) }
        }
        let leaks = candidates.filter { publicText.contains($0) }.sorted()
        #expect(leaks.isEmpty, "found in public/: \(leaks.prefix(10))")
    }

    @Test func officersDecisionsAreAppliedOnTheNextRunAndRecordedInTheManifest() throws {
        // A first run; then the officer declares two records of two children the same child.
        let (first, _) = try district.run(label: "decisions-1")
        let records = try StageStore(runFolder: first.runFolder).readRecords(.link).filter { $0.status == .valid }
        let a = try #require(records.first)
        let b = try #require(records.first { $0.childKey != a.childKey })
        let dir = makeTempFolder("decisions")
        write("record_a,record_b,decision\n\(a.ref),\(b.ref),same\nnot-here.csv#1,\(a.ref),different\n",
              to: dir + "/decisions.csv")
        let path = writePipeline(in: dir, name: "e2e", asOf: "2024-06-30", inputs: [district.data])
        let text = String(decoding: readFileBytes(path)!, as: UTF8.self)
            .replacingOccurrences(of: "key_file = \"test.key\"", with: "key_file = \"test.key\"\ndecisions = \"decisions.csv\"")
        write(text, to: path)
        let config = try PipelineConfig.load(path: path)
        #expect(config.decisions == [LinkDecision(a: a.ref.description, b: b.ref.description, same: true),
                                     LinkDecision(a: "not-here.csv#1", b: a.ref.description, same: false)])
        let runner = PipelineRunner(config: config, options: RunOptions(threads: 2))
        runner.timbangVersion = "test"
        let summary = try runner.run()
        let after = try StageStore(runFolder: config.runFolder).readRecords(.link)
        let byRef = Dictionary(uniqueKeysWithValues: after.map { ($0.ref, $0) })
        #expect(byRef[a.ref]?.childKey == byRef[b.ref]?.childKey)
        let entries = try Archive.read(path: try #require(summary.archive))
        let manifest = try #require(entries.first { $0.path == "manifest.json" }).text
        #expect(manifest.contains("\"link_decisions\""))
        #expect(manifest.contains("\"record_not_found\": 1"))
        #expect(manifest.contains("\"applied\": 1"))
        #expect(manifest.contains("decisions_sha256"))
        #expect(entries.contains { $0.path == "restricted/link_decisions.csv" })
        #expect(entries.contains { $0.path == "restricted/link_review.csv" })
        #expect(!entries.contains { $0.path.hasPrefix("public/link_") })
        // A decisions file that is not one stops the run before any output.
        write("record_a,record_b,decision\na.csv#1,b.csv#2,perhaps\n", to: dir + "/decisions.csv")
        #expect(throws: ConfigError.self) { try PipelineConfig.load(path: path) }
    }

    @Test func theReportNamesEveryKecamatanAndVerifies() throws {
        let (config, summary) = try district.run()
        let path = try #require(summary.archive)
        #expect(Archive.verify(path: path).ok)
        let html = try #require(try Archive.read(path: path).first { $0.path == "public/report.html" }).text
        let kecamatan = Set(try StageStore(runFolder: config.runFolder).readRecords(.growth)
            .filter { $0.status == .valid }.map { normalizedPlace($0.kecamatan) })
        #expect(kecamatan.count == 3)
        for k in kecamatan { #expect(html.uppercased().contains(k), "report names \(k)") }
        var bytes = try #require(readFileBytes(path))
        bytes[bytes.count / 2] ^= 0x01
        #expect(!Archive.verify(bytes: bytes).ok)
    }

    @Test func diffNamesExactlyTheUnitsOfAChangedInput() throws {
        // Change every weight in one posyandu's dump of one month, choosing a dump whose children
        // and records touch no other unit (no duplicate links, no other posyandu), so that the
        // units it affects are exactly its posyandu, desa, kecamatan, puskesmas and the kabupaten.
        let store0 = try district.run(label: "base")
        let base = try StageStore(runFolder: store0.0.runFolder).readRecords(.growth)
        var unitsOfChild: [String: Set<UnitKey>] = [:]
        for r in base where r.status == .valid { unitsOfChild[r.childKey, default: []].insert(r.unit) }
        let linkedFiles = Set(base.filter { $0.status == .duplicate }.flatMap { [$0.ref.file, RowRef($0.duplicateOf)!.file] })
        let byFile = Dictionary(grouping: base, by: \.ref.file)
        // A plain UTF-8 file (no real-export quirk: the rewrite below edits its text).
        let files0 = try RecordTable.readTable(name: "files", from: district.truth + "/files.csv")
        let quirkCodes = Set(Synth.quirkCodes)
        let plain = Set(files0.rows.filter { row in
            !row[files0.column("format")!].split(separator: ";").contains { quirkCodes.contains(String($0)) }
                && !row[files0.column("format")!].contains("cp1252")
        }.map { $0[files0.column("file")!] })
        let target = try #require(byFile.keys.sorted().last { f in
            guard f.hasSuffix(".csv"), !linkedFiles.contains(f), plain.contains(f) else { return false }
            let valid = byFile[f]!.filter { $0.status == .valid && $0.weightKg != nil }
            return valid.count >= 3 && Set(valid.map(\.unit)).count == 1
                && valid.allSatisfy { unitsOfChild[$0.childKey]!.count == 1 }
        })
        let copy = makeTempFolder("changed")
        let files = try FileManager.default.contentsOfDirectory(atPath: district.data).sorted()
        for f in files { try FileManager.default.copyItem(atPath: district.data + "/" + f, toPath: copy + "/" + f) }   // lokasi/ copied whole
        let old = try #require(readFileBytes(copy + "/" + target))
        let ingested = byFile[target]!.filter { $0.status == .valid && $0.weightKg != nil }
        let unit = ingested[0].unit
        // Rewrite the file with every weight raised by 1.5 kg (re-serialised through the raw text).
        var text = String(decoding: old, as: UTF8.self)
        for r in ingested where !r.weightRaw.isEmpty {
            text = text.replacingOccurrences(of: "," + r.weightRaw + ",", with: "," + formatNumber(r.weightKg! + 1.5) + ",")
            text = text.replacingOccurrences(of: ";" + r.weightRaw + ";", with: ";" + formatNumber(r.weightKg! + 1.5).replacingOccurrences(of: ".", with: ",") + ";")
        }
        try AtomicFile.write(text: text, to: copy + "/" + target)
        let changed = try district.run(data: copy, label: "changed")
        let result = try ArchiveDiff.diff(old: store0.1.archive!, new: changed.1.archive!)
        #expect(!result.identical)
        #expect(result.inputsChanged == [target])
        let expected = Set(["kabupaten", "kecamatan \(unit.kecamatan)", "desa \(unit.kecamatan) / \(unit.desa)",
                            "posyandu \(unit.kecamatan) / \(unit.desa) / \(unit.posyandu)"])
        let named = Set(result.changedUnits)
        let puskesmas = named.filter { $0.hasPrefix("puskesmas ") }
        #expect(named.subtracting(puskesmas) == expected, "diff names \(named.sorted())")
        if named.subtracting(puskesmas) != expected {
            for r in result.rows where !expected.contains(r.unit) && r.kind != .suppression { print("DIFFROW", r.kind, r.table, r.unit, r.period, r.detail, r.values.prefix(4)) }
        }
        #expect(puskesmas.count <= 1)
    }
}

func lastPathComponent(_ p: String) -> String { p.split(separator: "/").last.map(String.init) ?? p }

/// The archive a successful run names on its closing line (`ok: …; archive: PATH`).
func archivePath(_ stdout: String) -> String? {
    guard let r = stdout.range(of: "; archive: ") else { return nil }
    return String(stdout[r.upperBound...].prefix { $0 != "\n" })
}

/// The built `timbang` binary, run as a user would (tests build it with the package).
/// The built binary (tests build it with the package).
let timbangBinary = AtomicFile.parentDirectory(of: referenceFolder) + "/.build/debug/timbang"

/// Runs the built binary to its end: its exit code (the signal number when a signal ended
/// it, with `signaled`), stdout and stderr.
func runTimbang(_ args: [String], env: [String: String] = [:]) throws -> (code: Int32, out: String, err: String, signaled: Bool) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: timbangBinary)
    p.arguments = args
    var e = ProcessInfo.processInfo.environment
    for (k, v) in env { e[k] = v }
    p.environment = e
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), r = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: r, as: UTF8.self),
            p.terminationReason == .uncaughtSignal)
}

@Suite(.serialized) struct CommandLineTests {
    static let binary = timbangBinary

    func timbang(_ args: [String], env: [String: String] = [:]) throws -> (code: Int32, out: String, err: String) {
        let r = try runTimbang(args, env: env)
        return (r.code, r.out, r.err)
    }

    @Test func timeZoneAndLocaleDoNotChangeTheArchive() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first")
        let district = District.shared
        var archives: [[UInt8]] = []
        for env in [["TZ": "UTC", "LANG": "C", "LC_ALL": "C"],
                    ["TZ": "Asia/Jayapura", "LANG": "id_ID.UTF-8", "LC_ALL": "id_ID.UTF-8"],
                    ["TZ": "America/Los_Angeles", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8"]] {
            let dir = makeTempFolder("env")
            let path = writePipeline(in: dir, name: "env", asOf: "2024-06-30", inputs: [district.data])
            let r = try timbang(["run", path, "--threads", env["TZ"] == "UTC" ? "1" : "2"], env: env)
            #expect(r.code == 0, "run failed: \(r.err)")
            let archive = try #require(archivePath(r.out))
            archives.append(try #require(readFileBytes(String(archive))))
        }
        #expect(archives[0] == archives[1])
        #expect(archives[0] == archives[2])
    }

    @Test func configMistakesExitWithOneLineAndTouchNothing() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first")
        let dir = makeTempFolder("cli")
        let path = writePipeline(in: dir, extra: "colour = \"blue\"", inputs: [dir])
        let r = try timbang(["run", path])
        #expect(r.code == 78)
        #expect(r.err.split(separator: "\n").count == 1)
        #expect(r.err.contains("unknown key 'colour'"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
        let bad = try timbang(["run", writePipeline(in: dir, name: "u", inputs: [dir]), "--as-of", "2024-02-30"])
        #expect(bad.code == 78 && bad.err.contains("2024-02-30"))
    }

    @Test func aRerunWithASettingOverriddenRecordsItInTheManifest() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first")
        let dir = makeTempFolder("set")
        let path = writePipeline(in: dir, name: "set", asOf: "2024-06-30", inputs: [District.shared.data])
        #expect(try timbang(["run", path]).code == 0)
        let r = try timbang(["run", path, "--stage", "aggregate", "--set", "report.min_cell=10"])
        #expect(r.code == 0, "\(r.err)")
        let archive = try #require(archivePath(r.out))
        let manifest = try #require(try Archive.read(path: String(archive)).first { $0.path == "manifest.json" }).text
        #expect(manifest.contains("min_cell = 10"))
        #expect(manifest.contains("[overrides]"))
        let typo = try timbang(["run", path, "--stage", "aggregate", "--set", "report.mincell=10"])
        #expect(typo.code == 78 && typo.err.contains("did you mean 'report.min_cell'"))
    }

    @Test func eachRunWritesALogFileAsTextOrJSONLines() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first")
        let dir = makeTempFolder("log")
        let path = writePipeline(in: dir, name: "log", asOf: "2024-06-30", inputs: [District.shared.data])
        #expect(try timbang(["run", path]).code == 0)
        let logs = dir + "/out/log/logs"
        let first = try FileManager.default.contentsOfDirectory(atPath: logs)
        #expect(first.count == 1)
        #expect(first[0].range(of: #"^[0-9]{8}T[0-9]{6}Z-[0-9]+\.log$"#, options: .regularExpression) != nil, "\(first)")
        let text = String(decoding: try #require(readFileBytes(logs + "/" + first[0])), as: UTF8.self)
        for stage in Stage.allCases { #expect(text.contains(" info \(stage.rawValue): done in "), "\(stage)") }
        #expect(text.contains(" info run finished archive="))
        // JSON lines for a log collector, only what the level lets through
        #expect(try timbang(["run", path, "--stage", "report", "--log-format", "json"]).code == 0)
        let second = try FileManager.default.contentsOfDirectory(atPath: logs).filter { !first.contains($0) }
        let lines = String(decoding: try #require(readFileBytes(logs + "/" + second[0])), as: UTF8.self).split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] as? String == "info" && object?["logger"] as? String == "timbang.run")
        }
        #expect(try timbang(["run", path, "--stage", "report", "--log-level", "warning"]).code == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: logs).count == 2)   // nothing at warning: no file
        let bad = try timbang(["run", path, "--log-format", "xml"])
        #expect(bad.code == 64 && bad.err.contains("--log-format must be text or json"))
    }

    @Test func helpShowsExamplesAndEveryExitCode() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first")
        let r = try timbang(["--help"])
        #expect(r.code == 0)
        #expect(r.out.contains("timbang run pipelines/demo.toml --stage aggregate --set report.min_cell=10"))
        for code in ["0", "1", "64", "65", "66", "70", "73", "75", "76", "78"] {
            #expect(r.out.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(code + "\t") }, "exit \(code)")
        }
        let missing = try timbang(["verify", makeTempFolder("nov") + "/none.tar.gz"])
        #expect(missing.code == 66)
    }

    @Test func showWritesAStagesTableAsCSV() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first")
        let dir = makeTempFolder("show")
        let path = writePipeline(in: dir, name: "show", asOf: "2024-06-30", inputs: [District.shared.data])
        #expect(try timbang(["run", path]).code == 0)
        let list = try timbang(["show", path, "--stage", "link", "--list"])
        #expect(list.out.split(separator: "\n").contains("link_summary_file"))
        let records = try timbang(["show", path, "--stage", "growth"])
        #expect(records.code == 0)
        let table = try Table(name: "growth", csv: records.out)
        #expect(table.columns == Record.columns)
        #expect(table.rows.count == (try StageStore(runFolder: dir + "/out/show").readRecords(.growth)).count)
        let prevalence = try timbang(["show", path, "--stage", "aggregate"])
        #expect(prevalence.out.hasPrefix("level,kecamatan,puskesmas,desa,posyandu,period"))
        let missing = try timbang(["show", path, "--stage", "link", "--table", "nope"])
        #expect(missing.code != 0 && missing.err.contains("link_summary_file"))
    }

    /// `timbang zscore` on the golden inputs reproduces WHO anthro's outputs column for column.
    @Test func zscoreReproducesTheGoldenFile() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first")
        let golden = AtomicFile.parentDirectory(of: referenceFolder) + "/Tests/GrowthTests/Fixtures/who-anthro-zscores.csv"
        let expected = try Table(name: "golden", csv: String(decoding: try #require(readFileBytes(golden)), as: UTF8.self))
        let out = makeTempFolder("zscore") + "/out.csv"
        let r = try timbang(["zscore", golden, out])
        #expect(r.code == 0, "\(r.err)")
        let got = try Table(name: "out", csv: String(decoding: try #require(readFileBytes(out)), as: UTF8.self))
        #expect(got.columns == ["id", "clenhei", "cmeasure", "c9mo_flag", "cbmi", "zlen", "flen", "zwei", "fwei",
                                "zwfl", "fwfl", "zbmi", "fbmi"])
        #expect(got.rows.count == expected.rows.count)
        for (g, e) in zip(got.rows, expected.rows) {
            for c in ["id", "cmeasure", "c9mo_flag", "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi"] {
                let gv = g[got.column(c)!], ev = e[expected.column(c)!]
                if let a = Double(gv), let b = Double(ev) { #expect(a == b, "\(g[0]) \(c)") } else { #expect(gv == ev, "\(g[0]) \(c)") }
            }
            for c in ["clenhei", "cbmi"] {
                let gv = Double(g[got.column(c)!]), ev = Double(e[expected.column(c)!])
                #expect((gv == nil) == (ev == nil), "\(g[0]) \(c)")
                if let a = gv, let b = ev { #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(g[0]) \(c)") }
            }
        }
    }

    @Test func verifyAndDiffExitCodes() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first")
        let (_, summary) = try District.shared.run(label: "cli-verify")
        let archive = try #require(summary.archive)
        #expect(try timbang(["verify", archive]).code == 0)
        #expect(try timbang(["diff", archive, archive]).code == 0)
        var bytes = try #require(readFileBytes(archive))
        bytes[bytes.count - 40] ^= 0xFF
        let broken = makeTempFolder("broken") + "/broken.tar.gz"
        try AtomicFile.write(bytes, to: broken)
        #expect(try timbang(["verify", broken]).code != 0)
    }
}
