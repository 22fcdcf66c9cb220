import Foundation
import TimbangCore
import Ingest
import Validate
import Link
import Growth
import Monitor
import Aggregate
import Report

/// What to run: all stages, one stage, or from one stage on.
public struct RunOptions: Sendable {
    /// Rerun only this stage, from the persisted output of the stage before it
    /// (`timbang run --only S`).
    public var only: Stage?
    /// Run this stage and all after it, starting from the persisted output before it
    /// (`timbang run --stage S`).
    public var from: Stage?
    public var threads: Int
    /// Read every input file, reusing nothing from the ingest cache (`IngestCache`), and
    /// store each file's output there anew.
    public var full: Bool
    public init(only: Stage? = nil, from: Stage? = nil, threads: Int, full: Bool = false) {
        self.only = only; self.from = from; self.threads = max(1, threads); self.full = full
    }
}

/// What a run did, for the closing line and the tests.
public struct RunSummary: Sendable {
    public var stages: [Stage] = []
    /// Per stage, `<stage>.<count>` (`ingest.records`, `link.duplicate`, `monitor.child_months`, …).
    public var counts: [String: Int] = [:]
    public var archive: String?
    /// Seconds and peak memory of each stage run, in order.
    public var timings: [StageTiming] = []
    /// The ledger of the run's last record table: what the closing line says.
    public var tally: Tally?

    /// The fates of a record table and its children (distinct child keys of valid records).
    public struct Tally: Sendable, Equatable {
        public var records = 0, valid = 0, invalid = 0, duplicate = 0, children = 0

        init(_ records: [Record]) {
            var keys = Set<String>()
            self.records = records.count
            for i in records.indices {
                switch records[i].status {
                case .valid:
                    valid += 1
                    if !records[i].childKey.isEmpty { keys.insert(records[i].childKey) }
                case .invalid: invalid += 1
                case .duplicate: duplicate += 1
                case .pending: break
                }
            }
            children = keys.count
        }
    }

    /// The counts of one stage (`<stage>.` stripped), for its log event.
    public func counts(of stage: Stage) -> [String: Int] {
        var out: [String: Int] = [:]
        let prefix = stage.rawValue + "."
        for (k, v) in counts where k.hasPrefix(prefix) { out[String(k.dropFirst(prefix.count))] = v }
        return out
    }
}

