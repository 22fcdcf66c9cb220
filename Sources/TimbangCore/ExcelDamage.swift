/// Numbers an Indonesian-locale spreadsheet turned into times (`.` is its time separator).
///
/// Typing `7.7` there gives 7 h 07 min, shown `7:07`; `67.6` gives `67:06:00`; a z-score
/// `1.05` becomes 1 h 05 min, stored as the fraction of a day `0.045138889`. The minutes are
/// the digits typed after the point as a whole number, so `7:07` was `7.07` or `7.7`, `7:45`
/// only `7.45`, `7:10` only `7.10`, `7:00` only `7`.
public enum ExcelDamage {
    /// The numbers a damaged cell may have been, in ascending order; nil when the text is
    /// not a damaged form: `H:MM`, `H:MM:00` (also `H.MM.00`), and, when `fractions` is set,
    /// a fraction of a day with at least 5 decimals that is a whole number of minutes
    /// (`0.045138889`, `0,045139`). A leading `-` carries over to every candidate.
    public static func candidates(_ raw: String, fractions: Bool) -> [Double]? {
        var u = Array(raw.utf8)
        var negative = false
        if u.first == 45 { negative = true; u.removeFirst() }
        guard !u.isEmpty else { return nil }
        var parts: [[UInt8]] = [[]]
        var seps: [UInt8] = []
        for c in u {
            if c >= 48 && c <= 57 { parts[parts.count - 1].append(c) }
            else if c == 58 || c == 46 || c == 44 { parts.append([]); seps.append(c) }
            else { return nil }
        }
        guard parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        var hours = 0, minutes = 0
        if seps.contains(58) {
            // H:MM or H:MM:SS with zero seconds (`67:06:00`, `67:06:00.000`)
            guard seps.first == 58, parts.count >= 2, parts[0].count <= 3, parts[1].count == 2 else { return nil }
            if parts.count >= 3 { guard seps[1] == 58, parts[2].count == 2, number(parts[2]) == 0 else { return nil } }
            if parts.count == 4 { guard seps[2] == 46, number(parts[3]) == 0 else { return nil } }
            guard parts.count <= 4 else { return nil }
            hours = number(parts[0]); minutes = number(parts[1])
        } else if parts.count == 3, seps == [46, 46], parts[1].count == 2, parts[2] == [48, 48] {
            // `67.06.00`: the same time written with the locale's own separator
            hours = number(parts[0]); minutes = number(parts[1])
        } else if fractions, parts.count == 2, parts[0] == [48], parts[1].count >= 5, parts[1].count <= 12 {
            var f = 0.0, scale = 1.0
            for c in parts[1] { scale /= 10; f += Double(c - 48) * scale }
            let m = f * 1440
            let whole = m.rounded()
            guard whole >= 1, abs(m - whole) <= 0.01 else { return nil }
            hours = Int(whole) / 60; minutes = Int(whole) % 60
        } else {
            return nil
        }
        guard minutes < 60 else { return nil }
        var out = [Double(hours) + Double(minutes) / 100]
        if minutes > 0 && minutes < 10 { out.append(Double(hours) + Double(minutes) / 10) }
        out = out.map { negative ? -$0 : $0 }.sorted()
        return out
    }

    private static func number(_ d: [UInt8]) -> Int { d.reduce(0) { $0 * 10 + Int($1 - 48) } }

    /// `a|b` for notes, each as `formatNumber` writes it.
    public static func list(_ c: [Double]) -> String { c.map { formatNumber($0) }.joined(separator: "|") }
}

/// e-PPGBM's own z-score cells (`ZS BB/U`, …), as written.
public enum SourceZ {
    /// e-PPGBM's "no value" in its z columns.
    public static let sentinel = 999.99

    /// What a z cell says.
    public enum Reading: Equatable, Sendable {
        /// Empty, `-`, or the sentinel `999.99`.
        case missing
        case value(Double)
        /// A spreadsheet time or fraction of a day (`0.045138889`): the candidates.
        case damaged([Double])
        case unreadable
    }

    /// Reads a z cell: a decimal with point or comma (spaces around it and a `+` ignored), the
    /// sentinel, or Excel damage.
    public static func read(_ raw: String) -> Reading {
        if raw.isEmpty || raw == "-" { return .missing }
        var t = raw
        let plain: Double?? = t.withUTF8 { b -> Double?? in
            // most cells are a short plain number: no copy, no damage check
            var s = 0, e = b.count
            while s < e, b[s] == 32 || b[s] == 43 { s += 1 }
            while e > s, b[e - 1] == 32 { e -= 1 }
            guard e > s, let base = b.baseAddress else { return .some(nil) }
            var colon = false, decimals = -1
            for i in s..<e {
                if b[i] == 58 { colon = true } else if b[i] == 46 || b[i] == 44 { decimals = 0 } else if decimals >= 0 { decimals += 1 }
            }
            if colon || decimals >= 5 { return nil }   // maybe damage: the slow path
            return .some(parseDecimal(base + s, count: e - s, decimalComma: true))
        }
        let value: Double?
        if let plain { value = plain } else {
            if let c = ExcelDamage.candidates(raw, fractions: true) { return .damaged(c) }
            value = parseLoosely(raw)
        }
        guard let v = value, v.isFinite else { return .unreadable }
        if abs(v) >= 999 { return .missing }   // 999.99 (also -999.99, 999,99)
        return .value(v)
    }

    private static func parseLoosely(_ raw: String) -> Double? {
        var t = raw
        return t.withUTF8 { b in b.baseAddress.flatMap { parseDecimal($0, count: b.count, decimalComma: true) } }
    }

    /// The z-score the dump means, and how a damaged cell was settled: a plain value; a
    /// damaged one with one candidate; or one whose category cell in the same row (`BB/U`…)
    /// contains exactly one candidate. Nil when missing, unreadable or unsettled.
    public static func resolve(_ raw: String, category: String, index: Permenkes2020.Index) -> (z: Double, evidence: String?)? {
        switch read(raw) {
        case .missing, .unreadable: return nil
        case .value(let v): return (v, nil)
        case .damaged(let c):
            if c.count == 1 { return (c[0], "one reading") }
            guard let band = Permenkes2020.band(index, sourceLabel: category) else { return nil }
            let bands = Permenkes2020.categories[index]!
            let fit = c.filter { bands[band].contains(roundHalfAway($0, decimals: 2)) }
            return fit.count == 1 ? (fit[0], "category " + category) : nil
        }
    }
}

/// WHO z-scores for validate to settle a damaged number by the dump's own z-score. The growth
/// stage's standards implement it; validate does not import Growth (it is downstream).
public protocol ZScoreLookup: Sendable {
    /// Weight-for-age, length/height-for-age and weight-for-length/height z-scores (rounded to
    /// 2 decimals), each nil when it cannot be computed.
    func zScores(sex: Sex, ageDays: Int, weightKg: Double?, heightCm: Double?, measure: Measure?)
        -> (wei: Double?, len: Double?, wfl: Double?)
}
