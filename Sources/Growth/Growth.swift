import TimbangCore

/// The growth stage: age, WHO z-scores, flags and Permenkes 2/2020 categories for every valid record.
public enum Growth {
    /// Records per chunk handed to one worker (fixed, so the split never depends on `threads`).
    public static let chunkSize = 4_096

    /// Stage 4: computes growth fields for every `valid` record; other records pass through
    /// unchanged.
    ///
    /// For a valid record: `ageDays` = measure date − birth date (reconciled when link set
    /// one), then the z-scores of `GrowthStandards.zscores` on sex, age, weight, height,
    /// method, oedema (missing = no) and MUAC, and the Permenkes 2/2020 category codes of the
    /// rounded z-scores (`catWei` BB/U, `catLen` PB/U-TB/U, `catWfl` BB/PB-BB/TB, `catBmi`
    /// IMT/U). A child with oedema has no weight-based z-score but gets the lowest category
    /// (`bbu_sangat_kurang`, `bbtb_gizi_buruk`, `imtu_gizi_buruk`) wherever a z-score would
    /// otherwise exist, as anthro counts oedema below −3 SD. Flagged (implausible) z-scores
    /// keep their category; consumers exclude them by the flag.
    /// - Returns: the records in input order; identical for any `threads`.
    public static func run(_ records: consuming [Record], standards: GrowthStandards, threads: Int) -> [Record] {
        // Score in parallel into small values, then write them into the records in place
        // (copying whole records, ~40 strings each, would cost more than the z-scores).
        let chunks = (records.count + chunkSize - 1) / chunkSize
        let parts = parallelMap(chunks, threads: threads) { c in
            ((c * chunkSize)..<min(records.count, (c + 1) * chunkSize)).map { i -> GrowthFields? in
                records[i].status == .valid ? GrowthFields(records[i], standards: standards) : nil
            }
        }
        var out = consume records   // moved: the caller hands its only reference
        var i = 0
        for part in parts {
            for fields in part {
                if let fields { fields.apply(to: &out[i]) }
                i += 1
            }
        }
        return out
    }
}

/// What the growth stage adds to one valid record.
struct GrowthFields {
    var ageDays: Int?
    var z: ZScoreResult
    var catWei = "", catLen = "", catWfl = "", catBmi = ""

    init(_ r: Record, standards: GrowthStandards) {
        if let birth = r.effectiveBirthDate, let measured = r.measureDate { ageDays = measured - birth }
        var input = ZScoreInput(sex: r.sex, ageDays: ageDays.map(Double.init), weightKg: r.weightKg,
                                lenheiCm: r.heightCm, measure: r.measure, oedema: r.oedema ?? false,
                                muacCm: r.muacCm)
        z = standards.zscores(input)
        catLen = Permenkes2020.category(.tbu, z: z.zlen)?.code ?? ""
        catWei = Permenkes2020.category(.bbu, z: z.zwei)?.code ?? ""
        catWfl = Permenkes2020.category(.bbtb, z: z.zwfl)?.code ?? ""
        catBmi = Permenkes2020.category(.imtu, z: z.zbmi)?.code ?? ""
        if input.oedema {
            // Oedema: no weight-based z-score, but counted below −3 SD where one would exist.
            input.oedema = false
            let without = standards.zscores(input)
            if without.weight != nil { catWei = Permenkes2020.lowest(.bbu).code }
            if without.weightForLength != nil { catWfl = Permenkes2020.lowest(.bbtb).code }
            if without.bmi != nil { catBmi = Permenkes2020.lowest(.imtu).code }
        }
    }

    func apply(to r: inout Record) {
        r.ageDays = ageDays
        r.clenhei = z.clenhei
        r.cmeasure = z.cmeasure
        r.c9mo = z.c9mo
        r.cbmi = z.cbmi
        r.zlen = z.zlen; r.flen = z.flen
        r.zwei = z.zwei; r.fwei = z.fwei
        r.zwfl = z.zwfl; r.fwfl = z.fwfl
        r.zbmi = z.zbmi; r.fbmi = z.fbmi
        r.zac = z.zac; r.fac = z.fac
        r.catWei = catWei; r.catLen = catLen; r.catWfl = catWfl; r.catBmi = catBmi
    }
}
