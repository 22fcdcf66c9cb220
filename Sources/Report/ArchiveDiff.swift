import TimbangCore

/// What changed between two report archives, in the users' terms.
public enum ArchiveDiff {
    /// One row of a public table whose indicators changed (or that appeared / disappeared).
    public struct RowChange: Sendable, Equatable {
        /// The table, e.g. `prevalence`.
        public var table: String
        /// The unit in words: `kabupaten`, `kecamatan X`, `desa X / Y`, `posyandu X / Y / Z`,
        /// `puskesmas P`; empty for tables without units (e.g. `rejections`).
        public var unit: String
        public var period: String
        /// The row's other dimensions, e.g. `sex=all age_group=all`.
        public var detail: String
        /// `(column, old, new)`; for an added row old is empty, for a removed row new is.
        public var values: [Change]
        public var kind: Kind
        /// `suppression`: only the small-cell pattern moved (a hidden cell shown or a shown cell
        /// hidden, e.g. by complementary suppression reacting to another unit); the underlying
        /// value may not have changed at all.
        public enum Kind: String, Sendable { case changed, added, removed, suppression }
    }

    public struct Change: Sendable, Equatable {
        public var column: String
        public var old: String
        public var new: String
    }

    /// A ledger record whose fate changed, or that was added (`old` empty) or removed (`new` empty).
    public struct FateChange: Sendable, Equatable {
        /// `file#record`.
        public var record: String
        public var old: String
        public var new: String
    }

    /// How many records went from one status to another (`valid` → `invalid`; `""` for a record
    /// that is not in that archive).
    public struct Transition: Sendable, Equatable {
        public var old: String
        public var new: String
        public var count: Int
    }

    /// The headline figures of one unit and period (prevalence, sex `all`, age `all`) that moved.
    public struct Headline: Sendable, Equatable {
        public var unit: String
        public var period: String
        /// `(indicator, old, new)`, e.g. `("stunting", "20.1 % (120/597)", "20.2 % (120/596)")`.
        public var figures: [Change]
    }

    /// The indicators a headline shows, in order, and the column of children measured.
    public static let headlineIndicators = ["stunting", "wasting", "underweight", "overweight"]

    /// The whole comparison.
    public struct Result: Sendable {
        public var identical: Bool
        public var inputsAdded: [String] = []
        public var inputsRemoved: [String] = []
        public var inputsChanged: [String] = []
        public var referenceChanges: [String] = []
        public var manifestChanges: [String] = []
        public var configRemovedLines: [String] = []
        public var configAddedLines: [String] = []
        public var rows: [RowChange] = []
        public var ledgerChanged = 0
        public var ledgerAdded = 0
        public var ledgerRemoved = 0
        public var ledgerSample: [FateChange] = []
        /// Records per old → new status, fate changes, additions and removals together.
        public var ledgerTransitions: [Transition] = []
        /// Headline figures that moved, kabupaten first, then kecamatan, puskesmas, desa, posyandu.
        public var headlines: [Headline] = []
        /// Entries whose bytes differ and that the sections above do not cover (e.g. `report.html`).
        public var entriesChanged: [String] = []
        public var entriesAdded: [String] = []
        public var entriesRemoved: [String] = []

        /// Every unit named by a changed, added or removed row, sorted (rows whose only change is
        /// the suppression pattern are not counted: see `resuppressedUnits`).
        public var changedUnits: [String] {
            Array(Set(rows.filter { $0.kind != .suppression }.map(\.unit).filter { !$0.isEmpty })).sorted()
        }

        /// Units whose rows changed only in which cells are suppressed, and not in any shown value.
        public var resuppressedUnits: [String] {
            Array(Set(rows.filter { $0.kind == .suppression }.map(\.unit).filter { !$0.isEmpty })
                .subtracting(changedUnits)).sorted()
        }
    }

    /// How many ledger changes the result keeps as a sample.
    public static let sampleSize = 20

    /// Compares two archive files, each read as `Archive.read(path:)` reads it (even when
    /// their bytes are the same: a refused archive is never called identical).
    /// - Throws: `ReportError.cannotRead` when either cannot be read, `.refused` when either is
    ///   damaged or unsafe (see `Archive.open`).
    public static func diff(old oldPath: String, new newPath: String) throws -> Result {
        let old = try Archive.read(path: oldPath)
        let new = try Archive.read(path: newPath)
        return try diff(old: old, new: new)
    }

    /// Compares two archives' entries.
    public static func diff(old: [Archive.Entry], new: [Archive.Entry]) throws -> Result {
        var r = Result(identical: old == new)
        if r.identical { return r }
        let om = try Archive.manifest(old), nm = try Archive.manifest(new)
        compareManifests(om, nm, into: &r)

        let oldBy = Dictionary(old.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let newBy = Dictionary(new.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        r.entriesAdded = newBy.keys.filter { oldBy[$0] == nil }.sorted()
        r.entriesRemoved = oldBy.keys.filter { newBy[$0] == nil }.sorted()
        for path in oldBy.keys.sorted() {
            guard let o = oldBy[path], let n = newBy[path], o.bytes != n.bytes, path != "manifest.json" else { continue }
            if path.hasPrefix("public/"), path.hasSuffix(".csv"), path != "public/findings.csv" {
                let name = String(path.dropFirst("public/".count).dropLast(".csv".count))
                if let ot = try? Table(name: name, csv: o.text), let nt = try? Table(name: name, csv: n.text) {
                    r.rows += compareTable(ot, nt)
                    if name == "prevalence" { r.headlines = compareHeadlines(ot, nt) }
                    continue
                }
            }
            if path == "restricted/ledger.csv",
               let ot = try? Table(name: "ledger", csv: o.text), let nt = try? Table(name: "ledger", csv: n.text) {
                compareLedger(ot, nt, into: &r)
                continue
            }
            r.entriesChanged.append(path)
        }
        return r
    }

    static func compareManifests(_ o: JSON, _ n: JSON, into r: inout Result) {
        func files(_ m: JSON, _ key: String) -> [String: JSON] {
            var out: [String: JSON] = [:]
            for e in m[key]?.array ?? [] { if let name = e["name"]?.string { out[name] = e } }
            return out
        }
        let oi = files(o, "inputs"), ni = files(n, "inputs")
        r.inputsAdded = ni.keys.filter { oi[$0] == nil }.sorted()
        r.inputsRemoved = oi.keys.filter { ni[$0] == nil }.sorted()
        r.inputsChanged = oi.keys.filter { ni[$0] != nil && ni[$0]!["sha256"] != oi[$0]!["sha256"] }.sorted()

        let oref = files(o, "references"), nref = files(n, "references")
        for name in Set(oref.keys).union(nref.keys).sorted() {
            let a = oref[name], b = nref[name]
            if a == nil { r.referenceChanges.append("\(name): added (version \(b?["version"]?.string ?? "?"))"); continue }
            if b == nil { r.referenceChanges.append("\(name): removed (was version \(a?["version"]?.string ?? "?"))"); continue }
            let av = a!["version"]?.string ?? "?", bv = b!["version"]?.string ?? "?"
            if av != bv {
                r.referenceChanges.append("\(name): version \(av) → \(bv)")
            } else if a!["sha256"] != b!["sha256"] {
                r.referenceChanges.append("\(name): same version \(av) but different bytes (SHA-256 changed)")
            }
        }
        for key in ["timbang_version", "pipeline", "kabupaten", "period", "as_of", "hmac_key_id", "format"] {
            let a = o[key]?.string ?? "", b = n[key]?.string ?? ""
            if a != b { r.manifestChanges.append("\(key): \(a) → \(b)") }
        }
        let ok = o["suppression"]?["k"]?.int, nk = n["suppression"]?["k"]?.int
        if ok != nk { r.manifestChanges.append("suppression k: \(ok.map(String.init) ?? "?") → \(nk.map(String.init) ?? "?")") }
        let oc = (o["config"]?.string ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let nc = (n["config"]?.string ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if oc != nc {
            let (removed, added) = lineDiff(oc, nc)
            r.configRemovedLines = removed
            r.configAddedLines = added
            if removed.isEmpty && added.isEmpty { r.manifestChanges.append("config: lines reordered") }
        }
    }

    /// Lines only in `a` and lines only in `b` (as multisets, order kept).
    static func lineDiff(_ a: [String], _ b: [String]) -> ([String], [String]) {
        var countB: [String: Int] = [:]
        for l in b { countB[l, default: 0] += 1 }
        var countA: [String: Int] = [:]
        for l in a { countA[l, default: 0] += 1 }
        var removed: [String] = [], added: [String] = []
        var seenA: [String: Int] = [:], seenB: [String: Int] = [:]
        for l in a { seenA[l, default: 0] += 1; if seenA[l]! > countB[l, default: 0] { removed.append(l) } }
        for l in b { seenB[l, default: 0] += 1; if seenB[l]! > countA[l, default: 0] { added.append(l) } }
        return (removed, added)
    }

    /// Row-by-row comparison of one public table, rows matched on their dimension columns.
    static func compareTable(_ o: Table, _ n: Table) -> [RowChange] {
        let dims = o.columns.filter { Suppression.dimensionColumns.contains($0) && n.columns.contains($0) }
        func keyed(_ t: Table) -> (keys: [[String]], rows: [[String]: [String: String]]) {
            let idx = dims.map { t.column($0)! }
            var keys: [[String]] = []
            var rows: [[String]: [String: String]] = [:]
            for row in t.rows {
                let k = idx.map { row[$0] }
                if rows[k] == nil { keys.append(k) }
                var values: [String: String] = [:]
                for (i, c) in t.columns.enumerated() where !Suppression.dimensionColumns.contains(c) { values[c] = row[i] }
                rows[k] = values
            }
            return (keys, rows)
        }
        let (ok, orows) = keyed(o)
        let (nk, nrows) = keyed(n)
        let valueColumns = (o.columns + n.columns.filter { !o.columns.contains($0) })
            .filter { !Suppression.dimensionColumns.contains($0) }
        func describe(_ k: [String], _ values: [Change], _ kind: RowChange.Kind) -> RowChange {
            var cell: [String: String] = [:]
            for (i, d) in dims.enumerated() { cell[d] = k[i] }
            let unitCols: Set<String> = ["level", "kabupaten", "kecamatan", "puskesmas", "desa", "posyandu", "period"]
            let detail = dims.filter { !unitCols.contains($0) }.map { "\($0)=\(cell[$0]!)" }.joined(separator: " ")
            return RowChange(table: o.name, unit: unitLabel(cell), period: cell["period"] ?? "",
                             detail: detail, values: values, kind: kind)
        }
        var out: [RowChange] = []
        for k in ok {
            let a = orows[k]!
            guard let b = nrows[k] else {
                out.append(describe(k, valueColumns.compactMap { c in a[c].map { Change(column: c, old: $0, new: "") } }, .removed))
                continue
            }
            let changes = valueColumns.compactMap { c -> Change? in
                let x = a[c] ?? "", y = b[c] ?? ""
                return x == y ? nil : Change(column: c, old: x, new: y)
            }
            if !changes.isEmpty {
                let onlySuppression = changes.allSatisfy { $0.old == Suppression.marker || $0.new == Suppression.marker }
                out.append(describe(k, changes, onlySuppression ? .suppression : .changed))
            }
        }
        for k in nk where orows[k] == nil {
            let b = nrows[k]!
            out.append(describe(k, valueColumns.compactMap { c in b[c].map { Change(column: c, old: "", new: $0) } }, .added))
        }
        return out
    }

    /// The headline figures (children measured, then `headlineIndicators` as `pct % (n/d)`) of
    /// each unit and period of two prevalence tables, where they differ.
    static func compareHeadlines(_ o: Table, _ n: Table) -> [Headline] {
        // a merged archive's tables have a kabupaten column (empty in a district's: not in its tables)
        let keyColumns = ["level", "kabupaten", "kecamatan", "puskesmas", "desa", "posyandu", "period"]
        func figures(_ t: Table) -> (order: [[String]], rows: [[String]: [String: String]]) {
            guard let sex = t.column("sex"), let age = t.column("age_group") else { return ([], [:]) }
            let keys = keyColumns.map { t.column($0) }
            var order: [[String]] = [], rows: [[String]: [String: String]] = [:]
            for row in t.rows where row[sex] == "all" && row[age] == "all" {
                let k = keys.map { $0.map { row[$0] } ?? "" }
                func cell(_ c: String) -> String { t.column(c).map { row[$0] } ?? "" }
                var f: [String: String] = ["children": cell("children_n")]
                for i in ArchiveDiff.headlineIndicators {
                    let pct = cell(i + "_pct")
                    f[i] = (pct == Suppression.marker || pct.isEmpty ? pct : pct + " %") + " (\(cell(i + "_n"))/\(cell(i + "_d")))"
                }
                if rows[k] == nil { order.append(k) }
                rows[k] = f
            }
            return (order, rows)
        }
        let (oo, orows) = figures(o), (no, nrows) = figures(n)
        let levelRank = ["provinsi": 0, "kabupaten": 1, "kecamatan": 2, "puskesmas": 3, "desa": 4, "posyandu": 5]
        var seen = Set<[String]>(), keys: [[String]] = []
        for k in oo + no where seen.insert(k).inserted { keys.append(k) }
        keys.sort { a, b in
            let ra = levelRank[a[0]] ?? 6, rb = levelRank[b[0]] ?? 6
            if ra != rb { return ra < rb }
            return a.lexicographicallyPrecedes(b) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        var out: [Headline] = []
        for k in keys {
            let a = orows[k] ?? [:], b = nrows[k] ?? [:]
            let changes = (["children"] + headlineIndicators).compactMap { c -> Change? in
                let x = a[c] ?? "", y = b[c] ?? ""
                return x == y ? nil : Change(column: c, old: x, new: y)
            }
            guard !changes.isEmpty else { continue }
            var cell: [String: String] = [:]
            for (i, c) in keyColumns.enumerated() { cell[c] = k[i] }
            out.append(Headline(unit: unitLabel(cell), period: cell["period"] ?? "", figures: changes))
        }
        return out
    }

    /// The unit of an aggregate row in words.
    static func unitLabel(_ cell: [String: String]) -> String {
        let kec = cell["kecamatan"] ?? "", desa = cell["desa"] ?? "", pos = cell["posyandu"] ?? ""
        // in a merged archive, each unit below the top within its kabupaten
        let kab = (cell["kabupaten"] ?? "").isEmpty ? "" : (cell["kabupaten"] ?? "") + ": "
        switch cell["level"] ?? "" {
        case "provinsi": return "provinsi"
        case "kabupaten": return kab.isEmpty ? "kabupaten" : "kabupaten \(cell["kabupaten"] ?? "")"
        case "kecamatan": return "\(kab)kecamatan \(kec)"
        case "puskesmas": return "\(kab)puskesmas \(cell["puskesmas"] ?? "")"
        case "desa": return "\(kab)desa \(kec) / \(desa)"
        case "posyandu": return "\(kab)posyandu \(kec) / \(desa) / \(pos)"
        case "": return ""
        case let other: return other
        }
    }

    static func compareLedger(_ o: Table, _ n: Table, into r: inout Result) {
        func fates(_ t: Table) -> [String: (ref: (String, Int), fate: String)] {
            let f = t.column("file"), rec = t.column("record"), s = t.column("status")
            let reason = t.column("reason"), dup = t.column("duplicate_of")
            var out: [String: (ref: (String, Int), fate: String)] = [:]
            for row in t.rows {
                let file = f.map { row[$0] } ?? "", record = rec.map { row[$0] } ?? ""
                var fate = s.map { row[$0] } ?? ""
                if let reason, !row[reason].isEmpty { fate += "(\(row[reason]))" }
                if let dup, !row[dup].isEmpty { fate += " of \(row[dup])" }
                out[file + "#" + record] = ((file, Int(record) ?? 0), fate)
            }
            return out
        }
        let a = fates(o), b = fates(n)
        var changes: [(ref: (String, Int), change: FateChange)] = []
        var transitions: [[String]: Int] = [:]
        func status(_ fate: String) -> String { String(fate.prefix { $0 != "(" && $0 != " " }) }
        for (k, v) in a {
            guard let w = b[k] else {
                r.ledgerRemoved += 1
                changes.append((v.ref, FateChange(record: k, old: v.fate, new: "")))
                transitions[[status(v.fate), ""], default: 0] += 1
                continue
            }
            if v.fate != w.fate {
                r.ledgerChanged += 1
                changes.append((v.ref, FateChange(record: k, old: v.fate, new: w.fate)))
                transitions[[status(v.fate), status(w.fate)], default: 0] += 1
            }
        }
        for (k, w) in b where a[k] == nil {
            r.ledgerAdded += 1
            changes.append((w.ref, FateChange(record: k, old: "", new: w.fate)))
            transitions[["", status(w.fate)], default: 0] += 1
        }
        changes.sort { $0.ref.0 != $1.ref.0 ? $0.ref.0.utf8.lexicographicallyPrecedes($1.ref.0.utf8) : $0.ref.1 < $1.ref.1 }
        r.ledgerSample = changes.prefix(sampleSize).map(\.change)
        r.ledgerTransitions = transitions.map { Transition(old: $0.key[0], new: $0.key[1], count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : ($0.old, $0.new) < ($1.old, $1.new) }
    }
}

extension ArchiveDiff.Result {
    /// Lines shown per section in the text rendering (JSON has everything).
    public static let textLimit = 200

    /// Records named in the summary (the rest: `--json`).
    public static let summarySample = 10

    /// The comparison for people (`timbang diff OLD NEW`), what an auditor asks first at the
    /// top: inputs, records whose fate changed (by old → new status, then a sample with
    /// `file#record`), the headline figures that moved per unit and period; then settings,
    /// references and config; then one line saying how many other cells changed, which
    /// `details` lists, grouped so that one changed denominator is one line.
    public func text(old: String, new: String, details: Bool = false) -> String {
        if identical { return "Archives are identical: \(old) and \(new)\n" }
        var out = "Archives differ: \(old) → \(new)\n"
        func section(_ title: String, _ lines: [String], limit: Int = Self.textLimit) {
            guard !lines.isEmpty else { return }
            out += "\(title)\n"
            for l in lines.prefix(limit) { out += "  \(l)\n" }
            if lines.count > limit { out += "  … and \(lines.count - limit) more (--json has all)\n" }
        }
        let inputs = inputsAdded.map { "+ \($0)" } + inputsRemoved.map { "- \($0)" } + inputsChanged.map { "~ \($0)" }
        out += inputs.isEmpty ? "Inputs: the same files\n" : "Inputs: \(inputs.joined(separator: ", "))\n"
        if ledgerChanged + ledgerAdded + ledgerRemoved > 0 {
            func fate(_ s: String) -> String { s.isEmpty ? "(none)" : s }
            let moves = ledgerTransitions.map { "\(fate($0.old)) → \(fate($0.new)) \($0.count)" }.joined(separator: ", ")
            out += "Records: \(ledgerChanged) changed fate, \(ledgerAdded) added, \(ledgerRemoved) removed (\(moves))\n"
            for c in ledgerSample.prefix(Self.summarySample) {
                out += "  \(c.record): \(c.old.isEmpty ? "(added)" : c.old) → \(c.new.isEmpty ? "(removed)" : c.new)\n"
            }
            let total = ledgerChanged + ledgerAdded + ledgerRemoved
            if total > Self.summarySample { out += "  … and \(total - Self.summarySample) more records (--json has the first \(ArchiveDiff.sampleSize))\n" }
        } else {
            out += "Records: every record has the same fate\n"
        }
        if !headlines.isEmpty {
            section("Headline figures (unit, period: % (n/d), old → new):", headlines.map { h in
                "\(h.unit), \(h.period): " + h.figures.map { "\($0.column) \($0.old.isEmpty ? "(none)" : $0.old) → \($0.new.isEmpty ? "(none)" : $0.new)" }
                    .joined(separator: "; ")
            })
        }
        section("Reference tables:", referenceChanges)
        section("Run settings:", manifestChanges)
        section("Config lines (- old, + new):", configRemovedLines.map { "- \($0)" } + configAddedLines.map { "+ \($0)" })
        let lines = detailLines()
        if !rows.isEmpty {
            let tables = Set(rows.map(\.table)).count
            out += "Other changes: \(lines.count) lines over \(rows.count) rows of \(tables) tables in \(changedUnits.count) units"
                + (details ? "\n" : " (--details lists them, --json has everything)\n")
            if !resuppressedUnits.isEmpty {
                out += "Only the suppression pattern moved (no shown value changed) in: \(resuppressedUnits.joined(separator: "; "))\n"
            }
            if details { section("Changed cells (unit, period [table, dimensions]: column old → new):", lines) }
        }
        section("Other entries (+ added, - removed, ~ changed):",
                entriesAdded.map { "+ \($0)" } + entriesRemoved.map { "- \($0)" } + entriesChanged.map { "~ \($0)" })
        return out
    }

    /// Every changed row as lines, a change shared by several rows that differ only in
    /// `category` / `label` (a unit's denominator `total_d`, repeated in each category) once.
    func detailLines() -> [String] {
        struct Key: Hashable { var table, unit, period, detail, column, old, new: String }
        // `detail` is `name=value …`, and a value may hold spaces (`label=Gizi baik (normal)`).
        func strip(_ detail: String) -> String {
            var pairs: [String] = []
            for token in detail.split(separator: " ") {
                if token.contains("="), let name = token.split(separator: "=").first, Suppression.dimensionColumns.contains(String(name)) {
                    pairs.append(String(token))
                } else if !pairs.isEmpty {
                    pairs[pairs.count - 1] += " " + token
                }
            }
            return pairs.filter { !$0.hasPrefix("category=") && !$0.hasPrefix("label=") }.joined(separator: " ")
        }
        // The headline cells are in the summary already.
        let headlineColumns = Set(["children_n"] + ArchiveDiff.headlineIndicators.flatMap { [$0 + "_n", $0 + "_d", $0 + "_pct"] })
        func other(_ row: ArchiveDiff.RowChange) -> [ArchiveDiff.Change] {
            guard row.table == "prevalence", row.detail == "sex=all age_group=all" else { return row.values }
            return row.values.filter { !headlineColumns.contains($0.column) }
        }
        var members: [Key: Int] = [:]
        for row in rows where row.kind == .changed || row.kind == .suppression {
            for v in other(row) {
                members[Key(table: row.table, unit: row.unit, period: row.period, detail: strip(row.detail), column: v.column, old: v.old, new: v.new), default: 0] += 1
            }
        }
        func head(_ table: String, _ unit: String, _ period: String, _ detail: String) -> String {
            let h = [unit.isEmpty ? "-" : unit, period].filter { !$0.isEmpty }.joined(separator: ", ")
            return "\(h) [\(([table] + (detail.isEmpty ? [] : [detail])).joined(separator: " "))]"
        }
        func value(_ s: String) -> String { s.isEmpty ? "(empty)" : s }
        var out: [String] = []
        var grouped = Set<Key>()
        for row in rows {
            switch row.kind {
            case .added: out.append(head(row.table, row.unit, row.period, row.detail) + ": row added")
            case .removed: out.append(head(row.table, row.unit, row.period, row.detail) + ": row removed")
            case .changed, .suppression:
                var own: [String] = []
                for v in other(row) {
                    let k = Key(table: row.table, unit: row.unit, period: row.period, detail: strip(row.detail), column: v.column, old: v.old, new: v.new)
                    if members[k]! > 1 {
                        if grouped.insert(k).inserted {
                            out.append(head(row.table, row.unit, row.period, k.detail) + ": \(v.column) \(value(v.old)) → \(value(v.new)) (in \(members[k]!) rows)")
                        }
                    } else {
                        own.append("\(v.column) \(value(v.old)) → \(value(v.new))")
                    }
                }
                if !own.isEmpty { out.append(head(row.table, row.unit, row.period, row.detail) + ": " + own.joined(separator: "; ")) }
            }
        }
        return out
    }

    /// The comparison for machines (`--json`): every change, no limits.
    public func json() -> JSON {
        func strings(_ a: [String]) -> JSON { .array(a.map { .string($0) }) }
        return .object([
            "identical": .bool(identical),
            "inputs": .object(["added": strings(inputsAdded), "removed": strings(inputsRemoved), "changed": strings(inputsChanged)]),
            "references": strings(referenceChanges),
            "settings": strings(manifestChanges),
            "config": .object(["removed_lines": strings(configRemovedLines), "added_lines": strings(configAddedLines)]),
            "units_changed": strings(changedUnits),
            "units_resuppressed": strings(resuppressedUnits),
            "rows": .array(rows.map { row in
                .object([
                    "table": .string(row.table), "unit": .string(row.unit), "period": .string(row.period),
                    "detail": .string(row.detail), "kind": .string(row.kind.rawValue),
                    "values": .array(row.values.map {
                        .object(["column": .string($0.column), "old": .string($0.old), "new": .string($0.new)])
                    }),
                ])
            }),
            "headlines": .array(headlines.map { h in
                .object(["unit": .string(h.unit), "period": .string(h.period), "figures": .array(h.figures.map {
                    .object(["indicator": .string($0.column), "old": .string($0.old), "new": .string($0.new)])
                })])
            }),
            "ledger": .object([
                "changed_fate": .int(ledgerChanged), "added": .int(ledgerAdded), "removed": .int(ledgerRemoved),
                "transitions": .array(ledgerTransitions.map {
                    .object(["old": .string($0.old), "new": .string($0.new), "count": .int($0.count)])
                }),
                "sample": .array(ledgerSample.map {
                    .object(["record": .string($0.record), "old": .string($0.old), "new": .string($0.new)])
                }),
            ]),
            "entries": .object(["added": strings(entriesAdded), "removed": strings(entriesRemoved), "changed": strings(entriesChanged)]),
        ])
    }
}
