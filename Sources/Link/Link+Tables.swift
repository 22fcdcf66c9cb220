import TimbangCore

extension Link {
    /// Count columns of `link_summary_file` and `link_summary_posyandu`, after their key
    /// columns: records, fates, distinct children, then invalid records per reason code
    /// (`invalid_<code in lower case>_n`, in `Reason` order).
    public static let summaryColumns: [String] =
        ["records_n", "valid_n", "invalid_n", "duplicate_n", "children_n"]
        + Reason.allCases.map { "invalid_" + $0.rawValue.lowercased() + "_n" }

    /// Columns of the row ledger.
    public static let ledgerColumns = ["file", "record", "line", "status", "reason", "duplicate_of", "child_key"]

    /// The row ledger: one line per record, sorted by `RowRef`:
    /// `file, record, line, status, reason, duplicate_of, child_key`.
    /// For every file, records = valid + invalid + duplicate (see `link_summary_file`).
    public static func ledger(_ records: [Record]) -> Table {
        let sorted = records.sorted { $0.ref < $1.ref }
        return Table(name: "ledger", columns: ledgerColumns, rows: sorted.map {
            [$0.ref.file, String($0.ref.record), String($0.ref.line), $0.status.rawValue, $0.reason,
             $0.duplicateOf, $0.childKey]
        })
    }

    /// Per-group counts (see `summaryColumns`), one row per group sorted by key, then a total
    /// row whose first key is `ALL`.
    /// - Precondition: every record is valid, invalid or duplicate, so records = the sum of fates.
    static func summary(_ recs: [Record], name: String, by key: (Record) -> [String], keyColumns: [String]) -> Table {
        struct Counts {
            var fates = [0, 0, 0, 0]   // records, valid, invalid, duplicate
            var reasons = [Int](repeating: 0, count: Reason.allCases.count)
            var children = Set<String>()
        }
        let reasonIndex = Dictionary(uniqueKeysWithValues: Reason.allCases.enumerated().map { ($1.rawValue, $0) })
        var groups: [[String]: Counts] = [:]
        var total = Counts()
        func add(_ r: Record, to c: inout Counts) {
            c.fates[0] += 1
            switch r.status {
            case .valid: c.fates[1] += 1; c.children.insert(r.childKey)
            case .invalid:
                c.fates[2] += 1
                if let k = reasonIndex[r.reason] { c.reasons[k] += 1 }
            case .duplicate: c.fates[3] += 1
            case .pending: break
            }
        }
        for r in recs {
            add(r, to: &groups[key(r), default: Counts()])
            add(r, to: &total)
        }
        func row(_ k: [String], _ c: Counts) -> [String] {
            precondition(c.fates[0] == c.fates[1] + c.fates[2] + c.fates[3],
                         "\(name) \(k): records \(c.fates[0]) ≠ valid + invalid + duplicate")
            return k + c.fates.map(String.init) + [String(c.children.count)] + c.reasons.map(String.init)
        }
        var rows = groups.keys.sorted { $0.lexicographicallyPrecedes($1) { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
            .map { row($0, groups[$0]!) }
        rows.append(row(["ALL"] + Array(repeating: "", count: keyColumns.count - 1), total))
        return Table(name: name, columns: keyColumns + summaryColumns, rows: rows)
    }
}
