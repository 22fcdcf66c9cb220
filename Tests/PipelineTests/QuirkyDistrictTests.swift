import Foundation
import Testing
@testable import Pipeline
import Growth
import Ingest
import Report
import Synth
import TimbangCore

/// A synth district with every real-export quirk of issue 11 (Mac Roman, no-break spaces,
/// month-first and Usia-only files, Excel damage, summary and blank rows, header vintages,
/// files without location columns...), run through the whole pipeline.
struct QuirkyDistrict: Sendable {
    let folder: String
    var data: String { folder + "/data" }
    var truth: String { folder + "/truth" }

    /// Generates the district (`dateOrder` as given; the rest of the dump is the same).
    static func make(_ order: SynthSettings.DateOrder, seed: UInt64 = 21) -> QuirkyDistrict {
        let folder = makeTempFolder("quirky-\(order.rawValue)")
        var s = SynthSettings()
        s.seed = seed; s.children = 220; s.months = 3; s.messiness = 1; s.kecamatan = 2; s.dateOrder = order
        s.realExportQuirks = QuirkReaders.h1
        let standards = try! GrowthStandards(directory: referenceFolder + "/who-growth-standards")
        _ = try! Synth.run(s, standards: standards, dataDir: folder + "/data", truthDir: folder + "/truth")
        return QuirkyDistrict(folder: folder)
    }

    static let drawn = make(.drawn)

    /// Runs the pipeline on the dumps, with the unit pattern synth prints for `lokasi/` files.
    func run(label: String) throws -> (PipelineConfig, RunSummary) {
        let dir = makeTempFolder(label)
        write("0123456789abcdef0123456789abcdef\n", to: dir + "/test.key")
        let path = dir + "/quirky.toml"
        write("""
        name = "quirky"
        as_of = 2024-03-31
        kabupaten = "Kabupaten Uji"
        [input]
        paths = ["\(data)"]
        \(QuirkReaders.h1 ? "unit_pattern = \"\(SynthSummary.unitPattern)\"" : "")
        [output]
        folder = "out"
        [link]
        key_file = "test.key"
        [reference]
        folder = "\(referenceFolder)"
        """, to: path)
        let config = try PipelineConfig.load(path: path)
        let runner = PipelineRunner(config: config, options: RunOptions(threads: 2))
        runner.timbangVersion = "test"
        return (config, try runner.run())
    }
}

/// Whether the readers of issue 11 are in this build: h1's (encodings, blank and summary rows,
/// units from the path: the `files` table's `units_from`) and h2's (date order: `date_order`).
/// Until h1's have landed, synth districts of the tests leave the real-export quirks out (the
/// date order still follows `dateOrder`), and the test that needs every quirk is skipped,
/// saying why.
enum QuirkReaders {
    static let h1 = Ingest.fileColumns.contains("units_from")
    static let h2 = Ingest.fileColumns.contains("date_order")
    static let landed = h1 && h2
}

@Suite(.serialized, .enabled(if: QuirkReaders.h2, "needs h2's date-order inference"))
struct QuirkyDistrictTests {
    /// Issue 11's first rule: on a district with every quirk, every valid record's dates and
    /// measurements equal the truth, and every record's fate (and reason) is the truth's.
    @Test(.enabled(if: QuirkReaders.landed, "needs h1's readers (encodings, summary rows, unit_pattern)"))
    func noRecordOfADistrictWithEveryQuirkIsSilentlyMisread() throws {
        let district = QuirkyDistrict.drawn
        let (config, _) = try district.run(label: "quirky-run")
        let score = try scoreRun(truth: district.truth, runFolder: config.runFolder)
        #expect(score.records == score.matched, "every truth record is in the run")
        #expect(score.misread == 0, "silent misreads: \(score.misreadExamples)")
        #expect(score.fateWrong == 0, "fates not the truth's: \(score.fateWrongExamples)")
        // The quirks are really there, and each touched records.
        for q in ["mac_roman", "nbsp", "month_first", "month_first_usia_only", "excel_time_repaired", "excel_time_ambiguous",
                  "summary_row", "location_less", "vintage_2024", "header_abbrev", "serial_date"] {
            #expect((score.quirks[q]?.records ?? 0) > 0, "quirk \(q) touched records")
        }
        #expect((score.quirks["excel_time_repaired"]?.repaired ?? 0) == score.quirks["excel_time_repaired"]?.records)
        #expect(score.quirks["excel_time_ambiguous"]?.invalid == score.quirks["excel_time_ambiguous"]?.records)
    }

