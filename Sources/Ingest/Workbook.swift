import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TimbangCore
import ZIPFoundation

/// What the first bytes of a file say it is, beyond plain or gzipped text.
enum ContainerKind {
    /// A ZIP archive (`PK\x03\x04`): an `.xlsx` workbook when it holds `xl/workbook.xml`.
    case zip
    /// An OLE2 compound file (`D0 CF 11 E0`): a legacy `.xls`, or a password-protected
    /// `.xlsx` (Office encrypts a workbook into an OLE2 `EncryptedPackage`).
    case ole2
    case other

    init(_ b: UnsafeRawBufferPointer) {
        if b.count >= 4, b[0] == 0x50, b[1] == 0x4B, b[2] == 0x03, b[3] == 0x04 { self = .zip }
        else if b.count >= 4, b[0] == 0xD0, b[1] == 0xCF, b[2] == 0x11, b[3] == 0xE0 { self = .ole2 }
        else { self = .other }
    }

    /// The kind of the file at `path` (`.other` when it cannot be read).
    init(path: String) {
        var head = [UInt8](repeating: 0, count: 4)
        let n: Int
        if case .success(let fd) = openInput(path) {
            n = max(0, head.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4) })
            close(fd)
        } else { n = 0 }
        self = head.withUnsafeBytes { ContainerKind(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }
}

