import TimbangCore
import Monitor

/// SKDN counts of one unit in one month.
struct SKDNSums {
    var k = 0, d = 0, n = 0, t = 0, o = 0, b = 0, t2 = 0, bgm = 0

    mutating func merge(_ x: SKDNSums) {
        k += x.k; d += x.d; n += x.n; t += x.t; o += x.o; b += x.b; t2 += x.t2; bgm += x.bgm
    }
}

/// Builds `skdn`: per posyandu-month, rolled up to desa, kecamatan, puskesmas and kabupaten.
///
/// - K: children registered in the data — a child is registered from its first counted
///   month on, in the unit of its most recent counted measurement, until it reaches 60 months
///   (birth month + 60); a child counted in the month is always in K.
/// - D: counted child-months with a weight; N, T, O, B their growth status (so D = N+T+O+B,
///   checked in `d_check`); 2T and BGM among them.
/// - D′ = N + T (weighed this month and the month before).
enum SKDNBuilder {
    static let columns = [
        "s_n", "k_n", "d_n", "n_n", "t_n", "o_n", "b_n", "t2_n", "bgm_n", "d_check",
        "dk_n", "dk_d", "dk_pct", "nd_n", "nd_d", "nd_pct", "ndprime_n", "ndprime_d", "ndprime_pct",
        "ks_n", "ks_d", "ks_pct", "ds_n", "ds_d", "ds_pct", "ns_n", "ns_d", "ns_pct",
        // added beyond the contract:
        "bgmd_n", "bgmd_d", "bgmd_pct",
    ]

    /// F1 Gizi age groups (months); slot 0 = all.
    static let ageGroups = ["all", "0-5", "6-11", "12-23", "24-35", "36-59"]
    static let bySexAgeColumns = ["sex", "age_group",
        "k_n", "d_n", "n_n", "t_n", "o_n", "b_n", "t2_n", "bgm_n", "d_check", "absent_n"]

    /// F1 age group slot (1…5) of an age in completed months; 0 when unknown or ≥ 60.
    static func ageGroup(_ months: Int?) -> Int {
        guard let m = months, m >= 0 else { return 0 }
        switch m {
        case 0...5: return 1
        case 6...11: return 2
        case 12...23: return 3
        case 24...35: return 4
        case 36...59: return 5
        default: return 0
        }
    }

    /// Cells per (unit or key, month): 3 sex slots × 6 age slots, (0, 0) = all.
    static let groups = 18

    /// `skdn` and `skdn_sex_age` (the same counts by sex and F1 age group, as F1/F2 Gizi
    /// split them, at kabupaten, kecamatan and puskesmas level; a child's age group is its age at the counted measurement, or for a
    /// registered child not counted that month, months since its birth month).
    /// Adds K, D, N, T, O, B, 2T and BGM of the counted child-months into the cube's sums per
    /// (key, month, sex, F1 age group).
    static func accumulate(_ ctx: Context, into cube: inout AggregateCube) {
        let nm = ctx.months.count
        let counted = ctx.counted
        var start = 0
        while start < counted.count {
            var end = start + 1
            while end < counted.count && counted[end].child == counted[start].child { end += 1 }
            // D, N, T, O, B, 2T, BGM
            for cm in counted[start..<end] {
                let f = ctx.facts[cm.record]
                guard let growth = cm.growth else { continue }
                let pair = cube.slot(Int(ctx.recordKey[cm.record]), cm.period)
                let i = (pair * 3 + (f.sex?.rawValue ?? 0)) * 6 + ageGroup(f.ageMonths)
                cube.skdn[i].d += 1
                switch growth {
                case .n: cube.skdn[i].n += 1
                case .t: cube.skdn[i].t += 1
                case .o: cube.skdn[i].o += 1
                case .b: cube.skdn[i].b += 1
                }
                if cm.t2 { cube.skdn[i].t2 += 1 }
                if cm.bgm { cube.skdn[i].bgm += 1 }
            }
            // K
            let birth = ctx.facts[counted[end - 1].record].birthMonth
            let sexSlot = ctx.facts[counted[end - 1].record].sex?.rawValue ?? 0
            var j = start
            for p in counted[start].period..<nm {
                while j + 1 < end && counted[j + 1].period <= p { j += 1 }
                let here = counted[j].period == p
                guard here || (birth.map { $0 + 60 > ctx.months[p].index } ?? false) else { continue }
                let age = here ? ctx.facts[counted[j].record].ageMonths : birth.map { ctx.months[p].index - $0 }
                let sex = here ? (ctx.facts[counted[j].record].sex?.rawValue ?? 0) : sexSlot
                let pair = cube.slot(Int(ctx.recordKey[counted[j].record]), p)
                cube.skdn[(pair * 3 + sex) * 6 + ageGroup(age)].k += 1
            }
            start = end
        }
    }

