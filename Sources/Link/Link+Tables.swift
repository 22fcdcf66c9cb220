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
        Table(name: "ledger", columns: ledgerColumns, rows: refOrder(records).map { i in
            let r = records[i]
            return [r.ref.file, String(r.ref.record), String(r.ref.line), r.status.rawValue, r.reason,
                    r.duplicateOf, r.childKey, r.notes]
        })
    }

    /// Ledger rows per piece when it is rendered on several threads.
    static let ledgerPieceRows = 32_768

    /// The row ledger rendered straight to CSV bytes (the bytes of `ledger(records).csvBytes()`,
    /// without a string per cell), in pieces of a fixed number of rows on several threads, with
    /// the fates the manifest counts.
    public static func renderedLedger(_ records: [Record]) -> Ledger {
        let order = refOrder(records)
        var head = CSVRowBytes()
        head.row(ledgerColumns)
        let pieces = (order.count + ledgerPieceRows - 1) / ledgerPieceRows
        let parts = parallelMap(pieces) { p in
            var w = CSVRowBytes()
            w.bytes.reserveCapacity(ledgerPieceRows * 64)
            var fates: [String: Int] = [:], reasons: [String: Int] = [:]
            records.withUnsafeBufferPointer { recs in
                for k in (p * ledgerPieceRows)..<min(order.count, (p + 1) * ledgerPieceRows) {
                    // in place: a copy of a record retains some fifty strings
                    let r = recs.baseAddress! + order[k]
                    let status = r.pointee.status.rawValue
                    w.cell(r.pointee.ref.file); w.cell(r.pointee.ref.record); w.cell(r.pointee.ref.line)
                    w.cell(status); w.cell(r.pointee.reason); w.cell(r.pointee.duplicateOf)
                    w.cell(r.pointee.childKey); w.cell(r.pointee.notes)
                    w.endRow()
                    Ledger.count(status: status, reason: r.pointee.reason, fates: &fates, reasons: &reasons)
                }
            }
            return (w.bytes, fates, reasons)
        }
        var out = head.bytes
        out.reserveCapacity(out.count + parts.reduce(0) { $0 + $1.0.count })
        var fates: [String: Int] = [:], reasons: [String: Int] = [:]
        for p in parts {
            out.append(contentsOf: p.0)
            fates.merge(p.1, uniquingKeysWith: +)
            reasons.merge(p.2, uniquingKeysWith: +)
        }
        return Ledger(csv: RenderedTable(name: "ledger", rowCount: order.count, csv: out), fates: fates, invalidByReason: reasons)
    }

    /// The indices of `records` sorted by `RowRef` (file in byte order, then record number).
    static func refOrder(_ records: [Record]) -> [Int] {
        // one rank per file name, looked up once per run of equal names
        var names: [String] = []
        var id: [String: Int] = [:]
        var fileOf = [Int](repeating: 0, count: records.count)
        var last = "", lastID = -1
        for i in records.indices {
            if lastID < 0 || records[i].ref.file != last {
                last = records[i].ref.file
                if let e = id[last] { lastID = e } else { lastID = names.count; id[last] = lastID; names.append(last) }
            }
            fileOf[i] = lastID
        }
        let sortedNames = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var rank = [Int](repeating: 0, count: names.count)
        for (r, n) in sortedNames.enumerated() { rank[n] = r }
        let keys = records.indices.map { (rank[fileOf[$0]], records[$0].ref.record) }
        if zip(keys, keys.dropFirst()).allSatisfy({ $0 <= $1 }) { return Array(records.indices) }
        return records.indices.sorted { keys[$0] < keys[$1] }
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
