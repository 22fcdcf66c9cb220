import TimbangCore

/// How a pipeline run compares with the truth of a synthetic dump (`timbang score`).
public struct Score: Sendable {
    /// Precision and recall from true positives, false positives and false negatives.
    public struct PR: Sendable, Equatable {
        public var tp = 0
        public var fp = 0
        public var fn = 0
        /// nil when nothing was predicted.
        public var precision: Double? { tp + fp == 0 ? nil : Double(tp) / Double(tp + fp) }
        /// nil when there was nothing to find.
        public var recall: Double? { tp + fn == 0 ? nil : Double(tp) / Double(tp + fn) }
    }
    /// The run's prevalence in one unit against the truth, in percentage points.
    public struct PrevalenceError: Sendable, Equatable {
        public var unit: PrevalenceCounts.Key
        /// `stunting`, `wasting` or `underweight`.
        public var indicator: String
        public var truth: Double?
        public var run: Double?
        /// run − truth; nil when either is missing.
        public var error: Double? { truth.flatMap { t in run.map { $0 - t } } }
    }

    /// Records in the truth, and how many of them the run has (by `file#record`).
    public var records = 0
    public var matched = 0
    /// Rejection: run `invalid` against truth `invalid` (records with a truth `measure_note`
    /// of a dropped measurement are left out: either policy for them is right; a
    /// `NIK_INVALID` note counts: rejecting that record is a false rejection).
    public var rejection = PR()
    /// Records whose truth has a `measure_note` (one impossible measurement to drop, or
    /// `NIK_INVALID`): how many the run kept valid with that code in its notes, rejected with
    /// that reason, or missed.
    public var measureNotes = 0
    public var measureNotesKept = 0
    public var measureNotesRejected = 0
    /// Per reason code: the run gives that reason to a record whose truth has it.
    public var rejectionByReason: [String: PR] = [:]
    /// Duplicate detection: run `duplicate` against truth `duplicate`.
    public var duplicates = PR()
    /// Of the duplicates found, how many point at the record the truth keeps.
    public var duplicateTargetsRight = 0
    /// Pairwise child linkage over records valid in both: pairs with the same child key
    /// against pairs of the same true child.
    public var linkage = PR()
    /// Records valid in the truth that the run left without a child key (rejected or duplicate).
    public var validWithoutKey = 0
    /// Distinct children in the truth's valid records; distinct child keys in the run's.
    public var childrenTruth = 0
    public var childrenRun = 0
    public var twinPairs = 0
    public var twinPairsMerged = 0
    public var namesakePairs = 0
    public var namesakePairsMerged = 0
    /// Records valid in the truth whose name is written differently from the child's own
    /// (a truth variant `name_*`), and how many of them the run linked to their child: valid,
    /// with the child key most of that child's records have.
    public var nameVariantRecords = 0
    public var nameVariantLinked = 0
    /// Per unit and indicator, sorted kabupaten, kecamatan, desa.
    public var prevalence: [PrevalenceError] = []

    /// What became of the records one real-export quirk touched (truth column `quirks`).
    public struct QuirkOutcome: Sendable, Equatable {
        /// Records of the truth the quirk touched (and the run has).
        public var records = 0
        /// Valid in the truth and in the run, dates and measurements equal to the truth.
        public var valid = 0
        /// Of those, repaired from Excel damage (`EXCEL_DAMAGE_REPAIRED` in the notes).
        public var repaired = 0
        /// Invalid in the truth and in the run with the expected reason.
        public var invalid = 0
        /// Duplicate in both.
        public var duplicate = 0
        /// Valid in the run, but a date or a measurement differs from the truth.
        public var misread = 0
        /// Any other outcome (wrong fate or reason, a value lost).
        public var other = 0
    }
    /// Per quirk code.
    public var quirks: [String: QuirkOutcome] = [:]
    /// Records valid in the run and the truth whose dates or measurements differ from the truth
    /// (a silent misread), over all records; `misreadExamples` names the first few.
    public var misread = 0
    public var misreadExamples: [String] = []
    /// Records whose run fate (and reason, for invalid ones) differs from the truth's; a few named.
    public var fateWrong = 0
    public var fateWrongExamples: [String] = []
    /// Those records by kind (`truth valid → run invalid UNIT_MISSING`).
    public var fateWrongKinds: [String: Int] = [:]

