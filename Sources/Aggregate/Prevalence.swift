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

/// Builds `prevalence`, `categories` and `categories_sex_age`.
///
/// Breadth by level (so that a district's tables stay a usable size):
/// - `prevalence`: every sex × age group row at kabupaten, kecamatan and puskesmas; desa and
///   posyandu rows only for sex `all`, age group `all`;
/// - `categories`: kabupaten down to desa (no posyandu rows), every Permenkes category of an
///   indicator listed (zero counts included) wherever the indicator has a denominator;
/// - `categories_sex_age`: kabupaten, kecamatan and puskesmas, non-zero counts only.
///
/// Counted child-months are summed first per (distinct unit key, period, sex, age group),
/// rolled up within the key into the `all` sex/age cells, then added into every unit of the
/// key (the sex × age cells only into units of the levels that show them).
enum PrevalenceBuilder {
    static let indicators: [PermenkesIndex] = [.bbu, .tbu, .bbtb, .imtu]

    /// Whether a level's rows are broken down by sex and age group.
    static func showsSexAge(_ level: Level) -> Bool { level <= .puskesmas }

    /// Adds the counted child-months of the months (not `latest`: `build` adds it from the
    /// cube's latest facts) into the cube's sums per (key, month, sex, age).
    static func accumulate(_ ctx: Context, into cube: inout AggregateCube) {
        let width = cube.categoryWidth, cw = 4 * width
        for cm in ctx.counted {
            let r = ctx.facts[cm.record]
            let pair = cube.slot(Int(ctx.recordKey[cm.record]), cm.period)
            let b = (pair * 3 + (r.sex?.rawValue ?? 0)) * 7 + (Aggregate.ageGroup(r.ageMonths) ?? 0)
            cube.prevalence[b].add(r)
            addCategories(r, cube: &cube.categories, at: b * cw, width: width)
        }
    }

    @inline(__always) static func addCategories(_ r: Facts, cube: inout [Int32], at cb: Int, width: Int) {
        if r.cat.0 >= 0 { cube[cb + Int(r.cat.0)] += 1 }
        if r.cat.1 >= 0 { cube[cb + width + Int(r.cat.1)] += 1 }
        if r.cat.2 >= 0 { cube[cb + 2 * width + Int(r.cat.2)] += 1 }
        if r.cat.3 >= 0 { cube[cb + 3 * width + Int(r.cat.3)] += 1 }
    }

