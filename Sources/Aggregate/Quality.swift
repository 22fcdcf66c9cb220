import TimbangCore
import Monitor

/// Data-quality sums of one group of records (domain.md §5).
struct QualitySums {
    var records = 0, valid = 0, invalid = 0, duplicate = 0
    var nikMissing = 0, nikInvalid = 0
    var sexMissing = 0, birthMissing = 0, weightMissing = 0, heightMissing = 0
    /// WHO flags per index (HAZ, WAZ, WHZ, BMIZ): flagged, and z computed or flagged.
    var flagN = (0, 0, 0, 0), flagD = (0, 0, 0, 0)
    var haz = Moments(), waz = Moments(), whz = Moments()
    /// From counted child-months (each child once per period).
    var male = 0, female = 0, heapN = 0, heapD = 0, age6to29 = 0, age30to59 = 0
    /// A dump's own z / category vs timbang's: disagreeing, compared (wei, len, wfl).
    var srcZN = (0, 0, 0), srcZD = (0, 0, 0), srcCatN = (0, 0, 0), srcCatD = (0, 0, 0)

    mutating func merge(_ o: QualitySums) {
        records += o.records; valid += o.valid; invalid += o.invalid; duplicate += o.duplicate
        nikMissing += o.nikMissing; nikInvalid += o.nikInvalid
        sexMissing += o.sexMissing; birthMissing += o.birthMissing
        weightMissing += o.weightMissing; heightMissing += o.heightMissing
        flagN = (flagN.0 + o.flagN.0, flagN.1 + o.flagN.1, flagN.2 + o.flagN.2, flagN.3 + o.flagN.3)
        flagD = (flagD.0 + o.flagD.0, flagD.1 + o.flagD.1, flagD.2 + o.flagD.2, flagD.3 + o.flagD.3)
        haz.merge(o.haz); waz.merge(o.waz); whz.merge(o.whz)
        male += o.male; female += o.female; heapN += o.heapN; heapD += o.heapD
        age6to29 += o.age6to29; age30to59 += o.age30to59
        srcZN = (srcZN.0 + o.srcZN.0, srcZN.1 + o.srcZN.1, srcZN.2 + o.srcZN.2)
        srcZD = (srcZD.0 + o.srcZD.0, srcZD.1 + o.srcZD.1, srcZD.2 + o.srcZD.2)
        srcCatN = (srcCatN.0 + o.srcCatN.0, srcCatN.1 + o.srcCatN.1, srcCatN.2 + o.srcCatN.2)
        srcCatD = (srcCatD.0 + o.srcCatD.0, srcCatD.1 + o.srcCatD.1, srcCatD.2 + o.srcCatD.2)
    }
}

/// Builds `quality` per unit for each month (records by measurement month, children by
/// counted month) and for period `all` (every record, dated or not; each child's latest
/// counted month).
enum QualityBuilder {
    /// Reason columns: every `Reason` code, then `OTHER` for any other text.
    static let reasons: [String] = Reason.allCases.map(\.rawValue) + ["OTHER"]

    static let columns: [String] = {
        func t(_ p: String) -> [String] { [p + "_n", p + "_d", p + "_pct"] }
        var c = ["records_n", "valid_n"] + t("invalid") + t("duplicate")
        for r in reasons { c += t("reason_" + r.lowercased()) }
        c += t("nik_missing") + t("nik_invalid")
        c += t("sex_missing") + t("birth_date_missing") + t("weight_missing") + t("height_missing")
        c += t("flag_haz") + t("flag_waz") + t("flag_whz") + t("flag_bmiz")
        for z in ["haz", "waz", "whz"] { c += [z + "_d", z + "_mean", z + "_sd", z + "_skew", z + "_kurt"] }
        for m in ["weight", "height"] { c += [m + "_d", m + "_dps"] + t(m + "_end05") }
        c += t("sexratio") + ["sexratio_p"] + t("ageheap") + t("ageratio") + ["ageratio_p"]
        c += t("srcz_wei") + t("srcz_len") + t("srcz_wfl") + t("srccat_wei") + t("srccat_len") + t("srccat_wfl")
        c += ["smart_score", "smart_grade"]
        return c
    }()

