import Dispatch
import Synchronization
import TimbangCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input dump: its path on disk and the name used in provenance (`file#record`).
public struct InputFile: Sendable, Hashable {
    public var path: String
    /// Stable display name (path relative to the input folder), used in `file#record`.
    public var name: String
    /// Location cells the pipeline gives this file's records (`input.units_table`,
    /// `input.unit_pattern`); nil = none.
    public var units: UnitDefaults?
    public init(path: String, name: String, units: UnitDefaults? = nil) {
        self.path = path; self.name = name; self.units = units
    }
}

/// The kabupaten / kecamatan / puskesmas / desa / posyandu the pipeline gives the records of
/// one file that has no location columns (or leaves them empty). A record's own non-empty
/// cells win; each empty one is filled from `table` first, then from `path`, and the record
/// gets `UNIT_FROM_TABLE` and/or `UNIT_FROM_PATH` in its ingest notes.
public struct UnitDefaults: Sendable, Hashable {
    /// Where the file's units came from, as the `files` table's `units_from` says it.
    public enum Source: String, Sendable, Hashable { case table, path }

    /// Location cells in `Field` order kabupaten, kecamatan, puskesmas, desa, posyandu.
    public struct Cells: Sendable, Hashable {
        public var kabupaten = "", kecamatan = "", puskesmas = "", desa = "", posyandu = ""
        public init(kabupaten: String = "", kecamatan: String = "", puskesmas: String = "",
                    desa: String = "", posyandu: String = "") {
            self.kabupaten = kabupaten; self.kecamatan = kecamatan; self.puskesmas = puskesmas
            self.desa = desa; self.posyandu = posyandu
        }
    }

    /// From the units table's row for this file (nil = no row matched).
    public var table: Cells?
    /// From the unit pattern matched against the file's provenance name (nil = no match).
    public var path: Cells?

    public init(table: Cells? = nil, path: Cells? = nil) { self.table = table; self.path = path }

    /// `table` when a table row matched, else `path`.
    public var source: Source { table != nil ? .table : .path }

    /// Fills `r`'s empty location cells and notes where they came from.
    func fill(_ r: UnsafeMutablePointer<Record>) {
        var fromTable = false, fromPath = false
        func take(_ cell: inout String, _ key: KeyPath<Cells, String>) {
            guard cell.isEmpty else { return }
            if let t = table?[keyPath: key], !t.isEmpty { cell = t; fromTable = true }
            else if let p = path?[keyPath: key], !p.isEmpty { cell = p; fromPath = true }
        }
        take(&r.pointee.kabupaten, \.kabupaten)
        take(&r.pointee.kecamatan, \.kecamatan)
        take(&r.pointee.puskesmas, \.puskesmas)
        take(&r.pointee.desa, \.desa)
        take(&r.pointee.posyandu, \.posyandu)
        if fromTable { r.pointee.addIngestNote(UnitDefaults.fromTableNote) }
        if fromPath { r.pointee.addIngestNote(UnitDefaults.fromPathNote) }
    }

    public static let fromTableNote = "UNIT_FROM_TABLE"
    public static let fromPathNote = "UNIT_FROM_PATH"
}

/// How far ingest is, after each file it finishes (for a progress display).
public struct IngestProgress: Sendable {
    public var filesDone = 0, files = 0
    public var bytesDone = 0, bytes = 0
    public var records = 0
    public init() {}
}

/// Tallies finished files across the reading threads and hands each new state to `report`.
final class ProgressTally: Sendable {
    let state: Mutex<IngestProgress>
    let report: (@Sendable (IngestProgress) -> Void)?

    init(files: Int, bytes: Int, report: (@Sendable (IngestProgress) -> Void)?) {
        var p = IngestProgress()
        p.files = files; p.bytes = bytes
        state = Mutex(p)
        self.report = report
    }

    func fileDone(bytes: Int, records: Int) {
        guard let report else { return }
        let now = state.withLock { p in
            p.filesDone += 1; p.bytesDone += bytes; p.records += records
            return p
        }
        report(now)
    }
}

/// What ingest produces: one record per CSV record, per-file summaries, file-level findings.
public struct IngestResult: Sendable {
    public var records: [Record]
    /// One row per input file: see `Ingest.fileColumns`.
    public var files: Table
    public var findings: [Finding]
    /// Where each file's output sits in `records` and `findings`, one per `files` row.
    public var spans: [FileSpan]
    public init(records: [Record], files: Table, findings: [Finding], spans: [FileSpan] = []) {
        self.records = records; self.files = files; self.findings = findings; self.spans = spans
    }

    /// The output of the file of `files` row `i`, copied out (for a store of per-file outputs).
    public func output(ofFile i: Int) -> FileOutput {
        FileOutput(records: Array(records[spans[i].records]), row: files.rows[i],
                   findings: Array(findings[spans[i].findings]))
    }
}

/// The rows of one input file's output in an `IngestResult`.
public struct FileSpan: Sendable, Equatable {
    public var records: Range<Int>
    public var findings: Range<Int>
    public init(records: Range<Int>, findings: Range<Int>) { self.records = records; self.findings = findings }
}

