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
    public static func run(_ records: [Record], standards: GrowthStandards, threads: Int) -> [Record] {
        let chunks = (records.count + chunkSize - 1) / chunkSize
        let parts = forEachChunk(chunks, threads: threads) { c in
            let range = (c * chunkSize)..<min(records.count, (c + 1) * chunkSize)
            return range.map { i -> Record in
                var r = records[i]
                if r.status == .valid { fill(&r, standards: standards) }
                return r
            }
        }
        return parts.flatMap { $0 }
    }

    /// Age, z-scores, flags and categories of one valid record.
    static func fill(_ r: inout Record, standards: GrowthStandards) {
        var age: Int?
        if let birth = r.effectiveBirthDate, let measured = r.measureDate { age = measured - birth }
        r.ageDays = age
        var input = ZScoreInput(sex: r.sex, ageDays: age.map(Double.init), weightKg: r.weightKg,
                                lenheiCm: r.heightCm, measure: r.measure, oedema: r.oedema ?? false,
                                muacCm: r.muacCm)
        let z = standards.zscores(input)
        r.clenhei = z.clenhei
        r.cmeasure = z.cmeasure
        r.c9mo = z.c9mo
        r.cbmi = z.cbmi
        r.zlen = z.zlen; r.flen = z.flen
        r.zwei = z.zwei; r.fwei = z.fwei
        r.zwfl = z.zwfl; r.fwfl = z.fwfl
        r.zbmi = z.zbmi; r.fbmi = z.fbmi
        r.zac = z.zac; r.fac = z.fac
        r.catLen = Permenkes2020.category(.tbu, z: z.zlen)?.code ?? ""
        r.catWei = Permenkes2020.category(.bbu, z: z.zwei)?.code ?? ""
        r.catWfl = Permenkes2020.category(.bbtb, z: z.zwfl)?.code ?? ""
        r.catBmi = Permenkes2020.category(.imtu, z: z.zbmi)?.code ?? ""
        if input.oedema {
            // Oedema: no weight-based z-score, but counted below −3 SD where one would exist.
            input.oedema = false
            let without = standards.zscores(input)
            if without.weight != nil { r.catWei = Permenkes2020.lowest(.bbu).code }
            if without.weightForLength != nil { r.catWfl = Permenkes2020.lowest(.bbtb).code }
            if without.bmi != nil { r.catBmi = Permenkes2020.lowest(.imtu).code }
        }
    }
}