/// Whether an OLE2 file's first chunk names an `EncryptedPackage` stream (UTF-16LE), i.e. it
/// is a password-protected OOXML workbook rather than a legacy `.xls`.
func isEncryptedPackage(_ b: UnsafeRawBufferPointer) -> Bool {
    let needle = Array("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
    guard b.count >= needle.count else { return false }
    var i = 0
    while i + needle.count <= b.count {
        if b[i] == needle[0] {
            var k = 1
            while k < needle.count && b[i + k] == needle[k] { k += 1 }
            if k == needle.count { return true }
        }
        i += 1
    }
    return false
}

/// How a cell's number is shown, from its style (`xl/styles.xml`): plain, a date, a time.
enum CellFormat: Equatable {
    case plain
    case date
    /// A time of day or a duration: `elapsedHours` for `[h]`, `seconds` when the format shows them.
    case time(elapsedHours: Bool, seconds: Bool, padHours: Bool)

    /// Excel's built-in number formats that are dates (14–17, 22, 27–36, 50–58) or times
    /// (18–21, 45–47).
    init(builtIn id: Int) {
        switch id {
        case 14...17, 22, 27...36, 50...58: self = .date
        case 18, 19: self = .time(elapsedHours: false, seconds: id == 19, padHours: false)
        case 20: self = .time(elapsedHours: false, seconds: false, padHours: false)
        case 21: self = .time(elapsedHours: false, seconds: true, padHours: false)
        case 45, 47: self = .time(elapsedHours: false, seconds: true, padHours: false)
        case 46: self = .time(elapsedHours: true, seconds: true, padHours: false)
        default: self = .plain
        }
    }

    /// Classifies a custom format code: quoted text, `\`-escaped characters and `[...]`
    /// (colours, locales; but `[h]`, `[m]`, `[s]` are elapsed time) are ignored; then `y` or
    /// `d` make it a date (a date with a time is still a date), `h` or `s` a time.
    init(code: String) {
        var letters: [UInt8] = []
        var elapsed = false
        var it = Array(code.lowercased().utf8)[...]
        while let c = it.popFirst() {
            switch c {
            case 34: while let q = it.popFirst(), q != 34 {}
            case 92: _ = it.popFirst()
            case 95, 42: _ = it.popFirst()   // `_x` (space as wide as x), `*x` (fill)
            case 91:
                var inner: [UInt8] = []
                while let q = it.popFirst(), q != 93 { inner.append(q) }
                if let f = inner.first, [104, 109, 115].contains(f), inner.allSatisfy({ $0 == f }) {
                    if f == 104 { elapsed = true }
                    letters.append(f)
                }
            default: letters.append(c)
            }
        }
        let has = { (c: Character) in letters.contains(c.asciiValue!) }
        if has("y") || has("d") { self = .date; return }
        if has("h") || has("s") {
            let hh = letters.firstIndex(of: 104).map { $0 + 1 < letters.count && letters[$0 + 1] == 104 } ?? false
            self = .time(elapsedHours: elapsed, seconds: has("s"), padHours: hh)
            return
        }
        self = .plain
    }
}

/// Reads one `.xlsx` workbook into records through the same `ParseState` as a CSV dump, so
/// header detection, aliases, blank rows and every later rule apply unchanged.
///
/// Each sheet of the workbook (in workbook order) is read when it has a recognisable header
/// among its first rows; other sheets are skipped with `SHEET_SKIPPED`. Records are numbered
/// through the sheets (`file#record`), `line` is the row number in the sheet. Cells:
/// shared and inline strings as text; numbers as the XML stores them (no locale), shortened
/// to the shortest text that reads back the same number when a writer stored 17 digits
/// (`18.899999999999999` → `18.9`); numbers with a date format as ISO dates (`2023-08-03`)
/// in the workbook's date system (1900, or 1904 with `date1904`); numbers with a time format
/// as Excel shows them (`7:07`, `67:06:00`: the Excel damage of a weight typed in an
/// Indonesian locale, left to the field parsers to recognise); booleans `TRUE`/`FALSE`;
/// errors as written (`#N/A`). A NIK stored as a number has lost digits (Excel keeps 15):
/// the record gets `NIK_INVALID:stored as a number`.
///
/// Memory: each part is extracted to a temporary file and parsed by a streaming `XMLParser`
/// (never a DOM); only the shared strings table is held, up to `limits.sharedStringBytes`.
/// The parts extracted may inflate to `limits.inflatedBytes` together (`INFLATE_LIMIT`: the
/// rows read before are kept), a cell may hold `limits.fieldBytes` and a row
/// `limits.columns` cells (as in a CSV dump: `FIELD_TOO_LONG`, `TOO_MANY_COLUMNS`).
func readWorkbook(_ file: InputFile, limits: IngestLimits = IngestLimits()) -> FileResult {
    // Size and SHA-256 of the file as stored.
    let outcome = streamFile(path: file.path) { _ in .hashOnly }
    let blankRef = RowRef(file: file.name, record: 0, line: 0)
    let guess = min(max(16, Ingest.fileSize(file.path) / 20), 1_000_000)
    var state = ParseState(file: file.name, records: RecordBuilder(expected: guess, blankRef: blankRef), limits: limits)
    state.started = true
    state.workbookSheets = []
    state.units = file.units
    if outcome.openError == nil {
        var reader = WorkbookReader(path: file.path, limits: limits)
        reader.read(into: &state)
    }
    return state.result(outcome: outcome)
}

/// The steps of reading one workbook (see `readWorkbook`).
struct WorkbookReader {
    let path: String
    let limits: IngestLimits
    private var temp: String?

    init(path: String, limits: IngestLimits) { self.path = path; self.limits = limits }

    mutating func read(into state: inout ParseState) {
        defer { if let temp { try? FileManager.default.removeItem(atPath: temp) } }
        func fail(_ code: String, _ why: String) {
            state.findings.append(Finding(file: state.file, severity: .error, code: code, message: why))
            state.notCSV = true
        }
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            return fail("XLSX_UNREADABLE", "not a readable workbook: the ZIP container is damaged (\(error)); save the file again as .xlsx or CSV")
        }
        guard let workbookEntry = archive["xl/workbook.xml"] else {
            return fail("XLSX_UNREADABLE", "a ZIP archive that is not an Excel workbook (no xl/workbook.xml); file skipped")
        }
        do {
            let dir = NSTemporaryDirectory() + "timbang-xlsx-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            temp = dir
        } catch {
            return fail("FILE_UNREADABLE", "cannot make a temporary folder to read the workbook: \(error)")
        }
        var part = 0
        /// Bytes the parts extracted so far inflated to.
        var inflated = 0
        let deflate = ZipDeflateCheck(path: path)
        defer { deflate?.finish() }
        /// Extracts an entry to a temporary file; nil (with a finding) when it cannot be.
        func extract(_ entry: Entry) -> String? {
            if deflate?.endless(entry.path) == true {
                fail("XLSX_UNREADABLE", "workbook part \(entry.path) cannot be read (damaged: its compressed data does not end); save the file again as .xlsx or CSV")
                return nil
            }
            part += 1
            let out = temp! + "/part\(part).xml"
            do {
                guard FileManager.default.createFile(atPath: out, contents: nil),
                      let handle = FileHandle(forWritingAtPath: out) else {
                    fail("FILE_UNREADABLE", "cannot make a temporary file to read the workbook")
                    return nil
                }
                defer { try? handle.close() }
                _ = try archive.extract(entry) { data in
                    inflated += data.count
                    if inflated > limits.inflatedBytes { throw InflateLimitReached() }
                    try handle.write(contentsOf: data)
                }
                return out
            } catch is InflateLimitReached {
                let size = IngestLimits.sizeText(limits.inflatedBytes)
                let kept = state.records.count > 0 ? "the records before it are kept, the rest of the workbook is not read" : "file skipped"
                state.findings.append(Finding(file: state.file, severity: .error, code: "INFLATE_LIMIT",
                                              message: "inflates to more than \(size) (the limit input.max_inflated_mb): \(kept)"))
                state.stopped = true
                state.limitReached = true
                if state.records.count == 0 { state.notCSV = true }
                return nil
            } catch {
                fail("XLSX_UNREADABLE", "workbook part \(entry.path) cannot be read (damaged or encrypted: \(error)); save the file again as .xlsx or CSV")
                return nil
            }
        }
        func parse(_ file: String, _ delegate: XMLParserDelegate & PartParser) -> Bool {
            // FoundationXML traps on an element or attribute name that is not UTF-8 (libxml2
            // hands it over as it is): a part is read up to its first byte that is not, as if
            // it were cut there (ECMA-376 parts are UTF-8 or UTF-16; UTF-16 is left to libxml2).
            if let bad = firstInvalidUTF8(inFile: file) { _ = truncate(file, off_t(bad)) }
            guard let stream = InputStream(fileAtPath: file) else { return false }
            let parser = XMLParser(stream: stream)
            parser.delegate = delegate
            // libxml2 does not call a document cut short an error: a part is whole only when
            // its root element closed.
            let ok = parser.parse()
            return delegate.stoppedOnPurpose || (ok && delegate.complete)
        }

        // Workbook: sheets in order, date system.
        guard let wbFile = extract(workbookEntry) else { return }
        let wb = WorkbookPart()
        guard parse(wbFile, wb) else {
            return fail("XLSX_UNREADABLE", "xl/workbook.xml is not well-formed XML; save the file again as .xlsx or CSV")
        }
        // Relationships: sheet id → part path; the shared strings and styles parts.
        let rels = RelationshipsPart()
        if let e = archive["xl/_rels/workbook.xml.rels"], let f = extract(e) { _ = parse(f, rels) }
        if state.notCSV { return }

        // Styles: which cell styles are dates or times.
        var formats: [CellFormat] = []
        if let e = archive[rels.path(ofType: "/styles") ?? "xl/styles.xml"], let f = extract(e) {
            let styles = StylesPart()
            if parse(f, styles) { formats = styles.cellFormats }
        }
        if state.notCSV { return }

        // Shared strings, bounded.
        let strings = SharedStringsPart(limit: limits.sharedStringBytes)
        if let e = archive[rels.path(ofType: "/sharedStrings") ?? "xl/sharedStrings.xml"], let f = extract(e) {
            let ok = parse(f, strings)
            if strings.overLimit {
                return fail("XLSX_SHARED_STRINGS_LIMIT", "the workbook's shared strings exceed \(limits.sharedStringBytes) bytes (the configured limit); file skipped: save it as CSV or split it")
            }
            if !ok {
                return fail("XLSX_UNREADABLE", "the workbook's shared strings are not well-formed XML; save the file again as .xlsx or CSV")
            }
        }
        if state.notCSV { return }

        if wb.sheetsBeyondLimit > 0 {
            state.findings.append(Finding(file: state.file, severity: .warning, code: "XLSX_TOO_MANY_SHEETS",
                                          message: "the workbook lists \(WorkbookPart.maxSheets + wb.sheetsBeyondLimit) sheets; the first \(WorkbookPart.maxSheets) are read, the other \(wb.sheetsBeyondLimit) are not"))
        }
        var anyHeader = false
        /// Worksheet parts read so far, with the sheet that read each: a part is read once.
        var partsRead: [String: String] = [:]
        for (n, sheet) in wb.sheets.enumerated() {
            // Without relationships, Excel's own part names.
            let target = rels.targets[sheet.relationship] ?? "xl/worksheets/sheet\(n + 1).xml"
            if let first = partsRead[target] {
                state.findings.append(Finding(file: state.file, severity: .warning, code: "SHEET_SKIPPED",
                                              message: "sheet '\(sheet.name)' is the worksheet part of sheet '\(first)' (\(target)) again; skipped, its rows are read once"))
                continue
            }
            partsRead[target] = sheet.name
            guard let entry = archive[target] else {
                state.findings.append(Finding(file: state.file, severity: .warning, code: "SHEET_SKIPPED",
                                              message: "sheet '\(sheet.name)' has no worksheet part (\(target)); skipped"))
                continue
            }
            guard let f = extract(entry) else { return }
            state.beginSheet()
            let before = state.findings.count
            let reader = SheetPart(state: state, strings: strings, formats: formats, date1904: wb.date1904)
            let ok = parse(f, reader)
            state = reader.state
            if !ok, !state.stopped {
                reader.flushCutRow()
                state = reader.state
                state.findings.append(Finding(file: state.file, severity: .error, code: "XLSX_UNREADABLE",
                                              message: "sheet '\(sheet.name)' is damaged after row \(reader.lastRow) (not well-formed XML); the rows before it are kept"))
            }
            let sheetFindings = state.findings[before...].map { f -> Finding in
                var f = f
                f.message = "sheet '\(sheet.name)': " + f.message
                return f
            }
            state.findings.removeSubrange(before...)
            if state.headerFound {
                anyHeader = true
                state.workbookSheets?.append(sheet.name)
                state.findings += sheetFindings
            } else {
                state.findings += sheetFindings.filter { $0.code != "NO_HEADER" }
                if reader.sawRow {
                    state.findings.append(Finding(file: state.file, severity: .info, code: "SHEET_SKIPPED",
                                                  message: "sheet '\(sheet.name)' has no recognisable header (at least \(ParseState.minimumHeaderFields) known columns) in its first \(ParseState.headerSearchRows) rows; skipped"))
                }
            }
            if state.stopped && state.headerFound || state.limitReached { break }   // FILE_CHANGED, a limit
        }
        state.headerFound = anyHeader
        state.stopped = false
    }
}