    static func build(_ ctx: Frame) -> (prevalence: Table, categories: Table, categoriesBySexAge: Table) {
        let cube = ctx.cube
        let p1 = ctx.periodCount, latest = ctx.months.count
        let groups = AggregateCube.prevalenceGroups
        let codes = cube.codes.codes
        let labels = (0..<4).map { k in codes[k].indices.map { cube.codes.label(k, $0) } }
        let width = cube.categoryWidth
        let cw = 4 * width

        // 1. `latest`'s sums per (key, sex slot, age slot), from the cube's latest facts; the
        //    months' sums are read from the cube itself (a copy of it with `latest` beside the
        //    months was the largest array of a merge)
        let nKeys = ctx.keyUnits.count
        var latestSums = [PrevalenceSums](repeating: PrevalenceSums(), count: nKeys * groups)
        var latestCat = [Int32](repeating: 0, count: nKeys * groups * cw)
        for l in cube.latest {
            let r = l.facts
            let b = (Int(l.key) * 3 + (r.sex?.rawValue ?? 0)) * 7 + (Aggregate.ageGroup(r.ageMonths) ?? 0)
            latestSums[b].add(r)
            addCategories(r, cube: &latestCat, at: b * cw, width: width)
        }

        // 2. roll up within each key into the all-sex / all-age cells, then into the units
        let nUnits = ctx.units.count
        let sexAgeUnit = (0..<nUnits).map { showsSexAge(ctx.units.ids[$0].level) }
        // cells of unit u, period p, group g at unitBase[u] + p × slots + g (slots 21 or 1)
        var unitBase = [Int](repeating: 0, count: nUnits + 1)
        for u in 0..<nUnits { unitBase[u + 1] = unitBase[u] + p1 * (sexAgeUnit[u] ? groups : 1) }
        func cellIndex(_ unit: Int, _ period: Int, _ group: Int) -> Int {
            unitBase[unit] + period * (sexAgeUnit[unit] ? groups : 1) + group
        }
        var cell = [PrevalenceSums](repeating: PrevalenceSums(), count: unitBase[nUnits])
        var catCell = [Int32](repeating: 0, count: unitBase[nUnits] * cw)
        var local = [PrevalenceSums](repeating: PrevalenceSums(), count: groups)
        var localCat = [Int32](repeating: 0, count: groups * cw)
        for key in 0..<nKeys {
            for period in 0..<p1 {
                // the (key, period) cells: a month's in the cube, `latest`'s in latestSums
                // (arrays are shared, not copied, by these assignments)
                let isLatest = period == latest
                let (sums, cats) = isLatest ? (latestSums, latestCat) : (cube.prevalence, cube.categories)
                guard let pair = isLatest ? key : cube.pair(key, period) else { continue }
                let base = pair * groups
                for x in 0..<groups { local[x] = PrevalenceSums() }
                for x in localCat.indices { localCat[x] = 0 }
                var any = false
                for s in 0..<3 {
                    for a in 0..<7 {
                        let b = base + s * 7 + a
                        guard sums[b].children > 0 else { continue }
                        any = true
                        for so in s == 0 ? [0] : [0, s] {
                            for ao in a == 0 ? [0] : [0, a] {
                                let c = so * 7 + ao
                                local[c].merge(sums[b])
                                for x in 0..<cw { localCat[c * cw + x] += cats[b * cw + x] }
                            }
                        }
                    }
                }
                guard any else { continue }
                for unit in ctx.keyUnits[key] {
                    let ub = cellIndex(unit, period, 0)
                    for c in 0..<(sexAgeUnit[unit] ? groups : 1) where local[c].children > 0 {
                        cell[ub + c].merge(local[c])
                        for x in 0..<cw { catCell[(ub + c) * cw + x] += localCat[c * cw + x] }
                    }
                }
            }
        }

        // 3. rows
        let prevColumns = ctx.keyColumns + ["sex", "age_group", "children_n"]
            + ["stunting", "severe_stunting", "wasting", "severe_wasting", "underweight", "severe_underweight", "overweight"]
                .flatMap { [$0 + "_n", $0 + "_d", $0 + "_pct"] }
            + ["haz_d", "haz_mean", "haz_sd", "waz_d", "waz_mean", "waz_sd", "whz_d", "whz_mean", "whz_sd"]
        var prevalence = Table(name: "prevalence", columns: prevColumns)
        let catColumns = ["indicator", "category", "label", "count_n", "total_d", "count_pct"]
        var categories = Table(name: "categories", columns: ctx.keyColumns + catColumns)
        var bySexAge = Table(name: "categories_sex_age", columns: ctx.keyColumns + ["sex", "age_group"] + catColumns)
        let codeOrder = codes.map { list in list.indices.sorted { list[$0].utf8.lexicographicallyPrecedes(list[$1].utf8) } }
        for unit in ctx.units.sorted() {
            let level = ctx.units.ids[unit].level
            let sexAge = sexAgeUnit[unit], withCategories = level < .posyandu
            for period in 0..<p1 {
                let base = cellIndex(unit, period, 0)
                guard cell[base].children > 0 else { continue }
                let keys = ctx.keyCells(unit: unit, period: period)
                for s in 0..<(sexAge ? 3 : 1) {
                    for a in 0..<(sexAge ? 7 : 1) {
                        let c = base + s * 7 + a
                        prevalence.rows.append(keys + [Aggregate.sexes[s], Aggregate.ageGroups[a]] + cell[c].cells)
                        guard withCategories else { continue }
                        for k in 0..<4 {
                            let counts = (0..<width).map { Int(catCell[(c * 4 + k) * width + $0]) }
                            let total = counts.reduce(0, +)
                            guard total > 0 else { continue }
                            for j in codeOrder[k] {
                                let row = [indicators[k].rawValue, codes[k][j], labels[k][j], String(counts[j]), String(total), pct(counts[j], total)]
                                if s == 0 && a == 0 {
                                    categories.rows.append(keys + row)
                                } else if counts[j] > 0 {
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
