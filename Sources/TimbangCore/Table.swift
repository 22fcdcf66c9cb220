/// A small named table of text cells: the shape of every derived stage output
/// (summaries, aggregates, follow-up lists) and of every CSV timbang writes.
///
/// Column order is part of the contract; rows are written in the order given
/// (stages sort before they build a table).
public struct Table: Sendable, Equatable {
    public var name: String
    public var columns: [String]
    public var rows: [[String]]

    public init(name: String, columns: [String], rows: [[String]] = []) {
        self.name = name; self.columns = columns; self.rows = rows
    }

    /// Index of a column, or nil.
    public func column(_ name: String) -> Int? { columns.firstIndex(of: name) }

    /// The table as CSV text (`CSVRowBytes`' rules), header first.
    public func csv() -> String { String(decoding: csvBytes(), as: UTF8.self) }

    /// Rows per piece when a table's CSV is built on several threads.
    public static let csvPieceRows = 32_768

    /// The table as CSV bytes (`CSVRowBytes`' rules), header first. A large table (a
    /// kabupaten's ledger has a million rows) is written in pieces of a fixed number of rows
    /// on several threads and joined in order, so the bytes never depend on the threads.
    public func csvBytes() -> [UInt8] {
        var head = CSVRowBytes()
        head.row(columns)
        let pieces = (rows.count + Table.csvPieceRows - 1) / Table.csvPieceRows
        let parts = parallelMap(pieces) { [rows] i in
            let slice = rows[(i * Table.csvPieceRows)..<min(rows.count, (i + 1) * Table.csvPieceRows)]
            var w = CSVRowBytes()
            w.bytes.reserveCapacity(slice.count * max(slice.first?.count ?? 1, 1) * 10)
            for r in slice { w.row(r) }
            return w.bytes
        }
        var out = head.bytes
        out.reserveCapacity(out.count + parts.reduce(0) { $0 + $1.count })
        for p in parts { out.append(contentsOf: p) }
        return out
    }
}

/// A table already written as CSV bytes (header first, `CSVRowBytes`' rules): a large stage
/// table rendered straight from typed values, so that its text is made once and the same
/// bytes go to the stage store and into the archive.
public struct RenderedTable: Sendable {
    public var name: String
    /// Rows after the header.
    public var rowCount: Int
    public var csv: [UInt8]
    public init(name: String, rowCount: Int, csv: [UInt8]) {
        self.name = name; self.rowCount = rowCount; self.csv = csv
    }

    /// The rows after the header of CSV bytes as `CSVRowBytes` writes them (every row ends in
    /// LF; a quoted cell may hold LF), or nil when a quote is left open or the last row has no
    /// LF.
    public static func rowCount(_ csv: [UInt8]) -> Int? {
        var lines = 0, quoted = false
        for b in csv {
            if b == 34 { quoted.toggle() } else if b == 10 && !quoted { lines += 1 }
        }
        guard !quoted, csv.last.map({ $0 == 10 }) ?? true else { return nil }
        return max(0, lines - 1)
    }
}

/// The row ledger as the report archives it: its CSV, rendered once, and the fates the
/// manifest counts (so that a million-row ledger is never held as a table of strings).
public struct Ledger: Sendable {
    public var csv: RenderedTable
    /// Records per status cell (`Status.rawValue`).
    public var fates: [String: Int]
    /// Invalid records per reason cell (`(none)` for an empty one).
    public var invalidByReason: [String: Int]

    public init(csv: RenderedTable, fates: [String: Int], invalidByReason: [String: Int]) {
        self.csv = csv; self.fates = fates; self.invalidByReason = invalidByReason
    }

    /// The ledger of a text table (a small one, or one read back): its CSV and its fates,
    /// counted from its `status` and `reason` columns.
    public init(_ table: Table) {
        var fates: [String: Int] = [:], reasons: [String: Int] = [:]
        if let s = table.column("status") {
            let rc = table.column("reason")
            for r in table.rows {
                Ledger.count(status: r[s], reason: rc.map { r[$0] }, fates: &fates, reasons: &reasons)
            }
        }
        self.init(csv: RenderedTable(name: table.name, rowCount: table.rows.count, csv: table.csvBytes()),
                  fates: fates, invalidByReason: reasons)
    }

    /// Counts one record's fate (the one rule for both ways of making a ledger); `reason` nil:
    /// the ledger has no reason column.
    @inline(__always)
    public static func count(status: String, reason: String?, fates: inout [String: Int], reasons: inout [String: Int]) {
        fates[status, default: 0] += 1
        if status == Status.invalid.rawValue, let reason { reasons[reason.isEmpty ? "(none)" : reason, default: 0] += 1 }
    }
}

/// A type that is one row of a stage table (the record table that flows through the stages).
public protocol TableRow: Sendable {
    static var columns: [String] { get }
    /// The row's cells, in `columns` order.
    func cells() -> [String]
    /// Reads a row back; `cells` is in `columns` order.
    init(cells: [String]) throws
    /// Appends the row's cells (no row end); the default goes through `cells()`.
    func appendCells(to w: inout CSVRowBytes)
}

extension TableRow {
    public func appendCells(to w: inout CSVRowBytes) {
        for c in cells() { w.cell(c) }
    }
}

/// One cell as CSV text, quoted when `CSVRowBytes.needsQuotes` says so.
public func csvEscape(_ s: String) -> String {
    var s = s
    return s.withUTF8 { u in
        guard CSVRowBytes.needsQuotes(u) else { return String(decoding: u, as: UTF8.self) }
        var out: [UInt8] = []
        CSVRowBytes.appendCell(u, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// A failure to read one of timbang's own tables back (a stage output).
public struct TableError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
