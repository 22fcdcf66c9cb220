import CCSV
import TimbangCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything ingest learned from one input file.
struct FileResult: Sendable {
    var records = RecordChunk()
    var findings: [Finding] = []
    var row: [String] = []
}

/// Reads one dump: bytes → libcsv → records, streaming (one chunk and one record in memory
/// besides the records already read; `limits` bound the record, see `IngestLimits`).
///
/// - Parameter region: where to put the records (`Ingest.run`'s direct path); nil = a buffer
///   of its own.
/// - Parameter encoding: the file's encoding when a first pass already decided it
///   (`recordBound`); nil = decide it here with a pass of its own over the content.
/// - Parameter afterRawChunk: see `streamFile` (tests).
func readFile(_ file: InputFile, chunkSize: Int = 1 << 20, region: RecordRegion? = nil,
              encoding: EncodingDecision? = nil, limits: IngestLimits = IngestLimits(),
              afterRawChunk: (() -> Void)? = nil) -> FileResult {
    // A ZIP is read as an .xlsx workbook (recognised by its bytes, whatever its name).
    if region == nil, ContainerKind(path: file.path) == .zip { return readWorkbook(file, limits: limits) }
    let parser = UnsafeMutablePointer<csv_parser>.allocate(capacity: 1)
    csv_init(parser, 0)
    let state = UnsafeMutablePointer<ParseState>.allocate(capacity: 1)
    let blankRef = RowRef(file: file.name, record: 0, line: 0)
    state.initialize(to: ParseState(file: file.name, records: region.map { RecordBuilder(region: $0, blankRef: blankRef) }
        ?? RecordBuilder(expected: expectedRecords(path: file.path), blankRef: blankRef), limits: limits))
    state.pointee.decoder.decision = encoding ?? sniffEncoding(path: file.path, chunkSize: chunkSize, inflateLimit: limits.inflatedBytes)
    state.pointee.units = file.units
    defer {
        csv_free(parser); parser.deallocate()
        state.deinitialize(count: 1); state.deallocate()
    }
    let ctx = UnsafeMutableRawPointer(state)
    /// Bytes of the record being read fed to libcsv so far.
    var recordBytes = 0

    let outcome = streamFile(path: file.path, chunkSize: chunkSize, inflateLimit: limits.inflatedBytes,
                             afterRawChunk: afterRawChunk) { chunk in
        var bytes = chunk
        if !state.pointee.started {
            state.pointee.started = true
            guard let start = state.pointee.inspectStart(bytes) else { return .hashOnly }
            bytes = UnsafeRawBufferPointer(rebasing: bytes[start...])
            csv_set_delim(parser, state.pointee.delimiter)
            if let f = libcsvSpace(state.pointee.decoder.decision) { csv_set_space_func(parser, f) }
        }
        guard let base = bytes.baseAddress else { return .more }
        let count = bytes.count
        var pos = 0
        // One libcsv call per physical line, so each record knows the line it starts on; a
        // long line in pieces, so that neither the record nor libcsv's field buffer can pass
        // its limit by more than a byte before it is caught.
        while pos < count {
            if parser.pointee.pstate == 0 {
                state.pointee.recordStartLine = state.pointee.line
                recordBytes = 0
            } else if recordBytes >= limits.recordBytes {
                state.pointee.endAtLimit(.record)
                return .hashOnly
            }
            let newline = memchr(base + pos, state.pointee.lineEnd, count - pos)
            let lineEnd = newline.map { base.distance(to: UnsafeRawPointer($0)) + 1 } ?? count
            let fieldRoom = limits.fieldBytes + 1 - (parser.pointee.pstate == 2 ? parser.pointee.entry_pos : 0)
            let end = min(lineEnd, pos + (limits.recordBytes - recordBytes), pos + fieldRoom)
            csv_parse(parser, base + pos, end - pos, ingestFieldCallback, ingestRecordCallback, ctx)
            recordBytes += end - pos
            if newline != nil && end == lineEnd { state.pointee.line += 1 }
            pos = end
            if !state.pointee.stopped, parser.pointee.pstate == 2, parser.pointee.entry_pos > limits.fieldBytes {
                state.pointee.endAtLimit(.field)
            }
            if !state.pointee.stopped, let b = state.pointee.breach { state.pointee.endAtLimit(b) }
            if state.pointee.stopped { return .hashOnly }
            if parser.pointee.pstate != 0,
               state.pointee.line - state.pointee.recordStartLine >= ParseState.maxRecordLines {
                // A stray quote has swallowed too many lines: give the record up and resync
                // at the next line, so one bad quote cannot eat (and buffer) a whole dump.
                csv_free(parser)
                csv_init(parser, 0)
                csv_set_delim(parser, state.pointee.delimiter)
                if let f = libcsvSpace(state.pointee.decoder.decision) { csv_set_space_func(parser, f) }
                state.pointee.abandonRunawayRecord()
            }
        }
        return .more
    }

    if outcome.openError == nil, state.pointee.started, !state.pointee.stopped {
        state.pointee.eofMidRecord = parser.pointee.pstate != 0
        state.pointee.eofOpenQuote = parser.pointee.pstate == 2 && parser.pointee.quoted != 0
        state.pointee.eofStreamCut = outcome.gzipTruncated || outcome.gzipCorrupt != nil
        state.pointee.eofInflateLimit = outcome.inflateLimitReached
        state.pointee.atEOF = true
        csv_fini(parser, ingestFieldCallback, ingestRecordCallback, ctx)
    }
    return state.pointee.result(outcome: outcome)
}

