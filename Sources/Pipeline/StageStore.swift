import Foundation
import TimbangCore

/// The persisted outputs of a pipeline's stages, under `<run folder>/stages/`.
///
/// Each write of a stage makes a new generation folder `stages/<stage>.<token>/` and then
/// switches the pointer `stages/<stage>` (a relative symlink, renamed over the old one in one
/// atomic step) to it; the old generation is deleted afterwards. A reader always sees one
/// whole generation; a killed run leaves the previous one in place, and the half-written
/// folder is removed by the next write of that stage.
///
/// In a generation folder, small tables are CSV (`<table>.csv`); the record table of a record
/// stage is a folder `records/` of binary column files (`<column>.col`, see `ColumnFile`)
/// holding only the columns that stage writes (`Record.writers`), plus `_order.col` when its
/// rows are not in ingest order and `_basis.txt` naming the generations it was computed from.
/// `readRecords` overlays the columns of ingest … the stage.
public struct StageStore: Sendable {
    public let root: String

    public init(runFolder: String) { root = runFolder + "/stages" }

    /// The stage's pointer: reading through it gives the current generation.
    public func folder(_ stage: Stage) -> String { root + "/" + stage.rawValue }

    public func path(_ stage: Stage, table: String) -> String { folder(stage) + "/" + table + ".csv" }

    public func exists(_ stage: Stage) -> Bool { isDirectory(folder(stage)) }

