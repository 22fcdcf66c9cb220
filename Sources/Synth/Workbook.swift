import Foundation
import TimbangCore

/// A cell of a synthetic workbook.
public enum WorkbookCell: Equatable, Sendable {
    /// Text, written to the shared strings table (as Excel and e-PPGBM's download do).
    case text(String)
    /// A number, written as the text given (already canonical: `12.5`, `87`).
    case number(String)
    /// A date: its serial day in the 1900 date system, shown `dd/mm/yyyy`.
    case date(Int)
    /// An inline string (`t="inlineStr"`), as some writers store text.
    case inline(String)
    /// A fraction of a day shown `h:mm`: what Excel makes of `7.45` typed where `.` separates
    /// hours and minutes (tests of the Excel damage path).
    case time(Double)

    /// A CSV cell as a workbook stores it: a number cell when the text is a plain decimal
    /// that a number cell gives back unchanged, else text.
    public static func guess(_ s: String) -> WorkbookCell {
        Generator.isCanonicalNumber(s) ? .number(s) : .text(s)
    }
}

/// Writes one-sheet `.xlsx` workbooks with deterministic bytes: fixed entry order, in the
/// report's ZIP writer (`Zip`: every entry dated 1980-01-01 00:00, deflated with zlib).
public enum WorkbookWriter {
    /// Day 0 of Excel's 1900 date system (1899-12-30, so that serials after 60 are right).
    public static let epoch = Day(year: 1899, month: 12, day: 30)!

    /// The bytes of a workbook with one sheet `sheetName` holding `rows` (row 1 first).
    public static func bytes(sheetName: String, rows: [[WorkbookCell]]) throws -> [UInt8] {
        var strings: [String] = []
        var index: [String: Int] = [:]
        var sheet = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (r, row) in rows.enumerated() {
            let n = r + 1
            sheet += "<row r=\"\(n)\">"
            for (c, cell) in row.enumerated() {
                let ref = columnName(c) + String(n)
                switch cell {
                case .text(let s):
                    if s.isEmpty { continue }   // Excel writes no cell for an empty one
                    let i: Int
                    if let k = index[s] { i = k } else { i = strings.count; index[s] = i; strings.append(s) }
                    sheet += "<c r=\"\(ref)\" t=\"s\"><v>\(i)</v></c>"
                case .number(let v):
                    sheet += "<c r=\"\(ref)\"><v>\(v)</v></c>"
                case .date(let serial):
                    sheet += "<c r=\"\(ref)\" s=\"1\"><v>\(serial)</v></c>"
                case .time(let v):
                    sheet += "<c r=\"\(ref)\" s=\"2\"><v>\(v)</v></c>"
                case .inline(let s):
                    sheet += "<c r=\"\(ref)\" t=\"inlineStr\"><is>\(textElement(s))</is></c>"
                }
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"

        var shared = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            + #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(strings.count)" uniqueCount="\#(strings.count)">"#
        for s in strings { shared += "<si>" + textElement(s) + "</si>" }
        shared += "</sst>"

        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", packageRels),
            ("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
                + #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><sheets><sheet name="\#(escapeXML(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", workbookRels),
            ("xl/styles.xml", styles),
            ("xl/sharedStrings.xml", shared),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        var zip = Zip()
        for (path, text) in parts { try zip.add(path, bytes: Array(text.utf8)) }
        return try zip.finish()
    }

    /// `0` → `A`, `26` → `AA`.
    static func columnName(_ i: Int) -> String {
        var n = i + 1, s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(UInt8(65 + r))) + s; n = (n - 1) / 26 }
        return s
    }

    private static func textElement(_ s: String) -> String {
        let keep = s.first == " " || s.last == " " || s.contains("\n")
        return (keep ? #"<t xml:space="preserve">"# : "<t>") + escapeXML(s) + "</t>"
    }

    private static let contentTypes = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#

    private static let packageRels = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#

    private static let workbookRels = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#

    /// Style 0 plain, style 1 a `dd/mm/yyyy` date (custom format 164), style 2 `h:mm` (built-in 20).
    private static let styles = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        + #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="20" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#
}

extension Generator {
    /// The bytes of one dump as a workbook: the same header and cells as its CSV, with
    /// `dd/mm/yyyy` dates as date-formatted serials and plain decimals as numbers; every
    /// other cell (dates in other styles, `9.80`, RT `001`, NIK) as text.
    func workbookBytes(_ f: DumpFile) throws -> [UInt8] {
        let fmt = f.format
        let text = RowText(kabupaten: kabupaten, format: fmt)
        let columns = Column.order(fmt)
        var hrng = Rng(seed: seed, .header, f.posyandu, Int(bitPattern: UInt(f.name.utf8.count)))
        var rows: [[WorkbookCell]] = [columns.map { c in
            let spellings = Column.headers[c.rawValue]
            return .text(fmt.headerVariant ? spellings[hrng.int(spellings.count)] : spellings[0])
        }]
        for (n, r) in f.rows.enumerated() {
            let cells = text.cells(r, child: population.children[Int(r.child)], no: n + 1)
            rows.append(columns.map { c in Generator.workbookCell(cells[c.rawValue], column: c) })
        }
        if fmt.trailingBlankLines {
            // Rows that hold only an empty string: not records.
            rows.append([.inline("")])
            rows.append([.inline(" ")])
        }
        return try WorkbookWriter.bytes(sheetName: "Pengukuran", rows: rows)
    }

    /// How a CSV cell is stored in the workbook.
    static func workbookCell(_ s: String, column: Column) -> WorkbookCell {
        switch column {
        case .birthDate, .measureDate:
            let b = Array(s.utf8)
            guard b.count == 10, b[2] == 47, b[5] == 47,
                  let d = Int(s.prefix(2)), let m = Int(s.dropFirst(3).prefix(2)), let y = Int(s.suffix(4)),
                  let day = Day(year: y, month: m, day: d) else { return .text(s) }
            return .date(day - WorkbookWriter.epoch)
        case .no, .weight, .height, .muac, .zWei, .zLen, .zWfl:
            return isCanonicalNumber(s) ? .number(s) : .text(s)
        default:
            return .text(s)
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?` with at most 15 digits: text that a number cell
    /// gives back unchanged.
    static func isCanonicalNumber(_ s: String) -> Bool {
        var b = Array(s.utf8)[...]
        if b.first == 45 { b = b.dropFirst() }
        guard let first = b.first, first >= 48, first <= 57,
              b.reduce(0, { $0 + ($1 >= 48 && $1 <= 57 ? 1 : 0) }) <= 15 else { return false }
        let parts = b.split(separator: 46, omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }) else { return false }
        if parts[0].count > 1 && parts[0].first == 48 { return false }
        if parts.count == 2 && parts[1].last == 48 { return false }
        return true
    }
}
