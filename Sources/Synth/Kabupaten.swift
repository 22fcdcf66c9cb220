import TimbangCore

/// The fictional kabupaten: kecamatan → puskesmas → desa → posyandu.
struct Kabupaten {
    struct Kecamatan { var name: String; var code: Int }
    struct Puskesmas { var name: String; var kecamatan: Int }
    struct Desa {
        var name: String; var kecamatan: Int; var puskesmas: Int
        /// Desa-level shifts of the children's length-for-age and weight-for-length z tracks.
        var hazShift: Double; var whzShift: Double
    }
    struct Posyandu {
        var name: String; var desa: Int
        /// Day of the month the posyandu meets.
        var day: Int
        /// Weighing scale precision, kg (0.1 dacin, 0.05 digital).
        var scaleStep: Double
        /// Share of lengths the cadres round to 0.5 or 1 cm (digit heaping).
        var heaping: Double
        /// File name stem: `kecamatan_desa_posyandu` in lower-case slugs.
        var slug: String
        var kecamatan: Int
    }

    static let province = "JAWA TENGAH"
    static let name = "KAB. WANASARI"
    /// NIK region code (province 33, kabupaten 45: fictional).
    static let regionCode = 3345
    /// Regions of children registered elsewhere (Kota Semarang, Kab. Bogor, Kota Surabaya,
    /// Kab. Klaten, Kota Jakarta Pusat).
    static let otherRegions = [3374, 3201, 3578, 3310, 3171]

    var kecamatan: [Kecamatan] = []
    var puskesmas: [Puskesmas] = []
    var desa: [Desa] = []
    /// Sorted by file name (`slug`): the order files are written and numbered in.
    var posyandu: [Posyandu] = []
    /// Posyandu indices per kecamatan, in file order.
    var posyanduOfKecamatan: [[Int]] = []

    /// Builds a kabupaten with `kecamatanCount` kecamatan and about `posyanduCount` posyandu
    /// (about three per desa, at least two per kecamatan). The first desa of the second
    /// kecamatan takes the name of a desa in the first: desa names are not unique.
    init(seed: UInt64, kecamatanCount: Int, posyanduCount: Int) {
        var rng = Rng(seed: seed, .geography)
        var usedKec = Set<String>()
        let perKec = max(2, (posyanduCount + kecamatanCount - 1) / kecamatanCount)
        for k in 0..<kecamatanCount {
            let kname = Kabupaten.uniqueName(&rng, used: &usedKec)
            kecamatan.append(Kecamatan(name: kname, code: k + 1))
            let desaCount = max(1, (perKec + 2) / 3)
            let pkCount = desaCount > 8 ? 2 : 1
            let pk0 = puskesmas.count
            for p in 0..<pkCount {
                puskesmas.append(Puskesmas(name: pkCount == 1 ? kname : kname + (p == 0 ? " I" : " II"), kecamatan: k))
            }
            var usedDesa = Set<String>()
            let desa0 = desa.count
            for d in 0..<desaCount {
                var dname = Kabupaten.uniqueName(&rng, used: &usedDesa)
                if k == 1 && d == 0 {
                    // A desa name shared with the first kecamatan.
                    dname = desa[0].name
                    usedDesa.insert(dname)
                }
                desa.append(Desa(name: dname, kecamatan: k, puskesmas: pk0 + (d * pkCount) / desaCount,
                                 hazShift: 0.28 * max(-2, min(2, rng.normal())),
                                 whzShift: 0.2 * max(-2, min(2, rng.normal()))))
            }
            for p in 0..<perKec {
                let d = desa0 + p % desaCount
                let nth = p / desaCount
                let base = Names.posyanduNames[(p * 7 + k * 3) % Names.posyanduNames.count]
                let pname = nth == 0 ? base : base + " " + String(nth + 1)
                let slug = Kabupaten.slug(kname) + "_" + Kabupaten.slug(desa[d].name) + "_" + Kabupaten.slug(pname)
                posyandu.append(Posyandu(name: pname, desa: d, day: rng.int(in: 3...25),
                                         scaleStep: rng.chance(0.3) ? 0.05 : 0.1,
                                         heaping: 0.05 + 0.45 * rng.uniform() * rng.uniform(),
                                         slug: slug, kecamatan: k))
            }
        }
        posyandu.sort { $0.slug.utf8.lexicographicallyPrecedes($1.slug.utf8) }
        posyanduOfKecamatan = Array(repeating: [], count: kecamatanCount)
        for (i, p) in posyandu.enumerated() { posyanduOfKecamatan[p.kecamatan].append(i) }
    }

    static func uniqueName(_ rng: inout Rng, used: inout Set<String>) -> String {
        for attempt in 0..<1000 {
            var n = rng.pick(Names.placeStems) + rng.pick(Names.placeEnds)
            if attempt > 200 { n += " " + String(attempt / 200 + 1) }
            if used.insert(n).inserted { return n }
        }
        fatalError("unreachable: name space exhausted")
    }

    /// Lower-case ASCII slug: letters and digits, `-` for anything else.
    static func slug(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case 65...90: out.unicodeScalars.append(Unicode.Scalar(b + 32))
            case 97...122, 48...57: out.unicodeScalars.append(Unicode.Scalar(b))
            default: if !out.hasSuffix("-") { out.append("-") }
            }
        }
        return out
    }
}
