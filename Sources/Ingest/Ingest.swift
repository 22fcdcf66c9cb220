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
    public init(path: String, name: String) { self.path = path; self.name = name }
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
/// Fields are parsed from bytes; only the columns timbang uses become text. Records keep
/// `status == .pending`: validate judges them. A record that could not be read as a row
/// (cut off, wrong number of fields) has `malformed` set; a value that could not be parsed
/// has its parsed field nil and its raw text non-empty. Problems with a whole file are
/// `Finding`s (see docs/ingest.md for the codes); ingest never stops on bad input.
public enum Ingest {
    public static let fileColumns = ["file", "bytes", "sha256", "compressed", "encoding", "delimiter", "records", "malformed", "unknown_columns", "date_order", "sheets"]

    /// Reads every file (in parallel over `threads`); output ordered by file name, then record.
    ///
    /// - Parameters:
    ///   - files: the dumps; `name` is their provenance name (the sort key).
    ///   - threads: how many files are read at once (at least 1).
    ///   - workbookLimits: memory bounds for `.xlsx` workbooks (the shared strings table).
    /// - Returns: records sorted by `(file name, record)`, one `files` row per input file in
    ///   name order, findings grouped by file in name order. Identical for any `threads`.
    public static func run(files: [InputFile], threads: Int, workbookLimits: WorkbookLimits = WorkbookLimits()) -> IngestResult {
        let sorted = files.enumerated().sorted { a, b in
            a.element.name != b.element.name
                ? a.element.name.utf8.lexicographicallyPrecedes(b.element.name.utf8)
                : a.offset < b.offset
        }.map(\.element)
        let (results, records) = readRecords(sorted, threads: threads, workbookLimits: workbookLimits)
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
    /// until inflated) use buffers of their own, moved into the result at the end.
    static func readRecords(_ files: [InputFile], threads: Int,
                            workbookLimits: WorkbookLimits = WorkbookLimits()) -> ([FileResult], [Record]) {
        guard !files.isEmpty else { return ([], []) }
        let sizes = files.map { fileSize($0.path) }
        let bounds = parallelMap(files.count, threads: threads, order: largestFirst(sizes)) { recordBound(path: files[$0].path) }
        let slots = bounds.compactMap { $0.map { $0 + 1 } }
        let total = slots.reduce(0, +)
        let stride = MemoryLayout<Record>.stride
        guard slots.count == files.count, total <= directPathLimit / stride else {
            let results = parallelMap(files.count, threads: threads, order: largestFirst(sizes)) { readFile(files[$0], workbookLimits: workbookLimits) }
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
            results = parallelMap(files.count, threads: threads, order: largestFirst(sizes)) { readFile(files[$0], region: regions[$0]) }
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