/// The offset of the first byte of the file at `path` that is not part of a well-formed UTF-8
/// sequence (Unicode's Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF);
/// nil when there is none, when the file starts with a UTF-16 byte-order mark, or when it
/// cannot be read (the parse reports that).
func firstInvalidUTF8(inFile path: String) -> Int? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let size = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size + 4, alignment: 8)
    defer { buffer.deallocate() }
    var base = 0       // file offset of buffer[0]
    var carry = 0      // bytes of a sequence cut by the previous read, at buffer[0...]
    var first = true
    while true {
        let n = read(fd, buffer.baseAddress! + carry, size)
        guard n >= 0 else { return nil }
        let end = carry + n, atEOF = n == 0
        if first {
            first = false
            if end >= 2, (buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF) { return nil }
        }
        var i = 0
        while i < end {
            if i + 8 <= end, buffer.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            let c = buffer[i]
            if c < 0x80 { i += 1; continue }
            let length: Int, low: UInt8, high: UInt8   // bounds of the second byte
            switch c {
            case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
            case 0xED: (length, low, high) = (3, 0x80, 0x9F)
            case 0xE1...0xEF: (length, low, high) = (3, 0x80, 0xBF)
            case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
            case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
            case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
            default: return base + i
            }
            if i + length > end {
                if atEOF { return base + i }
                break   // the sequence goes on in the next read
            }
            guard (low...high).contains(buffer[i + 1]) else { return base + i }
            for k in 2..<length where buffer[i + k] & 0xC0 != 0x80 { return base + i }
            i += length
        }
        if atEOF { return nil }
        // Keep the cut sequence (at most 3 bytes) for the next read.
        carry = end - i
        if carry > 0 { (buffer.baseAddress! + 0).copyMemory(from: buffer.baseAddress! + i, byteCount: carry) }
        base += i
    }
}

