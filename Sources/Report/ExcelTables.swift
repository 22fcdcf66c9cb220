import CXlsxWriter
import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

/// Tables as an Excel workbook (`.xlsx`), written with libxlsxwriter: one sheet per table,
/// header row bold and frozen, numbers as numbers (so that Excel and R read them as such),
/// text as text, suppressed cells as the text `S` on a grey ground.
///
/// The bytes depend only on the tables and `created`: libxlsxwriter takes the document's
/// creation time (and the ZIP entries' times) from the properties when they set it, and
/// writes in constant-memory mode, row by row, with inline strings (no shared-strings table
/// whose order could vary), so reruns give the same workbook byte for byte.
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

    /// The workbook's bytes.
    /// - Parameters:
    ///   - sheets: in order; names are made valid and unique.
    ///   - title: the document title (File › Properties).
    ///   - created: the document's creation time (seconds since 1970, UTC), fixed for
    ///     reproducible bytes (the report passes its as-of date).
    public static func workbook(_ sheets: [Sheet], title: String, created: Int) throws -> [UInt8] {
        var template = Array("/tmp/timbang-xlsx-XXXXXX".utf8CString)
        let dir: String = try template.withUnsafeMutableBufferPointer { buf in
            guard let p = mkdtemp(buf.baseAddress!) else { throw Failure(description: "cannot create a temporary folder: \(String(cString: strerror(errno)))") }
            return String(cString: p)
        }
        let path = dir + "/tables.xlsx"
        defer { unlink(path); rmdir(dir) }   // libxlsxwriter's own temporary files are unlinked at once
        var options = lxw_workbook_options()
        options.constant_memory = 1
        let tmp = strdup(dir)
        defer { free(tmp) }
        options.tmpdir = tmp
        guard let wb = workbook_new_opt(path, &options) else { throw Failure(description: "libxlsxwriter cannot create \(path)") }

        var props = lxw_doc_properties()
        let titleC = strdup(title), author = strdup("timbang")
        defer { free(titleC); free(author) }
        props.title = titleC
        props.author = author
        props.created = time_t(created)
        workbook_set_properties(wb, &props)

        let header = workbook_add_format(wb)
        format_set_bold(header)
        let suppressed = workbook_add_format(wb)
        format_set_bg_color(suppressed, lxw_color_t(LXW_COLOR_SILVER.rawValue))
        format_set_italic(suppressed)

        // A sheet holds at most 1,048,576 rows: a longer table continues on `name_2`, ….
        let rowsPerSheet = 1_048_575
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
        for sheet in parts {
            let name = uniqueName(sheet.name, &used)
            guard let ws = workbook_add_worksheet(wb, name) else {
                workbook_close(wb)
                throw Failure(description: "libxlsxwriter refused the sheet name '\(name)'")
            }
            for (c, column) in sheet.columns.enumerated() {
                worksheet_write_string(ws, 0, lxw_col_t(c), column, header)
                let width = min(40, max(8, ([column.count] + sheet.rows.prefix(200).map { c < $0.count ? $0[c].count : 0 }).max()! + 2))
                worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), Double(width), nil)
            }
            worksheet_freeze_panes(ws, 1, 0)
            let text = sheet.columns.map { sheet.textColumns.contains($0) }
            for (r, row) in sheet.rows.enumerated() {
                let at = lxw_row_t(r + 1)
                for (c, cell) in row.enumerated() where !cell.isEmpty {
                    if cell == Suppression.marker {
                        worksheet_write_string(ws, at, lxw_col_t(c), cell, suppressed)
                    } else if !(c < text.count && text[c]), let v = number(cell) {
                        worksheet_write_number(ws, at, lxw_col_t(c), v, nil)
                    } else {
                        worksheet_write_string(ws, at, lxw_col_t(c), cell, nil)
                    }
                }
            }
        }
        let status = workbook_close(wb)
        guard status == LXW_NO_ERROR else {
            throw Failure(description: "libxlsxwriter: \(String(cString: lxw_strerror(status)))")
        }
        guard let bytes = readFileBytes(path) else { throw Failure(description: "cannot read back \(path)") }
        return bytes
    }

    /// The value of a cell written as a plain decimal (`12`, `-0.5`, `30.2`), nil for anything
    /// else: a code with a leading zero (`0101`), a date, an exponent, `NaN`.
    static func number(_ s: String) -> Double? {
        let u = Array(s.utf8)
        var i = u.first == 45 ? 1 : 0   // '-'
        let start = i
        while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1 }
        let intDigits = i - start
        guard intDigits > 0, !(intDigits > 1 && u[start] == 48) else { return nil }
        if i < u.count {
            guard u[i] == 46, i + 1 < u.count else { return nil }   // '.'
            i += 1
            while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1 }
            guard i == u.count else { return nil }
        }
        guard intDigits <= 15, let v = Double(s), v.isFinite else { return nil }
        return v
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