/// The bytes libcsv may skip around a field (and between a closing quote and the delimiter):
/// space and tab, and in a single-byte file its no-break space (0xCA in Mac Roman, 0xA0 in
/// Windows-1252), so that `"Jl. Mawar, 4"<0xCA>;` closes its quote. nil = libcsv's own (space,
/// tab): in a UTF-8 file a no-break space is two bytes, and 0xA0 alone may end a letter (`à`).
private func libcsvSpace(_ d: EncodingDecision) -> (@convention(c) (UInt8) -> Int32)? {
    guard !d.utf8First else { return nil }
    switch d.fallback {
    case .macRoman: return { c in c == 32 || c == 9 || c == 0xCA ? 1 : 0 }
    case .windows1252: return { c in c == 32 || c == 9 || c == 0xA0 ? 1 : 0 }
    }
}

private func ingestFieldCallback(_ data: UnsafeMutableRawPointer?, _ len: Int, _ ctx: UnsafeMutableRawPointer?) {
    ctx!.assumingMemoryBound(to: ParseState.self).pointee
        .field(Bytes(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : len)))
}

private func ingestRecordCallback(_ c: Int32, _ ctx: UnsafeMutableRawPointer?) {
    ctx!.assumingMemoryBound(to: ParseState.self).pointee.endRecord()
}

/// The per-file parse state that libcsv's callbacks update.
struct ParseState {
    let file: String
    var decoder = TextDecoder()
    var findings: [Finding] = []
    var records: RecordBuilder

    // Stream position.
    var started = false
    /// Content is no longer wanted (not a CSV, no header).
    var stopped = false
    var notCSV = false
    var delimiter: UInt8 = 44
    /// The byte that ends a physical line: `\n`, or `\r` in a file with old-Mac line ends.
    var lineEnd: Int32 = 10
    /// Physical line (1-based) of the byte being fed, and where the current record began.
    var line = 1
    var recordStartLine = 1

    // The record being read.
    var fieldIndex = 0
    var nonEmptyFields = 0
    var extraNonEmpty = false
    /// What the record's cells say about it being a summary row (see `SummaryRowScan`).
    var summary = SummaryRowScan()