/// A parser delegate that may stop the parse on purpose (not an XML error).
protocol PartParser: AnyObject {
    var stoppedOnPurpose: Bool { get }
    /// The part's root element closed (the XML was not cut short).
    var complete: Bool { get }
}

/// `xl/workbook.xml`: the sheets in workbook order (the first `maxSheets`) and the date system.
final class WorkbookPart: NSObject, XMLParserDelegate, PartParser {
    struct Sheet { var name: String; var relationship: String }
    /// Sheets read of one workbook at most: far beyond a posyandu register (a sheet a month,
    /// a sheet a posyandu), and what keeps a small hostile workbook that lists a hundred
    /// thousand sheets from holding a run for minutes (found by fuzzing).
    static let maxSheets = 1_000
    var sheets: [Sheet] = []
    /// Sheets the workbook lists beyond `maxSheets` (not read).
    private(set) var sheetsBeyondLimit = 0
    var date1904 = false
    var stoppedOnPurpose: Bool { false }
    private(set) var complete = false

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if localName(name) == "workbook" { complete = true }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch localName(name) {
        case "workbookPr":
            let v = (a["date1904"] ?? "").lowercased()
            date1904 = v == "1" || v == "true"
        case "sheet":
            guard sheets.count < WorkbookPart.maxSheets else { sheetsBeyondLimit += 1; return }
            let rid = a.first { $0.key == "id" || $0.key.hasSuffix(":id") }?.value ?? ""
            sheets.append(Sheet(name: a["name"] ?? "", relationship: rid))
        default: break
        }
    }
}

