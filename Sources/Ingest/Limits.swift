/// Limits that keep reading one input file in bounded memory, whatever its content.
///
/// A file that breaches one is read up to the breach and no further: the records before it
/// are kept (they were read whole), the record being read when it came is kept as a malformed
/// (invalid) record with the breach as its reason, and the file gets one error finding that
/// names the limit and the line. So a gzip bomb, a line with no end or a field of a gigabyte
/// costs no more memory than the limit, the run goes on with the other files, and the ledger
/// still closes (every record read has one fate). The pipeline sets them in `[input]`
/// (`max_inflated_mb`, `max_record_kb`, `max_field_kb`, `max_columns`,
/// `xlsx_shared_strings_mb`); the defaults are far beyond any real e-PPGBM dump.
public struct IngestLimits: Sendable, Equatable {
    /// Most bytes a compressed file may inflate to: a gzip dump's content, or the parts of a
    /// workbook read (its ZIP entries, together). `INFLATE_LIMIT` beyond it.
    public var inflatedBytes: Int
    /// Most bytes one CSV record may take (its line end(s) included). `RECORD_TOO_LONG`.
    public var recordBytes: Int
    /// Most bytes one field (a cell) may take, as read (quotes undone). `FIELD_TOO_LONG`.
    public var fieldBytes: Int
    /// Most fields one record (or the header) may have. `TOO_MANY_COLUMNS`.
    public var columns: Int
    /// Most bytes the shared strings table of a workbook may take (UTF-8 text plus 8 bytes
    /// per string). A workbook over it is skipped with `XLSX_SHARED_STRINGS_LIMIT`: its cells
    /// cannot be read without the table, and reading them half would be a silent misread.
    public var sharedStringBytes: Int

    public static let defaultInflatedBytes = 4 << 30
    public static let defaultRecordBytes = 1 << 20
    public static let defaultFieldBytes = 64 << 10
    public static let defaultColumns = 512
    public static let defaultSharedStringBytes = 256 << 20

    public init(inflatedBytes: Int = IngestLimits.defaultInflatedBytes, recordBytes: Int = IngestLimits.defaultRecordBytes,
                fieldBytes: Int = IngestLimits.defaultFieldBytes, columns: Int = IngestLimits.defaultColumns,
                sharedStringBytes: Int = IngestLimits.defaultSharedStringBytes) {
        self.inflatedBytes = inflatedBytes; self.recordBytes = recordBytes; self.fieldBytes = fieldBytes
        self.columns = columns; self.sharedStringBytes = sharedStringBytes
    }

    /// A size as a finding states it: `4 GB`, `1 MB`, `64 KB` (binary units: 1 KB = 1024
    /// bytes), or `1500 bytes` when it is no whole number of them.
    static func sizeText(_ bytes: Int) -> String {
        for (shift, unit) in [(30, "GB"), (20, "MB"), (10, "KB")] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift) \(unit)"
        }
        return "\(bytes) bytes"
    }
}

/// Which limit a file breached (see `IngestLimits`).
enum LimitBreach: Equatable {
    case record, field, columns

    var code: String {
        switch self {
        case .record: "RECORD_TOO_LONG"
        case .field: "FIELD_TOO_LONG"
        case .columns: "TOO_MANY_COLUMNS"
        }
    }

    /// What the file has, e.g. `a field longer than 64 KB`.
    func what(_ limits: IngestLimits) -> String {
        switch self {
        case .record: "a record longer than \(IngestLimits.sizeText(limits.recordBytes))"
        case .field: "a field longer than \(IngestLimits.sizeText(limits.fieldBytes))"
        case .columns: "more than \(limits.columns) columns"
        }
    }
}
