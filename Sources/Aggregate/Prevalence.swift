import TimbangCore
import Monitor

/// Sums for prevalence over a group of counted child-months.
struct PrevalenceSums {
    var children = 0
    var hazDen = 0, stunting = 0, severeStunting = 0
    var wazDen = 0, underweight = 0, severeUnderweight = 0
    var whzDen = 0, wasting = 0, severeWasting = 0, overweight = 0
    var haz = ZSum(), waz = ZSum(), whz = ZSum()

    /// Adds one counted measurement. WHO-flagged z-scores are left out of their indicator;
    /// oedema counts as < −3 for WAZ and WHZ (in the denominator, not in the mean), as WHO
    /// anthro's prevalence does; a child without height counts for WAZ only.
    mutating func add(_ r: Facts) {
        children += 1
        if let z = usableZ(r.zlen, r.flen) {
            hazDen += 1; haz.add(z)
            if z < -2 { stunting += 1 }
            if z < -3 { severeStunting += 1 }
        }
        if r.oedema {
            wazDen += 1; underweight += 1; severeUnderweight += 1
            whzDen += 1; wasting += 1; severeWasting += 1
            return
        }
        if let z = usableZ(r.zwei, r.fwei) {
            wazDen += 1; waz.add(z)
            if z < -2 { underweight += 1 }
            if z < -3 { severeUnderweight += 1 }
        }
        if let z = usableZ(r.zwfl, r.fwfl) {
            whzDen += 1; whz.add(z)
            if z < -2 { wasting += 1 }
            if z < -3 { severeWasting += 1 }
            if z > 2 { overweight += 1 }
        }
    }

    mutating func merge(_ o: PrevalenceSums) {
        children += o.children
        hazDen += o.hazDen; stunting += o.stunting; severeStunting += o.severeStunting
        wazDen += o.wazDen; underweight += o.underweight; severeUnderweight += o.severeUnderweight
        whzDen += o.whzDen; wasting += o.wasting; severeWasting += o.severeWasting; overweight += o.overweight
        haz.merge(o.haz); waz.merge(o.waz); whz.merge(o.whz)
    }

    var cells: [String] {
        var out = [String(children)]
        for (n, d) in [(stunting, hazDen), (severeStunting, hazDen), (wasting, whzDen), (severeWasting, whzDen),
                       (underweight, wazDen), (severeUnderweight, wazDen), (overweight, whzDen)] {
            out += [String(n), String(d), pct(n, d)]
        }
        for z in [haz, waz, whz] { out += [String(z.n), fmt2(z.mean), fmt2(z.sd)] }
        return out
    }
}

/// Count, mean and sample SD of z-scores.
struct ZSum {
    var n = 0
    var s1 = 0.0, s2 = 0.0
    @inline(__always) mutating func add(_ z: Double) { n += 1; s1 += z; s2 += z * z }
    mutating func merge(_ o: ZSum) { n += o.n; s1 += o.s1; s2 += o.s2 }
    var mean: Double? { n > 0 ? s1 / Double(n) : nil }
    var sd: Double? {
        guard n >= 2 else { return nil }
        let m = s1 / Double(n)
        return max(0, (s2 - Double(n) * m * m) / Double(n - 1)).squareRoot()
    }
}

/// Builds `prevalence`, `categories` and `categories_sex_age` (kabupaten, kecamatan and
/// puskesmas rows only).
///
/// Counted child-months are summed first per (distinct unit key, period, sex, age group),
/// then rolled up into every unit of the key and into the `all` sex/age rows.
enum PrevalenceBuilder {
    static let indicators: [PermenkesIndex] = [.bbu, .tbu, .bbtb, .imtu]

