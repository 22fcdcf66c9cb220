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
    ///
    /// The file is cut into pieces at line ends outside quotes and the pieces are parsed in
    /// parallel (libcsv, one parser per piece); rows come back in file order.
    public static func read<R: TableRow>(_ type: R.Type, from path: String) throws -> [R] {
        let pieces = try parsePieces(path) { (rows, first) -> Result<[R], Error> in
            var out: [R] = []
            out.reserveCapacity(rows.count)
            for (k, cells) in rows.enumerated() where !(first && k == 0) {
                guard let r = try? R(cells: cells) else {
                    return .failure(TableError("\(path): a row does not read as a \(R.self) row: \(cells.prefix(3))"))
                }
                out.append(r)
            }
            return .success(out)
        }
        guard let header = pieces.header, header == R.columns else {
            throw TableError("\(path): header does not match this timbang version's \(R.self) table")
        }
        var out: [R] = []
        out.reserveCapacity(pieces.results.reduce(0) { $0 + ((try? $1.get().count) ?? 0) })
        for r in pieces.results { out.append(contentsOf: try r.get()) }
        return out
    }

    /// Reads a generic table file (first row = columns).
    public static func readTable(name: String, from path: String) throws -> Table {
        let pieces = try parsePieces(path) { (rows, first) -> Result<[[String]], Error> in
            .success(first ? Array(rows.dropFirst()) : rows)
        }
        guard let header = pieces.header else { throw TableError("\(path): empty table file") }
        var table = Table(name: name, columns: header)
        for r in pieces.results { table.rows.append(contentsOf: try r.get()) }
        return table
    }

    /// Reads the file, cuts it into ~4 MiB pieces at line ends outside quotes, parses the
    /// pieces in parallel into rows and hands each piece's rows to `convert` (with `first`
    /// true for the piece that holds the header).
    static func parsePieces<T>(_ path: String,
                               convert: ([[String]], Bool) -> Result<[T], Error>) throws
        -> (header: [String]?, results: [Result<[T], Error>]) {
        guard let bytes = readFileBytes(path) else { throw TableError("cannot read \(path)") }
        var bounds: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { b in
            var start = 0, inQuote = false, i = 0
            let n = b.count
            while i < n {
                let c = b[i]
                if c == 34 { inQuote.toggle() } else if c == 10 && !inQuote && i + 1 - start >= 1 << 22 {
                    bounds.append(start..<(i + 1)); start = i + 1
                }
                i += 1
            }
            if start < n { bounds.append(start..<n) }
        }
        let results: [Result<([[String]], [T]), Error>] = bytes.withUnsafeBytes { all in
            parallelMap(bounds.count) { k in
                var rows: [[String]] = []
                var current: [String] = []
                let parser = CSVParser(delimiter: 44, onField: { current.append(String(decoding: $0, as: UTF8.self)) },
                                       onRecord: { _ in rows.append(current); current.removeAll(keepingCapacity: true) })
                parser.feed(UnsafeRawBufferPointer(rebasing: all[bounds[k]]))
                parser.finish()
                let header = k == 0 ? Array(rows.prefix(1)) : []
                return convert(rows, k == 0).map { (header, $0) }
            }
        }
        var header: [String]?
        if case .success(let first)? = results.first { header = first.0.first }
        return (header, results.map { $0.map { $0.1 } })
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
