import TimbangCore

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
public enum Ingest {
    public static let fileColumns = ["file", "bytes", "sha256", "compressed", "encoding", "delimiter", "records", "malformed", "unknown_columns"]

    /// Reads every file (in parallel over `threads`); output ordered by file name, then record.
    public static func run(files: [InputFile], threads: Int) -> IngestResult {
        IngestResult(records: [], files: Table(name: "files", columns: fileColumns), findings: []) // TODO(ingest)
    }
}