    /// Location cells the pipeline gives this file's records (nil = none).
    var units: UnitDefaults?
    /// Rows of only delimiters and spaces after the header (not records).
    var blankRows = 0
    var summaryRows = 0
    var summaryExample = ""

    // Header.
    var headerFound = false
    var slots: [Field?] = []
    var width = 0
    var namedWidth = 0
    var unknownColumns: [String] = []
    var headerCells: [String] = []
    var preambleRows = 0
    var sawContent = false

    var recordNumber = 0
    var malformedCount = 0

    /// The sheets read, when the file is a workbook (nil for a CSV dump): the `files` table's
    /// `sheets` column.
    var workbookSheets: [String]?

    // Date order (see FileReader+DateOrder.swift): evidence while streaming, fix-up at the end.
    var birthEvidence = DateColumnEvidence()
    var measureEvidence = DateColumnEvidence()
    /// The file has an age column, and its header says months (`Usia (Bulan)`).
    var ageColumn = false
    var ageInMonths = false
    /// The `files` table's `date_order`.
    var dateOrderLabel = ""

    // End of input.
    var atEOF = false
    var eofMidRecord = false
    var eofOpenQuote = false
    var eofStreamCut = false
    /// The gzip content passed the inflate limit (`IngestLimits.inflatedBytes`) there.
    var eofInflateLimit = false

    /// The bounds of this file's reading.
    let limits: IngestLimits
    /// A limit the record being read has breached (a callback saw it; the record ends there).
    var breach: LimitBreach?
    /// Reading ended at a breached limit (`endAtLimit`): nothing more of the file is read.
    var limitReached = false

    /// Last value seen per field, for columns that repeat from row to row (place names,
    /// measurement date, method): a repeat reuses the same `String` (and parsed value)
    /// instead of making a new one.
    var recent = RecentValues()

    static let headerSearchRows = 10
    /// A record still open after this many lines is taken to start with a stray quote.
    static let maxRecordLines = 100
    static let minimumHeaderFields = 3

    init(file: String, records: RecordBuilder, limits: IngestLimits = IngestLimits()) {
        self.file = file
        self.records = records
        self.limits = limits
    }

    /// Starts the next sheet of a workbook: its own header search, the same records.
    mutating func beginSheet() {
        headerFound = false
        slots = []
        width = 0
        namedWidth = 0
        headerCells = []
        preambleRows = 0
        stopped = false
        fieldIndex = 0
        nonEmptyFields = 0
        extraNonEmpty = false
        recent = RecentValues()
    }

    // MARK: start of content