    /// The share of name-variant records linked to their child, nil when there are none.
    public var nameVariantsLinked: Double? {
        nameVariantRecords == 0 ? nil : Double(nameVariantLinked) / Double(nameVariantRecords)
    }

    /// Mean absolute prevalence error (percentage points) over the units of a level (and
    /// one indicator, or all), nil when none.
    public func meanPrevalenceError(level: String, indicator: String? = nil) -> Double? {
        let e = prevalence.filter { $0.unit.level == level && (indicator == nil || $0.indicator == indicator) }
            .compactMap { $0.error.map(abs) }
        return e.isEmpty ? nil : e.reduce(0, +) / Double(e.count)
    }

    /// Largest absolute prevalence error (percentage points) at a level, nil when none.
    public func maxPrevalenceError(level: String) -> Double? {
        prevalence.filter { $0.unit.level == level }.compactMap { $0.error.map(abs) }.max()
    }
}

extension Score.QuirkOutcome {
    mutating func add(_ o: Score.QuirkOutcome) {
        records += o.records; valid += o.valid; repaired += o.repaired; invalid += o.invalid
        duplicate += o.duplicate; misread += o.misread; other += o.other
    }
}

extension Score {
    /// Scores link-stage records (and growth-stage records for prevalence) against the truth.
    public static func compute(truthDir: String, link: [Record], growth: [Record]?) throws -> Score {
        struct Truth {
            var fate: String; var reason: String; var note: String; var duplicateOf: String; var child: String
            var birth: Day?; var measured: Day?; var weight: Double?; var height: Double?; var quirks: [String]
            var nameVariant = false
            /// The true birth date, where `birth` is the day-and-month-swapped one the record says.
            var trueBirth: Day? = nil
        }
        var truth: [String: Truth] = [:]
        var col: [String: Int] = [:]
        let recordsPath = truthDir + "/records.csv"
        guard readFileBytes(recordsPath) != nil else { throw TableError("cannot read \(recordsPath)") }
        try RecordTable.forEachRow(path: recordsPath) { cells, i in
            if i == 0 { for (k, c) in cells.enumerated() { col[c] = k }; return }
            guard let f = col["file"], let r = col["record"], let fate = col["fate"], let reason = col["reason"],
                  let dup = col["duplicate_of"], let child = col["child_id"], cells.count > child else {
                throw TableError("\(recordsPath): not a synth truth table")
            }
            func cell(_ name: String) -> String { col[name].flatMap { $0 < cells.count ? cells[$0] : nil } ?? "" }
            var birth = Day(iso: cell("birth_date"))
            let trueBirth = birth
            // The variant writes the birth date with day and month exchanged: the record says that.
            if let b = birth, let m = Day(iso: cell("measure_date")), cell("variants").split(separator: ";").contains("birth_day_month_swapped") {
                birth = Variants.swappedBirth(b, measured: m) ?? b
            }
            let nameVariant = col["variants"].map { cells[$0].split(separator: ";").contains { $0.hasPrefix("name_") } } ?? false
            truth[cells[f] + "#" + cells[r]] = Truth(
                fate: cells[fate], reason: cells[reason], note: cell("measure_note"), duplicateOf: cells[dup], child: cells[child],
                birth: birth, measured: Day(iso: cell("measure_date")), weight: parseNumber(cell("weight_kg")),
                height: parseNumber(cell("height_cm")), quirks: cell("quirks").split(separator: ";").map(String.init),
                nameVariant: nameVariant, trueBirth: birth == trueBirth ? nil : trueBirth)
        }

        var s = Score()
        s.records = truth.count
        var keyOfRecord: [(key: String, child: String)] = []
        var truthChildren = Set<String>()
        for t in truth.values where t.fate == "valid" { truthChildren.insert(t.child) }
        s.childrenTruth = truthChildren.count
        var runKeys = Set<String>()
        var seen = 0
        var variantKeys: [(key: String?, child: String)] = []
        for r in link {
            guard let t = truth[r.ref.description] else { continue }
            seen += 1
            if !t.note.isEmpty {
                s.measureNotes += 1
                if r.status == .invalid && r.reason == t.note { s.measureNotesRejected += 1 }
                if r.status == .valid && r.notes.split(separator: ";").contains(Substring(t.note)) { s.measureNotesKept += 1 }
            }
            let runInvalid = r.status == .invalid
            let truthInvalid = t.fate == "invalid"
            // A dropped measurement may also be rejected; a malformed NIK must not be (issue 11).
            let eitherPolicy = !t.note.isEmpty && t.note != Reason.nikInvalid.rawValue
            if !eitherPolicy { count(&s.rejection, predicted: runInvalid, actual: truthInvalid) }
            if !eitherPolicy && (runInvalid || truthInvalid) {
                let reasons = Set([runInvalid ? r.reason : "", truthInvalid ? t.reason : ""].filter { !$0.isEmpty })
                for reason in reasons {
                    count(&s.rejectionByReason[reason, default: PR()],
                          predicted: runInvalid && r.reason == reason, actual: truthInvalid && t.reason == reason)
                }
            }
            // Silent misreads and fates, overall and per quirk.
            var outcome = QuirkOutcome(records: 1)
            let runFate = r.status == .valid ? "valid" : r.status == .invalid ? "invalid" : r.status == .duplicate ? "duplicate" : "pending"
            if runFate == "valid" && t.fate == "valid" {
                func differs(_ a: Double?, _ b: Double?) -> Bool { a != nil && (b == nil || abs(a! - b!) > 1e-6) }
                // A swapped birth date is read as written, or as the truth where the row's exact
                // Usia Saat Ukur fits only the swapped reading (`BIRTH_DATE_SWAP_FROM_AGE`).
                let birth = t.trueBirth != nil && r.notes.contains("BIRTH_DATE_SWAP_FROM_AGE") ? t.trueBirth : t.birth
                let wrong = r.birthDate != birth || r.measureDate != t.measured
                    || differs(r.weightKg, t.weight) || differs(r.heightCm, t.height)
                let lost = (r.weightKg == nil && t.weight != nil || r.heightCm == nil && t.height != nil) && t.note.isEmpty
                if wrong {
                    outcome.misread = 1
                    s.misread += 1
                    if s.misreadExamples.count < 10 { s.misreadExamples.append(r.ref.description) }
                } else if lost { outcome.other = 1 } else {
                    outcome.valid = 1
                    if r.notes.contains("EXCEL_DAMAGE_REPAIRED") { outcome.repaired = 1 }
                }
            } else if runFate == "invalid" && t.fate == "invalid" && (r.reason == t.reason || t.reason.isEmpty) {
                outcome.invalid = 1
            } else if runFate == "duplicate" && t.fate == "duplicate" {
                outcome.duplicate = 1
            } else if !(t.fate == "valid" && !t.note.isEmpty && runFate == "invalid" && r.reason == t.note) {
                outcome.other = 1
            }
            if outcome.other == 1 {
                s.fateWrong += 1
                s.fateWrongKinds["truth \(t.fate) \(t.reason) → run \(runFate) \(r.reason)".replacingOccurrences(of: "  ", with: " "), default: 0] += 1
                if s.fateWrongExamples.count < 10 {
                    s.fateWrongExamples.append("\(r.ref) truth \(t.fate) \(t.reason), run \(runFate) \(r.reason)")
                }
            }
            for q in t.quirks { s.quirks[q, default: QuirkOutcome()].add(outcome) }
            count(&s.duplicates, predicted: r.status == .duplicate, actual: t.fate == "duplicate")
            if r.status == .duplicate && t.fate == "duplicate" && r.duplicateOf == t.duplicateOf { s.duplicateTargetsRight += 1 }
            if r.status == .valid && !r.childKey.isEmpty { runKeys.insert(r.childKey) }
            if t.fate == "valid" {
                if r.status == .valid && !r.childKey.isEmpty { keyOfRecord.append((r.childKey, t.child)) } else { s.validWithoutKey += 1 }
                if t.nameVariant { variantKeys.append((r.status == .valid && !r.childKey.isEmpty ? r.childKey : nil, t.child)) }
            }
        }
        s.matched = seen
        s.childrenRun = runKeys.count
        s.linkage = pairwise(keyOfRecord)
        // Each true child's main key: the one most of its records have (ties: the smallest).
        var keyCounts: [String: [String: Int]] = [:]
        for (k, c) in keyOfRecord { keyCounts[c, default: [:]][k, default: 0] += 1 }
        let mainKey = keyCounts.mapValues { $0.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key }
        s.nameVariantRecords = variantKeys.count
        s.nameVariantLinked = variantKeys.filter { $0.key != nil && $0.key == mainKey[$0.child] }.count
        try mergedPairs(&s, truthDir: truthDir, keyOfRecord: keyOfRecord)
        if let growth { s.prevalence = try prevalenceErrors(truthDir: truthDir, growth: growth) }
        return s
    }

