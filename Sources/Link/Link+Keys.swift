import Crypto
import TimbangCore

/// Codes link adds to `notes`.
public enum LinkNote {
    /// A duplicate: the same record twice in a file (`No` may differ).
    public static let duplicateExact = "DUPLICATE_EXACT"
    /// A duplicate: the same measurement of the same child entered again (another posyandu,
    /// desa or file).
    public static let duplicateDoubleEntry = "DUPLICATE_DOUBLE_ENTRY"
    /// This NIK is written for more than one child (e.g. the mother's NIK for siblings/twins);
    /// the children stay apart.
    public static let nikShared = "NIK_SHARED"
    /// This record's NIK differs from the child's NIK by one digit (a typing error).
    public static let nikDiffersFromChild = "NIK_DIFFERS_FROM_CHILD"
    /// This record's birth date differs from the child's reconciled birth date.
    public static let birthDateReconciled = "BIRTH_DATE_RECONCILED"
}

extension Link {
    /// Columns of `birth_date_conflicts` (one row per child whose records disagree on the
    /// birth date).
    public static let conflictColumns = ["child_key", "birth_date_reconciled", "evidence", "kind", "birth_dates", "records_n"]

    /// Reconciles each child's birth date, gives each child its key, and fills the records.
    /// - Returns: the `birth_date_conflicts` table, sorted by child key.
    static func assignKeys(_ recs: inout [Record], _ f: Features, _ children: Children,
                           dupOf: [Int?], key: [UInt8]) -> Table {
        var members: [Int: [Int]] = [:]
        for i in recs.indices where children.child[i] >= 0 { members[children.child[i], default: []].append(i) }
        let symmetricKey = SymmetricKey(data: key)
        var usedIdentities = Set<String>()
        var conflictRows: [[String]] = []

        for c in members.keys.sorted() {
            let m = members[c]!   // RowRef order
            let nik = mostFrequent(m.compactMap { f.nik[$0] })
            let (birth, evidence) = reconcileBirthDate(m.map { (recs[$0].birthDate, recs[$0].measureDate, recs[$0].ref) }, nik: nik)

            var identity: String
            if let nik {
                identity = "NIK|" + nik
            } else {
                let first = m.min { (recs[$0].measureDate ?? Day(ordinal: .max), recs[$0].ref) < (recs[$1].measureDate ?? Day(ordinal: .max), recs[$1].ref) }!
                let place = f.desa[first] >= 0 ? f.desa[first] : f.posyandu[first]
                identity = [
                    "NAME", mostFrequent(m.compactMap { f.name[$0] >= 0 ? f.nameText[f.name[$0]] : nil }) ?? "",
                    birth.iso, recs[m[0]].sex.map { $0.code } ?? "",
                    mostFrequent(m.compactMap { f.parent[$0] >= 0 ? f.parentText[f.parent[$0]] : nil }) ?? "",
                    place >= 0 ? f.placeText[place] : "",
                ].joined(separator: "|")
            }
            // Two children never share a key (a NIK written for two children, namesakes).
            if usedIdentities.contains(identity) {
                var n = 2
                while usedIdentities.contains(identity + "|" + String(n)) { n += 1 }
                identity += "|" + String(n)
            }
            usedIdentities.insert(identity)
            let childKey = hex(HMAC<SHA256>.authenticationCode(for: Array(identity.utf8), using: symmetricKey))

            var births: [Day: Int] = [:]
            for i in m {
                recs[i].childKey = childKey
                recs[i].birthDateReconciled = birth
                if let b = recs[i].birthDate { births[b, default: 0] += 1 }
                if recs[i].birthDate != birth { appendNote(&recs[i].notes, LinkNote.birthDateReconciled) }
                if children.sharedNIK[i] { appendNote(&recs[i].notes, LinkNote.nikShared) }
                if let n = f.nik[i], let nik, n != nik { appendNote(&recs[i].notes, LinkNote.nikDiffersFromChild) }
            }
            if births.count > 1 {
                let dates = births.keys.sorted()
                let kind = dates.count == 2 && isDayMonthSwap(dates[0], dates[1]) ? "day_month_swap" : "other"
                conflictRows.append([childKey, birth.iso, evidence, kind,
                                     dates.map { $0.iso + ":" + String(births[$0]!) }.joined(separator: ";"),
                                     String(m.count)])
            }
        }
        // Duplicates carry the key and birth date of the record kept.
        for (i, kept) in dupOf.enumerated() {
            guard let kept else { continue }
            recs[i].childKey = recs[kept].childKey
            recs[i].birthDateReconciled = recs[kept].birthDateReconciled
            appendNote(&recs[i].notes, RawKey(recs[i]) == RawKey(recs[kept]) ? LinkNote.duplicateExact : LinkNote.duplicateDoubleEntry)
        }
        conflictRows.sort { $0[0] < $1[0] }
        return Table(name: "birth_date_conflicts", columns: conflictColumns, rows: conflictRows)
    }

    /// The child's birth date from its records' dates:
    /// 1. `nik`: the one date the child's NIK (DDMMYY, girls' day −40) confirms;
    /// 2. `majority`: the date most records give;
    /// 3. `first_measured`: on a tie, the date of the earliest measurement among the tied.
    /// - Returns: the date and the evidence used (`single` when all records agree).
    /// - Parameter records: each record's birth date, measurement date and reference.
    static func reconcileBirthDate(_ records: [(birthDate: Day?, measureDate: Day?, ref: RowRef)], nik: String?) -> (Day, String) {
        var counts: [Day: Int] = [:]
        for r in records { if let b = r.birthDate { counts[b, default: 0] += 1 } }
        if counts.count == 1 { return (counts.first!.key, "single") }
        if let nik, let parts = NIKParts(nik) {
            let confirmed = counts.keys.filter { parts.matches($0) }
            if confirmed.count == 1 { return (confirmed[0], "nik") }
        }
        let top = counts.values.max()!
        let tied = Set(counts.filter { $0.value == top }.map { $0.key })
        if tied.count == 1 { return (tied.first!, "majority") }
        let first = records.filter { $0.birthDate.map(tied.contains) ?? false }
            .min { ($0.measureDate ?? Day(ordinal: .max), $0.ref) < ($1.measureDate ?? Day(ordinal: .max), $1.ref) }!
        return (first.birthDate!, "first_measured")
    }

    static func isDayMonthSwap(_ a: Day, _ b: Day) -> Bool {
        let x = a.civil, y = b.civil
        return x.year == y.year && x.day == y.month && x.month == y.day
    }

    /// The most frequent value; ties go to the smallest.
    static func mostFrequent(_ values: [String]) -> String? {
        var counts: [String: Int] = [:]
        for v in values { counts[v, default: 0] += 1 }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
    }
}
