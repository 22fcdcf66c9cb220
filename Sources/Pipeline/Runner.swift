import Foundation
import TimbangCore
import Ingest
import Validate
import Link
import Growth
import Monitor
import Aggregate

/// What to run: all stages, one stage, or from one stage on.
public struct RunOptions: Sendable {
    /// Rerun only this stage, from the persisted output of the stage before it.
    public var only: Stage?
    /// Run this stage and all after it, starting from the persisted output before it.
    public var from: Stage?
    public var threads: Int
    public init(only: Stage? = nil, from: Stage? = nil, threads: Int) {
        self.only = only; self.from = from; self.threads = max(1, threads)
    }
}

/// What a run did, for the closing line and the tests.
public struct RunSummary: Sendable {
    public var stages: [Stage] = []
    public var counts: [String: Int] = [:]
    public var archive: String?
}

/// Runs a pipeline's stages in order, persisting each stage's output.
///
/// Everything that can be checked before output is touched (config, key, reference tables,
/// input list) is checked first; a bad input file never stops the run (it becomes a finding).
public final class PipelineRunner {
    public let config: PipelineConfig
    public let options: RunOptions
    public let store: StageStore
    let progress: @Sendable (String) -> Void

    // Prepared before any output is written.
    var inputFiles: [InputFile] = []
    var standards: GrowthStandards?

    // In-memory hand-off between consecutive stages of one run.
    var records: [Record]?
    var monitorTables: [Table]?

    public init(config: PipelineConfig, options: RunOptions, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.config = config
        self.options = options
        self.store = StageStore(runFolder: config.runFolder)
        self.progress = progress
    }

    /// The stages this run executes.
    public var plannedStages: [Stage] {
        if let only = options.only { return [only] }
        let all = Stage.allCases
        let start = options.from.flatMap { all.firstIndex(of: $0) } ?? 0
        return Array(all[start...])
    }

    /// Checks what can be checked before anything is written.
    /// - Throws: `ConfigError` (or a reference-table error) with one clear line.
    public func preflight() throws {
        let stages = plannedStages
        if stages.contains(.ingest) {
            inputFiles = try InputFiles.resolve(config.inputs)
        }
        if stages.contains(.growth) {
            do { standards = try GrowthStandards(directory: config.referenceFolder + "/who-growth-standards") } catch {
                throw ConfigError("\(error)")
            }
        }
        if let first = stages.first, let prev = first.previous, !store.exists(prev) {
            throw ConfigError("stage '\(first.rawValue)' needs the persisted output of '\(prev.rawValue)' in \(store.folder(prev)); run the whole pipeline first")
        }
    }

    /// Runs the planned stages under the run folder's lock.
    public func run() throws -> RunSummary {
        try preflight()
        let lock = try RunLock(folder: config.runFolder)
        defer { withExtendedLifetime(lock) {} }
        var summary = RunSummary()
        for stage in plannedStages {
            let start = DispatchTime.now()
            try runStage(stage, summary: &summary)
            let secs = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            progress("\(stage.rawValue): done in \(formatFixed(secs, decimals: 2)) s")
            summary.stages.append(stage)
        }
        return summary
    }

    func inputRecords(for stage: Stage) throws -> [Record] {
        if let records { return records }
        return try store.readRecords(stage.previous!)
    }

    func runStage(_ stage: Stage, summary: inout RunSummary) throws {
        switch stage {
        case .ingest:
            progress("ingest: reading \(inputFiles.count) files")
            let result = Ingest.run(files: inputFiles, threads: options.threads)
            try store.write(.ingest, records: result.records, tables: [
                result.files, Table(name: "findings", columns: Finding.columns, rows: result.findings.map { $0.cells() }),
            ])
            records = result.records
            summary.counts["ingest.records"] = result.records.count
            summary.counts["ingest.findings"] = result.findings.count
        case .validate:
            let out = Validate.run(try inputRecords(for: stage), settings: ValidateSettings(asOf: config.asOf))
            try store.write(.validate, records: out, tables: [])
            records = out
            count(out, stage, &summary)
        case .link:
            let result = Link.run(try inputRecords(for: stage), settings: LinkSettings(key: config.key))
            try store.write(.link, records: result.records, tables: result.tables)
            records = result.records
            count(result.records, stage, &summary)
        case .growth:
            let out = Growth.run(try inputRecords(for: stage), standards: standards!, threads: options.threads)
            try store.write(.growth, records: out, tables: [])
            records = out
            count(out, stage, &summary)
        case .monitor:
            let tables = try Monitor.run(try inputRecords(for: stage), settings: MonitorSettings(asOf: config.asOf))
            try store.write(.monitor, records: nil, tables: tables)
            monitorTables = tables
            if records == nil { records = try store.readRecords(.growth) }
        case .aggregate:
            let recs = try records ?? store.readRecords(.growth)
            let mon = try monitorTables ?? store.readTables(.monitor)
            let tables = try Aggregate.run(records: recs, monitor: mon, settings: AggregateSettings())
            try store.write(.aggregate, records: nil, tables: tables)
            records = recs
        case .report:
            break
        }
    }

    func count(_ records: [Record], _ stage: Stage, _ summary: inout RunSummary) {
        for r in records {
            summary.counts["\(stage.rawValue).\(r.status == .pending ? "pending" : r.status.rawValue)", default: 0] += 1
        }
    }
}
