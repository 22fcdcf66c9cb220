import TimbangCore
import Growth

/// Which planted items are still owed when messiness > 0: each is forced onto the first
/// record or file that can carry it.
struct Forcing {
    var defects: [Defect]
    var variants: [Variants]
    var inFileDuplicate = true
    var doubleEntry = true
    var headerOnly = true
    var truncated = true
    var formats: [String]
    /// Date styles 1...7, then `pebruari`, `nopember`, `agt` (as 100, 101, 102).
    var dateTokens: [Int]

    init(on: Bool) {
        defects = on ? Defect.drawn : []
        variants = on ? Variants.all.map(\.0) : []
        formats = on ? FileFormat.forced.map(\.0) : []
        dateTokens = on ? Array(1...7) + [100, 101, 102] : []
        if !on { inFileDuplicate = false; doubleEntry = false; headerOnly = false; truncated = false }
    }
}

/// Per child, what its latest valid record says (for the truth prevalence).
struct Latest {
    var day: Int32 = Int32.min
    var posyandu: Int32 = -1
    /// bit 0 HAZ scored, 1 stunted, 2 WHZ scored, 3 wasted, 4 WAZ scored, 5 underweight.
    var mask: UInt8 = 0
}

struct Generator {
    let settings: SynthSettings
    let seed: UInt64
    let x: Double
    let dataDir: String
    let truthDir: String
    let kabupaten: Kabupaten
    let population: Population
    let anthro: Anthropometry
    let first: Day
    let last: Day
    var forcing: Forcing
    var latest: [Latest]
    var summary = SynthSummary()
    var childRecords: [Int32]

    init(settings: SynthSettings, standards: GrowthStandards, dataDir: String, truthDir: String) {
        self.settings = settings
        seed = settings.seed
        x = settings.messiness
        self.dataDir = dataDir
        self.truthDir = truthDir
        first = Day(year: settings.start.year, month: settings.start.month, day: 1)!
        let lastYM = YearMonth(index: settings.start.index + settings.months - 1)
        last = Day(year: lastYM.year, month: lastYM.month, day: Day.daysInMonth(year: lastYM.year, month: lastYM.month))!
        let n = settings.childCount
        let k = settings.kecamatanCount
        kabupaten = Kabupaten(seed: seed, kecamatanCount: k, posyanduCount: max(2 * k, n / 70))
        population = Population(seed: seed, count: n, kabupaten: kabupaten, months: settings.months, first: first, last: last)
        anthro = Anthropometry(standards: standards)
        forcing = Forcing(on: x > 0)
        if settings.format == .xlsx { forcing.formats.removeAll { FileFormat.textOnly.contains($0) } }
        latest = Array(repeating: Latest(), count: n)
        childRecords = Array(repeating: 0, count: n)
    }

    static let recordColumns = [
        "file", "record", "fate", "reason", "measure_note", "duplicate_of", "child_id", "defect", "variants",
        "nik", "name", "sex", "birth_date", "measure_date", "age_days", "weight_kg", "height_cm",
        "measure", "muac_cm", "kecamatan", "puskesmas", "desa", "posyandu", "zlen", "zwei", "zwfl",
    ]
    static let fileColumns = ["file", "month", "kecamatan", "puskesmas", "desa", "posyandu", "records", "format"]

    mutating func run() throws -> SynthSummary {
        let records = try StreamFile(path: truthDir + "/records.csv")
        let files = try StreamFile(path: truthDir + "/files.csv")
        var head: [UInt8] = []
        appendCSVRow(Generator.recordColumns, to: &head)
        try records.append(head)
        head.removeAll()
        appendCSVRow(Generator.fileColumns, to: &head)
        try files.append(head)

        for m in 0..<settings.months {
            let ym = YearMonth(index: settings.start.index + m)
            var buckets = [[Int32]](repeating: [], count: kabupaten.posyandu.count)
            for i in 0..<population.children.count where visit(i, month: m, ym: ym) != nil {
                buckets[population.children[i].posyandu(month: m)].append(Int32(i))
            }
            // Kecamatan in the byte order of their file names, so the truth follows the
            // ingest order (file name, then record).
            let order = kabupaten.kecamatan.indices.sorted {
                (Kabupaten.slug(kabupaten.kecamatan[$0].name) + "_").utf8
                    .lexicographicallyPrecedes((Kabupaten.slug(kabupaten.kecamatan[$1].name) + "_").utf8)
            }
            for k in order {
                try unit(kecamatan: k, month: m, ym: ym, buckets: buckets, records: records, files: files)
            }
        }
        try records.close()
        try files.close()
        try writeChildren()
        try writePrevalence()
        summary.children = population.children.count
        summary.asOf = last
        try writeManifest()
        return summary
    }

    /// The day child `i` comes to its posyandu in month `m`, or nil (not born, aged out, absent).
    /// Attendance falls with age (about 90 % of infants, half of 4-year-olds).
    func visit(_ i: Int, month m: Int, ym: YearMonth) -> Day? {
        let c = population.children[i]
        let p = kabupaten.posyandu[c.posyandu(month: m)]
        var rng = Rng(seed: seed, .visit, i, m)
        let dim = Day.daysInMonth(year: ym.year, month: ym.month)
        var day = p.day
        if rng.chance(0.15) { day = min(dim, day + rng.int(in: 1...7)) }
        let date = Day(year: ym.year, month: ym.month, day: day)!
        let age = date - c.birth
        guard age >= 1, age < 1820 else { return nil }
        let months = Double(age) / 30.4375
        let base = months < 12 ? 0.92 : months < 24 ? 0.82 : months < 36 ? 0.68 : months < 48 ? 0.58 : 0.5
        return rng.chance(base * Double(c.attendance)) ? date : nil
    }

    /// The clean record of child `i` at `date`, with randomly planted defects and variants.
    func measure(_ i: Int, posyandu: Int, date: Day, month m: Int) -> Row {
        let c = population.children[i]
        let p = kabupaten.posyandu[posyandu]
        var rng = Rng(seed: seed, .measure, i, m)
        let age = date - c.birth
        // Child-level z tracks: length-for-age falters over the first two years.
        let falter = Double(c.falter) * Double(min(age, 730)) / 730
        let zl = min(4, max(-5, Double(c.hazBirth) - falter + 0.12 * rng.normal()))
        var zw = Double(c.whzBase) + 0.25 * rng.normal()
        if rng.chance(0.03) { zw -= 1.3 }   // a wasting episode (illness)
        zw = min(4, max(-4.5, zw))
        let body = anthro.body(sex: c.sex, ageDays: age, zlen: zl, zwfl: zw)
        var len = body.length + 0.35 * rng.normal()
        var method: Measure = age < 731 ? .lying : .standing
        if rng.chance(0.05) {
            // The other position than the age calls for (WHO: ±0.7 cm).
            if age < 731 { len -= 0.7; method = .standing } else { len += 0.7; method = .lying }
        }
        let height: Double
        if rng.chance(p.heaping) {
            height = rng.chance(0.6) ? (len * 2).rounded() / 2 : len.rounded()
        } else {
            height = roundHalfAway(len, decimals: 1)
        }
        let w = body.weight + 0.04 * rng.normal()
        let weight: Double
        if rng.chance(p.heaping / 4) { weight = max(0.5, (w * 2).rounded() / 2) }
        else { weight = max(0.5, roundHalfAway((w / p.scaleStep).rounded() * p.scaleStep, decimals: 2)) }
        var muac: Double?
        if age >= 183 && rng.chance(0.35), let a = anthro.muac(sex: c.sex, ageDays: age, zac: 0.7 * zw + 0.5 * rng.normal()) {
            muac = roundHalfAway(a, decimals: 1)
        }
        var row = Row(child: Int32(i), posyandu: Int32(posyandu), date: date, ageDays: Int32(age),
                      weight: weight, height: height, measure: method, muac: muac,
                      nikKnown: c.nikKnown(ageDays: age), bits: rng.next())
        if x > 0 {
            var d = Rng(seed: seed, .defect, i, m)
            for (v, _, rate) in Variants.all where d.chance(min(0.9, rate * x)) && Variants.fits(v, row, c) {
                row.variants.insert(v)
            }
            if row.variants.contains(.heightMissing) { row.height = nil }
            var u = d.uniform()
            for defect in Defect.drawn {
                let r = min(0.05, defect.rate * x)
                if u < r { if defect.fits(row) { plant(defect, in: &row) }; break }
                u -= r
            }
        }
        score(&row)
        return row
    }

    func plant(_ d: Defect, in row: inout Row) {
        row.defect = d
        row.variants.remove([.birthDayMonthSwapped, .nikTypo, .nikPlaceholder])
    }

    /// Truth z-scores of the clean values.
    func score(_ row: inout Row) {
        let c = population.children[Int(row.child)]
        let s = anthro.scores(sex: c.sex, ageDays: Int(row.ageDays), weight: row.weight, height: row.height, measure: row.measure)
        row.zlen = s.flen ? nil : s.zlen
        row.zwei = s.fwei ? nil : s.zwei
        row.zwfl = s.fwfl ? nil : s.zwfl
    }
}