/// Everything ingest makes of one input file: its records (in record order), its `files`
/// row and its findings. It depends on the file's bytes, its provenance name, its
/// `UnitDefaults` and the `IngestLimits` alone, never on the other files, so it can be kept
/// and handed back to `Ingest.run` for a file that has not changed.
public struct FileOutput: Sendable, Equatable {
    public var records: [Record]
    /// The file's row of the `files` table (`Ingest.fileColumns`).
    public var row: [String]
    public var findings: [Finding]
    public init(records: [Record], row: [String], findings: [Finding]) {
        self.records = records; self.row = row; self.findings = findings
    }
}

/// A file's size and SHA-256 as stored, the `files` table's `bytes` and `sha256`.
public struct FileFingerprint: Sendable, Hashable {
    public var bytes: Int
    public var sha256: String
    public init(bytes: Int, sha256: String) { self.bytes = bytes; self.sha256 = sha256 }
}

/// The ingest stage: bytes → records.
///
/// Each file is streamed in 1 MiB chunks (gunzipped on the fly when it is gzip), parsed by
/// libcsv and turned into `Record`s with their provenance (`file#record`, physical line).
/// Its encoding (UTF-8, Windows-1252, Mac Roman, or mixed field by field) is decided from the
/// evidence in its bytes before the first field is read (`EncodingEvidence`), and every field
/// is read as canonical UTF-8 in which Unicode spaces are spaces (`TextDecoder`).
/// Fields are parsed from bytes; only the columns timbang uses become text. Records keep
/// `status == .pending`: validate judges them. A record that could not be read as a row
/// (cut off, wrong number of fields) has `malformed` set; a value that could not be parsed
/// has its parsed field nil and its raw text non-empty. Problems with a whole file are
/// `Finding`s (see docs/ingest.md for the codes); ingest never stops on bad input.
public enum Ingest {
    public static let fileColumns = ["file", "bytes", "sha256", "compressed", "encoding", "delimiter", "records", "malformed", "unknown_columns",
                                     "date_order", "sheets", "blank_rows", "summary_rows", "units_from"]

    /// Reads every file (in parallel over `threads`); output ordered by file name, then record.
    ///
    /// - Parameters:
    ///   - files: the dumps; `name` is their provenance name (the sort key).
    ///   - threads: how many files are read at once (at least 1).
    ///   - limits: the bounds that keep each file's reading in bounded memory (`IngestLimits`).
    ///   - reused: empty, or one entry per file of `files`: the output a previous run made of
    ///     that file (unchanged since; the caller checks), or nil to read it. Reused outputs
    ///     take the place the file's own would have, so the result is what reading every file
    ///     gives.
    ///   - progress: called after each file read (from the reading threads), e.g. for a
    ///     terminal display; reused files are not counted.
    /// - Returns: records sorted by `(file name, record)`, one `files` row per input file in
    ///   name order, findings grouped by file in name order. Identical for any `threads`.
    public static func run(files: [InputFile], threads: Int, limits: IngestLimits = IngestLimits(),
                           reused: consuming [FileOutput?] = [], progress: (@Sendable (IngestProgress) -> Void)? = nil) -> IngestResult {
        precondition(reused.isEmpty || reused.count == files.count, "one reused entry per file")
        let order = files.indices.sorted { a, b in
            files[a].name != files[b].name ? files[a].name.utf8.lexicographicallyPrecedes(files[b].name.utf8) : a < b
        }
        let toRead = order.filter { reused.isEmpty || reused[$0] == nil }
        let (results, counts, read) = readRecords(toRead.map { files[$0] }, threads: threads, limits: limits,
                                                  progress: progress)
        var table = Table(name: "files", columns: fileColumns)
        var findings: [Finding] = []
        var spans: [FileSpan] = []
        var recordCount = 0
        func add(_ row: [String], _ fileFindings: [Finding], records n: Int) {
            table.rows.append(row)
            spans.append(FileSpan(records: recordCount..<(recordCount + n), findings: findings.count..<(findings.count + fileFindings.count)))
            findings.append(contentsOf: fileFindings)
            recordCount += n
        }
        if toRead.count == order.count {
            for (r, n) in zip(results, counts) { add(r.row, r.findings, records: n) }
            return IngestResult(records: read, files: table, findings: findings, spans: spans)
        }
        // Some outputs are reused: lay every file's records out in name order.
        var k = 0
        var sources: [(reused: Int?, read: Range<Int>)] = []
        var readAt = 0
        for i in order {
            if let r = reused[i] {
                add(r.row, r.findings, records: r.records.count)
                sources.append((i, 0..<0))
            } else {
                add(results[k].row, results[k].findings, records: counts[k])
                sources.append((nil, readAt..<(readAt + counts[k])))
                readAt += counts[k]; k += 1
            }
        }
        // Copied, not moved: a record's strings are mostly short (stored inline), so a copy
        // costs little beside reading the file again. Each reused output is let go once
        // copied, so memory holds the records about once, not twice.
        let records = [Record](unsafeUninitializedCapacity: recordCount) { buffer, initialized in
            guard var at = buffer.baseAddress else { initialized = 0; return }
            for s in sources {
                let from = s.reused.map { reused[$0]!.records } ?? read
                if let i = s.reused { reused[i] = nil }
                let rows = s.reused == nil ? s.read : from.indices
                guard !rows.isEmpty else { continue }
                from.withUnsafeBufferPointer { at.initialize(from: $0.baseAddress! + rows.lowerBound, count: rows.count) }
                at += rows.count
            }
            initialized = recordCount
        }
        return IngestResult(records: records, files: table, findings: findings, spans: spans)
    }

