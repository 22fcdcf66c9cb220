import TimbangCore

extension Link {
    /// Count columns of `link_summary_file` and `link_summary_posyandu`, after their key
    /// columns: records, fates, distinct children, then invalid records per reason code
    /// (`invalid_<code in lower case>_n`, in `Reason` order).
    public static let summaryColumns: [String] =
        ["records_n", "valid_n", "invalid_n", "duplicate_n", "children_n"]
        + Reason.allCases.map { "invalid_" + $0.rawValue.lowercased() + "_n" }

    /// Columns of the row ledger.
    public static let ledgerColumns = ["file", "record", "line", "status", "reason", "duplicate_of", "child_key", "notes"]

    /// The row ledger: one line per record, sorted by `RowRef`:
    /// `file, record, line, status, reason, duplicate_of, child_key, notes` (`notes`: the
    /// record's remarks, e.g. a valid record's impossible height cleared).
    /// For every file, records = valid + invalid + duplicate (see `link_summary_file`).
    public static func ledger(_ records: [Record]) -> Table {
        let sorted = sortedByRef(records)
        return Table(name: "ledger", columns: ledgerColumns, rows: sorted.map {
            [$0.ref.file, String($0.ref.record), String($0.ref.line), $0.status.rawValue, $0.reason,
             $0.duplicateOf, $0.childKey, $0.notes]
        })
    }

    /// Columns of `link_review` (restricted): two records of two children that are likely one
    /// child, the evidence, and an empty `decision` for the officer (`same` / `different`;
    /// the filled-in file is `link.decisions`).
    public static let reviewColumns = ["record_a", "record_b", "child_key_a", "child_key_b", "nik", "birth_date",
                                       "name", "parent", "place", "months", "decision"]

    /// The `link_review` table, sorted by record.
    static func reviewTable(_ recs: [Record], _ pairs: [ReviewPair]) -> Table {
        Table(name: "link_review", columns: reviewColumns, rows: pairs.map { p in
            [recs[p.a].ref.description, recs[p.b].ref.description, recs[p.a].childKey, recs[p.b].childKey,
             p.nik, p.birth, p.name, p.parent, p.place, p.months, ""]
        })
    }

    /// Columns of `link_decisions`: each decision read, in file order, and its outcome.
    public static let decisionColumns = ["record_a", "record_b", "decision", "outcome"]

    static func decisionTable(_ decisions: [LinkDecision], _ outcomes: [LinkDecision.Outcome]) -> Table {
        Table(name: "link_decisions", columns: decisionColumns, rows: zip(decisions, outcomes).map { d, o in
            [d.a, d.b, d.same ? "same" : "different", o.rawValue]
        })
    }

    /// Per-group counts (see `summaryColumns`), one row per group sorted by key, then a total
    /// row whose first key is `ALL`.
    /// - Parameters:
    ///   - group: per record, its group id (an index into `keys`).
    ///   - keys: per group id, the key cells.
    ///   - child: per record, its child id (valid records), else -1.
    /// - Precondition: every record is valid, invalid or duplicate, so records = the sum of fates.
    static func summary(_ recs: [Record], name: String, keyColumns: [String], group: [Int], keys: [[String]],
                        child: [Int]) -> Table {
        struct Counts {
            var fates = [0, 0, 0, 0]   // records, valid, invalid, duplicate
            var reasons = [Int](repeating: 0, count: Reason.allCases.count)
            var children = Set<Int>()
        }
        let reasonIndex = Dictionary(uniqueKeysWithValues: Reason.allCases.enumerated().map { ($1.rawValue, $0) })
        var counts = [Counts](repeating: Counts(), count: keys.count)
        var total = Counts()
        func add(_ i: Int, to c: inout Counts) {
            c.fates[0] += 1
            switch recs[i].status {
            case .valid:
                c.fates[1] += 1
                if child[i] >= 0 { c.children.insert(child[i]) }
            case .invalid:
                c.fates[2] += 1
                if let k = reasonIndex[recs[i].reason] { c.reasons[k] += 1 }
            case .duplicate: c.fates[3] += 1
            case .pending: break
            }
        }
        for i in recs.indices {
            add(i, to: &counts[group[i]])
            add(i, to: &total)
        }
        func row(_ k: [String], _ c: Counts) -> [String] {
            precondition(c.fates[0] == c.fates[1] + c.fates[2] + c.fates[3],
                         "\(name) \(k): records \(c.fates[0]) ≠ valid + invalid + duplicate")
            return k + c.fates.map(String.init) + [String(c.children.count)] + c.reasons.map(String.init)
        }
        var rows = keys.indices.filter { counts[$0].fates[0] > 0 }
            .sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
            .map { row(keys[$0], counts[$0]) }
        rows.append(row(["ALL"] + Array(repeating: "", count: keyColumns.count - 1), total))
        return Table(name: name, columns: keyColumns + summaryColumns, rows: rows)
    }
}
