import Foundation
import Testing
@testable import Pipeline
import TimbangCore

@Suite struct RunnerTests {
    func setUp() throws -> (dir: String, config: PipelineConfig) {
        let dir = makeTempFolder("run")
        write(smallDump, to: dir + "/dumps/posyandu-a.csv")
        let config = try PipelineConfig.load(path: writePipeline(in: dir))
        return (dir, config)
    }

    @Test func aFullRunPersistsEveryStage() throws {
        let (_, config) = try setUp()
        _ = try PipelineRunner(config: config, options: RunOptions(threads: 2)).run()
        let store = StageStore(runFolder: config.runFolder)
        for stage in [Stage.ingest, .validate, .link, .growth, .monitor, .aggregate] {
            #expect(store.exists(stage), "stage \(stage.rawValue) persisted")
        }
        let records = try store.readRecords(.growth)
        #expect(records.count == 3)
        #expect(records.map(\.ref.record) == [1, 2, 3])
    }

    @Test func rerunningOneStageGivesWhatTheFullRunGave() throws {
        let (_, config) = try setUp()
        _ = try PipelineRunner(config: config, options: RunOptions(threads: 1)).run()
        let store = StageStore(runFolder: config.runFolder)
        let before = try #require(try store.csvBytes(.growth, table: "records"))
        let summary = try PipelineRunner(config: config, options: RunOptions(only: .growth, threads: 2)).run()
        #expect(summary.stages == [.growth])
        #expect(try store.csvBytes(.growth, table: "records") == before)
    }

    @Test func rerunningTheReportFromPersistedTablesGivesTheSameArchive() throws {
        let (_, config) = try setUp()
        let full = try PipelineRunner(config: config, options: RunOptions(threads: 2)).run()
        let bytes = try #require(full.archive.flatMap(readFileBytes))
        let alone = try PipelineRunner(config: config, options: RunOptions(only: .report, threads: 1)).run()
        #expect(alone.archive.flatMap(readFileBytes) == bytes)
        let fromMonitor = try PipelineRunner(config: config, options: RunOptions(from: .monitor, threads: 1)).run()
        #expect(fromMonitor.stages == [.monitor, .aggregate, .report])
        #expect(fromMonitor.archive.flatMap(readFileBytes) == bytes)
    }

    /// `report.compression_level` reaches the archive: other compressed bytes, the same tar
    /// but for the workbooks, and the level in the manifest's config.
    @Test func theReportsCompressionLevelIsTheArchives() throws {
        let (dir, config) = try setUp()
        let fast = try #require(try PipelineRunner(config: config, options: RunOptions(threads: 2)).run().archive.flatMap(readFileBytes))
        let nine = try PipelineConfig.load(path: writePipeline(in: dir), overrides: .init(settings: ["report.compression_level=9"]))
        let small = try #require(try PipelineRunner(config: nine, options: RunOptions(only: .report, threads: 2)).run().archive.flatMap(readFileBytes))
        #expect(fast != small)
        let (a, b) = (try Gzip.decompress(fast, limit: 1 << 28), try Gzip.decompress(small, limit: 1 << 28))
        #expect(String(decoding: b, as: UTF8.self).contains("compression_level = 9"))
        #expect(!String(decoding: a, as: UTF8.self).contains("compression_level"))
    }

    @Test func aStageWithoutItsPredecessorsOutputIsRefusedBeforeWriting() throws {
        let (_, config) = try setUp()
        #expect(throws: InputError.self) {
            try PipelineRunner(config: config, options: RunOptions(only: .link, threads: 1)).run()
        }
        #expect(!FileManager.default.fileExists(atPath: config.runFolder + "/stages/link"))
    }

    @Test func twoRunsCannotHoldTheLockAtOnceAndTheSecondSaysWhoHoldsIt() throws {
        let dir = makeTempFolder("lock")
        let first = try RunLock(folder: dir)
        #expect {
            try RunLock(folder: dir)
        } throws: { error in
            let text = "\(error)"
            return text.contains("another timbang run (PID \(getpid()), started 20") && text.contains("Z) holds")
        }
        withExtendedLifetime(first) {}
    }

    @Test func aLockFileLeftByAKilledRunNeverBlocks() throws {
        let dir = makeTempFolder("stale")
        write("pid 999999\nstarted 2020-01-01T00:00:00Z\n", to: dir + "/.lock")
        let lock = try RunLock(folder: dir)
        #expect(RunLock.holder(of: dir + "/.lock")?.hasPrefix("PID \(getpid()), started ") == true)
        withExtendedLifetime(lock) {}
    }
}
