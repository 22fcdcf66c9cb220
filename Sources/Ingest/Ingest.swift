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
    public init(records: [Record], files: Table, findings: [Finding]) {
        self.records = records; self.files = files; self.findings = findings
    }
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
    ///   - workbookLimits: memory bounds for `.xlsx` workbooks (the shared strings table).
    /// - Returns: records sorted by `(file name, record)`, one `files` row per input file in
    ///   name order, findings grouped by file in name order. Identical for any `threads`.
    ///   - progress: called after each file (from the reading threads), e.g. for a terminal display.
    public static func run(files: [InputFile], threads: Int, workbookLimits: WorkbookLimits = WorkbookLimits(),
                           progress: (@Sendable (IngestProgress) -> Void)? = nil) -> IngestResult {
        let sorted = files.enumerated().sorted { a, b in
            a.element.name != b.element.name
                ? a.element.name.utf8.lexicographicallyPrecedes(b.element.name.utf8)
                : a.offset < b.offset
        }.map(\.element)
        let (results, records) = readRecords(sorted, threads: threads, workbookLimits: workbookLimits, progress: progress)
        var table = Table(name: "files", columns: fileColumns)
        var findings: [Finding] = []
        for r in results {
            table.rows.append(r.row)
            findings.append(contentsOf: r.findings)
        }
        return IngestResult(records: records, files: table, findings: findings)
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
    static func readRecords(_ files: [InputFile], threads: Int,
                            workbookLimits: WorkbookLimits = WorkbookLimits(),
                            progress: (@Sendable (IngestProgress) -> Void)? = nil) -> ([FileResult], [Record]) {
        guard !files.isEmpty else { return ([], []) }
        let sizes = files.map { fileSize($0.path) }
        let tally = ProgressTally(files: files.count, bytes: sizes.reduce(0, +), report: progress)
        let scans = parallelMap(files.count, threads: threads, order: largestFirst(sizes)) { recordBound(path: files[$0].path) }
        let slots = scans.compactMap { $0?.bound }.map { $0 + 1 }
        let total = slots.reduce(0, +)
        let stride = MemoryLayout<Record>.stride
        guard slots.count == files.count, total <= directPathLimit / stride else {
            let results = parallelMap(files.count, threads: threads, order: largestFirst(sizes)) {
                let r = readFile(files[$0], encoding: scans[$0]?.encoding, workbookLimits: workbookLimits)
                tally.fileDone(bytes: sizes[$0], records: r.records.count)
                return r
            }
            return (results, merge(results))
        }
        var results: [FileResult] = []
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
                let r = readFile(files[$0], region: regions[$0], encoding: scans[$0]?.encoding)
                tally.fileDone(bytes: sizes[$0], records: r.records.count)
                return r
            }
            // Close the gaps: each file's records move down to follow the previous file's.
            var cursor = 0
            for (i, r) in results.enumerated() {
                let n = r.records.count
                if offsets[i] != cursor { (base + cursor).moveInitialize(from: base + offsets[i], count: n) }
                cursor += n
            }
            initialized = cursor
        }
        return (results, records)
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