    static func build(_ ctx: Frame, sasaran: SasaranLookup) -> (skdn: Table, bySexAge: Table) {
        let nm = ctx.months.count
        let nKeys = ctx.keyUnits.count
        let g = groups
        let bucket = ctx.cube.skdn

        // roll up within each key into the all-sex / all-age cells, then into the units
        // (the sex × age cells only into units whose level shows them)
        let sexAgeUnit = (0..<ctx.units.count).map { PrevalenceBuilder.showsSexAge(ctx.units.ids[$0].level) }
        // cells of (unit, month) at unitPair[unit × nm + month] × g, made for the pairs a key
        // adds to (as the cube's pairs: most units × months are empty)
        var unitPair = [Int32](repeating: -1, count: ctx.units.count * nm)
        var cell: [SKDNSums] = []
        func cellBase(_ unit: Int, _ p: Int) -> Int? { unitPair[unit * nm + p] < 0 ? nil : Int(unitPair[unit * nm + p]) * g }
        var local = [SKDNSums](repeating: SKDNSums(), count: g)
        for key in 0..<nKeys {
            for p in 0..<nm {
                guard let pair = ctx.cube.pair(key, p) else { continue }
                for x in 0..<g { local[x] = SKDNSums() }
                var any = false
                for sx in 0..<3 {
                    for a in 0..<6 {
                        let b = (pair * 3 + sx) * 6 + a
                        guard bucket[b].k > 0 else { continue }
                        any = true
                        for so in sx == 0 ? [0] : [0, sx] {
                            for ao in a == 0 ? [0] : [0, a] { local[so * 6 + ao].merge(bucket[b]) }
                        }
                    }
                }
                guard any else { continue }
                for unit in ctx.keyUnits[key] {
                    if unitPair[unit * nm + p] < 0 {
                        unitPair[unit * nm + p] = Int32(cell.count / g)
                        cell.append(contentsOf: repeatElement(SKDNSums(), count: g))
                    }
                    let ub = Int(unitPair[unit * nm + p]) * g
                    for c in 0..<(sexAgeUnit[unit] ? g : 1) where local[c].k > 0 { cell[ub + c].merge(local[c]) }
                }
            }
        }

        var bySexAge = Table(name: "skdn_sex_age", columns: ctx.keyColumns + bySexAgeColumns)
        for unit in ctx.units.sorted() where sexAgeUnit[unit] {
            for p in 0..<nm {
                guard let ub = cellBase(unit, p), cell[ub].k > 0 else { continue }
                let keys = ctx.keyCells(unit: unit, period: p)
                for sx in 0..<3 {
                    for a in 0..<6 where !(sx == 0 && a == 0) {
                        let c = cell[ub + sx * 6 + a]
                        guard c.k > 0 else { continue }
                        bySexAge.rows.append(keys + [Aggregate.sexes[sx], ageGroups[a]] + [c.k, c.d, c.n, c.t, c.o, c.b, c.t2, c.bgm].map(String.init)
                                             + [c.d == c.n + c.t + c.o + c.b ? "ok" : "mismatch", String(c.k - c.d)])
                    }
                }
            }
        }

        // desa → its single puskesmas (for puskesmas S)
        var desaPuskesmas: [String: String] = [:]
        for u in 0..<ctx.units.count where ctx.units.ids[u].level == .desa {
            let id = ctx.units.ids[u]
            desaPuskesmas[id.kabupaten + "\u{1F}" + id.kecamatan + "\u{1F}" + id.desa] = ctx.units.companion(u)
        }

        var t = Table(name: "skdn", columns: ctx.keyColumns + columns)
        for unit in ctx.units.sorted() {
            let id = ctx.units.ids[unit]
            for p in 0..<nm {
                guard let ub = cellBase(unit, p), cell[ub].k > 0 else { continue }
                let c = cell[ub]
                let month = ctx.months[p]
                var s: Int? = nil
                if !sasaran.isEmpty {
                    switch id.level {
                    case .posyandu: s = sasaran.posyandu(id.kabupaten, id.kecamatan, id.desa, id.posyandu, month)
                    case .desa: s = sasaran.desa(id.kabupaten, id.kecamatan, id.desa, month)
                    case .kecamatan: s = sasaran.sum(month) { kab, kec, _ in kab == id.kabupaten && kec == id.kecamatan }
                    case .kabupaten: s = sasaran.sum(month) { kab, _, _ in kab == id.kabupaten }
                    case .provinsi: s = sasaran.sum(month) { _, _, _ in true }
                    case .puskesmas:
                        s = sasaran.sum(month) { kab, kec, desa in
                            kab == id.kabupaten && desaPuskesmas[kab + "\u{1F}" + kec + "\u{1F}" + desa] == id.puskesmas
                        }
                    }
                }
                let dPrime = c.n + c.t
                var row = ctx.keyCells(unit: unit, period: p)
                row += [s.map(String.init) ?? "", String(c.k), String(c.d), String(c.n), String(c.t), String(c.o),
                        String(c.b), String(c.t2), String(c.bgm), c.d == c.n + c.t + c.o + c.b ? "ok" : "mismatch"]
                row += triple(c.d, c.k) + triple(c.n, c.d) + triple(c.n, dPrime)
                if let s {
                    row += triple(c.k, s) + triple(c.d, s) + triple(c.n, s)
                } else {
                    row += [String](repeating: "", count: 9)
                }
                row += triple(c.bgm, c.d)
                t.rows.append(row)
            }
        }
        return (t, bySexAge)
    }

    static func triple(_ n: Int, _ d: Int) -> [String] { [String(n), String(d), pct(n, d)] }
}