    /// Looks at the first chunk: BOM, binary junk, delimiter. Returns where CSV text starts,
    /// or nil when the file is not a CSV (a finding is recorded).
    mutating func inspectStart(_ b: UnsafeRawBufferPointer) -> Int? {
        let n = b.count
        if n >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) {
            return rejectNotCSV("UTF-16 text; save the dump as CSV (UTF-8 or Windows-1252)")
        }
        if ContainerKind(b) == .ole2 {
            if isEncryptedPackage(b) {
                return rejectNotCSV("a password-protected Excel workbook; open it in Excel, remove the password (File › Info › Protect Workbook) and save it as .xlsx or CSV", code: "XLSX_ENCRYPTED")
            }
            return rejectNotCSV("a legacy Excel workbook (.xls, Excel 97–2003), which timbang does not read; open it in Excel or LibreOffice and save it as .xlsx or CSV", code: "LEGACY_XLS")
        }
        var start = 0
        if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { start = 3; decoder.sawBOM = true }
        let probe = min(n, 65536)
        var controls = 0, nuls = 0
        for i in start..<probe {
            let c = b[i]
            if c == 0 { nuls += 1 }
            if (c < 32 && c != 9 && c != 10 && c != 13) || c == 127 { controls += 1 }
        }
        // A stray NUL or two (a cut copy-paste) does not make a dump binary: the rows are
        // still read and any damaged value ends up unreadable in its own record.
        if probe > start, nuls * 1000 > (probe - start) {
            return rejectNotCSV("binary content (\(nuls) NUL bytes in the first \(probe - start))")
        }
        if probe > start, controls * 100 > (probe - start) {
            return rejectNotCSV("binary content (\(controls) control bytes in the first \(probe - start))")
        }
        let text = UnsafeRawBufferPointer(rebasing: b[start..<n])
        delimiter = sniffDelimiter(text)
        if !text.contains(10) && text.contains(13) { lineEnd = 13 }
        return start
    }

    private mutating func rejectNotCSV(_ why: String, code: String = "NOT_CSV") -> Int? {
        findings.append(Finding(file: file, severity: .error, code: code,
                                message: code == "NOT_CSV" ? "not a CSV dump: \(why); file skipped" : "\(why); file skipped"))
        notCSV = true
        stopped = true
        return nil
    }

    /// `n` empty fields after the header, as `n` calls of `field` with no bytes would give
    /// them (they only move the field index, up to the column limit), in one step: a
    /// workbook row may leave out thousands of cells before its next one.
    mutating func emptyFields(_ n: Int) {
        precondition(headerFound && n >= 0)
        guard breach == nil else { return }
        if fieldIndex + n > limits.columns { fieldIndex = limits.columns; breach = .columns; return }
        fieldIndex += n
    }

    // MARK: libcsv callbacks

    @inline(__always)
    mutating func field(_ raw: Bytes) {
        guard breach == nil else { return }
        if fieldIndex >= limits.columns { breach = .columns; return }
        if raw.count > limits.fieldBytes { breach = .field; return }
        let i = fieldIndex
        fieldIndex += 1
        var b = decoder.canonical(raw).trimmed()
        guard headerFound else {
            headerCells.append(decoder.string(b))
            return
        }
        // `-`, `--`, `—` are how spreadsheets and e-PPGBM write "no value".
        if b.isDashesOnly { b = Bytes(base: b.base, count: 0) }
        if b.count == 0 { return }
        nonEmptyFields += 1
        let slot = i < width ? slots[i] : nil
        if summary.open { summary.add(b, field: slot) }
        if i >= width { extraNonEmpty = true; return }
        if let f = slot { assign(f, b) }
    }

    @inline(__always)
    private mutating func assign(_ f: Field, _ b: Bytes) {
        let current = records.current
        switch f {
        case .no: current.pointee.no = decoder.string(FieldParser.serialNumber(b))
        case .nik: current.pointee.nik = decoder.string(b)
        case .name: current.pointee.name = decoder.string(b)
        case .sex: current.pointee.sexRaw = decoder.string(b); current.pointee.sex = FieldParser.sex(b)
        case .birthDate:
            let raw = decoder.string(b)
            let reading = FieldParser.dateReading(b)
            birthEvidence.add(reading, line: recordStartLine)
            current.pointee.birthDateRaw = raw
            current.pointee.birthDate = reading.day(.dayFirst)
        case .parentName: current.pointee.parentName = decoder.string(b)
        case .province: current.pointee.province = repeated(f, b)
        case .kabupaten: current.pointee.kabupaten = repeated(f, b)
        case .kecamatan: current.pointee.kecamatan = repeated(f, b)
        case .puskesmas: current.pointee.puskesmas = repeated(f, b)
        case .desa: current.pointee.desa = repeated(f, b)
        case .posyandu: current.pointee.posyandu = repeated(f, b)
        case .rt: current.pointee.rt = decoder.string(b)
        case .rw: current.pointee.rw = decoder.string(b)
        case .address: current.pointee.address = decoder.string(b)
        case .ageText: current.pointee.ageText = decoder.string(b)
        case .measureDate:
            if !recent.matches(f, b) {
                recent.store(f, b, decoder.string(b))
                let reading = FieldParser.dateReading(b)
                measureEvidence.add(reading, line: recordStartLine)
                recent.measureDate = reading.day(.dayFirst)
            }
            current.pointee.measureDateRaw = recent.text[f.rawValue]
            current.pointee.measureDate = recent.measureDate
        case .weight: current.pointee.weightRaw = decoder.string(b); current.pointee.weightKg = FieldParser.number(b)
        case .height: current.pointee.heightRaw = decoder.string(b); current.pointee.heightCm = FieldParser.number(b)
        case .method:
            if !recent.matches(f, b) {
                recent.store(f, b, decoder.string(b))
                recent.measure = FieldParser.measure(b)
            }
            current.pointee.methodRaw = recent.text[f.rawValue]
            current.pointee.measure = recent.measure
        case .muac: current.pointee.muacRaw = decoder.string(b); current.pointee.muacCm = FieldParser.number(b)
        case .oedema: current.pointee.oedemaRaw = decoder.string(b); current.pointee.oedema = FieldParser.oedema(b)
        case .zWei: current.pointee.sourceZWei = decoder.string(b)
        case .zLen: current.pointee.sourceZLen = decoder.string(b)
        case .zWfl: current.pointee.sourceZWfl = decoder.string(b)
        case .catWei: current.pointee.sourceCatWei = repeated(f, b)
        case .catLen: current.pointee.sourceCatLen = repeated(f, b)
        case .catWfl: current.pointee.sourceCatWfl = repeated(f, b)
        case .growth: current.pointee.sourceGrowth = repeated(f, b)
        }
    }

    /// The text of a column that often repeats the previous row's value.
    @inline(__always)
    private mutating func repeated(_ f: Field, _ b: Bytes) -> String {
        if !recent.matches(f, b) { recent.store(f, b, decoder.string(b)) }
        return recent.text[f.rawValue]
    }

    mutating func endRecord() {
        if let b = breach { return endAtLimit(b) }
        let fields = fieldIndex
        fieldIndex = 0
        let scan = summary
        defer { nonEmptyFields = 0; extraNonEmpty = false; summary = SummaryRowScan() }
        guard headerFound else { considerHeader(); return }
        // Blank and delimiter-only lines (also of no-break spaces) are not records.
        guard nonEmptyFields > 0 else { blankRows += 1; return }
        guard records.hasRoom else { regionFull(); return }
        recordNumber += 1
        let r = records.current
        r.pointee.ref = RowRef(file: file, record: recordNumber, line: recordStartLine)
        // (A workbook reader may have set a reason of its own already.)
        if let why = malformedReason(fields: fields), r.pointee.malformed.isEmpty { r.pointee.malformed = why }
        if !r.pointee.malformed.isEmpty { malformedCount += 1 }
        if let text = scan.summaryText(r.pointee) {
            r.pointee.addIngestNote(Reason.summaryRow.rawValue + ":" + text)
            summaryRows += 1
            if summaryExample.isEmpty { summaryExample = text }
        } else if let u = units {
            u.fill(r)
        }
        records.commit()
    }

    /// Ends the record being read as malformed: it opened a quote that did not close within
    /// `maxRecordLines` lines. Its lines are not read again.
    mutating func abandonRunawayRecord() {
        let first = recordStartLine, last = line - 1
        fieldIndex = 0
        nonEmptyFields = 0
        extraNonEmpty = false
        summary = SummaryRowScan()
        findings.append(Finding(file: file, severity: .warning, code: "QUOTE_RUNAWAY",
                                message: "a quoted field opened on line \(first) is still open on line \(last); lines \(first)–\(last) are one malformed record"))
        guard headerFound else { headerCells.removeAll(); return }
        guard records.hasRoom else { regionFull(); return }
        recordNumber += 1
        let r = records.current
        r.pointee.ref = RowRef(file: file, record: recordNumber, line: first)
        r.pointee.malformed = "unterminated quote: the record runs over \(ParseState.maxRecordLines) lines (\(first)–\(last))"
        malformedCount += 1
        records.commit()
    }

    /// Ends the file's reading at a breached limit (see `IngestLimits`): the record being read
    /// is kept as malformed with the breach as its reason (when a header was found: before
    /// it there are no records), the rest of the file is not read, the file gets the finding.
    mutating func endAtLimit(_ b: LimitBreach) {
        let at = recordStartLine
        breach = nil
        fieldIndex = 0
        nonEmptyFields = 0
        extraNonEmpty = false
        summary = SummaryRowScan()
        headerCells.removeAll()
        stopped = true
        limitReached = true
        let place = "\(workbookSheets == nil ? "line" : "row") \(at)"
        let key = switch b { case .record: "max_record_kb"; case .field: "max_field_kb"; case .columns: "max_columns" }
        guard headerFound else {
            findings.append(Finding(file: file, severity: .error, code: b.code,
                                    message: "\(b.what(limits)) at \(place), before any header (the limit input.\(key)); file skipped"))
            return
        }
        findings.append(Finding(file: file, severity: .error, code: b.code,
                                message: "\(b.what(limits)) at \(place) (the limit input.\(key)): the records before it are kept, that record is kept as malformed, the rest of the file is not read"))
        guard records.hasRoom else { return }
        recordNumber += 1
        let r = records.current
        r.pointee.ref = RowRef(file: file, record: recordNumber, line: at)
        r.pointee.malformed = b.what(limits) + "; the rest of the file is not read"
        malformedCount += 1
        records.commit()
    }

    /// The file holds more records than its line count allowed when the run began: it was
    /// changed while being read. Stop rather than guess.
    private mutating func regionFull() {
        findings.append(Finding(file: file, severity: .error, code: "FILE_CHANGED",
                                message: "the file changed while it was read; records after \(recordNumber) ignored"))
        stopped = true
    }

    private func malformedReason(fields: Int) -> String? {
        if atEOF && eofMidRecord {
            if eofInflateLimit { return "cut off where the file passes its inflate limit (\(IngestLimits.sizeText(limits.inflatedBytes)))" }
            if eofOpenQuote { return "cut off at end of file inside a quoted field" }
            if eofStreamCut { return "cut off where the compressed stream ends" }
            if fields < namedWidth { return "cut off at end of file: \(fields) of \(width) fields" }
        }
        if fields < namedWidth { return "too few fields: \(fields) of \(width)" }
        if fields > width && extraNonEmpty { return "too many fields: \(fields), header has \(width)" }
        return nil
    }

    private mutating func considerHeader() {
        let cells = headerCells
        headerCells.removeAll(keepingCapacity: true)
        guard cells.contains(where: { !$0.isEmpty }) else { return }
        sawContent = true
        guard HeaderMap.score(cells) >= ParseState.minimumHeaderFields else {
            preambleRows += 1
            if preambleRows >= ParseState.headerSearchRows { noHeader() }
            return
        }
        let map = HeaderMap(header: cells)
        headerFound = true
        slots = map.slots.map { $0 < 0 ? nil : Field(rawValue: Int($0)) }
        width = map.width
        namedWidth = map.namedWidth
        if let i = slots.firstIndex(of: .ageText) {
            ageColumn = true
            ageInMonths = headerKey(cells[i]).contains("bulan")
        }
        for u in map.unknown where !unknownColumns.contains(u) { unknownColumns.append(u) }
        if preambleRows > 0 {
            findings.append(Finding(file: file, severity: .info, code: "PREAMBLE_SKIPPED",
                                    message: "\(preambleRows) row(s) before the header ignored"))
        }
        for u in map.unknown {
            findings.append(Finding(file: file, severity: .info, code: "UNKNOWN_COLUMN",
                                    message: "column '\(u)' is not a known e-PPGBM column; ignored"))
        }
        for d in map.duplicates {
            findings.append(Finding(file: file, severity: .warning, code: "DUPLICATE_COLUMN",
                                    message: "column '\(d.column)' repeats \(d.field.displayName); the first one is read"))
        }
        for f in Field.essential where !map.found.contains(f) {
            // The pipeline names this file's posyandu (input.units_table / unit_pattern).
            if f == .posyandu, let u = units, !(u.table?.posyandu ?? "").isEmpty || !(u.path?.posyandu ?? "").isEmpty { continue }
            findings.append(Finding(file: file, severity: .warning, code: "COLUMN_MISSING",
                                    message: "no \(f.displayName) column"))
        }
    }

    private mutating func noHeader() {
        findings.append(ParseState.noHeaderFinding(file))
        stopped = true
    }

    private static func noHeaderFinding(_ file: String) -> Finding {
        Finding(file: file, severity: .error, code: "NO_HEADER",
                message: "no recognisable header (at least \(minimumHeaderFields) known columns such as NIK, JK, Tgl Lahir) in the first \(headerSearchRows) rows; file skipped")
    }

    // MARK: end of file

    /// The file's findings, records and `files` row.
    mutating func result(outcome: StreamOutcome) -> FileResult {
        if outcome.openError == nil && headerFound { resolveDateOrder() }
        var fileFindings: [Finding] = []
        func add(_ s: Finding.Severity, _ code: String, _ msg: String) {
            fileFindings.append(Finding(file: file, severity: s, code: code, message: msg))
        }
        if let e = outcome.openError {
            add(.error, "FILE_UNREADABLE", "cannot open: \(e)")
        } else if let e = outcome.readError {
            add(.error, "FILE_UNREADABLE", "read error: \(e)")
        }
        if outcome.gzipTruncated {
            add(.error, "GZIP_TRUNCATED", "compressed file is cut off after \(outcome.contentBytes) bytes of content; the records before the cut are kept")
        }
        if let e = outcome.gzipCorrupt {
            add(.error, "GZIP_CORRUPT", "compressed data is damaged (\(e)) after \(outcome.contentBytes) bytes of content; the records before it are kept")
        }
        if outcome.inflateLimitReached {
            add(.error, "INFLATE_LIMIT", "inflates to more than \(IngestLimits.sizeText(limits.inflatedBytes)) (the limit input.max_inflated_mb): the records in the first \(IngestLimits.sizeText(limits.inflatedBytes)) are kept, the rest of the file is not read")
        }
        if outcome.gzipTrailingBytes > 0 {
            add(.warning, "GZIP_TRAILING_DATA", "\(outcome.gzipTrailingBytes) bytes after the end of the compressed data ignored")
        }
        fileFindings.append(contentsOf: findings)
        if outcome.changedWhileRead && !fileFindings.contains(where: { $0.code == "FILE_CHANGED" }) {
            add(.error, "FILE_CHANGED", "changed while it was read (its size or modification time moved): the records read are kept as read, and may mix two versions of the file; its size and SHA-256 are those of the bytes read")
        }
        let cut = outcome.gzipTruncated || outcome.gzipCorrupt != nil || outcome.inflateLimitReached
        if outcome.openError == nil && !notCSV && !stopped {
            if !sawContent {
                if !cut { add(.error, "FILE_EMPTY", "no content") }
            } else if !headerFound {
                fileFindings.append(ParseState.noHeaderFinding(file))
            } else if records.count == 0 {
                add(.warning, "HEADER_ONLY", "header but no records")
            }
        }
        if decoder.utf8Fields > 0 && decoder.singleByteFields > 0 {
            add(.warning, "ENCODING_MIXED", "\(decoder.utf8Fields) field(s) read as UTF-8 and \(decoder.singleByteFields) as \(decoder.decision.fallback.label)")
        }
        if summaryRows > 0 {
            add(.info, "SUMMARY_ROWS", "\(summaryRows) summary row(s) such as '\(summaryExample)' kept as invalid SUMMARY_ROW records; they are not children")
        }
        let readText = outcome.openError == nil && !notCSV && sawContent
        let row = [
            file, String(outcome.bytes), outcome.openError == nil ? outcome.sha256 : "",
            outcome.gzip ? "gzip" : "",
            readText ? decoder.label : "",
            readText && workbookSheets == nil ? delimiterName(delimiter) : "",
            String(records.count), String(malformedCount),
            unknownColumns.joined(separator: "; "),
            dateOrderLabel,
            workbookSheets?.joined(separator: "; ") ?? "",
            String(blankRows), String(summaryRows), units?.source.rawValue ?? "",
        ]
        return FileResult(records: records.finish(), findings: fileFindings, row: row)
    }
}

/// The previous row's value of each field, as bytes (up to 64) and text.
struct RecentValues {
    static let width = 64
    private var bytes = [UInt8](repeating: 0, count: Field.allCases.count * RecentValues.width)
    private var length = [Int](repeating: -1, count: Field.allCases.count)
    var text = [String](repeating: "", count: Field.allCases.count)
    var measureDate: Day?
    var measure: Measure?

    @inline(__always)
    func matches(_ f: Field, _ b: Bytes) -> Bool {
        let i = f.rawValue
        guard length[i] == b.count else { return false }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + i * RecentValues.width, b.base, b.count) == 0 }
    }

    mutating func store(_ f: Field, _ b: Bytes, _ s: String) {
        let i = f.rawValue
        text[i] = s
        guard b.count <= RecentValues.width else { length[i] = -1; return }
        length[i] = b.count
        bytes.withUnsafeMutableBufferPointer { _ = memcpy($0.baseAddress! + i * RecentValues.width, b.base, b.count) }
    }
}

/// A generous guess of a file's record count from its size (e-PPGBM rows are 200–400
/// bytes; gzip shrinks them about 6 times).
private func expectedRecords(path: String) -> Int {
    var st = stat()
    guard stat(path, &st) == 0 else { return 0 }
    var head: (UInt8, UInt8) = (0, 0)
    if case .success(let fd) = openInput(path) { _ = withUnsafeMutableBytes(of: &head) { read(fd, $0.baseAddress, 2) }; close(fd) }
    let gzip = head == (0x1F, 0x8B)
    // Capped: beyond a million records the buffer grows by doubling.
    return min(Int(st.st_size) * (gzip ? 8 : 1) / 150, 1_000_000)
}