    /// Adds every record (by measurement month; undated records in the slot after the months)
    /// and the children of the counted child-months of each month into the cube's sums per
    /// (key, slot). The `latest` children are added by `build` from the cube's latest facts.
    static func accumulate(_ ctx: Context, into cube: inout AggregateCube) {
        let facts = ctx.facts
        let nm = ctx.months.count
        let slots = nm + 1
        let nr = reasons.count
        for i in facts.indices {
            let r = facts[i]
            let slot = r.measureMonth.flatMap { ctx.monthPosition[$0] } ?? nm
            let b = Int(ctx.recordKey[i]) * slots + slot
            var q = cube.quality[b]
            q.records += 1
            switch r.status {
            case .valid: q.valid += 1
            case .duplicate: q.duplicate += 1
            case .invalid:
                q.invalid += 1
                cube.reasons[b * nr + Int(r.reason)] += 1
            case .pending: break
            }
            if r.nikMissing { q.nikMissing += 1 }
            if r.nikInvalid { q.nikInvalid += 1 }
            if r.sexMissing { q.sexMissing += 1 }
            if r.birthMissing { q.birthMissing += 1 }
            if r.weightMissing { q.weightMissing += 1 }
            if r.heightMissing { q.heightMissing += 1 }
            if r.status == .valid {
                addFlags(r, &q)
                if let z = usableZ(r.zlen, r.flen) { q.haz.add(z) }
                if let z = usableZ(r.zwei, r.fwei) { q.waz.add(z) }
                if let z = usableZ(r.zwfl, r.fwfl) { q.whz.add(z) }
                if r.weightDigit >= 0 { cube.digits[b * 20 + Int(r.weightDigit)] += 1 }
                if r.heightDigit >= 0 { cube.digits[b * 20 + 10 + Int(r.heightDigit)] += 1 }
                addSource(r.source, &q)
            }
            cube.quality[b] = q
        }
        for cm in ctx.counted {
            addChild(facts[cm.record], &cube.quality[Int(ctx.recordKey[cm.record]) * slots + cm.period])
        }
    }

    static func build(_ ctx: Frame, settings: AggregateSettings) -> Table {
        let cube = ctx.cube
        let nm = ctx.months.count
        let slots = nm + 2 // months, undated records, latest child-months
        let nKeys = ctx.keyUnits.count
        let nr = reasons.count
        // the months and undated records are read from the cube in place; the latest slot
        // (its children only: no records, reasons or digits) is kept beside it (a copy of the
        // cube with that slot added was as large as the cube)
        var latestChildren = [QualitySums](repeating: QualitySums(), count: nKeys)
        for l in cube.latest { addChild(l.facts, &latestChildren[Int(l.key)]) }

        // roll up: month slots into the month and `all`; undated and latest slots into `all`
        let nq = nm + 1
        var cell = [QualitySums](repeating: QualitySums(), count: ctx.units.count * nq)
        var reasonC = [Int](repeating: 0, count: ctx.units.count * nq * nr)
        var digitC = [Int](repeating: 0, count: ctx.units.count * nq * 20)
        for key in 0..<nKeys {
            for slot in 0..<slots {
                let inCube = slot <= nm
                let b = key * (nm + 1) + slot
                let q = inCube ? cube.quality[b] : latestChildren[key]
                guard q.records > 0 || q.male + q.female > 0 || q.heapD > 0 else { continue }
                for unit in ctx.keyUnits[key] {
                    var targets = [unit * nq + nm]
                    if slot < nm { targets.append(unit * nq + slot) }
                    for c in targets {
                        // the month rows take their children from that month; `all` from the latest slot
                        var part = q
                        if slot < nm && c == unit * nq + nm { clearChildren(&part) }
                        cell[c].merge(part)
                        guard inCube else { continue }
                        for x in 0..<nr { reasonC[c * nr + x] += cube.reasons[b * nr + x] }
                        for x in 0..<20 { digitC[c * 20 + x] += cube.digits[b * 20 + x] }
                    }
                }
            }
        }

        var t = Table(name: "quality", columns: ctx.keyColumns + columns)
        for unit in ctx.units.sorted() {
            for p in 0..<nq {
                let c = unit * nq + p
                let q = cell[c]
                guard q.records > 0 else { continue }
                var row = ctx.keyCells(unit: unit, period: p, last: "all")
                row += cells(q, reasons: Array(reasonC[(c * nr)..<(c * nr + nr)]),
                             digits: Array(digitC[(c * 20)..<(c * 20 + 20)]), settings: settings)
                t.rows.append(row)
            }
        }
        return t
    }

