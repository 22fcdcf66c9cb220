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
    static let columns = Aggregate.keyColumns + [
        "s_n", "k_n", "d_n", "n_n", "t_n", "o_n", "b_n", "t2_n", "bgm_n", "d_check",
        "dk_n", "dk_d", "dk_pct", "nd_n", "nd_d", "nd_pct", "ndprime_n", "ndprime_d", "ndprime_pct",
        "ks_n", "ks_d", "ks_pct", "ds_n", "ds_d", "ds_pct", "ns_n", "ns_d", "ns_pct",
        // added beyond the contract:
        "bgmd_n", "bgmd_d", "bgmd_pct",
    ]

    static func build(_ ctx: Context, sasaran: SasaranLookup) -> Table {
        let nm = ctx.months.count
        let nKeys = ctx.keyUnits.count
        var bucket = [SKDNSums](repeating: SKDNSums(), count: nKeys * max(nm, 1))
        let counted = ctx.counted
        var start = 0
        while start < counted.count {
            var end = start + 1
            while end < counted.count && counted[end].childKey == counted[start].childKey { end += 1 }
            // D, N, T, O, B, 2T, BGM
            for cm in counted[start..<end] {
                let i = Int(ctx.recordKey[cm.record]) * nm + cm.period
                guard let g = cm.growth else { continue }
                bucket[i].d += 1
                switch g {
                case .n: bucket[i].n += 1
                case .t: bucket[i].t += 1
                case .o: bucket[i].o += 1
                case .b: bucket[i].b += 1
                }
                if cm.t2 { bucket[i].t2 += 1 }
                if cm.bgm { bucket[i].bgm += 1 }
            }
            // K
            let birth = ctx.facts[counted[end - 1].record].birthMonth
            var j = start
            for p in counted[start].period..<nm {
                while j + 1 < end && counted[j + 1].period <= p { j += 1 }
                let here = counted[j].period == p
                guard here || (birth.map { $0 + 60 > ctx.months[p].index } ?? false) else { continue }
                bucket[Int(ctx.recordKey[counted[j].record]) * nm + p].k += 1
            }
            start = end
        }

        var cell = [SKDNSums](repeating: SKDNSums(), count: ctx.units.count * max(nm, 1))
        for key in 0..<nKeys {
            for p in 0..<nm where bucket[key * nm + p].k > 0 {
                for unit in ctx.keyUnits[key] { cell[unit * nm + p].merge(bucket[key * nm + p]) }
            }
        }

        // desa → its single puskesmas (for puskesmas S)
        var desaPuskesmas: [String: String] = [:]
        for u in 0..<ctx.units.count where ctx.units.ids[u].level == .desa {
            let id = ctx.units.ids[u]
            desaPuskesmas[id.kecamatan + "\u{1F}" + id.desa] = ctx.units.companion(u)
        }

        var t = Table(name: "skdn", columns: columns)
        for unit in ctx.units.sorted() {
            let id = ctx.units.ids[unit]
            for p in 0..<nm {
                let c = cell[unit * nm + p]
                guard c.k > 0 else { continue }
                let month = ctx.months[p]
                var s: Int? = nil
                if !sasaran.isEmpty {
                    switch id.level {
                    case .posyandu: s = sasaran.posyandu(id.kecamatan, id.desa, id.posyandu, month)
                    case .desa: s = sasaran.desa(id.kecamatan, id.desa, month)
                    case .kecamatan: s = sasaran.sum(month) { kec, _ in kec == id.kecamatan }
                    case .kabupaten: s = sasaran.sum(month) { _, _ in true }
                    case .puskesmas: s = sasaran.sum(month) { kec, desa in desaPuskesmas[kec + "\u{1F}" + desa] == id.puskesmas }
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
        return t
    }

    static func triple(_ n: Int, _ d: Int) -> [String] { [String(n), String(d), pct(n, d)] }
}