    static func count(_ pr: inout PR, predicted: Bool, actual: Bool) {
        if predicted && actual { pr.tp += 1 } else if predicted { pr.fp += 1 } else if actual { pr.fn += 1 }
    }

    /// Pairwise precision/recall: pairs sharing a key vs pairs sharing a true child.
    static func pairwise(_ items: [(key: String, child: String)]) -> PR {
        func pairs<K: Hashable>(_ keys: [K]) -> Int {
            var n: [K: Int] = [:]
            for k in keys { n[k, default: 0] += 1 }
            return n.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        }
        struct Both: Hashable { var key: String; var child: String }
        let tp = pairs(items.map { Both(key: $0.key, child: $0.child) })
        let predicted = pairs(items.map(\.key))
        let actual = pairs(items.map(\.child))
        return PR(tp: tp, fp: predicted - tp, fn: actual - tp)
    }

    /// Twin and namesake pairs (from `children.csv`) whose records share a child key.
    static func mergedPairs(_ s: inout Score, truthDir: String, keyOfRecord: [(key: String, child: String)]) throws {
        var keys: [String: Set<String>] = [:]
        for (k, c) in keyOfRecord { keys[c, default: []].insert(k) }
        let path = truthDir + "/children.csv"
        guard readFileBytes(path) != nil else { return }
        var col: [String: Int] = [:]
        try RecordTable.forEachRow(path: path) { cells, i in
            if i == 0 { for (k, c) in cells.enumerated() { col[c] = k }; return }
            guard let id = col["child_id"], let twin = col["twin_of"], let namesake = col["namesake_of"] else {
                throw TableError("\(path): not a synth children table")
            }
            let me = keys[cells[id]] ?? []
            if !cells[twin].isEmpty {
                s.twinPairs += 1
                if !me.isDisjoint(with: keys[cells[twin]] ?? []) { s.twinPairsMerged += 1 }
            }
            if !cells[namesake].isEmpty {
                s.namesakePairs += 1
                if !me.isDisjoint(with: keys[cells[namesake]] ?? []) { s.namesakePairsMerged += 1 }
            }
        }
    }

    /// Recomputes prevalence from the run's growth records by `PrevalenceCounts.rule` and
    /// compares it with the truth's `prevalence.csv`.
    static func prevalenceErrors(truthDir: String, growth: [Record]) throws -> [PrevalenceError] {
        let truthTable = try RecordTable.readTable(name: "prevalence", from: truthDir + "/prevalence.csv")
        let truth = try PrevalenceCounts(table: truthTable)
        let run = runPrevalence(growth)
        var out: [PrevalenceError] = []
        for key in Set(truth.units.keys).union(run.units.keys).sorted() {
            let t = truth.units[key], r = run.units[key]
            out.append(PrevalenceError(unit: key, indicator: "stunting", truth: t?.stunting.pct, run: r?.stunting.pct))
            out.append(PrevalenceError(unit: key, indicator: "wasting", truth: t?.wasting.pct, run: r?.wasting.pct))
            out.append(PrevalenceError(unit: key, indicator: "underweight", truth: t?.underweight.pct, run: r?.underweight.pct))
        }
        return out
    }

    /// Prevalence of a run: each child key's latest valid record (measurement date, then `file#record`).
    public static func runPrevalence(_ growth: [Record]) -> PrevalenceCounts {
        var latest: [String: Record] = [:]
        for r in growth where r.status == .valid && !r.childKey.isEmpty {
            guard let d = r.measureDate else { continue }
            if let cur = latest[r.childKey], let cd = cur.measureDate, (cd, cur.ref) > (d, r.ref) { continue }
            latest[r.childKey] = r
        }
        var counts = PrevalenceCounts()
        for key in latest.keys.sorted() {
            let r = latest[key]!
            func below(_ z: Double?, _ flagged: Bool?) -> Bool? {
                guard let z, flagged != true else { return nil }
                return z < -2
            }
            counts.add(kecamatan: normalizedPlace(r.kecamatan), desa: normalizedPlace(r.desa),
                       haz: below(r.zlen, r.flen), whz: below(r.zwfl, r.fwfl), waz: below(r.zwei, r.fwei))
        }
        return counts
    }