/// An input the pipeline names is missing or cannot be read as a whole (a folder that does
/// not exist or cannot be listed, no dump at all), or a stage's persisted input is missing:
/// nothing was written. One bad file among others is not this: it is a finding.
public struct InputError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The run folder (stage store, archive, `latest`) cannot be written: the last published
/// archive and `latest` are untouched.
public struct OutputError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }

    /// `cannot write <what> (<file>): <the system's reason>`, e.g. `cannot write the output of
    /// stage 'link' (…/stages/link.3f2a/records/sex.col): No space left on device`.
    public init(writing what: String, _ error: Error) {
        if let f = error as? AtomicFile.Failure, let reason = f.reason {
            description = "cannot write \(what)" + (f.path.map { what.contains($0) ? "" : " (\($0))" } ?? "") + ": " + reason
        } else {
            description = "cannot write \(what): \(error)"
        }
    }
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
    /// Called as each stage starts.
    public var stageStarted: (@Sendable (Stage) -> Void)?
    /// Called as each stage ends, with its seconds and its counts (the CLI logs one event each).
    public var stageFinished: (@Sendable (Stage, Double, [String: Int]) -> Void)?
    /// Called as ingest finishes each file: files done, bytes done, records so far (progress).
    public var ingestProgress: (@Sendable (IngestProgress) -> Void)?

    // Prepared before any output is written.
    var inputFiles: [InputFile] = []
    var standards: GrowthStandards?
    var kbm: KBMTable?
    var sasaran: [SasaranRow] = []
    /// The version written into the manifest (the CLI sets it).
    public var timbangVersion = "0.0.0"
    /// What identifies this build of timbang in the ingest cache's keys; nil = the SHA-256 of
    /// the running executable, so that any rebuild reads every file once again (a version
    /// number is not bumped for every change to ingest).
    public var buildIdentity: String?

    /// Stage outputs are persisted in the background while the next stage computes;
    /// `drainWrites()` waits for them and rethrows the first failure. The writer gets the
    /// stage's own columns already encoded, never the records, so the next stage owns its
    /// input alone and mutates it in place.
    let writer = DispatchQueue(label: "timbang.stage-writer")
    let pending = DispatchGroup()
    let writeError = LockedBox<Error?>(nil)

    // In-memory hand-off between consecutive stages of one run (taken by the stage that
    // mutates it, so it is never shared).
    var records: [Record]?
    /// The ingest row of each of `records` (nil: ingest order).
    var order: [Int]?
    /// The monitor's typed output and its `child_months` CSV, for aggregate and report.
    var monitorOutput: MonitorOutput?
    var childMonthsCSV: RenderedTable?
    /// The aggregate cube's `merge_*` tables as this run rendered them, for the report.
    var cubeCSV: [RenderedTable]?
    /// Tables this run produced, by stage (the report reads them from here in a full run,
    /// from the stage store when it runs alone).
    var produced: [Stage: [Table]] = [:]
    /// Sees each record stage's output as it is handed on (tests compare it with the store).
    var inspect: ((Stage, [Record]) -> Void)?

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
            inputFiles = try InputFiles.resolve(config.inputs).map(config.withUnits)
            if inputFiles.isEmpty {
                throw InputError("no dumps (.csv, .csv.gz, .xlsx) in \(config.inputs.joined(separator: ", "))")
            }
        }
        if stages.contains(.validate) || stages.contains(.growth) || stages.contains(.report) {
            do { standards = try GrowthStandards(directory: config.referenceFolder + "/who-growth-standards") } catch {
                throw ConfigError("\(error)")
            }
        }
        if stages.contains(.monitor) || stages.contains(.report) {
            do { kbm = try KBMTable.load(referenceDirectory: config.referenceFolder, edition: config.kbmEdition) } catch {
                throw ConfigError("\(error)")
            }
        }
        if stages.contains(.aggregate), let s = config.sasaranFile {
            do { sasaran = try Sasaran.load(path: s) } catch { throw ConfigError("\(error)") }
        }
        // A stage reads the outputs of every stage before it (the report reads ingest's files,
        // link's review, growth's records…): the earliest one missing is the one to run first.
        if let first = stages.first, let missing = Stage.allCases.prefix(while: { $0 != first }).first(where: { !store.exists($0) }) {
            throw InputError("stage '\(first.rawValue)' needs the persisted output of '\(missing.rawValue)' (\(store.folder(missing)) is missing): "
                + (missing == .ingest ? "run the whole pipeline first" : "run with --stage \(missing.rawValue) first"))
        }
        // The run folder must be writable before anything is computed.
        do {
            try AtomicFile.makeDirectories(config.runFolder)
            let probe = config.runFolder + "/.write-test-\(getpid())"
            try AtomicFile.write(text: "", to: probe)
            unlink(probe)
        } catch {
            throw OutputError("cannot write the run folder \(config.runFolder): " + ((error as? AtomicFile.Failure)?.reason ?? "\(error)"))
        }
    }

    /// Runs the planned stages under the run folder's lock.
    public func run() throws -> RunSummary {
        try preflight()
        let lock = try RunLock(folder: config.runFolder)
        defer { withExtendedLifetime(lock) {} }
        sweep()
        var summary = RunSummary()
        do {
            for stage in plannedStages {
                let start = DispatchTime.now()
                if stage == .report { try drainWrites() }
                stageStarted?(stage)
                try Failpoint.hit(stage.rawValue + ".compute")
                try runStage(stage, summary: &summary)
                // what the stage freed goes back to the system, not under the next stage's peak
                Memory.returnFreed()
                let secs = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                progress("\(stage.rawValue): done in \(formatFixed(secs, decimals: 2)) s")
                summary.timings.append(StageTiming(stage: stage, seconds: secs))
                summary.stages.append(stage)
                stageFinished?(stage, secs, summary.counts(of: stage))
            }
            try drainWrites()
        } catch {
            try? drainWrites()
            throw error
        }
        return summary
    }

    /// Removes what a killed run left (we hold the lock, so no other run is writing): stage
    /// generations no pointer names, and temporary files (`*.tmp-<pid>`) beside the archives.
    func sweep() {
        store.sweep()
        let fm = FileManager.default
        for e in (try? fm.contentsOfDirectory(atPath: config.runFolder)) ?? [] where e.range(of: #"\.tmp-[0-9]+$"#, options: .regularExpression) != nil {
            try? fm.removeItem(atPath: config.runFolder + "/" + e)
        }
    }

    /// Persists a stage's output in the background (see `writer`): the record columns the
    /// stage owns are encoded here (in parallel), the files written by the writer.
    func persist(_ stage: Stage, records: [Record]?, tables: [Table], rendered: [RenderedTable] = [],
                 columnTables: [(table: String, columns: [(name: String, bytes: [UInt8])])] = []) {
        produced[stage] = tables
        if let records, stage.recordStage != nil { inspect?(stage, records) }
        let columns = records.map { r in stage.recordStage.map { Record.encodeColumns($0.columns, of: r, threads: options.threads) } ?? [] } ?? []
        let store = self.store, box = writeError, order = self.order
        writer.async(group: pending) {
            do {
                try store.write(stage, columns: columns, order: order, tables: tables, rendered: rendered,
                                columnTables: columnTables)
            } catch {
                box.update { if $0 == nil { $0 = OutputError(writing: "the output of stage '\(stage.rawValue)'", error) } }
            }
        }
    }

    /// Waits for the background writes; throws the first failure.
    func drainWrites() throws {
        pending.wait()
        if let e = writeError.value { throw e }
    }

    /// The stage's input, taken from the hand-off (so the stage holds the only reference) or
    /// read from the previous stage's persisted output (only `columns` when given: the other
    /// fields keep their defaults).
    func takeInput(for stage: Stage, columns: Set<String>? = nil) throws -> [Record] {
        if let r = records {
            records = nil
            return r
        }
        let prev = stage.previous!.recordStage != nil ? stage.previous! : .growth
        let start = DispatchTime.now()
        order = try store.rowOrder(prev)
        let out = try store.readRecords(prev, columns: columns, threads: options.threads)
        let secs = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        progress("\(stage.rawValue): read \(out.count) records of \(prev.rawValue) in \(formatFixed(secs, decimals: 2)) s")
        return out
    }

    /// Sets `order` for a stage's output from its input's refs (unchanged when the stage kept
    /// the order, as all do today).
    func updateOrder(input: [RowRef], output: [Record]) throws {
        guard output.count == input.count else {
            throw TableError("a stage returned \(output.count) records for \(input.count)")
        }
        if output.indices.allSatisfy({ output[$0].ref == input[$0] }) { return }
        var at: [RowRef: Int] = [:]
        at.reserveCapacity(input.count)
        for (i, r) in input.enumerated() { at[r] = i }
        let before = order
        order = try output.map { r in
            guard let i = at[r.ref] else { throw TableError("a stage returned a record it was not given: \(r.ref)") }
            return before?[i] ?? i
        }
    }

    func runStage(_ stage: Stage, summary: inout RunSummary) throws {
        switch stage {
        case .ingest:
            try runIngest(summary: &summary)
        case .validate:
            let out = Validate.run(try takeInput(for: stage), settings: ValidateSettings(asOf: config.asOf, zScores: standards))
            persist(.validate, records: out, tables: [countsTable(out)])
            count(out, stage, &summary)
            records = consume out
        case .link:
            let input = try takeInput(for: stage)
            let refs = input.map(\.ref)
            var result = Link.run(consume input, settings: LinkSettings(key: config.key, decisions: config.decisions))
            var out: [Record] = []
            swap(&out, &result.records)
            try updateOrder(input: refs, output: out)
            persist(.link, records: out, tables: result.tables + [countsTable(out)])
            count(out, stage, &summary)
            records = consume out
        case .growth:
            let out = Growth.run(try takeInput(for: stage), standards: standards!, threads: options.threads)
            persist(.growth, records: out, tables: [countsTable(out)])
            count(out, stage, &summary)
            records = consume out
        case .monitor:
            let settings = MonitorSettings(kbm: kbm!, bgmCutoff: config.bgmCutoff)
            let recs = try takeInput(for: stage)
            let out = Monitor.compute(recs, settings: settings)
            let cm = RenderedTable(name: "child_months", rowCount: out.childMonths.count, csv: out.childMonthsCSV(recs))
            // the CSV for `show` and the archive, the typed columns for a rerun of aggregate
            let order = self.order
            let columns = ChildMonth.encodeColumns(out.childMonths) { order?[$0] ?? $0 }
            persist(.monitor, records: nil, tables: [out.followup], rendered: [cm], columnTables: [("child_months", columns)])
            summary.counts["monitor.child_months"] = out.childMonths.count
            summary.counts["monitor.followup"] = out.followup.rows.count
            monitorOutput = out; childMonthsCSV = cm
            records = consume recs
        case .aggregate:
            // read alone (`--only aggregate`), only what aggregate and the closing tally use;
            // the report after it in the same run takes these records and needs them whole
            let recs = try takeInput(for: stage, columns: plannedStages.contains(.report)
                ? nil : Aggregate.recordColumns.union(["child_key"]))
            let months = try monitorOutput?.childMonths ?? persistedChildMonths(recs)
            let out = Aggregate.compute(records: recs, childMonths: months, settings: AggregateSettings(sasaran: sasaran))
            // the cube's tables already CSV: the same bytes go to the store and the archive
            persist(.aggregate, records: nil, tables: out.tables, rendered: out.merge)
            cubeCSV = out.merge
            summary.counts["aggregate.tables"] = out.tables.count + out.merge.count
            summary.counts["aggregate.rows"] = out.tables.reduce(0) { $0 + $1.rows.count } + out.merge.reduce(0) { $0 + $1.rowCount }
            // the closing line's ledger, once: by the report when it runs after this stage
            if !plannedStages.contains(.report) { summary.tally = RunSummary.Tally(recs) }
            records = consume recs
        case .report:
            let recs = try takeInput(for: stage)
            let input = try reportInput(records: recs)
            summary.tally = RunSummary.Tally(recs)
            let published: Report.Published
            do { published = try Report.publish(input, folder: config.runFolder) } catch ReportError.cannotWrite(let p, let why) {
                throw OutputError("cannot write \(p): \(why)")
            }
            summary.counts["report.archive_bytes"] = published.bytes
            persist(.report, records: nil, tables: [
                Table(name: "archive", columns: ["archive", "bytes", "sha256"],
                      rows: [[lastPathComponent(published.path), String(published.bytes), published.sha256]]),
            ])
            summary.archive = published.path
        }
    }

    /// The monitor's child-months when aggregate runs alone: the typed columns the monitor
    /// stored, joined to `records` by ingest row id (`order`: the rows of `records`); the
    /// `child_months` table of an older timbang's output is parsed back instead.
    func persistedChildMonths(_ records: [Record]) throws -> [ChildMonth] {
        guard let columns = try store.mapColumns(.monitor, table: "child_months") else {
            return try Aggregate.childMonths(from: table(.monitor, "child_months"), records: records)
        }
        var position: [Int]?
        if let order {
            var p = [Int](repeating: -1, count: order.count)
            for (k, id) in order.enumerated() where id >= 0 && id < p.count { p[id] = k }
            position = p
        }
        return try ChildMonth.decodeColumns(columns, records: records) { id in
            guard let position else { return id }
            return id >= 0 && id < position.count ? position[id] : nil
        }
    }

    /// Ingest, reusing from the ingest cache the output of every file unchanged since it was
    /// stored (unless `options.full`), reading the others, and storing what it read.
    ///
    /// Each input is hashed first (size and SHA-256, in parallel); its cache key follows from
    /// that (`IngestCache`). `Ingest.run` puts reused and new outputs in file-name order, so the
    /// stage output is the one reading every file gives. What changed since the previous
    /// ingest (its `files` table) goes to the progress lines and the summary's counts
    /// (`ingest.added`, `.changed`, `.removed`, `.unchanged`; `.reused`, `.parsed`).
    func runIngest(summary: inout RunSummary) throws {
        let limits = config.limits
        let files = inputFiles
        // The executable is hashed with the inputs, while the disks are busy anyway.
        let executable = buildIdentity == nil ? [InputFile(path: "/proc/self/exe", name: "")] : []
        var hashed = Ingest.fingerprints(files + executable, threads: options.threads)
        let build = executable.isEmpty ? buildIdentity : hashed.removeLast()?.sha256
        let prints = hashed
        let cache = build.map { IngestCache(store: store, build: $0, limits: limits) }
        let changes = InputChanges(previous: try? store.readTable(.ingest, "files"),
                                   current: zip(files, prints).map { ($0.name, $1) })
        let reused: [FileOutput?] = options.full || cache == nil ? [] : parallelMap(files.count, threads: options.threads) { i in
            prints[i].flatMap { cache!.read(files[i], $0) }
        }
        let wasReused = reused.isEmpty ? [Bool](repeating: false, count: files.count) : reused.map { $0 != nil }
        let reusedCount = wasReused.filter { $0 }.count
        progress("ingest: \(files.count) files (\(changes.description) since the last ingest): "
                 + (options.full ? "reading all (--full)" : "\(reusedCount) reused, reading \(files.count - reusedCount)"))

        // Handed over (`consume`): ingest lets each reused output go once it is in place.
        var result = Ingest.run(files: files, threads: options.threads, limits: limits, reused: consume reused,
                                progress: ingestProgress)
        // Entries for the files read now, encoded before the records are handed on (the next
        // stage changes them in place); only when the bytes read are the ones hashed.
        var entries: [(key: String, bytes: [UInt8])] = []
        var keep = Set<String>()
        if let cache {
            var input: [String: Int] = [:]
            for (i, f) in files.enumerated() { input[f.name] = i }
            let fi = (Ingest.fileColumns.firstIndex(of: "bytes")!, Ingest.fileColumns.firstIndex(of: "sha256")!)
            var toWrite: [(row: Int, file: Int, print: FileFingerprint)] = []
            for (r, row) in result.files.rows.enumerated() {
                guard let i = input[row[0]], let p = prints[i] else { continue }
                keep.insert(cache.key(of: files[i], p))
                if !wasReused[i], row[fi.0] == String(p.bytes), row[fi.1] == p.sha256 {
                    toWrite.append((r, i, p))
                }
            }
            entries = parallelMap(toWrite.count, threads: options.threads) { k in
                let (r, i, p) = toWrite[k]
                let span = result.spans[r]
                return (cache.key(of: files[i], p),
                        cache.entry(records: result.records, rows: span.records, row: result.files.rows[r],
                                    findings: result.findings[span.findings], identity: cache.identity(of: files[i], p)))
            }
        }
        var out: [Record] = []
        swap(&out, &result.records)
        order = nil
        persist(.ingest, records: out, tables: [
            result.files, Table(name: "findings", columns: Finding.columns, rows: result.findings.map { $0.cells() }),
            countsTable(out),
        ])
        if let cache {
            // After the stage's own output, on the same queue; the cache never fails a run.
            let box = writeError, progress = self.progress, entries = entries, keep = keep
            writer.async(group: pending) {
                guard box.value == nil else { return }
                do {
                    for e in entries { try cache.write(e.bytes, key: e.key) }
                    cache.prune(keeping: keep)
                } catch {
                    progress("ingest: the ingest cache was not updated (\(error)); the next run reads these files again")
                }
            }
        }
        summary.counts["ingest.records"] = out.count
        summary.counts["ingest.findings"] = result.findings.count
        summary.counts["ingest.files"] = files.count
        summary.counts["ingest.added"] = changes.added
        summary.counts["ingest.changed"] = changes.changed
        summary.counts["ingest.removed"] = changes.removed
        summary.counts["ingest.unchanged"] = changes.unchanged
        summary.counts["ingest.reused"] = reusedCount
        summary.counts["ingest.parsed"] = files.count - reusedCount
        records = consume out
    }

    /// A stage's tables other than `records`: this run's, else the persisted ones whose name
    /// `include` accepts (sorted by name; a run's own are the text tables it made).
    func tables(_ stage: Stage, include: (String) -> Bool) throws -> [Table] {
        if let t = produced[stage] { return t.sorted { $0.name < $1.name } }
        return try store.readTables(stage, include: include)
    }

    /// One table of a stage: this run's, else the persisted one.
    func table(_ stage: Stage, _ name: String) throws -> Table {
        if let t = produced[stage]?.first(where: { $0.name == name }) { return t }
        return try store.readTable(stage, name)
    }

    /// The counts the manifest records for a stage: records per fate and per reason.
    func countsTable(_ records: [Record]) -> Table {
        var counts: [String: Int] = ["records": records.count]
        // by index, reading fields in place: a copy of a record retains some fifty strings
        for i in records.indices {
            let status = records[i].status
            counts[status == .pending ? (records[i].malformed.isEmpty ? "pending" : "malformed") : status.rawValue, default: 0] += 1
            if status == .invalid && !records[i].reason.isEmpty { counts["invalid." + records[i].reason, default: 0] += 1 }
        }
        return Table(name: "counts", columns: ["count", "n"],
                     rows: counts.keys.sorted().map { [$0, String(counts[$0]!)] })
    }

    /// Everything the report stage needs, from the persisted stage outputs.
    func reportInput(records: [Record]) throws -> ReportInput {
        let files = try table(.ingest, "files")
        let findingsTable = try table(.ingest, "findings")
        let findings = try findingsTable.rows.map { try Finding(cells: $0) }
        let fi = (files.column("file")!, files.column("bytes")!, files.column("sha256")!)
        let inputs = files.rows.map { ManifestInput(name: $0[fi.0], bytes: Int($0[fi.1]) ?? 0, sha256: $0[fi.2]) }

        var references: [ManifestReference] = []
        // The tables the growth stage loaded (and checked against SHA256SUMS), not a second read.
        for (name, sha) in standards!.checksums.sorted(by: { $0.key < $1.key }) {
            references.append(ManifestReference(name: "who-growth-standards/" + name, version: "WHO 2006 (anthro 1.1.0.9000)",
                                                sha256: sha))
        }
        references.append(ManifestReference(name: KBMTable.relativePath, version: kbm!.edition, sha256: kbm!.sha256))
        let permenkes = "permenkes/permenkes-2-2020.csv"
        references.append(ManifestReference(name: permenkes, version: "Permenkes 2/2020",
                                            sha256: sha256Hex(readFileBytes(config.referenceFolder + "/" + permenkes) ?? [])))

        var stageCounts: [StageCount] = []
        for s in [Stage.ingest, .validate, .link, .growth] {
            let t = try table(s, "counts")
            var c: [String: Int] = [:]
            for r in t.rows { c[r[0]] = Int(r[1]) ?? 0 }
            stageCounts.append(StageCount(stage: s.rawValue, counts: c))
        }

        // indices, not `for r in records`: a copy of a record retains some fifty strings
        var first: YearMonth?, last: YearMonth?
        for i in records.indices where records[i].status == .valid {
            guard let m = records[i].measureDate?.yearMonth else { continue }
            if first.map({ m < $0 }) ?? true { first = m }
            if last.map({ m > $0 }) ?? true { last = m }
        }
        let period = first.flatMap { f in last.map { "\(f)_\($0)" } } ?? config.asOf.yearMonth.description
        // this run's child_months as rendered by the monitor stage, else the stored bytes as
        // they are (not parsed: 215 MB at a million rows)
        let monitor = try tables(.monitor) { $0 != "child_months" }
        let childMonths = try childMonthsCSV.map { [$0] } ?? store.readRendered(.monitor) { $0 == "child_months" }
        // the cube's tables go under restricted/merge/ as they are, the others (suppressed)
        // under public/
        let aggregate = try tables(.aggregate) { !$0.hasPrefix(AggregateCube.tablePrefix) }
        // (by name, as the manifest has always listed a run's)
        let cube = try cubeCSV.map { $0.sorted { $0.name < $1.name } }
            ?? store.readRendered(.aggregate) { $0.hasPrefix(AggregateCube.tablePrefix) }
        var input = ReportInput(
            pipelineName: config.name, kabupaten: kabupatenName(records), period: period, asOf: config.asOf,
            timbangVersion: timbangVersion, configText: config.canonicalText(inputNames: inputs.map(\.name)),
            inputs: inputs, references: references, hmacKeyID: config.keyID, stageCounts: stageCounts,
            suppressionK: config.minCell, includeRunTime: config.includeRunTime,
            aggregate: aggregate, monitor: monitor, rendered: childMonths,
            ledger: Link.renderedLedger(records),
            findings: findings, byName: config.byName ? [byNameList(records, monitor: monitor)] : nil,
            linkReview: try? table(.link, "link_review"), linkDecisions: try? table(.link, "link_decisions"))
        input.merge = AggregateCube.archiveNamed(cube)
        input.mergeFormat = AggregateCube.format
        input.compressionLevel = config.compressionLevel
        return input
    }

    /// The kabupaten's name: the config's, else the most common one in the valid records.
    func kabupatenName(_ records: [Record]) -> String {
        if let k = config.kabupaten { return k }
        var raw: [String: Int] = [:]
        for i in records.indices where records[i].status == .valid && !records[i].kabupaten.isEmpty {
            raw[records[i].kabupaten, default: 0] += 1
        }
        var counts: [String: Int] = [:]
        for (k, n) in raw { counts[normalizedPlace(k), default: 0] += n }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? "KABUPATEN"
    }

    /// The by-name follow-up list (restricted only, and only when the pipeline asks for it):
    /// the follow-up rows with the child's NIK, name, parent and address from its latest record.
    func byNameList(_ records: [Record], monitor: [Table]) -> Table {
        var latest: [String: Record] = [:]
        for r in records where r.status == .valid && !r.childKey.isEmpty {
            if let old = latest[r.childKey], (old.measureDate ?? Day(ordinal: 0), old.ref) >= (r.measureDate ?? Day(ordinal: 0), r.ref) { continue }
            latest[r.childKey] = r
        }
        var t = Table(name: "followup_by_name", columns: ["child_key", "nik", "name", "parent_name", "address", "posyandu", "reasons"])
        guard let f = monitor.first(where: { $0.name == "followup" }), let ck = f.column("child_key"), let rs = f.column("reasons") else { return t }
        for row in f.rows {
            let r = latest[row[ck]]
            t.rows.append([row[ck], r?.nik ?? "", r?.name ?? "", r?.parentName ?? "", r?.address ?? "", r?.posyandu ?? "", row[rs]])
        }
        return t
    }

    func count(_ records: [Record], _ stage: Stage, _ summary: inout RunSummary) {
        var byStatus: [Status: Int] = [:]
        for i in records.indices { byStatus[records[i].status, default: 0] += 1 }
        for (status, n) in byStatus { summary.counts["\(stage.rawValue).\(status == .pending ? "pending" : status.rawValue)", default: 0] += n }
    }
}

/// How the inputs differ from those of the previous ingest (its `files` table), by name,
/// size and SHA-256.
struct InputChanges: CustomStringConvertible {
    var added = 0, changed = 0, removed = 0, unchanged = 0

    /// - Parameters:
    ///   - previous: the previous ingest's `files` table (nil: none, every input is added).
    ///   - current: each input's name and fingerprint (nil: it cannot be read).
    init(previous: Table?, current: [(name: String, print: FileFingerprint?)]) {
        var before: [String: FileFingerprint] = [:]
        if let t = previous, let f = t.column("file"), let b = t.column("bytes"), let h = t.column("sha256") {
            for row in t.rows { before[row[f]] = FileFingerprint(bytes: Int(row[b]) ?? -1, sha256: row[h]) }
        }
        for (name, print) in current {
            guard let old = before.removeValue(forKey: name) else { added += 1; continue }
            if let print, print == old { unchanged += 1 } else { changed += 1 }
        }
        removed = before.count
    }

    var description: String { "\(added) added, \(changed) changed, \(removed) removed, \(unchanged) unchanged" }
}

func lastPathComponent(_ p: String) -> String { p.split(separator: "/").last.map(String.init) ?? p }
