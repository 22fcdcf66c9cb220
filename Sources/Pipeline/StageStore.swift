import Foundation
import TimbangCore

/// The persisted outputs of a pipeline's stages: `<run folder>/stages/<stage>/<table>.csv`.
///
/// A stage's folder is replaced as a whole: its tables are written to a temporary folder,
/// which is then renamed into place, so a killed run leaves either the old stage output or
/// the new one, never a mix.
public struct StageStore: Sendable {
    public let root: String

    public init(runFolder: String) { root = runFolder + "/stages" }

    public func folder(_ stage: Stage) -> String { root + "/" + stage.rawValue }

    public func path(_ stage: Stage, table: String) -> String { folder(stage) + "/" + table + ".csv" }

    public func exists(_ stage: Stage) -> Bool { isDirectory(folder(stage)) }

    /// Writes one stage's output: the record table (if any), the named tables and the tables
    /// already rendered as CSV.
    public func write(_ stage: Stage, records: [Record]?, tables: [Table], rendered: [RenderedTable] = []) throws {
        let fm = FileManager.default
        let tmp = root + "/." + stage.rawValue + ".tmp-\(getpid())"
        try? fm.removeItem(atPath: tmp)
        try AtomicFile.makeDirectories(tmp)
        if let records { try RecordTable.write(records, to: tmp + "/records.csv") }
        for t in tables { try RecordTable.write(t, to: tmp + "/" + t.name + ".csv") }
        for t in rendered { try AtomicFile.write(t.csv, to: tmp + "/" + t.name + ".csv") }
        let dest = folder(stage)
        let old = root + "/." + stage.rawValue + ".old-\(getpid())"
        if fm.fileExists(atPath: dest) { try fm.moveItem(atPath: dest, toPath: old) }
        guard rename(tmp, dest) == 0 else { throw TableError("cannot move \(tmp) to \(dest)") }
        try? fm.removeItem(atPath: old)
    }

    public func readRecords(_ stage: Stage) throws -> [Record] {
        let p = path(stage, table: "records")
        guard FileManager.default.fileExists(atPath: p) else {
            throw ConfigError("no persisted output of stage '\(stage.rawValue)' at \(p): run the pipeline (or that stage) first")
        }
        return try RecordTable.read(Record.self, from: p)
    }

    public func readTable(_ stage: Stage, _ name: String) throws -> Table {
        let p = path(stage, table: name)
        guard FileManager.default.fileExists(atPath: p) else {
            throw ConfigError("no persisted table '\(name)' of stage '\(stage.rawValue)' at \(p): run the pipeline (or that stage) first")
        }
        return try RecordTable.readTable(name: name, from: p)
    }

    /// All tables of a stage except `records`, sorted by name.
    public func readTables(_ stage: Stage) throws -> [Table] {
        let dir = folder(stage)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".csv") && $0 != "records.csv" }
            .map { String($0.dropLast(4)) }
            .sorted()
        return try names.map { try readTable(stage, $0) }
    }
}

/// The pipeline's stages, in order.
public enum Stage: String, CaseIterable, Sendable {
    case ingest, validate, link, growth, monitor, aggregate, report

    public var previous: Stage? {
        let all = Stage.allCases
        let i = all.firstIndex(of: self)!
        return i == 0 ? nil : all[i - 1]
    }

    /// The table `timbang show` prints by default.
    public var mainTable: String {
        switch self {
        case .monitor: return "child_months"
        case .aggregate: return "prevalence"
        case .report: return "archive"
        default: return "records"
        }
    }
}

/// An exclusive lock on a run folder, so two cron runs never overlap.
public final class RunLock {
    let fd: Int32
    public let path: String

    /// Takes the lock or throws at once (no waiting).
    public init(folder: String) throws {
        try AtomicFile.makeDirectories(folder)
        path = folder + "/.lock"
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw LockError(description: "cannot open lock file \(path)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw LockError(description: "another timbang run holds \(path); try again when it has finished")
        }
    }

    deinit { flock(fd, LOCK_UN); close(fd) }

    public struct LockError: Error, CustomStringConvertible { public var description: String }
}