    /// The current generation folder (resolved once, so a reader is not moved to a newer
    /// generation halfway), or nil when the stage has no output.
    public func current(_ stage: Stage) -> String? {
        let p = folder(stage)
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: p) {
            let resolved = target.hasPrefix("/") ? target : root + "/" + target
            return isDirectory(resolved) ? resolved : nil
        }
        return isDirectory(p) ? p : nil   // a folder written by an older timbang
    }

    /// Writes one stage's output: the record columns it owns (as encoded by
    /// `Record.encodeColumns`), the order of its rows when not ingest's, the named tables and
    /// the tables already rendered as CSV.
    /// `beforeSwitch` runs when the new generation is complete but not yet current (tests).
    public func write(_ stage: Stage, columns: [(name: String, bytes: [UInt8])] = [], order: [Int]? = nil,
                      tables: [Table], rendered: [RenderedTable] = [],
                      columnTables: [(table: String, columns: [(name: String, bytes: [UInt8])])] = [],
                      beforeSwitch: (() throws -> Void)? = nil) throws {
        let fm = FileManager.default
        try AtomicFile.makeDirectories(root)
        let live = current(stage)
        removeStale(stage, keep: live)
        let name = stage.rawValue + "." + String(UInt64.random(in: 1...UInt64.max), radix: 16)
        let dir = root + "/" + name
        // A write that fails (a full disk, a read-only folder) takes its half-written generation
        // away with it (when the folder still lets it; else the next run's sweep does): no
        // generation folder but the current one stays, and the pointer never moves to one.
        do {
            try AtomicFile.makeDirectories(dir)
            // A test can kill the run here, halfway through the new generation (`Failpoint`).
            let half = (columns.count + tables.count + rendered.count) / 2
            var written = 0
            func wrote() throws { written += 1; if written == half { try Failpoint.hit(stage.rawValue + ".write") } }
            if half == 0 { try Failpoint.hit(stage.rawValue + ".write") }
            if stage.recordStage != nil {
                for c in columns { try AtomicFile.write(c.bytes, to: dir + "/records/" + c.name + ".col"); try wrote() }
                if let order {
                    var b = ColumnBuilder(.int64, capacity: order.count)
                    for o in order { b.append(Int64(o)) }
                    try AtomicFile.write(b.fileBytes(), to: dir + "/records/_order.col")
                }
                try AtomicFile.write(text: basis(before: stage), to: dir + "/records/_basis.txt")
            }
            for t in columnTables {
                for c in t.columns { try AtomicFile.write(c.bytes, to: dir + "/" + t.table + "/" + c.name + ".col") }
                try AtomicFile.write(text: basis(before: stage), to: dir + "/" + t.table + "/_basis.txt")
            }
            for t in tables { try RecordTable.write(t, to: dir + "/" + t.name + ".csv"); try wrote() }
            for t in rendered { try AtomicFile.write(t.csv, to: dir + "/" + t.name + ".csv"); try wrote() }
        } catch {
            try? fm.removeItem(atPath: dir)
            throw error
        }
        try beforeSwitch?()

        // Switch the pointer: a new symlink renamed over the old one.
        let pointer = folder(stage)
        let link = root + "/." + stage.rawValue + ".link-\(getpid())"
        unlink(link)
        if let e = Failpoint.writeFault() { try? fm.removeItem(atPath: dir); throw AtomicFile.Failure("cannot create", link, errno: e) }
        guard symlink(name, link) == 0 else {
            let e = errno
            try? fm.removeItem(atPath: dir)
            throw AtomicFile.Failure("cannot create", link, errno: e)
        }
        var legacy: String?
        var st = stat()
        if lstat(pointer, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            // The output of an older timbang: a real folder cannot be renamed over, move it aside.
            legacy = root + "/." + stage.rawValue + ".old-\(getpid())"
            try fm.moveItem(atPath: pointer, toPath: legacy!)
        }
        guard rename(link, pointer) == 0 else {
            let e = errno
            unlink(link)
            if let legacy { try? fm.moveItem(atPath: legacy, toPath: pointer) }
            try? fm.removeItem(atPath: dir)
            throw AtomicFile.Failure("cannot switch \(name) in as", pointer, errno: e)
        }
        let dfd = open(root, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        if let live, live != pointer { try? fm.removeItem(atPath: live) }
        if let legacy { try? fm.removeItem(atPath: legacy) }
    }

    /// Removes what a killed run left in the store: for every stage, generation folders its
    /// pointer does not name, and temporary pointers and folders. Called under the run lock at
    /// the start of a run (a reader such as `timbang show` only ever follows a pointer).
    public func sweep() {
        for stage in Stage.allCases { removeStale(stage, keep: current(stage)) }
    }

    /// The `_basis.txt` of an output of `stage`: the current generation of each record stage
    /// before it.
    func basis(before stage: Stage) -> String {
        var basis = ""
        for s in RecordStage.allCases where Stage.allCases.firstIndex(of: Stage(rawValue: s.rawValue)!)! < Stage.allCases.firstIndex(of: stage)! {
            basis += s.rawValue + " " + (current(Stage(rawValue: s.rawValue)!).map(lastPathComponent) ?? "") + "\n"
        }
        return basis
    }

    /// The column files of a table a stage stored as columns (`write(columnTables:)`), mapped,
    /// by column name; nil when the stage's output has no such table (written by an older
    /// timbang: the caller falls back to the CSV).
    /// - Throws: `InputError` when it was computed from an older output of a record stage;
    ///   `TableError` when a file is damaged.
    public func mapColumns(_ stage: Stage, table: String) throws -> [String: MappedColumn]? {
        guard let d = current(stage), isDirectory(d + "/" + table) else { return nil }
        let dir = d + "/" + table
        try checkBasis(stage, dir: dir)
        var out: [String: MappedColumn] = [:]
        for e in try FileManager.default.contentsOfDirectory(atPath: dir) where e.hasSuffix(".col") {
            out[String(e.dropLast(4))] = try MappedColumn(path: dir + "/" + e)
        }
        return out
    }

    /// Removes what a killed write of `stage` left: generation folders other than `keep`,
    /// and temporary pointers and folders.
    func removeStale(_ stage: Stage, keep: String?) {
        let fm = FileManager.default
        let keepName = keep.map(lastPathComponent)
        for e in (try? fm.contentsOfDirectory(atPath: root)) ?? [] {
            let generation = e.hasPrefix(stage.rawValue + ".") && e != keepName
            let temporary = e.hasPrefix("." + stage.rawValue + ".")
            if generation || temporary { try? fm.removeItem(atPath: root + "/" + e) }
        }
    }

    /// Whether the stage's output has a record table.
    public func hasRecords(_ stage: Stage) -> Bool {
        guard let dir = current(stage) else { return false }
        return isDirectory(dir + "/records")
    }

    /// The records of a record stage (`ingest` … `growth`), assembled from the columns of
    /// ingest … that stage, in that stage's row order.
    /// - Throws: `InputError` when a stage has no output or was computed from an older output
    ///   of an earlier stage (rerun since); `TableError` when a column file is damaged.
    /// - Parameter columns: when given, only these columns are read (the others keep their
    ///   defaults): a stage that needs a few columns does not pay for assembling all of them.
    public func readRecords(_ stage: Stage, columns wanted: Set<String>? = nil, threads: Int = Int.max) throws -> [Record] {
        guard let rs = stage.recordStage else { throw InputError("stage '\(stage.rawValue)' has no record table") }
        let stages = RecordStage.allCases.filter { $0 <= rs }.map { Stage(rawValue: $0.rawValue)! }
        var dirs: [String] = []
        for s in stages {
            guard let d = current(s), isDirectory(d + "/records") else {
                throw InputError("no persisted records of stage '\(s.rawValue)' in \(folder(s)): run the pipeline (or that stage) first")
            }
            dirs.append(d + "/records")
        }
        try checkBasis(stage, dir: dirs.last!)
        var layers: [Record.Layer] = []
        var orders: [[Int]?] = []
        for (s, d) in zip(stages, dirs) {
            var cols: [String: MappedColumn] = [:]
            for name in s.recordStage!.columns where name == "file" || wanted?.contains(name) ?? true {
                let spec = Record.storedColumn(name)!
                cols[name] = try MappedColumn(path: d + "/" + name + ".col", expect: spec.type)
            }
            layers.append(Record.Layer(columns: cols, position: nil))
            orders.append(try readOrder(d))
        }
        let n = layers[0].columns["file"]!.rows
        // Rows of a layer go where their ingest row sits in this stage's order.
        if let final = orders.last! {
            var inverse = [Int](repeating: -1, count: n)
            for (k, id) in final.enumerated() where id >= 0 && id < n { inverse[id] = k }
            for i in layers.indices where orders[i] != final {
                layers[i].position = orders[i].map { $0.map { inverse[$0] } } ?? inverse
            }
        } else {
            for i in layers.indices { if let o = orders[i] { layers[i].position = o } }
        }
        return try Record.assemble(rows: n, layers: layers, threads: threads)
    }

    /// The ingest row of each row of a record stage's output; nil when in ingest order.
    public func rowOrder(_ stage: Stage) throws -> [Int]? {
        guard let d = current(stage) else { return nil }
        return try readOrder(d + "/records")
    }

    func readOrder(_ dir: String) throws -> [Int]? {
        let p = dir + "/_order.col"
        guard FileManager.default.fileExists(atPath: p) else { return nil }
        let m = try MappedColumn(path: p, expect: .int64)
        return (0..<m.rows).map { Int(m.int64($0)) }
    }

    /// Refuses a stage output computed from another generation of an earlier stage than the
    /// current one (an earlier stage was rerun alone since).
    func checkBasis(_ stage: Stage, dir: String) throws {
        guard let text = try? String(contentsOfFile: dir + "/_basis.txt", encoding: .utf8) else {
            throw InputError("\(dir): no _basis.txt (written by another timbang version): rerun the pipeline")
        }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let s = Stage(rawValue: parts[0]) else { continue }
            if current(s).map(lastPathComponent) != parts[1] {
                throw InputError("the persisted '\(stage.rawValue)' output was computed before '\(s.rawValue)' was rerun: rerun with --stage \(Stage.allCases[Stage.allCases.firstIndex(of: s)! + 1].rawValue)")
            }
        }
    }

    public func readTable(_ stage: Stage, _ name: String) throws -> Table {
        let p = (current(stage) ?? folder(stage)) + "/" + name + ".csv"
        guard FileManager.default.fileExists(atPath: p) else {
            throw InputError("no persisted table '\(name)' of stage '\(stage.rawValue)' at \(path(stage, table: name)): run the pipeline (or that stage) first")
        }
        return try RecordTable.readTable(name: name, from: p)
    }

    /// All tables of a stage except `records` (those whose name `include` accepts), sorted by name.
    public func readTables(_ stage: Stage, include: (String) -> Bool = { _ in true }) throws -> [Table] {
        try tableNames(stage).filter(include).map { try readTable(stage, $0) }
    }

    /// Tables of a stage as their CSV bytes, not parsed (those whose name `include` accepts),
    /// sorted by name: what goes into the archive as it is.
    /// - Throws: `TableError` when a file cannot be read or its quotes are not closed.
    public func readRendered(_ stage: Stage, include: (String) -> Bool) throws -> [RenderedTable] {
        guard let dir = current(stage) else { return [] }
        return try tableNames(stage).filter(include).map { name in
            let p = dir + "/" + name + ".csv"
            guard let bytes = readFileBytes(p) else { throw TableError("cannot read \(p)") }
            guard let rows = RenderedTable.rowCount(bytes) else { throw TableError("\(p): a quoted cell is not closed") }
            return RenderedTable(name: name, rowCount: rows, csv: bytes)
        }
    }

    /// The names of a stage's CSV tables, sorted.
    func tableNames(_ stage: Stage) -> [String] {
        guard let dir = current(stage) else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".csv") }
            .map { String($0.dropLast(4)) }
            .sorted()
    }

    /// A table of a stage as CSV, handed to `sink` in pieces of about 1 MiB: the CSV file
    /// itself, or for `records` the assembled records in `Record.columns` (the text
    /// `records.csv` had).
    /// - Returns: false when the stage has no such table.
    public func writeCSV(_ stage: Stage, table: String, to sink: ([UInt8]) -> Void) throws -> Bool {
        if table == "records" && hasRecords(stage) {
            let records = try readRecords(stage)
            var w = CSVRowBytes()
            for c in Record.columns { w.cell(c) }
            w.endRow()
            for r in records {
                r.appendCells(to: &w)
                w.endRow()
                if w.bytes.count >= 1 << 20 { sink(w.bytes); w.bytes.removeAll(keepingCapacity: true) }
            }
            sink(w.bytes)
            return true
        }
        guard let dir = current(stage), let bytes = readFileBytes(dir + "/" + table + ".csv") else { return false }
        sink(bytes)
        return true
    }

    /// `writeCSV` collected into one byte array (tests, small tables); nil when there is no such table.
    public func csvBytes(_ stage: Stage, table: String) throws -> [UInt8]? {
        var out: [UInt8] = []
        return try writeCSV(stage, table: table) { out.append(contentsOf: $0) } ? out : nil
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

    /// The record stage this is (ingest … growth), nil for the others.
    public var recordStage: RecordStage? { RecordStage(rawValue: rawValue) }
}

