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
    public static let fileColumns = ["file", "bytes", "sha256", "compressed", "encoding", "delimiter", "records", "malformed", "unknown_columns"]

    /// Reads every file (in parallel over `threads`); output ordered by file name, then record.
    ///
    /// - Parameters:
    ///   - files: the dumps; `name` is their provenance name (the sort key).
    ///   - threads: how many files are read at once (at least 1).
    /// - Returns: records sorted by `(file name, record)`, one `files` row per input file in
    ///   name order, findings grouped by file in name order. Identical for any `threads`.
    public static func run(files: [InputFile], threads: Int) -> IngestResult {
        let sorted = files.enumerated().sorted { a, b in
            a.element.name != b.element.name
                ? a.element.name.utf8.lexicographicallyPrecedes(b.element.name.utf8)
                : a.offset < b.offset
        }.map(\.element)
        let results = readAll(sorted, threads: threads)

        var table = Table(name: "files", columns: fileColumns)
        var findings: [Finding] = []
        for r in results {
            table.rows.append(r.row)
            findings.append(contentsOf: r.findings)
        }
        // Move (not copy) each file's records into one array, freeing each file's buffer.
        let total = results.reduce(0) { $0 + $1.records.count }
        let records = [Record](unsafeUninitializedCapacity: total) { buffer, initialized in
            if let base = buffer.baseAddress {
                adviseHugePages(UnsafeMutableRawPointer(base), bytes: total * MemoryLayout<Record>.stride)
            }
            var offset = 0
            for r in results {
                let n = r.records.count
                r.records.move(to: buffer.baseAddress! + offset)
                offset += n
            }
            initialized = offset
        }
        return IngestResult(records: records, files: table, findings: findings)
    }

    /// Reads the files with up to `threads` workers; results in the order of `files`.
    /// Larger files are started first so the workers finish together.
    static func readAll(_ files: [InputFile], threads: Int) -> [FileResult] {
        let n = files.count
        guard n > 0 else { return [] }
        let sizes = files.map { fileSize($0.path) }
        let schedule = Array(0..<n).sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        let workers = max(1, min(threads, n))
        let shared = Mutex<(next: Int, results: [FileResult])>((0, Array(repeating: FileResult(), count: n)))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let k = shared.withLock { s -> Int in
                    let k = s.next
                    s.next += 1
                    return k
                }
                guard k < n else { return }
                let i = schedule[k]
                let r = readFile(files[i])
                shared.withLock { $0.results[i] = r }
            }
        }
        return shared.withLock { s in
            let r = s.results
            s.results = []
            return r
        }
    }

    private static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }
}
