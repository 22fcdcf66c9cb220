import Foundation
import Testing
@testable import Pipeline
import Growth
import Report
import Synth
import TimbangCore

/// The same synthetic district written as CSV and as XLSX, each run through the pipeline.
@Suite(.serialized) struct WorkbookInputTests {
    /// Synthesises the district in `format` and runs the pipeline on it.
    private func run(_ format: DumpFormat, messiness: Double) throws -> (config: PipelineConfig, archive: [Archive.Entry], data: String, truth: String) {
        let folder = makeTempFolder("xlsx-\(format.rawValue)")
        var s = SynthSettings()
        s.seed = 23; s.children = 150; s.months = 3; s.messiness = messiness; s.kecamatan = 2
        s.format = format
        let standards = try GrowthStandards(directory: referenceFolder + "/who-growth-standards")
        let sum = try Synth.run(s, standards: standards, dataDir: folder + "/data", truthDir: folder + "/truth")
        let path = writePipeline(in: folder, name: "wb", extra: "kabupaten = \"Kabupaten Uji\"", asOf: sum.asOf.iso,
                                 inputs: [folder + "/data"])
        let config = try PipelineConfig.load(path: path)
        let runner = PipelineRunner(config: config, options: RunOptions(threads: 2))
        runner.timbangVersion = "test"
        let summary = try runner.run()
        return (config, try Archive.read(path: try #require(summary.archive)), folder + "/data", folder + "/truth")
    }

    @Test func theSameDumpWrittenAsCSVAndAsXLSXGivesTheSameRecordsAndTheSameArchiveTables() throws {
        let csv = try run(.csv, messiness: 0)
        let xlsx = try run(.xlsx, messiness: 0)
        // The dumps are workbooks indeed, one per CSV file.
        let csvFiles = try FileManager.default.contentsOfDirectory(atPath: csv.data).sorted()
        let xlsxFiles = try FileManager.default.contentsOfDirectory(atPath: xlsx.data).sorted()
        #expect(csvFiles.count > 10 && csvFiles.allSatisfy { $0.hasSuffix(".csv") })
        #expect(xlsxFiles == csvFiles.map { String($0.dropLast(4)) + ".xlsx" })
        let magic = try #require(FileManager.default.contents(atPath: xlsx.data + "/" + xlsxFiles[0])).prefix(4)
        #expect(Array(magic) == [0x50, 0x4B, 0x03, 0x04])

        // Every record: the same fate, reason, notes and values (file names and the raw text
        // of dates aside: a workbook's date cell is read as an ISO date).
        func normalised(_ r: Record) -> [String] {
            var r = r
            r.ref = RowRef(file: r.ref.file.replacingOccurrences(of: ".xlsx", with: ".csv"), record: r.ref.record, line: r.ref.line)
            r.duplicateOf = r.duplicateOf.replacingOccurrences(of: ".xlsx", with: ".csv")
            r.birthDateRaw = ""
            r.measureDateRaw = ""
            return r.cells()
        }
        let a = try StageStore(runFolder: csv.config.runFolder).readRecords(.growth)
        let b = try StageStore(runFolder: xlsx.config.runFolder).readRecords(.growth)
        #expect(a.count > 200 && a.count == b.count, "\(a.count) and \(b.count) records")
        #expect(a.filter { $0.status == .valid }.count == b.filter { $0.status == .valid }.count)
        var differing = 0
        for (x, y) in zip(a, b) where normalised(x) != normalised(y) {
            differing += 1
            if differing <= 3 { Issue.record("\(x.ref) differs: \(zip(normalised(x), normalised(y)).filter { $0 != $1 })") }
        }
        #expect(differing == 0)
        // The date cells were read from serials and still give the same dates.
        #expect(b.allSatisfy { $0.birthDateRaw.isEmpty || Day(iso: $0.birthDateRaw) != nil })

        // The ledger, bar the file names.
        func entry(_ entries: [Archive.Entry], _ path: String) -> String {
            entries.first { $0.path == path }?.text ?? "missing \(path)"
        }
        #expect(entry(csv.archive, "restricted/ledger.csv")
                == entry(xlsx.archive, "restricted/ledger.csv").replacingOccurrences(of: ".xlsx", with: ".csv"))
        // Every public table, byte for byte, except the ones that name files.
        let namesFiles: Set<String> = ["public/rejections.csv", "public/findings.csv"]
        let tables = csv.archive.map(\.path).filter { $0.hasPrefix("public/") && $0.hasSuffix(".csv") && !namesFiles.contains($0) }
        #expect(tables.count >= 7, "\(tables)")
        for t in tables {
            #expect(entry(csv.archive, t) == entry(xlsx.archive, t), "\(t) is byte-identical")
        }
        #expect(entry(csv.archive, "public/rejections.csv")
                == entry(xlsx.archive, "public/rejections.csv").replacingOccurrences(of: ".xlsx", with: ".csv"))
    }