/// `,`, `;` or `tab`, as the `files` table shows the delimiter.
func delimiterName(_ d: UInt8) -> String {
    d == 9 ? "tab" : String(UnicodeScalar(d))
}

/// The delimiter of a dump: whichever of `,` `;` and tab occurs most often on one line,
/// outside quotes, among the first 10 lines (a decimal comma inside a semicolon file, or a
/// quoted `"12,5"` in a comma file, does not fool it). Ties go to `,`.
func sniffDelimiter(_ b: UnsafeRawBufferPointer) -> UInt8 {
    var best: (comma: Int, semicolon: Int, tab: Int) = (0, 0, 0)
    var counts = (comma: 0, semicolon: 0, tab: 0)
    var lines = 0
    var quoted = false
    for c in b {
        if c == 34 { quoted.toggle(); continue }
        if quoted { continue }
        switch c {
        case 44: counts.comma += 1
        case 59: counts.semicolon += 1
        case 9: counts.tab += 1
        case 10:
            best = (max(best.comma, counts.comma), max(best.semicolon, counts.semicolon), max(best.tab, counts.tab))
            counts = (0, 0, 0)
            lines += 1
            if lines >= 10 { break }
        default: break
        }
        if lines >= 10 { break }
    }
    best = (max(best.comma, counts.comma), max(best.semicolon, counts.semicolon), max(best.tab, counts.tab))
    if best.semicolon > best.comma && best.semicolon >= best.tab { return 59 }
    if best.tab > best.comma && best.tab > best.semicolon { return 9 }
    return 44
}