    static func build(_ ctx: Context) -> (prevalence: Table, categories: Table, categoriesBySexAge: Table) {
        let facts = ctx.facts
        let p1 = ctx.periodCount, latest = ctx.months.count
        let groups = 21
        let codes = ctx.codes.codes
        let labels = (0..<4).map { k in codes[k].indices.map { ctx.codes.label(k, $0) } }
        let width = max(1, codes.map(\.count).max() ?? 1)

        // 1. sums per (key, period, sex slot, age slot)
        let nKeys = ctx.keyUnits.count
        var bucket = [PrevalenceSums](repeating: PrevalenceSums(), count: nKeys * p1 * groups)
        var catBucket = [Int32](repeating: 0, count: nKeys * p1 * groups * 4 * width)
        for cm in ctx.counted {
            let r = facts[cm.record]
            let sexSlot = r.sex?.rawValue ?? 0
            let ageSlot = Aggregate.ageGroup(r.ageMonths) ?? 0
            let key = Int(ctx.recordKey[cm.record])
            for period in cm.isLatest ? [cm.period, latest] : [cm.period] {
                let b = ((key * p1 + period) * 3 + sexSlot) * 7 + ageSlot
                bucket[b].add(r)
                for k in 0..<4 {
                    let j = r.cat(k)
                    if j >= 0 { catBucket[(b * 4 + k) * width + j] += 1 }
                }
            }
        }

        // 2. roll up into units and the all-sex / all-age rows
        let nUnits = ctx.units.count
        var cell = [PrevalenceSums](repeating: PrevalenceSums(), count: nUnits * p1 * groups)
        var catCell = [Int32](repeating: 0, count: nUnits * p1 * groups * 4 * width)
        for key in 0..<nKeys {
            for period in 0..<p1 {
                for s in 0..<3 {
                    for a in 0..<7 {
                        let b = ((key * p1 + period) * 3 + s) * 7 + a
                        guard bucket[b].children > 0 else { continue }
                        for unit in ctx.keyUnits[key] {
                            for so in s == 0 ? [0] : [0, s] {
                                for ao in a == 0 ? [0] : [0, a] {
                                    let c = ((unit * p1 + period) * 3 + so) * 7 + ao
                                    cell[c].merge(bucket[b])
                                    let cb = c * 4 * width, bb = b * 4 * width
                                    for x in 0..<(4 * width) { catCell[cb + x] += catBucket[bb + x] }
                                }
                            }
                        }
                    }
                }
            }
        }

        // 3. rows
        let prevColumns = Aggregate.keyColumns + ["sex", "age_group", "children_n"]
            + ["stunting", "severe_stunting", "wasting", "severe_wasting", "underweight", "severe_underweight", "overweight"]
                .flatMap { [$0 + "_n", $0 + "_d", $0 + "_pct"] }
            + ["haz_d", "haz_mean", "haz_sd", "waz_d", "waz_mean", "waz_sd", "whz_d", "whz_mean", "whz_sd"]
        var prevalence = Table(name: "prevalence", columns: prevColumns)
        let catColumns = ["indicator", "category", "label", "count_n", "total_d", "count_pct"]
        var categories = Table(name: "categories", columns: Aggregate.keyColumns + catColumns)
        var bySexAge = Table(name: "categories_sex_age", columns: Aggregate.keyColumns + ["sex", "age_group"] + catColumns)
        let codeOrder = codes.map { list in list.indices.sorted { list[$0].utf8.lexicographicallyPrecedes(list[$1].utf8) } }
        for unit in ctx.units.sorted() {
            for period in 0..<p1 {
                let base = (unit * p1 + period) * groups
                guard cell[base].children > 0 else { continue }
                let keys = ctx.keyCells(unit: unit, period: period)
                let bySexAgeLevels = ctx.units.ids[unit].level <= .puskesmas
                for s in 0..<3 {
                    for a in 0..<7 {
                        let c = base + s * 7 + a
                        prevalence.rows.append(keys + [Aggregate.sexes[s], Aggregate.ageGroups[a]] + cell[c].cells)
                        for k in 0..<4 {
                            let counts = (0..<width).map { Int(catCell[(c * 4 + k) * width + $0]) }
                            let total = counts.reduce(0, +)
                            guard total > 0 else { continue }
                            for j in codeOrder[k] {
                                let row = [indicators[k].rawValue, codes[k][j], labels[k][j], String(counts[j]), String(total), pct(counts[j], total)]
                                if s == 0 && a == 0 {
                                    categories.rows.append(keys + row)
                                } else if counts[j] > 0 && bySexAgeLevels {
                                    bySexAge.rows.append(keys + [Aggregate.sexes[s], Aggregate.ageGroups[a]] + row)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (prevalence, categories, bySexAge)
    }
}