    @Test func aMessyDistrictOfWorkbooksScoresAgainstItsTruthAsItsCSVsDo() throws {
        let xlsx = try run(.xlsx, messiness: 1.5)
        let score = try scoreRun(truth: xlsx.truth, runFolder: xlsx.config.runFolder)
        #expect(score.records > 200 && score.records == score.matched)
        #expect(try #require(score.rejection.precision) >= 0.99)
        #expect(try #require(score.rejection.recall) >= 0.95)
        #expect(try #require(score.duplicates.precision) >= 0.98)
        #expect(try #require(score.linkage.precision) >= 0.99)
        #expect(xlsx.archive.contains { $0.path == "public/report.html" })
    }

    @Test func synthWritesTheSameWorkbookBytesEveryRun() throws {
        func write() throws -> [String: Data] {
            let folder = makeTempFolder("xlsx-det")
            var s = SynthSettings()
            s.seed = 5; s.children = 40; s.months = 1; s.messiness = 1; s.kecamatan = 1; s.format = .xlsx
            let standards = try GrowthStandards(directory: referenceFolder + "/who-growth-standards")
            _ = try Synth.run(s, standards: standards, dataDir: folder + "/data", truthDir: folder + "/truth")
            var out: [String: Data] = [:]
            for f in try FileManager.default.contentsOfDirectory(atPath: folder + "/data") {
                out[f] = FileManager.default.contents(atPath: folder + "/data/" + f)
            }
            return out
        }
        let first = try write()
        setenv("TZ", "Asia/Jayapura", 1); tzset()
        defer { unsetenv("TZ"); tzset() }
        let second = try write()
        #expect(!first.isEmpty && first.keys.allSatisfy { $0.hasSuffix(".xlsx") })
        #expect(first == second)
    }

    @Test func thePipelineBoundsAWorkbooksSharedStringsAsItsFileSays() throws {
        let folder = makeTempFolder("xlsx-limit")
        try FileManager.default.createDirectory(atPath: folder + "/dumps", withIntermediateDirectories: true)
        // About 1.3 MiB of distinct texts (a long address each): over a 1 MiB limit.
        let header: [WorkbookCell] = ["No", "Nama Anak", "JK", "Tgl Lahir", "Tanggal Pengukuran", "Berat", "Posyandu", "Alamat"].map { .text($0) }
        let address = String(repeating: "Jalan Melati Gang Mawar ", count: 8)
        let rows: [[WorkbookCell]] = (1...6_000).map { i in
            [.number(String(i)), .text("Anak \(i)"), .text("L"), .text("01/02/2023"),
             .text("15/01/2024"), .number("9.5"), .text("Melati"), .text(address + String(i))]
        }
        try Data(WorkbookWriter.bytes(sheetName: "S", rows: [header] + rows)).write(to: URL(fileURLWithPath: folder + "/dumps/besar.xlsx"))
        write(smallDump, to: folder + "/dumps/kecil.csv")
        let path = writePipeline(in: folder, name: "lim", asOf: "2024-03-31")
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "[input]\n", with: "[input]\nxlsx_shared_strings_mb = 1\n")
        write(text, to: path)
        let config = try PipelineConfig.load(path: path)
        #expect(config.xlsxSharedStringsMB == 1)
        let runner = PipelineRunner(config: config, options: RunOptions(threads: 1))
        runner.timbangVersion = "test"
        _ = try runner.run()
        let findings = try StageStore(runFolder: config.runFolder).readTable(.ingest, "findings")
        let code = try #require(findings.column("code")), file = try #require(findings.column("file"))
        #expect(findings.rows.contains { $0[code] == "XLSX_SHARED_STRINGS_LIMIT" && $0[file] == "besar.xlsx" })
        #expect(try StageStore(runFolder: config.runFolder).readRecords(.ingest).count == 3, "the CSV is still read")
        // At the default limit the workbook is read.
        write(text.replacingOccurrences(of: "xlsx_shared_strings_mb = 1\n", with: ""), to: path)
        let again = PipelineRunner(config: try PipelineConfig.load(path: path), options: RunOptions(threads: 1))
        again.timbangVersion = "test"
        _ = try again.run()
        #expect(try StageStore(runFolder: config.runFolder).readRecords(.ingest).count == 6_003)
        // A limit that is not a positive whole number is a config mistake.
        write(text.replacingOccurrences(of: "xlsx_shared_strings_mb = 1", with: "xlsx_shared_strings_mb = 0"), to: path)
        #expect(throws: ConfigError.self) { try PipelineConfig.load(path: path) }
    }

    @Test func aWeightStoredAsATimeIsRepairedOnlyWhereOneReadingIsPossible() throws {
        let folder = makeTempFolder("xlsx-time")
        try FileManager.default.createDirectory(atPath: folder + "/dumps", withIntermediateDirectories: true)
        let header: [WorkbookCell] = ["No", "Nama Anak", "JK", "Tgl Lahir", "Tanggal Pengukuran", "Berat", "Tinggi",
                                      "Desa/Kel", "Posyandu"].map { .text($0) }
        let birth = Day(year: 2023, month: 6, day: 1)! - WorkbookWriter.epoch
        let measured = Day(year: 2024, month: 1, day: 15)! - WorkbookWriter.epoch
        func row(_ no: Int, _ name: String, _ weight: Double) -> [WorkbookCell] {
            [.number(String(no)), .text(name), .text("P"), .date(birth), .date(measured), .time(weight), .number("66.5"),
             .text("Mergawati"), .text("Melati")]
        }
        // 7:45 can only have been 7.45; 7:07 was 7.07 or 7.7.
        let rows = [header, row(1, "Siti", 7.0 / 24 + 45.0 / 1440), row(2, "Ani", 7.0 / 24 + 7.0 / 1440)]
        try Data(WorkbookWriter.bytes(sheetName: "S", rows: rows)).write(to: URL(fileURLWithPath: folder + "/dumps/jam.xlsx"))
        let config = try PipelineConfig.load(path: writePipeline(in: folder, name: "jam", asOf: "2024-03-31"))
        let runner = PipelineRunner(config: config, options: RunOptions(threads: 1))
        runner.timbangVersion = "test"
        _ = try runner.run()
        let records = try StageStore(runFolder: config.runFolder).readRecords(.growth)
        try #require(records.count == 2)
        #expect(records[0].weightRaw == "7:45" && records[0].status == .valid && records[0].weightKg == 7.45)
        #expect(records[0].notes.contains("EXCEL_DAMAGE_REPAIRED"))
        #expect(records[1].weightRaw == "7:07" && records[1].status == .invalid && records[1].reason == "EXCEL_DAMAGED")
    }

    @Test func inputFoldersListWorkbooksAndLegacyXlsFiles() throws {
        let folder = makeTempFolder("xlsx-list")
        for name in ["a.csv", "b.XLSX", "c.xls", "d.csv.gz", "e.txt", "f.xlsm"] { write("x", to: folder + "/" + name) }
        let names = try InputFiles.resolve([folder]).map(\.name)
        #expect(names == ["a.csv", "b.XLSX", "c.xls", "d.csv.gz"])
    }
}