/// An exclusive lock on a run folder, so two cron runs never overlap.
public final class RunLock {
    let fd: Int32
    public let path: String

    /// Takes the lock or throws at once (no waiting), naming the run that holds it.
    ///
    /// The lock is `flock` on `<folder>/.lock`: the kernel releases it when its process ends,
    /// however it ends, so a lock file left by a killed run never blocks. The holder writes its
    /// PID and start time (UTC) into the file, for the message a second run prints.
    /// - Throws: `LockError` when another run holds it; `OutputError` when the lock file
    ///   cannot be made (a read-only or full output folder).
    public init(folder: String) throws {
        path = folder + "/.lock"
        do { try AtomicFile.makeDirectories(folder) } catch { throw OutputError(writing: "the lock file \(path)", error) }
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else {
            throw OutputError(writing: "the lock file \(path)", AtomicFile.Failure("cannot open", path, errno: errno))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = RunLock.holder(of: path)
            close(fd)
            throw LockError(description: "another timbang run\(holder.map { " (\($0))" } ?? "") holds \(path); try again when it has finished")
        }
        let text = Array("pid \(getpid())\nstarted \(utcTimestamp())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// `PID 1234, started 2026-12-02T01:00:00Z` from a lock file, or nil when it says nothing.
    static func holder(of path: String) -> String? {
        guard let bytes = readFileBytes(path) else { return nil }
        var pid: String?, started: String?
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("pid ") { pid = String(line.dropFirst(4)) }
            if line.hasPrefix("started ") { started = String(line.dropFirst(8)) }
        }
        guard let pid else { return nil }
        return "PID \(pid)" + (started.map { ", started \($0)" } ?? "")
    }

    deinit { flock(fd, LOCK_UN); close(fd) }

    public struct LockError: Error, CustomStringConvertible { public var description: String }
}
