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

    /// The table as RFC 4180 CSV (`,`, `"` quoting when needed, `\n` line ends).
    public func csv() -> String {
        var out = CSVLineWriter()
        out.writeRow(columns)
        for r in rows { out.writeRow(r) }
        return out.text
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

/// Builds CSV text row by row.
public struct CSVLineWriter {
    public private(set) var text: String = ""
    public init() {}

    public mutating func writeRow(_ cells: [String]) {
        var first = true
        for c in cells {
            if !first { text.append(",") }
            first = false
            text.append(csvEscape(c))
        }
        text.append("\n")
    }
}

/// Quotes a cell when it holds `,`, `"`, CR or LF, or starts/ends with a space.
@inline(__always)
public func csvEscape(_ s: String) -> String {
    var needs = false
    for b in s.utf8 where b == 44 || b == 34 || b == 10 || b == 13 { needs = true; break }
    if !needs, let f = s.utf8.first, let l = s.utf8.last, f == 32 || l == 32 { needs = true }
    guard needs else { return s }
    var out = "\""
    for ch in s.unicodeScalars {
        if ch == "\"" { out.append("\"\"") } else { out.unicodeScalars.append(ch) }
    }
    out.append("\"")
    return out
}

/// A failure to read one of timbang's own tables back (a stage output).
public struct TableError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
