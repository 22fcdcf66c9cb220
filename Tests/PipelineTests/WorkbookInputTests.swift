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
        let score = try Score.compute(truthDir: xlsx.truth, outputDir: xlsx.config.runFolder)
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

    @Test func inputFoldersListWorkbooksAndLegacyXlsFiles() throws {
        let folder = makeTempFolder("xlsx-list")
        for name in ["a.csv", "b.XLSX", "c.xls", "d.csv.gz", "e.txt", "f.xlsm"] { write("x", to: folder + "/" + name) }
        let names = try InputFiles.resolve([folder]).map(\.name)
        #expect(names == ["a.csv", "b.XLSX", "c.xls", "d.csv.gz"])
    }
}
