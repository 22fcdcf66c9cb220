import TimbangCore

/// Settings of the link stage.
public struct LinkSettings: Sendable {
    /// The HMAC-SHA256 key for child keys (never written out).
    public var key: [UInt8]
    /// An officer's confirmed decisions on pairs of records (`link.decisions`).
    public var decisions: [LinkDecision]
    public init(key: [UInt8], decisions: [LinkDecision] = []) { self.key = key; self.decisions = decisions }
}

/// An officer's decision on two records: the same child, or two children
/// (`link.decisions`, applied on the next run; see `docs/validate-link.md`).
///
/// The file is CSV with a header holding at least `record_a,record_b,decision` (other
/// columns are ignored, so the rows of `link_review` can be copied with the decision filled
/// in); `record_a`/`record_b` are `file#record` references (the input file's name and record
/// number, which stay the same when later months are added); `decision` is `same` or
/// `different` (rows with an empty decision are skipped).
public struct LinkDecision: Sendable, Equatable {
    public var a: String
    public var b: String
    public var same: Bool
    public init(a: String, b: String, same: Bool) { self.a = a; self.b = b; self.same = same }

    /// What became of a decision in a run (`link_decisions` column `outcome`).
    public enum Outcome: String, Sendable, CaseIterable {
        /// Applied: the two records' children joined (`same`) or kept apart (`different`).
        case applied
        /// A record is not in this run's input.
        case notFound = "record_not_found"
        /// A record is invalid (it has no child).
        case notValid = "record_not_valid"
        /// It contradicts another decision or the data (`same` for records declared different
        /// elsewhere, `different` for two records of one profile): not applied.
        case conflict
    }

    /// Reads a decisions file's text.
    /// - Throws: `TableError` naming the row that is not a decision.
    public static func parse(_ text: String, name: String) throws -> [LinkDecision] {
        let t = try Table(name: name, csv: text)
        guard let a = t.column("record_a"), let b = t.column("record_b"), let d = t.column("decision") else {
            throw TableError("\(name): the header must hold record_a, record_b and decision")
        }
        var out: [LinkDecision] = []
        for (i, r) in t.rows.enumerated() {
            let decision = trimmedCell(r[d]).lowercased()
            if decision.isEmpty { continue }
            guard decision == "same" || decision == "different" else {
                throw TableError("\(name): row \(i + 1): decision '\(r[d])' is neither same nor different")
            }
            let x = trimmedCell(r[a]), y = trimmedCell(r[b])
            guard RowRef(x) != nil, RowRef(y) != nil else {
                throw TableError("\(name): row \(i + 1): record_a and record_b must be file#record references")
            }
            out.append(LinkDecision(a: x, b: y, same: decision == "same"))
        }
        return out
    }
}

/// What link produces.
public struct LinkResult: Sendable {
    public var records: [Record]
    /// Summary tables: `link_summary_file`, `link_summary_posyandu`, `birth_date_conflicts`
    /// (columns in `Link.summaryColumns` / `Link.conflictColumns`), the restricted
    /// `link_review` (`Link.reviewColumns`) and `link_decisions` (`Link.decisionColumns`). The row ledger is built
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
/// 3. child identity: officers' decisions, valid NIKs, then name + birth date + sex + parent +
///    place inside blocks of equal sex and birth date (day and month unordered), never all
///    pairs; likely pairs left apart go to `link_review`;
/// 3b. a double entry at two posyandu keeps the copy at the child's home posyandu (where its
///    other months were measured; ties by `RowRef`);
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
        var children = identify(recs, features, dupOf: dupOf, decisions: settings.decisions)
        var kept = dupOf
        rehome(&kept, &children, recs, features)
        for i in recs.indices where dupOf[i] != nil || kept[i] != nil {
            if let k = kept[i] {
                recs[i].status = .duplicate; recs[i].duplicateOf = recs[k].ref.description
            } else {
                recs[i].status = .valid; recs[i].duplicateOf = ""
            }
        }
        let conflicts = assignKeys(&recs, features, children, dupOf: kept, key: settings.key)
        let tables = [
            summary(recs, name: "link_summary_file", keyColumns: ["file"],
                    group: features.file, keys: features.fileNames.map { [$0] }, child: children.child),
            summary(recs, name: "link_summary_posyandu", keyColumns: ["kecamatan", "puskesmas", "desa", "posyandu"],
                    group: features.unit, keys: features.units.map { [$0.kecamatan, $0.puskesmas, $0.desa, $0.posyandu] },
                    child: children.child),
            conflicts,
            reviewTable(recs, children.review),
            decisionTable(settings.decisions, children.outcomes),
        ]
        return LinkResult(records: recs, tables: tables)
    }
}

/// The records in `RowRef` order (file, then record number). Sorts indices, not records
/// (a `Record` is large and moving it is what costs), and returns the input untouched when it
/// is already in order (ingest writes it so).
func sortedByRef(_ records: consuming [Record]) -> [Record] {
    // in order when each record follows its neighbour: the same file and a later record, or a
    // file later by its bytes (so that no file comes back); by pointer, not copying records
    let inOrder = records.withUnsafeBufferPointer { b in
        b.indices.dropFirst().allSatisfy { i in
            let (x, y) = (b.baseAddress! + i - 1, b.baseAddress! + i)
            return x.pointee.ref.file == y.pointee.ref.file ? x.pointee.ref.record <= y.pointee.ref.record
                : x.pointee.ref.file.utf8.lexicographicallyPrecedes(y.pointee.ref.file.utf8)
        }
    }
    if inOrder { return records }
    let files = Set(records.map(\.ref.file)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    let rank = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($1, $0) })
    let keys = records.map { (rank[$0.ref.file]!, $0.ref.record) }
    let order = records.indices.sorted { keys[$0] < keys[$1] }
    return order.map { records[$0] }
}

/// Appends a code to a `;`-separated notes cell.
func appendNote(_ notes: inout String, _ code: String) {
    notes = notes.isEmpty ? code : notes + ";" + code
}

/// A cell without leading and trailing spaces and tabs.
func trimmedCell(_ s: String) -> String {
    let u = Array(s.utf8)
    var lo = 0, hi = u.count
    while lo < hi && (u[lo] == 32 || u[lo] == 9 || u[lo] == 13) { lo += 1 }
    while hi > lo && (u[hi - 1] == 32 || u[hi - 1] == 9 || u[hi - 1] == 13) { hi -= 1 }
    return String(decoding: u[lo..<hi], as: UTF8.self)
}
