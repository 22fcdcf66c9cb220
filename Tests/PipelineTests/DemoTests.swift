import Foundation
import Testing
@testable import Pipeline
import Monitor
import Report
import Synth
import TimbangCore

/// The bundled demo pipeline: runs out of the box, twice to the same bytes, and scores
/// perfectly against the truth the generator wrote beside it.
@Suite struct DemoTests {
    static let repo = AtomicFile.parentDirectory(of: referenceFolder)

    func runDemo(threads: Int) throws -> (PipelineConfig, RunSummary) {
        let out = makeTempFolder("demo")
        let config = try PipelineConfig.load(path: Self.repo + "/pipelines/demo.toml", overrides: .init(output: out))
        let runner = PipelineRunner(config: config, options: RunOptions(threads: threads))
        runner.timbangVersion = "test"
        return (config, try runner.run())
    }

    @Test func theDemoRunsTwiceToIdenticalBytes() throws {
        let (c1, s1) = try runDemo(threads: 1)
        let (c2, s2) = try runDemo(threads: 2)
        for stage in Stage.allCases where stage != .report {
            let names = try StageTables.names(store: StageStore(runFolder: c1.runFolder), stage: stage)
            #expect(!names.isEmpty)
            for n in names {
                let a = try StageStore(runFolder: c1.runFolder).csvBytes(stage, table: n)
                let b = try StageStore(runFolder: c2.runFolder).csvBytes(stage, table: n)
                #expect(a != nil && a == b,
                        "\(stage.rawValue)/\(n) identical")
            }
        }
        let first = try #require(s1.archive.flatMap(readFileBytes))
        #expect(first == s2.archive.flatMap(readFileBytes))
        #expect(Archive.verify(path: s1.archive!).ok)
    }

    /// `run --stage aggregate` reads only the record columns aggregate needs and the monitor's
    /// child-months from their column files, and gives the tables the full run gave; so does an
    /// output without those column files (an older timbang's), from `child_months.csv`.
    @Test func rerunningAggregateAloneGivesTheTablesOfTheFullRun() throws {
        let (config, _) = try runDemo(threads: 2)
        let store = StageStore(runFolder: config.runFolder)
        let names = try StageTables.names(store: store, stage: .aggregate)
        #expect(names.contains("prevalence") && names.contains("source_agreement"))
        let before = try names.map { try store.csvBytes(.aggregate, table: $0) }
        #expect(try store.mapColumns(.monitor, table: "child_months")?.keys.sorted() == ChildMonth.storedColumns.sorted())
        for dropColumns in [false, true] {
            if dropColumns { try FileManager.default.removeItem(atPath: store.current(.monitor)! + "/child_months") }
            let runner = PipelineRunner(config: config, options: RunOptions(only: .aggregate, threads: 2))
            runner.timbangVersion = "test"
            _ = try runner.run()
            for (n, b) in zip(names, before) {
                #expect(try store.csvBytes(.aggregate, table: n) == b, "aggregate/\(n), column files dropped: \(dropColumns)")
            }
        }
        #expect(try store.mapColumns(.monitor, table: "child_months") == nil)
    }

    @Test func theDemoShowsEveryFormatVariantAndScoresAgainstItsTruth() throws {
        let (config, _) = try runDemo(threads: 2)
        let store = StageStore(runFolder: config.runFolder)
        let files = try store.readTable(.ingest, "files")
        let enc = files.column("encoding")!, delim = files.column("delimiter")!, gz = files.column("compressed")!
        #expect(files.rows.contains { $0[gz] == "gzip" })
        #expect(files.rows.contains { $0[delim] == ";" })
        #expect(files.rows.contains { $0[enc] != "utf-8" })
        let score = try scoreRun(truth: Self.repo + "/pipelines/demo-truth", runFolder: config.runFolder)
        #expect(score.records == score.matched)
        #expect(score.rejection.precision == 1 && score.rejection.recall == 1)
        #expect(score.duplicates.precision == 1 && score.duplicates.recall == 1)
        #expect(try #require(score.linkage.precision) == 1)
    }
}
