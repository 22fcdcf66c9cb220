#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes tables of `TableRow`s as CSV files, streaming.
public enum RecordTable {
    /// Writes rows to `path` atomically (temporary name, fsync, rename), streaming.
    public static func write<R: TableRow>(_ rows: [R], to path: String) throws {
        try stream(header: R.columns, count: rows.count, to: path) { rows[$0].appendCells(to: &$1) }
    }

    /// Reads a table written by `write`. Throws when the header does not match `R.columns`.
    public static func read<R: TableRow>(_ type: R.Type, from path: String) throws -> [R] {
        var out: [R] = []
        var firstError: Error?
        try forEachRow(path: path) { cells, index in
            if index == 0 {
                guard cells == R.columns else {
                    throw TableError("\(path): header does not match this timbang version's \(R.self) table")
                }
                return
            }
            do { out.append(try R(cells: cells)) } catch { if firstError == nil { firstError = error } }
        }
        if let firstError { throw TableError("\(path): \(firstError)") }
        return out
    }

    /// Reads a generic table file.
    public static func readTable(name: String, from path: String) throws -> Table {
        var table: Table?
        try forEachRow(path: path) { cells, index in
            if index == 0 { table = Table(name: name, columns: cells) } else { table!.rows.append(cells) }
        }
        guard let table else { throw TableError("\(path): empty table file") }
        return table
    }

    /// Writes a generic table atomically, streaming.
    public static func write(_ table: Table, to path: String) throws {
        try stream(header: table.columns, count: table.rows.count, to: path) { i, w in
            for c in table.rows[i] { w.cell(c) }
        }
    }

    /// Writes a header and `count` rows (each appended by `row`) in 1 MiB pieces, atomically.
    static func stream(header: [String], count: Int, to path: String,
                       row: (Int, inout CSVRowBytes) -> Void) throws {
        let file = try AtomicFileWriter(path: path)
        var w = CSVRowBytes()
        for c in header { w.cell(c) }
        w.endRow()
        for i in 0..<count {
            row(i, &w)
            w.endRow()
            if w.bytes.count >= 1 << 20 {
                w.bytes.withUnsafeBytes { file.append($0) }
                w.bytes.removeAll(keepingCapacity: true)
            }
        }
        w.bytes.withUnsafeBytes { file.append($0) }
        try file.commit()
    }

    /// Calls `body` for every CSV row of the file (row 0 = header), streaming 1 MiB at a time.
    public static func forEachRow(path: String, _ body: ([String], Int) throws -> Void) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TableError("cannot open \(path)") }
        defer { close(fd) }
        var current: [String] = []
        var index = 0
        var pending: [[String]] = []
        let parser = CSVParser(delimiter: 44, onField: { buf in
            current.append(String(decoding: buf, as: UTF8.self))
        }, onRecord: { _ in
            pending.append(current)
            current.removeAll(keepingCapacity: true)
        })
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw TableError("cannot read \(path)") }
            if n == 0 { break }
            buf.withUnsafeBytes { _ = parser.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            for r in pending { try body(r, index); index += 1 }
            pending.removeAll(keepingCapacity: true)
        }
        parser.finish()
        for r in pending { try body(r, index); index += 1 }
    }
}

/// A file-level (or run-level) finding: a bad file, an unknown column, a header-only dump.
public struct Finding: Sendable, Equatable, Hashable, TableRow {
    public enum Severity: String, Sendable { case error, warning, info }
    public var file: String
    public var severity: Severity
    /// Stable code, e.g. `FILE_EMPTY`, `GZIP_TRUNCATED`, `NOT_CSV`, `UNKNOWN_COLUMN`.
    public var code: String
    public var message: String

    public init(file: String, severity: Severity, code: String, message: String) {
        self.file = file; self.severity = severity; self.code = code; self.message = message
    }

    public static let columns = ["file", "severity", "code", "message"]
    public func cells() -> [String] { [file, severity.rawValue, code, message] }
    public init(cells c: [String]) throws {
        guard c.count == 4, let s = Severity(rawValue: c[1]) else { throw TableError("bad finding row") }
        self.init(file: c[0], severity: s, code: c[2], message: c[3])
    }
}