/// `xl/_rels/workbook.xml.rels`: relationship id → part path inside the ZIP.
final class RelationshipsPart: NSObject, XMLParserDelegate, PartParser {
    var targets: [String: String] = [:]
    var types: [(type: String, target: String)] = []
    var stoppedOnPurpose: Bool { false }
    private(set) var complete = false

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if localName(name) == "Relationships" { complete = true }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes a: [String: String] = [:]) {
        guard localName(name) == "Relationship", let id = a["Id"], let t = a["Target"] else { return }
        // Targets are relative to xl/ or absolute from the package root.
        let target = t.hasPrefix("/") ? String(t.dropFirst()) : "xl/" + t
        targets[id] = target
        types.append((a["Type"] ?? "", target))
    }

    /// The part whose relationship type ends with `suffix` (`/styles`, `/sharedStrings`).
    func path(ofType suffix: String) -> String? { types.first { $0.type.hasSuffix(suffix) }?.target }
}

/// `xl/styles.xml`: per cell style (`s` attribute), whether its number format is a date or
/// a time.
final class StylesPart: NSObject, XMLParserDelegate, PartParser {
    private var custom: [Int: CellFormat] = [:]
    private var styleIDs: [Int] = []
    private var inCellXfs = false
    var stoppedOnPurpose: Bool { false }
    private(set) var complete = false

    var cellFormats: [CellFormat] { styleIDs.map { custom[$0] ?? CellFormat(builtIn: $0) } }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch localName(name) {
        case "numFmt":
            if let id = a["numFmtId"].flatMap({ Int($0) }) { custom[id] = CellFormat(code: a["formatCode"] ?? "") }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: styleIDs.append(a["numFmtId"].flatMap { Int($0) } ?? 0)
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if localName(name) == "cellXfs" { inCellXfs = false }
        if localName(name) == "styleSheet" { complete = true }
    }
}

/// `xl/sharedStrings.xml`: every `<si>`'s text (runs joined, phonetic runs left out), kept as
/// UTF-8 in one buffer, up to a byte limit.
final class SharedStringsPart: NSObject, XMLParserDelegate, PartParser {
    private(set) var storage: [UInt8] = []
    private(set) var ends: [Int] = []
    private let limit: Int
    private(set) var overLimit = false
    private var inText = false
    private var phonetic = 0
    var stoppedOnPurpose: Bool { overLimit }
    private(set) var complete = false

    init(limit: Int) { self.limit = limit }

    var count: Int { ends.count }

    /// The bytes of string `i` (nil when out of range).
    func withString<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard i >= 0, i < ends.count else { return nil }
        let start = i == 0 ? 0 : ends[i - 1]
        return storage.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<ends[i]])) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch localName(name) {
        case "t": inText = phonetic == 0
        case "rPh": phonetic += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch localName(name) {
        case "t": inText = false
        case "rPh": phonetic -= 1
        case "sst": complete = true
        case "si":
            ends.append(storage.count)
            if storage.count + 8 * ends.count > limit { overLimit = true; parser.abortParsing() }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters s: String) {
        if inText { storage.append(contentsOf: s.utf8) }
    }
}

