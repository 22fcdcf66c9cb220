import Foundation
import Testing
@testable import Pipeline
import TimbangCore

/// The binary stage store: each record stage persists only the columns it declares, the
/// store reassembles exactly what the stage handed on, and a stage's output is replaced
/// without a moment with no output.
@Suite struct StageStoreTests {
    func demoConfig() throws -> PipelineConfig {
        try PipelineConfig.load(path: DemoTests.repo + "/pipelines/demo.toml", overrides: .init(output: makeTempFolder("store")))
    }

    @Test func eachStageChangesOnlyTheColumnsItDeclaresAndTheStoreReassemblesIt() throws {
        let config = try demoConfig()
        let runner = PipelineRunner(config: config, options: RunOptions(threads: 2))
        runner.timbangVersion = "test"
        var seen: [(Stage, [Record])] = []
        runner.inspect = { seen.append(($0, $1)) }
        _ = try runner.run()
        #expect(seen.map(\.0) == [.ingest, .validate, .link, .growth])
        let store = StageStore(runFolder: config.runFolder)
        var before: [RowRef: [String]] = [:]
        for (stage, records) in seen {
            #expect(!records.isEmpty)
            // What the store gives back is what the stage handed on.
            let back = try store.readRecords(stage)
            #expect(back.count == records.count)
            let mismatched = zip(back, records).filter { $0 != $1 }
            #expect(mismatched.isEmpty, "\(stage.rawValue): \(mismatched.count) records differ after the store, e.g. \(mismatched.first.map { "\($0.0.ref)" } ?? "")")
            // And the stage changed only its own columns.
            let declared = Set(stage.recordStage!.columns)
            var changed = Set<String>()
            for r in records {
                let old = before[r.ref] ?? Record(ref: r.ref).cells()
                for (k, cell) in r.cells().enumerated() where cell != old[k] { changed.insert(Record.columns[k]) }
                before[r.ref] = r.cells()
            }
            #expect(changed.isSubset(of: declared), "\(stage.rawValue) changed \(changed.subtracting(declared).sorted()) without declaring them in Record.writers")
        }
        // Each stage wrote only its own columns, once.
        for (stage, _) in seen {
            let dir = try #require(store.current(stage)) + "/records"
            let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".col") && !$0.hasPrefix("_") }
            #expect(Set(files.map { String($0.dropLast(4)) }) == Set(stage.recordStage!.columns))
        }
    }

    @Test func showPrintsTheRecordTableAsTheCSVItStandsFor() throws {
        let config = try demoConfig()
        _ = try PipelineRunner(config: config, options: RunOptions(threads: 1)).run()
        let store = StageStore(runFolder: config.runFolder)
        let records = try store.readRecords(.growth)
        let csv = try #require(try store.csvBytes(.growth, table: "records"))
        let path = makeTempFolder("csv") + "/records.csv"
        try RecordTable.write(records, to: path)
        #expect(csv == readFileBytes(path))
        #expect(try RecordTable.read(Record.self, from: path) == records)
        #expect(try StageTables.names(store: store, stage: .growth) == ["counts", "records"])
    }

    @Test func aKilledWriteLeavesThePreviousOutputAndIsCleanedUpNextTime() throws {
        let store = StageStore(runFolder: makeTempFolder("gen"))
        let t1 = Table(name: "counts", columns: ["count", "n"], rows: [["records", "1"]])
        let t2 = Table(name: "counts", columns: ["count", "n"], rows: [["records", "2"]])
        try store.write(.monitor, tables: [t1])
        struct Killed: Error {}
        #expect(throws: Killed.self) { try store.write(.monitor, tables: [t2], beforeSwitch: { throw Killed() }) }
        #expect(try store.readTable(.monitor, "counts").rows == t1.rows, "the previous output is still there")
        let entries = { try FileManager.default.contentsOfDirectory(atPath: store.root).filter { $0.hasPrefix("monitor.") }.sorted() }
        #expect(try entries().count == 2, "the half-written generation is left by the killed write")
        try store.write(.monitor, tables: [t2])
        #expect(try store.readTable(.monitor, "counts").rows == t2.rows)
        #expect(try entries().count == 1, "stale and old generations are removed")
        #expect(try entries() == [lastPathComponent(store.current(.monitor)!)])
        // A folder from an older timbang (a plain stages/<stage>/) is replaced too.
        try AtomicFile.write(text: "count,n\nrecords,0\n", to: store.root + "/aggregate/counts.csv")
        try store.write(.aggregate, tables: [t1])
        #expect(try store.readTable(.aggregate, "counts").rows == t1.rows)
    }

    @Test func aStaleOrDamagedRecordTableIsRefused() throws {
        let config = try demoConfig()
        _ = try PipelineRunner(config: config, options: RunOptions(threads: 1)).run()
        let store = StageStore(runFolder: config.runFolder)
        _ = try store.readRecords(.growth)
        // Rerunning validate alone makes link's and growth's outputs stale.
        _ = try PipelineRunner(config: config, options: RunOptions(only: .validate, threads: 1)).run()
        #expect(throws: InputError.self) { try store.readRecords(.growth) }
        _ = try PipelineRunner(config: config, options: RunOptions(from: .link, threads: 1)).run()
        let records = try store.readRecords(.growth)
        // A flipped byte in a column file is caught by its checksum.
        let p = try #require(store.current(.growth)) + "/records/zwei.col"
        var bytes = try #require(readFileBytes(p))
        bytes[bytes.count - 3] ^= 1
        try AtomicFile.write(bytes, to: p)
        do { _ = try store.readRecords(.growth); Issue.record("a damaged column was read") } catch let e as TableError {
            #expect(e.description.contains("checksum"))
        }
        #expect(records.count > 0)
    }
}