    /// The same dump written day-first and month-first reads as the same records and the same
    /// public tables (tables that name files aside).
    @Test func theSameDumpWrittenDayFirstOrMonthFirstGivesTheSameRecordsAndTables() throws {
        let dmy = QuirkyDistrict.make(.dmy), mdy = QuirkyDistrict.make(.mdy)
        let (c1, s1) = try dmy.run(label: "dmy")
        let (c2, s2) = try mdy.run(label: "mdy")
        let mdyFiles = try RecordTable.readTable(name: "files", from: mdy.truth + "/files.csv")
        let order = mdyFiles.column("date_order")!
        #expect(mdyFiles.rows.filter { $0[order] == "mdy" }.count * 10 >= mdyFiles.rows.count * 9, "nearly every file month-first")
        let a = try StageStore(runFolder: c1.runFolder).readRecords(.growth)
        let b = try StageStore(runFolder: c2.runFolder).readRecords(.growth)
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            #expect(x.ref == y.ref)
            #expect(x.status == y.status && x.reason == y.reason, "\(x.ref): \(x.status) \(x.reason) vs \(y.status) \(y.reason)")
            #expect(x.birthDate == y.birthDate && x.measureDate == y.measureDate, "\(x.ref) dates")
            #expect(x.weightKg == y.weightKg && x.heightCm == y.heightCm && x.childKey == y.childKey)
            #expect(x.zlen == y.zlen && x.zwei == y.zwei && x.zwfl == y.zwfl)
        }
        let t1 = try publicTables(try #require(s1.archive)), t2 = try publicTables(try #require(s2.archive))
        #expect(t1.count > 3)
        #expect(t1.keys.sorted() == t2.keys.sorted())
        for (name, text) in t1 { #expect(t2[name] == text, "\(name) differs") }
    }

    /// The archive's public CSV tables, those with a file column left out.
    func publicTables(_ archive: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for e in try Archive.read(path: archive) where e.path.hasPrefix("public/") && e.path.hasSuffix(".csv") {
            let header = e.text.prefix { $0 != "\n" }.split(separator: ",")
            if header.contains(where: { $0.contains("file") }) { continue }
            out[e.path] = e.text
        }
        return out
    }
}

/// `timbang synth` tells the user the pipeline setting its location-less files need, and
/// refuses an unknown date order.
@Suite struct SynthCommandTests {
    @Test func synthPrintsTheUnitPatternItsLokasiFilesNeed() throws {
        let cli = CommandLineTests()
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineTests.binary), "build the package first")
        let dir = makeTempFolder("synth-cli")
        let r = try cli.timbang(["synth", "--seed", "3", "--children", "120", "--months", "1", "--kecamatan", "2",
                                 "--date-order", "mdy", "--out", dir])
        #expect(r.code == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.hasSuffix("give the pipeline input.unit_pattern = \"lokasi/{kecamatan}/{puskesmas}/{desa}/{posyandu}/*.csv\"") == true)
        #expect(FileManager.default.fileExists(atPath: dir + "/data/lokasi"))
        let bad = try cli.timbang(["synth", "--date-order", "ymd", "--out", makeTempFolder("synth-bad")])
        #expect(bad.code != 0 && bad.err.contains("--date-order"))
    }
}
