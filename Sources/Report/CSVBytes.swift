import TimbangCore

extension Table {
    /// The table as CSV bytes, the same text as `csv()` (RFC 4180, `,`, `"` quoting when
    /// needed, `\n` line ends, no BOM) but written straight into a byte buffer: the ledger of a
    /// large kabupaten has hundreds of thousands of rows.
    func csvBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((rows.count + 1) * max(columns.count, 1) * 12)
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
        func row(_ cells: [String]) {
            for (i, c) in cells.enumerated() {
                if i > 0 { out.append(44) }
                cell(c)
            }
            out.append(10)
        }
        row(columns)
        for r in rows { row(r) }
        return out
    }
}