    /// The score as text for the terminal.
    public func report() -> String {
        func pct(_ v: Double?) -> String { v.map { formatFixed(100 * $0, decimals: 1) + " %" } ?? "-" }
        func line(_ name: String, _ pr: PR) -> String {
            name + ": precision " + pct(pr.precision) + ", recall " + pct(pr.recall)
                + " (tp \(pr.tp), fp \(pr.fp), fn \(pr.fn))\n"
        }
        var out = "records: \(records) in the truth, \(matched) in the run\n"
        out += line("rejection", rejection)
        for reason in rejectionByReason.keys.sorted() { out += line("  " + reason, rejectionByReason[reason]!) }
        out += "one impossible measurement or a malformed NIK: \(measureNotes) records; kept with the reason noted \(measureNotesKept), "
            + "rejected with that reason \(measureNotesRejected), missed \(measureNotes - measureNotesKept - measureNotesRejected)\n"
        out += line("duplicates", duplicates)
        out += "  pointing at the record the truth keeps: \(duplicateTargetsRight)\n"
        out += line("linkage (pairs)", linkage)
        out += "children: \(childrenTruth) in the truth, \(childrenRun) child keys in the run; valid records without a key: \(validWithoutKey)\n"
        out += "twins merged: \(twinPairsMerged) of \(twinPairs) pairs; namesakes merged: \(namesakePairsMerged) of \(namesakePairs) pairs\n"
        out += "silent misreads (valid, a date or measurement not the truth's): \(misread)"
            + (misreadExamples.isEmpty ? "" : " e.g. " + misreadExamples.joined(separator: ", ")) + "\n"
        out += "other outcomes (fate or reason not the truth's, a value lost): \(fateWrong)\n"
        for k in fateWrongKinds.keys.sorted() { out += "  \(k): \(fateWrongKinds[k]!)\n" }
        for e in fateWrongExamples { out += "  e.g. " + e + "\n" }
        if !quirks.isEmpty {
            out += "per quirk: records | valid as true | of which repaired | invalid as expected | duplicate | misread | other\n"
            for q in quirks.keys.sorted() {
                let o = quirks[q]!
                out += "  \(q): \(o.records) | \(o.valid) | \(o.repaired) | \(o.invalid) | \(o.duplicate) | \(o.misread) | \(o.other)\n"
            }
        }
        out += "records with a name spelling variant linked to their child: \(nameVariantLinked) of \(nameVariantRecords) (\(pct(nameVariantsLinked)))\n"
        if !prevalence.isEmpty {
            out += "prevalence error (run - truth, percentage points):\n"
            for e in prevalence {
                out += "  \(e.unit) \(e.indicator): truth \(e.truth.map { formatFixed($0, decimals: 1) } ?? "-")"
                    + ", run \(e.run.map { formatFixed($0, decimals: 1) } ?? "-")"
                    + ", error \(e.error.map { formatFixed($0, decimals: 1) } ?? "-")\n"
            }
            for level in ["kabupaten", "kecamatan", "desa"] {
                if let m = maxPrevalenceError(level: level) { out += "max |error| \(level): \(formatFixed(m, decimals: 1))\n" }
            }
            for indicator in ["stunting", "wasting", "underweight"] {
                if let m = meanPrevalenceError(level: "desa", indicator: indicator) {
                    out += "'latest' \(indicator) per desa: mean |error| \(formatFixed(m, decimals: 2)), max |error| "
                        + formatFixed(prevalence.filter { $0.unit.level == "desa" && $0.indicator == indicator }
                            .compactMap { $0.error.map(abs) }.max() ?? 0, decimals: 2) + "\n"
                }
            }
        }
        return out
    }
}