    /// The size and SHA-256 of each file as stored (in parallel over `threads`), the same the
    /// `files` table gives once the file is read; nil for a file that cannot be read.
    public static func fingerprints(_ files: [InputFile], threads: Int) -> [FileFingerprint?] {
        parallelMap(files.count, threads: threads) { i in
            // The stream that reads a dump for ingest, told at once to only hash the rest.
            let outcome = streamFile(path: files[i].path) { _ in .hashOnly }
            guard outcome.openError == nil, outcome.readError == nil else { return nil }
            return FileFingerprint(bytes: outcome.bytes, sha256: outcome.sha256)
        }
    }

    /// Reads the files and gathers their records into one array, in file order.
    ///
    /// Records are large (about 850 bytes), so writing them twice — once per file, once into
    /// the result — would cost as much as parsing. When every file is plain text, a quick
    /// first pass counts line ends (an upper bound of each file's records), the result array
    /// is allocated once with a region per file, files write their records straight into
    /// their regions, and the regions are then closed up. Gzip files (whose size is unknown
    /// until inflated) use buffers of their own, moved into the result at the end. The same
    /// first pass gathers each plain file's encoding evidence (`EncodingEvidence`); a gzip
    /// file's is gathered by `readFile` on its inflated content (a workbook needs none: its
    /// text is UTF-8 XML).
    /// - Returns: each file's result, its number of records, and all records.
    static func readRecords(_ files: [InputFile], threads: Int,
                            limits: IngestLimits = IngestLimits(),
                            progress: (@Sendable (IngestProgress) -> Void)? = nil) -> ([FileResult], [Int], [Record]) {
        guard !files.isEmpty else { return ([], [], []) }
        let sizes = files.map { fileSize($0.path) }
        let tally = ProgressTally(files: files.count, bytes: sizes.reduce(0, +), report: progress)
        let scans = parallelMap(files.count, threads: threads, order: largestFirst(sizes)) { recordBound(path: files[$0].path) }
        let slots = scans.compactMap { $0?.bound }.map { $0 + 1 }
        let total = slots.reduce(0, +)
        let stride = MemoryLayout<Record>.stride
        guard slots.count == files.count, total <= directPathLimit / stride else {
            let results = parallelMap(files.count, threads: threads, order: largestFirst(sizes)) {
                let r = readFile(files[$0], encoding: scans[$0]?.encoding, limits: limits)
                tally.fileDone(bytes: sizes[$0], records: r.records.count)
                return r
            }
            let counts = results.map(\.records.count)
            return (results, counts, merge(results))
        }
        var results: [FileResult] = []
        var counts: [Int] = []
        let records = [Record](unsafeUninitializedCapacity: total) { buffer, initialized in
            let base = buffer.baseAddress!
            adviseHugePages(UnsafeMutableRawPointer(base), bytes: total * stride)
            var offsets: [Int] = []
            var regions: [RecordRegion] = []
            var offset = 0
            for n in slots {
                offsets.append(offset)
                regions.append(RecordRegion(base: base + offset, slots: n))
                offset += n
            }
            results = parallelMap(files.count, threads: threads, order: largestFirst(sizes)) {
                let r = readFile(files[$0], region: regions[$0], encoding: scans[$0]?.encoding, limits: limits)
                tally.fileDone(bytes: sizes[$0], records: r.records.count)
                return r
            }
            counts = results.map(\.records.count)
            // Close the gaps: each file's records move down to follow the previous file's.
            var cursor = 0
            for (i, r) in results.enumerated() {
                let n = r.records.count
                if offsets[i] != cursor { (base + cursor).moveInitialize(from: base + offsets[i], count: n) }
                cursor += n
            }
            initialized = cursor
        }
        return (results, counts, records)
    }

    /// Address space the direct path may reserve (only the records read are touched).
    static let directPathLimit = 64 << 30

    /// Moves (not copies) each file's records into one array, freeing each file's buffer.
    private static func merge(_ results: [FileResult]) -> [Record] {
        let total = results.reduce(0) { $0 + $1.records.count }
        return [Record](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            adviseHugePages(UnsafeMutableRawPointer(base), bytes: total * MemoryLayout<Record>.stride)
            var offset = 0
            for r in results {
                let n = r.records.count
                r.records.move(to: base + offset)
                offset += n
            }
            initialized = offset
        }
    }

    /// File indices, largest first (ties by index), so the workers finish together.
    static func largestFirst(_ sizes: [Int]) -> [Int] {
        Array(sizes.indices).sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }
}
