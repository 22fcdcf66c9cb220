import TimbangCore

extension Table {
    /// Rows per piece when a table's CSV is built on several threads.
    static let csvPieceRows = 32_768

    /// The table as CSV bytes, the same text as `csv()` (RFC 4180, `,`, `"` quoting when
    /// needed, `\n` line ends, no BOM) but written straight into a byte buffer: the ledger and
    /// `child_months` of a large kabupaten have a million rows, so pieces of a fixed number of
    /// rows are written in parallel and joined in order.
    func csvBytes() -> [UInt8] {
        var out = Table.csvLines([columns])
        let pieces = (rows.count + Table.csvPieceRows - 1) / Table.csvPieceRows
        let parts = parallelMap(pieces) { [rows] i in
            Table.csvLines(rows[(i * Table.csvPieceRows)..<min(rows.count, (i + 1) * Table.csvPieceRows)])
        }
        out.reserveCapacity(out.count + parts.reduce(0) { $0 + $1.count })
        for p in parts { out.append(contentsOf: p) }
        return out
    }

    /// CSV lines of some rows.
    static func csvLines(_ lines: some Collection<[String]>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(lines.count * max(lines.first?.count ?? 1, 1) * 10)
        func cell(_ text: String) {
            var text = text
            text.withUTF8 { buf in
                var needs = buf.first == 32 || buf.last == 32
                if !needs { for b in buf where b == 44 || b == 34 || b == 10 || b == 13 { needs = true; break } }
                guard needs else { out.append(contentsOf: buf); return }
                out.append(34)
                for b in buf {
                    if b == 34 { out.append(34) }
                    out.append(b)
                }
                out.append(34)
            }
        }
        for cells in lines {
            for (i, c) in cells.enumerated() {
                if i > 0 { out.append(44) }
                cell(c)
            }
            out.append(10)
        }
        return out
    }
}