    /// A NIK written as exactly 16 ASCII digits.
    static func isValidNIKShape(_ s: String) -> Bool {
        s.utf8.count == 16 && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    static func addFlags(_ r: Facts, _ q: inout QualitySums) {
        func f(_ z: Double?, _ flag: Bool?) -> (Int, Int) { (flag == true ? 1 : 0, z != nil || flag != nil ? 1 : 0) }
        let h = f(r.zlen, r.flen), w = f(r.zwei, r.fwei), l = f(r.zwfl, r.fwfl), b = f(r.zbmi, r.fbmi)
        q.flagN = (q.flagN.0 + h.0, q.flagN.1 + w.0, q.flagN.2 + l.0, q.flagN.3 + b.0)
        q.flagD = (q.flagD.0 + h.1, q.flagD.1 + w.1, q.flagD.2 + l.1, q.flagD.3 + b.1)
    }

    /// Sex, age heaping (completed months 12, 24, 36, 48 among ages 6–59) and the age ratio
    /// (6–29 vs 30–59 months) of a counted child-month.
    static func addChild(_ r: Facts, _ q: inout QualitySums) {
        if r.sex == .male { q.male += 1 } else if r.sex == .female { q.female += 1 }
        guard let m = r.ageMonths, m >= 6, m <= 59 else { return }
        q.heapD += 1
        if m % 12 == 0 { q.heapN += 1 }
        if m <= 29 { q.age6to29 += 1 } else { q.age30to59 += 1 }
    }

    static func clearChildren(_ q: inout QualitySums) {
        q.male = 0; q.female = 0; q.heapN = 0; q.heapD = 0; q.age6to29 = 0; q.age30to59 = 0
    }

    /// Adds the source comparison bits of a record (see `Facts.source`).
    static func addSource(_ bits: UInt16, _ q: inout QualitySums) {
        func n(_ k: Int) -> Int { bits & (1 << (2 * k + 1)) != 0 ? 1 : 0 }
        func d(_ k: Int) -> Int { bits & (1 << (2 * k)) != 0 ? 1 : 0 }
        guard bits != 0 else { return }
        q.srcZN = (q.srcZN.0 + n(0), q.srcZN.1 + n(1), q.srcZN.2 + n(2))
        q.srcZD = (q.srcZD.0 + d(0), q.srcZD.1 + d(1), q.srcZD.2 + d(2))
        q.srcCatN = (q.srcCatN.0 + n(3), q.srcCatN.1 + n(4), q.srcCatN.2 + n(5))
        q.srcCatD = (q.srcCatD.0 + d(3), q.srcCatD.1 + d(4), q.srcCatD.2 + d(5))
    }

    static func cells(_ q: QualitySums, reasons: [Int], digits: [Int], settings: AggregateSettings) -> [String] {
        func t(_ n: Int, _ d: Int) -> [String] { [String(n), String(d), pct(n, d)] }
        var c = [String(q.records), String(q.valid)] + t(q.invalid, q.records) + t(q.duplicate, q.records)
        for x in reasons { c += t(x, q.records) }
        c += t(q.nikMissing, q.records) + t(q.nikInvalid, q.records)
        c += t(q.sexMissing, q.records) + t(q.birthMissing, q.records)
        c += t(q.weightMissing, q.records) + t(q.heightMissing, q.records)
        c += t(q.flagN.0, q.flagD.0) + t(q.flagN.1, q.flagD.1) + t(q.flagN.2, q.flagD.2) + t(q.flagN.3, q.flagD.3)
        for m in [q.haz, q.waz, q.whz] { c += [String(m.n), fmt2(m.mean), fmt2(m.sd), fmt2(m.skewness), fmt2(m.kurtosis)] }
        let w = Array(digits[0..<10]), h = Array(digits[10..<20])
        let dpsW = digitPreferenceScore(w), dpsH = digitPreferenceScore(h)
        for (counts, dps) in [(w, dpsW), (h, dpsH)] {
            let n = counts.reduce(0, +)
            c += [String(n), formatFixedOne(dps ?? .nan)] + t(counts[0] + counts[5], n)
        }
        let sexP = proportionTestP(q.male, of: q.male + q.female, expected: 0.5)
        let ageP = proportionTestP(q.age6to29, of: q.age6to29 + q.age30to59, expected: 0.85 / 1.85)
        c += t(q.male, q.female) + [formatFixed(sexP, decimals: 3)]
        c += t(q.heapN, q.heapD) + t(q.age6to29, q.age30to59) + [formatFixed(ageP, decimals: 3)]
        c += t(q.srcZN.0, q.srcZD.0) + t(q.srcZN.1, q.srcZD.1) + t(q.srcZN.2, q.srcZD.2)
        c += t(q.srcCatN.0, q.srcCatD.0) + t(q.srcCatN.1, q.srcCatD.1) + t(q.srcCatN.2, q.srcCatD.2)
        if q.whz.n >= settings.smartMinimumN, let sd = q.whz.sd, let sk = q.whz.skewness, let ku = q.whz.kurtosis {
            let flagPct = q.flagD.2 > 0 ? 100 * Double(q.flagN.2) / Double(q.flagD.2) : 0
            let score = smartScore(flagPct: flagPct, sexP: sexP, ageP: ageP, dpsWeight: dpsW, dpsHeight: dpsH,
                                   sdWHZ: sd, skewWHZ: sk, kurtWHZ: ku)
            c += [String(score), smartGrade(score)]
        } else {
            c += ["", ""]
        }
        return c
    }

    /// SMART plausibility points (ENA for SMART as in nutriverse/mwana; WHO flags here):
    /// flagged WHZ %, sex ratio p, age ratio p, DPS weight and height, SD, |skewness| and
    /// |excess kurtosis| of WHZ. Information, not a gate. A missing test scores 0.
    static func smartScore(flagPct: Double, sexP: Double?, ageP: Double?, dpsWeight: Double?, dpsHeight: Double?,
                           sdWHZ: Double, skewWHZ: Double, kurtWHZ: Double) -> Int {
        var s = 0
        s += flagPct <= 2.5 ? 0 : flagPct <= 5 ? 5 : flagPct <= 7.5 ? 10 : 20
        for p in [sexP, ageP] {
            guard let p else { continue }
            s += p > 0.1 ? 0 : p > 0.05 ? 2 : p > 0.001 ? 4 : 10
        }
        for d in [dpsWeight, dpsHeight] {
            guard let d else { continue }
            s += d < 8 ? 0 : d < 12 ? 2 : d < 20 ? 4 : 10
        }
        s += (0.9...1.1).contains(sdWHZ) ? 0 : (0.85...1.15).contains(sdWHZ) ? 5 : (0.8...1.2).contains(sdWHZ) ? 10 : 20
        for v in [abs(skewWHZ), abs(kurtWHZ - 3)] {
            s += v < 0.2 ? 0 : v < 0.4 ? 1 : v < 0.6 ? 3 : 5
        }
        return s
    }

    static func smartGrade(_ score: Int) -> String {
        score <= 9 ? "excellent" : score <= 14 ? "good" : score <= 24 ? "acceptable" : "problematic"
    }
}
