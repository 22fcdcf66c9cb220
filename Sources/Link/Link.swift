import TimbangCore

/// Settings of the link stage.
public struct LinkSettings: Sendable {
    /// The HMAC-SHA256 key for child keys (never written out).
    public var key: [UInt8]
    public init(key: [UInt8]) { self.key = key }
}

/// What link produces.
public struct LinkResult: Sendable {
    public var records: [Record]
    /// Summary tables: `link_summary_file`, `link_summary_posyandu`, `birth_date_conflicts`
    /// (columns in `Link.summaryColumns` / `Link.conflictColumns`). The row ledger is built
    /// from `records` with `Link.ledger(_:)`.
    public var tables: [Table]
    public init(records: [Record], tables: [Table]) { self.records = records; self.tables = tables }
}

/// The link stage: duplicates, child identity, reconciled birth dates.
///
/// Steps (docs/validate-link.md has the rules in the officer's words):
/// 1. sort by `RowRef` (file, record), so nothing depends on input order;
/// 2. duplicates among the valid records: exact repeats within a file (`No` ignored) and the
///    same measurement entered twice (same child, date and values; posyandu/desa may differ).
///    The record with the smallest `RowRef` stays valid; the others become `duplicate`;
/// 3. child identity: valid NIKs first, then name + birth date + sex + parent + place inside
///    blocks of equal sex and birth date (day and month unordered), never all pairs;
/// 4. one birth date per child, by evidence (the NIK's DDMMYY, then the majority);
/// 5. a child key per child: HMAC-SHA256 (hex) of the child's identity with `settings.key`.
public enum Link {
    /// Links the validated records.
    /// - Parameter records: validate's output. Records with status `.invalid` keep their
    ///   verdict and get no key; any other status (`.valid`, `.pending`) is taken as valid.
    /// - Returns: the same records, sorted by `RowRef`, each with its final status
    ///   (`valid`/`invalid`/`duplicate`); valid and duplicate records carry `childKey` and
    ///   `birthDateReconciled`; duplicates carry `duplicateOf` (`file#record` of the kept record).
    public static func run(_ records: consuming [Record], settings: LinkSettings) -> LinkResult {
        var recs = sortedByRef(records)
        for i in recs.indices where recs[i].status != .invalid {
            recs[i].status = .valid
            recs[i].duplicateOf = ""; recs[i].childKey = ""; recs[i].birthDateReconciled = nil
        }
        let features = Features(recs)
        let dupOf = findDuplicates(recs, features)
        for (i, kept) in dupOf.enumerated() {
            guard let kept else { continue }
            recs[i].status = .duplicate
            recs[i].duplicateOf = recs[kept].ref.description
        }
        let children = identify(recs, features)
        let conflicts = assignKeys(&recs, features, children, dupOf: dupOf, key: settings.key)
        let tables = [
            summary(recs, name: "link_summary_file", keyColumns: ["file"],
                    group: features.file, keys: features.fileNames.map { [$0] }, child: children.child),
            summary(recs, name: "link_summary_posyandu", keyColumns: ["kecamatan", "puskesmas", "desa", "posyandu"],
                    group: features.unit, keys: features.units.map { [$0.kecamatan, $0.puskesmas, $0.desa, $0.posyandu] },
                    child: children.child),
            conflicts,
        ]
        return LinkResult(records: recs, tables: tables)
    }
}

/// The records in `RowRef` order (file, then record number). Sorts indices, not records
/// (a `Record` is large and moving it is what costs), and returns the input untouched when it
/// is already in order (ingest writes it so).
func sortedByRef(_ records: consuming [Record]) -> [Record] {
    let files = Set(records.map(\.ref.file)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    let rank = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($1, $0) })
    let keys = records.map { (rank[$0.ref.file]!, $0.ref.record) }
    if zip(keys, keys.dropFirst()).allSatisfy({ $0 <= $1 }) { return records }
    let order = records.indices.sorted { keys[$0] < keys[$1] }
    return order.map { records[$0] }
}

/// Appends a code to a `;`-separated notes cell.
func appendNote(_ notes: inout String, _ code: String) {
    notes = notes.isEmpty ? code : notes + ";" + code
}