/// One worksheet: rows and cells fed to the `ParseState` as fields and records.
final class SheetPart: NSObject, XMLParserDelegate, PartParser {
    var state: ParseState
    private let strings: SharedStringsPart
    private let formats: [CellFormat]
    /// Day 0 of the workbook's date system.
    private let epoch: Day
    private let date1904: Bool
    private(set) var stoppedOnPurpose = false
    private(set) var complete = false
    private(set) var lastRow = 0
    private(set) var sawRow = false

    // The row and cell being read.
    private var inRow = false
    private var column = 0
    private var cellColumn = 0
    private var cellType = ""
    private var cellStyle = 0
    private var inValue = false
    private var inInline = false
    private var text: [UInt8] = []
    private var numericNIK = false
    /// A shared string index of this row that the table does not have.
    private var missingString: String?

    init(state: ParseState, strings: SharedStringsPart, formats: [CellFormat], date1904: Bool) {
        self.state = state
        self.strings = strings
        self.formats = formats
        self.date1904 = date1904
        epoch = date1904 ? Day(year: 1904, month: 1, day: 1)! : Day(year: 1899, month: 12, day: 30)!
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch localName(name) {
        case "row":
            // A row number beyond Excel's 1,048,576 is no row number (and would overflow).
            let r = a["r"].flatMap { Int($0) }.flatMap { (1...1_048_576).contains($0) ? $0 : nil } ?? lastRow + 1
            lastRow = r
            state.recordStartLine = r
            inRow = true
            sawRow = true
            column = 0
            numericNIK = false
            missingString = nil
        case "c":
            cellColumn = a["r"].flatMap(columnIndex) ?? column
            cellType = a["t"] ?? "n"
            cellStyle = a["s"].flatMap { Int($0) } ?? 0
            text.removeAll(keepingCapacity: true)
        case "v": inValue = true
        case "is": inInline = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters s: String) {
        guard inValue || inInline else { return }
        text.append(contentsOf: s.utf8)
        if text.count > state.limits.fieldBytes {
            // The cell is not held whole: the row ends here, as a CSV record with such a field.
            state.endAtLimit(.field)
            stoppedOnPurpose = true
            parser.abortParsing()
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch localName(name) {
        case "v": inValue = false
        case "is": inInline = false
        case "c": endCell()
        case "worksheet": complete = true
        case "row":
            endRow()
            if state.stopped { stoppedOnPurpose = true; parser.abortParsing() }
        default: break
        }
    }

    /// Gives the cell to the parse state, after empty fields for any columns skipped.
    private func endCell() {
        // Cells out of order (a damaged file) are taken as the next column.
        let target = cellColumn >= column ? cellColumn : column
        if target > column {
            // Before the header each cell is a header cell; after it, empty cells only count.
            if state.headerFound { state.emptyFields(target - column); column = target }
            while column < target { field(Bytes(UnsafeRawBufferPointer(start: nil, count: 0))); column += 1 }
        }
        switch cellType {
        case "s":
            let i = text.withUnsafeBytes { Bytes($0).trimmed().asInt } ?? -1
            if strings.withString(i, { field(Bytes($0)) }) == nil {
                missingString = String(decoding: text, as: UTF8.self)
                field(Bytes(UnsafeRawBufferPointer(start: nil, count: 0)))
            }
        case "b":
            emit(text == [49] ? "TRUE" : text == [48] ? "FALSE" : String(decoding: text, as: UTF8.self))
        case "inlineStr", "str", "e", "d":
            text.withUnsafeBytes { field(Bytes($0)) }
        default:
            number()
        }
        column += 1
    }

    /// A number cell: as stored, or as a date or time when its style says so.
    private func number() {
        let format = cellStyle < formats.count ? formats[cellStyle] : .plain
        if format == .plain {
            if state.headerFound, column < state.slots.count, state.slots[column] == .nik { numericNIK = true }
            // The common case: the stored text as it is (no String, no Double).
            var digits = 0
            for c in text where c >= 48 && c <= 57 { digits += 1 }
            if digits <= 15 { return text.withUnsafeBytes { field(Bytes($0)) } }
        }
        let raw = text.withUnsafeBytes { String(decoding: Bytes($0).trimmed().buffer, as: UTF8.self) }
        guard !raw.isEmpty, let v = Double(raw), v.isFinite else { return emit(raw) }
        switch format {
        case .date:
            let days = Int(v.rounded(.down))
            // 1900 system: serial 60 is Excel's fictitious 1900-02-29; before it, day 0 is
            // 1899-12-31. Such dates are no child's: written as stored.
            guard v >= 0, date1904 || days > 60 else { return emit(raw) }
            emit((epoch + days).iso)
        case let .time(elapsed, seconds, pad):
            guard v >= 0 else { return emit(raw) }
            let total = Int((v * 86400).rounded())
            var h = total / 3600
            if !elapsed { h %= 24 }
            let m = total / 60 % 60, s = total % 60
            var out = (pad && h < 10 ? "0" : "") + String(h) + ":" + twoDigits(m)
            if seconds { out += ":" + twoDigits(s) }
            emit(out)
        case .plain:
            emit(shortestNumber(raw, v))
        }
    }

    private func emit(_ s: String) {
        var s = s
        s.withUTF8 { field(Bytes(UnsafeRawBufferPointer($0))) }
    }

    private func field(_ b: Bytes) { state.field(b) }

    private func endRow() {
        guard inRow else { return }
        inRow = false
        // Excel leaves out empty trailing cells: a row is as wide as the header.
        if state.headerFound, column < state.width { state.emptyFields(state.width - column); column = state.width }
        if numericNIK && state.headerFound && state.nonEmptyFields > 0 {
            let r = state.records.current
            r.pointee.ingestNotes += (r.pointee.ingestNotes.isEmpty ? "" : ";")
                + "NIK_INVALID:stored as a number (Excel keeps 15 digits)"
        }
        if let missingString, state.headerFound, state.nonEmptyFields > 0 {
            state.records.current.pointee.malformed = "a cell refers to shared string \(missingString), which the workbook does not have"
        }
        state.recordStartLine = lastRow
        state.endRecord()
    }

    /// Ends a row cut by damage in the sheet's XML: kept as a malformed record when it has
    /// content (as a CSV record cut at end of file is).
    func flushCutRow() {
        guard inRow, state.headerFound, state.fieldIndex > 0 else { inRow = false; return }
        if column < state.width, state.nonEmptyFields > 0 {
            state.records.current.pointee.malformed = "cut off where the sheet's XML is damaged"
        }
        endRow()
    }
}

/// Thrown from an entry's extraction when the workbook passes `IngestLimits.inflatedBytes`.
private struct InflateLimitReached: Error {}

/// `ab:cd` → `cd`: element names without a namespace prefix.
@inline(__always)
private func localName(_ name: String) -> Substring {
    // Element names are short ASCII: a byte scan, no Character breaking.
    var colon: Int?
    var i = 0
    for c in name.utf8 { if c == 58 { colon = i }; i += 1 }
    guard let colon else { return name[...] }
    return name[name.utf8.index(name.utf8.startIndex, offsetBy: colon + 1)...]
}

/// `C5` → 2: the 0-based column of a cell reference (nil when it has no letters).
func columnIndex(_ ref: String) -> Int? {
    var n = 0, letters = 0
    for c in ref.utf8 {
        if c >= 65 && c <= 90 { n = n * 26 + Int(c - 64); letters += 1 }
        else if c >= 97 && c <= 122 { n = n * 26 + Int(c - 96); letters += 1 }
        else { break }
        if letters > 3 { return nil }   // before `n` overflows (found by fuzzing)
    }
    return letters == 0 || letters > 3 ? nil : n - 1
}

/// The number's text as stored, unless a writer stored more digits than the number has
/// (`18.899999999999999`): then the shortest text that reads back the same Double (`18.9`).
func shortestNumber(_ raw: String, _ v: Double) -> String {
    // bytes, not `String.contains(_:)` of a string (Foundation's locale-aware search, per cell)
    guard raw.utf8.contains(0x2e), !raw.utf8.contains(0x45), !raw.utf8.contains(0x65) else { return raw }
    let digits = raw.utf8.reduce(0) { $0 + ($1 >= 48 && $1 <= 57 ? 1 : 0) }
    guard digits > 15 else { return raw }
    let short = "\(v)"
    return short.utf8.contains(0x65) ? raw : short
}

private func twoDigits(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }

