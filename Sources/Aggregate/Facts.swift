import TimbangCore
import Monitor

/// What the aggregate builders need of one record, read once (a `Record` holds some fifty
/// strings; copying it per use costs more than the arithmetic).
struct Facts: Sendable {
    var status: Status
    var sex: Sex?
    var oedema: Bool
    var ageMonths: Int?
    /// `YearMonth.index` of the measurement date and of the (reconciled) birth date.
    var measureMonth: Int?
    var birthMonth: Int?
    var zlen: Double?, zwei: Double?, zwfl: Double?, zbmi: Double?
    var flen: Bool?, fwei: Bool?, fwfl: Bool?, fbmi: Bool?
    /// Index of the category code per indicator (bbu, tbu, bbtb, imtu), −1 without a code.
    var cat: (Int16, Int16, Int16, Int16) = (-1, -1, -1, -1)
    /// Index in `QualityBuilder.reasons` (invalid records), −1 otherwise.
    var reason: Int16 = -1
    var nikMissing = false, nikInvalid = false
    var sexMissing = false, birthMissing = false, weightMissing = false, heightMissing = false
    /// Terminal digit of weight and height (valid records), −1 without a value.
    var weightDigit: Int8 = -1, heightDigit: Int8 = -1
    /// Source comparison (valid records): bit 2k = compared, bit 2k+1 = disagrees, for
    /// k = z wei, z len, z wfl, category wei, len, wfl.
    var source: UInt16 = 0

    func cat(_ k: Int) -> Int {
        switch k { case 0: return Int(cat.0); case 1: return Int(cat.1); case 2: return Int(cat.2); default: return Int(cat.3) }
    }

    func z(_ k: Int) -> Double? {
        switch k { case 0: return zwei; case 1: return zlen; case 2: return zwfl; default: return zbmi }
    }
}

/// The band of each category label a dump writes (BB/U, TB/U, BB/TB), worked out once per
/// spelling: a dump repeats a handful of spellings a million times.
struct SourceBands {
    private var cache: [PermenkesIndex: [String: Int]] = [:]

    mutating func band(_ index: PermenkesIndex, _ label: String) -> Int? {
        if let b = cache[index]?[label] { return b < 0 ? nil : b }
        let b = index.band(sourceLabel: label)
        cache[index, default: [:]][label] = b ?? -1
        return b
    }
}

/// Category codes of the four indicators, each with its Permenkes label.
struct CategoryCodes: Sendable {
    var index = [[String: Int16]](repeating: [:], count: 4)
    var codes = [[String]](repeating: [], count: 4)
    /// Band counts per code (for the label of a code Permenkes 2/2020 does not define: the most
    /// frequent band of the code's z-scores).
    var bands = [[[Int]]](repeating: [], count: 4)

    /// Every category of the regulation is always present (zero counts included), so that the
    /// tables have the same rows whatever the data holds and two runs can be compared row by row.
    init() {
        for (k, index) in [Permenkes2020.Index.bbu, .tbu, .bbtb, .imtu].enumerated() {
            for c in Permenkes2020.categories[index] ?? [] { _ = add(k, c.code, z: nil) }
        }
    }

    mutating func add(_ k: Int, _ code: String, z: Double?) -> Int16 {
        guard !code.isEmpty else { return -1 }
        let j: Int16
        if let e = index[k][code] { j = e } else {
            j = Int16(codes[k].count); index[k][code] = j; codes[k].append(code)
            bands[k].append([Int](repeating: 0, count: 6))
        }
        if let z { bands[k][Int(j)][PrevalenceBuilder.indicators[k].band(z: z)] += 1 }
        return j
    }

    /// The label of the band most of the code's z-scores fall in (ties: the lower band).
    func label(_ k: Int, _ j: Int) -> String {
        if let known = Permenkes2020.category(code: codes[k][j]) { return known.label }
        let counts = bands[k][j]
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }),
              counts[best] > 0 else { return "" }
        return PrevalenceBuilder.indicators[k].label(band: best)
    }
}

extension Facts {
    /// Facts with nothing known but the status (a cube's latest facts are filled in from it).
    init(status: Status) { self.init(status: status, oedema: false) }

    /// The facts of record `i`. A category code of Permenkes 2/2020 gets its fixed index from
    /// `known`; any other code is left at −2 for `numberOtherCategories`, which numbers such
    /// codes in record order.
    init(_ records: [Record], _ i: Int, known: CategoryCodes, sourceBands: inout SourceBands,
         reasonIndex: [String: Int], tolerance: Double) {
        status = records[i].status
        sex = records[i].sex
        oedema = records[i].oedema == true
        // the fields, not the record: passing `records[i]` to another module copies it
        ageMonths = Monitor.ageMonths(ageDays: records[i].ageDays, birth: records[i].effectiveBirthDate,
                                      measured: records[i].measureDate)
        measureMonth = records[i].measureDate?.yearMonth.index
        birthMonth = records[i].effectiveBirthDate?.yearMonth.index
        zlen = records[i].zlen; zwei = records[i].zwei; zwfl = records[i].zwfl; zbmi = records[i].zbmi
        flen = records[i].flen; fwei = records[i].fwei; fwfl = records[i].fwfl; fbmi = records[i].fbmi
        if status == .invalid { reason = Int16(reasonIndex[records[i].reason] ?? reasonIndex["OTHER"]!) }
        let nik = records[i].nik
        if nik.isEmpty { nikMissing = true } else {
            nikInvalid = !QualityBuilder.isValidNIKShape(nik) || records[i].reason == Reason.nikInvalid.rawValue
                || (!records[i].notes.isEmpty && records[i].notes.contains(Reason.nikInvalid.rawValue))
        }
        sexMissing = records[i].sexRaw.isEmpty
        birthMissing = records[i].birthDateRaw.isEmpty
        weightMissing = records[i].weightRaw.isEmpty
        heightMissing = records[i].heightRaw.isEmpty
        guard status == .valid else { return }
        // a WHO-flagged z leaves its category out too, so the categories add up to the
        // prevalence denominators (oedema: growth's lowest category, as prevalence counts it)
        func code(_ k: Int, _ text: String, _ flag: Bool?) -> Int16 {
            if flag == true || text.isEmpty { return -1 }
            return known.index[k][text] ?? -2
        }
        cat = (code(0, records[i].catWei, fwei), code(1, records[i].catLen, flen),
               code(2, records[i].catWfl, fwfl), code(3, records[i].catBmi, fbmi))
        if let w = records[i].weightKg { weightDigit = Int8(terminalDigit(w)) }
        if let h = records[i].heightCm { heightDigit = Int8(terminalDigit(h)) }
        var bits: UInt16 = 0
        func mark(_ k: Int, _ result: Bool?) {
            guard let result else { return }
            bits |= 1 << (2 * k)
            if result { bits |= 1 << (2 * k + 1) }
        }
        func zDiffers(_ src: String, _ category: String, _ index: Permenkes2020.Index, _ mine: Double?) -> Bool? {
            Aggregate.sourceZDiffers(src, category: category, index: index, mine: mine, tolerance: tolerance)
        }
        func catDiffers(_ src: String, _ index: PermenkesIndex, _ mine: Double?, _ flag: Bool?) -> Bool? {
            guard !src.isEmpty, let s = sourceBands.band(index, src), let m = usableZ(mine, flag) else { return nil }
            return s != index.band(z: m)
        }
        mark(0, zDiffers(records[i].sourceZWei, records[i].sourceCatWei, .bbu, zwei))
        mark(1, zDiffers(records[i].sourceZLen, records[i].sourceCatLen, .tbu, zlen))
        mark(2, zDiffers(records[i].sourceZWfl, records[i].sourceCatWfl, .bbtb, zwfl))
        mark(3, catDiffers(records[i].sourceCatWei, .bbu, zwei, fwei))
        mark(4, catDiffers(records[i].sourceCatLen, .tbu, zlen, flen))
        mark(5, catDiffers(records[i].sourceCatWfl, .bbtb, zwfl, fwfl))
        source = bits
    }

    /// Numbers the codes Permenkes 2/2020 does not define (call in record order).
    mutating func numberOtherCategories(_ r: Record, codes: inout CategoryCodes) {
        guard cat.0 == -2 || cat.1 == -2 || cat.2 == -2 || cat.3 == -2 else { return }
        if cat.0 == -2 { cat.0 = codes.add(0, r.catWei, z: zwei) }
        if cat.1 == -2 { cat.1 = codes.add(1, r.catLen, z: zlen) }
        if cat.2 == -2 { cat.2 = codes.add(2, r.catWfl, z: zwfl) }
        if cat.3 == -2 { cat.3 = codes.add(3, r.catBmi, z: zbmi) }
    }
}
