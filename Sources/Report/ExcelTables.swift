import TimbangCore

/// Tables as an Excel workbook (`.xlsx`, Office Open XML SpreadsheetML): one sheet per table,
/// header row bold and frozen, numbers as numbers (so that Excel and R read them as such),
/// text as inline strings, suppressed cells as the text `S` in grey italics.
///
/// The sheets are written as XML straight from the tables' text (a number cell holds the
/// table's own decimal, never a reformatted one) into a `Zip` whose entries go through the
/// archives' parallel deflate (`Gzip.RawStream`): the workbook of the public tables is most of
/// the report's work at a million rows, and libxlsxwriter (used before) formats every number
/// with `printf` and deflates on one thread. The bytes depend only on the tables, `title` and
/// `created`: no shared-strings table whose order could vary, fixed ZIP entry times.
public enum ExcelTables {
    /// One sheet: a name (at most 31 characters, no `[]:*?/\`), its columns and rows of text.
    public struct Sheet: Sendable {
        public var name: String
        public var columns: [String]
        public var rows: [[String]]
        /// Columns always written as text (codes and names that may look like numbers).
        public var textColumns: Set<String>
        public init(name: String, columns: [String], rows: [[String]], textColumns: Set<String> = []) {
            self.name = name; self.columns = columns; self.rows = rows; self.textColumns = textColumns
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// A sheet holds at most 1,048,576 rows: a longer table continues on `name_2`, ….
    static let rowsPerSheet = 1_048_575
    /// XML gathered before it is handed to the deflater.
    static let chunk = 1 << 20
    /// The cell styles of `styles.xml`: plain, the header, a suppressed cell.
    enum Style: Int { case plain = 0, header = 1, suppressed = 2 }

    /// The workbook's bytes.
    /// - Parameters:
    ///   - sheets: in order; names are made valid and unique.
    ///   - title: the document title (File › Properties).
    ///   - created: the document's creation time (seconds since 1970, UTC), fixed for
    ///     reproducible bytes (the report passes its as-of date).
    ///   - level: zlib's compression level of the parts (the report passes its archive's).
    public static func workbook(_ sheets: [Sheet], title: String, created: Int, level: Int32 = Gzip.level) throws -> [UInt8] {
        var parts: [Sheet] = []
        for sheet in sheets {
            guard sheet.rows.count > rowsPerSheet else { parts.append(sheet); continue }
            for from in stride(from: 0, to: sheet.rows.count, by: rowsPerSheet) {
                var part = sheet
                part.rows = Array(sheet.rows[from..<min(from + rowsPerSheet, sheet.rows.count)])
                parts.append(part)
            }
        }
        var used = Set<String>()
        let names = parts.map { uniqueName($0.name, &used) }

        var zip = Zip(level: level)
        do {
            try zip.add("[Content_Types].xml", bytes: Array(contentTypes(sheets: parts.count).utf8))
            try zip.add("_rels/.rels", bytes: Array(packageRels.utf8))
            try zip.add("docProps/app.xml", bytes: Array(appProperties.utf8))
            try zip.add("docProps/core.xml", bytes: Array(coreProperties(title: title, created: created).utf8))
            try zip.add("xl/workbook.xml", bytes: Array(workbookXML(names).utf8))
            try zip.add("xl/_rels/workbook.xml.rels", bytes: Array(workbookRels(sheets: parts.count).utf8))
            try zip.add("xl/styles.xml", bytes: Array(styles.utf8))
            for (i, sheet) in parts.enumerated() {
                try zip.add("xl/worksheets/sheet\(i + 1).xml") { stream in try writeSheet(sheet, selected: i == 0, to: &stream) }
            }
            return try zip.finish()
        } catch let e as Zip.Failure {
            throw Failure(description: "cannot write the workbook '\(title)': \(e.description)")
        } catch let e as Gzip.Failure {
            throw Failure(description: "cannot write the workbook '\(title)': \(e.description)")
        }
    }

    /// One sheet's XML: the frozen header row, column widths from the header and the first
    /// 200 rows (8 to 40 characters), then every row; empty cells are not written.
    static func writeSheet(_ sheet: Sheet, selected: Bool, to stream: inout Gzip.RawStream) throws {
        var out: [UInt8] = []
        out.reserveCapacity(chunk + 4096)
        let width = max(sheet.columns.count, sheet.rows.lazy.map(\.count).max() ?? 0)
        let letters = (0..<max(1, width)).map { Array(columnName($0).utf8) }
        out += Array(("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheetViews><sheetView \(selected ? "tabSelected=\"1\" " : "")workbookViewId="0">\
            <pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            <selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>\
            <sheetFormatPr defaultRowHeight="15"/>
            """).utf8)
        if !sheet.columns.isEmpty {
            out += Array("<cols>".utf8)
            for (c, column) in sheet.columns.enumerated() {
                let w = min(40, max(8, ([column.count] + sheet.rows.prefix(200).map { c < $0.count ? $0[c].count : 0 }).max()! + 2))
                out += Array("<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(w)\" customWidth=\"1\"/>".utf8)
            }
            out += Array("</cols>".utf8)
        }
        out += Array("<sheetData>".utf8)
        let text = sheet.columns.map { sheet.textColumns.contains($0) }

        var rowNumber: [UInt8] = []
        func row(_ r: Int, _ cells: [String], header: Bool) {
            rowNumber.removeAll(keepingCapacity: true)
            appendDecimal(r, to: &rowNumber)
            out += rowOpen; out += rowNumber; out += quoteClose
            for (c, cell) in cells.enumerated() where !cell.isEmpty {
                out += cellOpen; out += letters[c]; out += rowNumber; out.append(0x22)
                if header {
                    out += styleHeader
                } else if cell == Suppression.marker {
                    out += styleSuppressed
                } else if !(c < text.count && text[c]), isPlainDecimal(cell) {
                    out += valueOpen; out.append(contentsOf: cell.utf8); out += valueClose
                    continue
                }
                // bytes, not `String.contains(_:)` of a string (Foundation's locale-aware search)
                let u = cell.utf8
                let preserve = u.first == 0x20 || u.last == 0x20 || u.contains(0x0a)
                out += preserve ? inlinePreserve : inlineOpen
                appendEscapedXML(cell, to: &out)
                out += inlineClose
            }
            out += rowClose
        }

        row(1, sheet.columns, header: true)
        for (r, cells) in sheet.rows.enumerated() {
            row(r + 2, cells, header: false)
            if out.count >= chunk { try stream.write(out); out.removeAll(keepingCapacity: true) }
        }
        out += Array("""
            </sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>
            """.utf8)
        try stream.write(out)
    }

    // The pieces of a cell, as bytes once.
    static let rowOpen = Array("<row r=\"".utf8), quoteClose = Array("\">".utf8), rowClose = Array("</row>".utf8)
    static let cellOpen = Array("<c r=\"".utf8)
    static let valueOpen = Array("><v>".utf8), valueClose = Array("</v></c>".utf8)
    static let styleHeader = Array(" s=\"\(Style.header.rawValue)\"".utf8), styleSuppressed = Array(" s=\"\(Style.suppressed.rawValue)\"".utf8)
    static let inlineOpen = Array(" t=\"inlineStr\"><is><t>".utf8), inlinePreserve = Array(" t=\"inlineStr\"><is><t xml:space=\"preserve\">".utf8)
    static let inlineClose = Array("</t></is></c>".utf8)

    /// The decimal digits of `v` (≥ 0).
    static func appendDecimal(_ v: Int, to out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = v, count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[19 - count] = UInt8(48 + n % 10); n /= 10; count += 1 } while n > 0
            out.append(contentsOf: d[(20 - count)...])
        }
    }

    /// `0` → `A`, `25` → `Z`, `26` → `AA`.
    static func columnName(_ i: Int) -> String {
        var n = i + 1, s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(UInt8(65 + r))) + s; n = (n - 1) / 26 }
        return s
    }

    static let xmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    static func contentTypes(sheets: Int) -> String {
        xmlDeclaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
            + "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + (1..<sheets + 1).map { "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined()
            + "</Types>"
    }

    static let packageRels = xmlDeclaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
        + "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
        + "</Relationships>"

    static let appProperties = xmlDeclaration
        + "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
        + "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>timbang</Application></Properties>"

    /// Title, author `timbang`, created and modified at `created` (UTC, W3CDTF).
    static func coreProperties(title: String, created: Int) -> String {
        let days = created >= 0 ? created / 86_400 : (created - 86_399) / 86_400
        let seconds = created - days * 86_400
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let time = Day(ordinal: Int32(days)).iso + "T" + pad(seconds / 3600) + ":" + pad(seconds / 60 % 60) + ":" + pad(seconds % 60) + "Z"
        return xmlDeclaration
            + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
            + "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
            + "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + "<dc:title>\(escapeXML(title))</dc:title><dc:creator>timbang</dc:creator><cp:lastModifiedBy>timbang</cp:lastModifiedBy>"
            + "<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(time)</dcterms:created>"
            + "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">\(time)</dcterms:modified></cp:coreProperties>"
    }

    static func workbookXML(_ names: [String]) -> String {
        xmlDeclaration
            + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
            + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
            + "<bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
            + names.enumerated().map { "<sheet name=\"\(escapeXML($1))\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined()
            + "</sheets></workbook>"
    }

    static func workbookRels(sheets: Int) -> String {
        xmlDeclaration
            + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + (0..<sheets).map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined()
            + "<Relationship Id=\"rId\(sheets + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
            + "</Relationships>"
    }

    /// Fonts: Calibri 11, bold, italic; fills: none, gray125 (both required), silver;
    /// cell formats in the order of `Style`.
    static let styles = xmlDeclaration
        + "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        + "<fonts count=\"3\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "<font><i/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
        + "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>"
        + "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFC0C0C0\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>"
        + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
        + "<xf numFmtId=\"0\" fontId=\"2\" fillId=\"2\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\"/></cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        + "</styleSheet>"

    /// The value of a cell written as a plain decimal (`12`, `-0.5`, `30.2`), nil for anything
    /// else: a code with a leading zero (`0101`), a date, an exponent, `NaN`.
    static func number(_ s: String) -> Double? {
        isPlainDecimal(s) ? Double(s) : nil
    }

    /// Whether `s` is a plain decimal: an optional `-`, 1 to 15 integer digits without a
    /// leading zero (but `0` itself), then optionally `.` and at least one digit. Every such
    /// text is a finite `Double`; the writer asks this of every cell, on the bytes in place.
    static func isPlainDecimal(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { u in
            var i = u.first == 45 ? 1 : 0   // '-'
            let start = i
            while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1 }
            let intDigits = i - start
            guard intDigits > 0, intDigits <= 15, !(intDigits > 1 && u[start] == 48) else { return false }
            guard i < u.count else { return true }
            guard u[i] == 46, i + 1 < u.count else { return false }   // '.'
            i += 1
            while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1 }
            return i == u.count
        }
    }

    /// A valid sheet name not used yet: forbidden characters as `_`, at most 31 characters,
    /// a number appended to a repeat.
    static func uniqueName(_ name: String, _ used: inout Set<String>) -> String {
        var base = String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        if base.isEmpty { base = "sheet" }
        var candidate = base, n = 2
        while used.contains(candidate.lowercased()) {
            let suffix = "_\(n)"
            candidate = String(base.prefix(31 - suffix.count)) + suffix
            n += 1
        }
        used.insert(candidate.lowercased())
        return candidate
    }
}
