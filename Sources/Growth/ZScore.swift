import TimbangCore

/// The inputs of one child measurement, as `anthro_zscores` takes them.
public struct ZScoreInput: Sendable, Equatable {
    public var sex: Sex?
    /// Age in days (fractional allowed, anthro rounds ≥ .5 up for the table row); nil = missing.
    public var ageDays: Double?
    /// Weight in kg.
    public var weightKg: Double?
    /// Length or height in cm **as measured** (before the ±0.7 cm correction).
    public var lenheiCm: Double?
    /// How it was measured; nil = unknown (then decided by age, or by length < 87 cm).
    public var measure: Measure?
    /// Bilateral pitting oedema (missing counts as no oedema, as in anthro).
    public var oedema: Bool
    /// Mid-upper arm circumference (MUAC, LiLA) in cm.
    public var muacCm: Double?

    public init(sex: Sex?, ageDays: Double?, weightKg: Double?, lenheiCm: Double?,
                measure: Measure? = nil, oedema: Bool = false, muacCm: Double? = nil) {
        self.sex = sex; self.ageDays = ageDays; self.weightKg = weightKg; self.lenheiCm = lenheiCm
        self.measure = measure; self.oedema = oedema; self.muacCm = muacCm
    }
}

/// Everything `anthro_zscores` returns for one measurement (the indicators timbang uses).
///
/// Cleaned inputs keep anthro's `c…` names; each indicator is a `Score?` (nil = missing).
public struct ZScoreResult: Sendable, Equatable {
    /// Length/height after the ±0.7 cm correction, cm.
    public var clenhei: Double?
    /// The measure after cleaning: nil when unknown, or when `h` was given under 9 months.
    public var cmeasure: Measure?
    /// True when standing height was given for a child under 9 months (then not corrected).
    public var c9mo = false
    /// weight / (clenhei / 100)², kg/m².
    public var cbmi: Double?
    public var length: Score?
    public var weight: Score?
    public var weightForLength: Score?
    public var bmi: Score?
    public var armCircumference: Score?

    public init() {}

    public var zlen: Double? { length?.z }
    public var flen: Bool? { length?.flag }
    public var zwei: Double? { weight?.z }
    public var fwei: Bool? { weight?.flag }
    public var zwfl: Double? { weightForLength?.z }
    public var fwfl: Bool? { weightForLength?.flag }
    public var zbmi: Double? { bmi?.z }
    public var fbmi: Bool? { bmi?.flag }
    public var zac: Double? { armCircumference?.z }
    public var fac: Bool? { armCircumference?.flag }
}

extension GrowthStandards {
    /// WHO 2006 z-scores of one measurement, identical to WHO anthro 1.1.0.9000
    /// `anthro_zscores(sex, age, is_age_in_month = FALSE, weight, lenhei, measure, oedema, armc)`.
    ///
    /// Rules (anthro `R/z-score.R`): a standing height under 9 months (age in days / 30.4375
    /// < 9) is dropped as a measure and flagged `c9mo`, and not corrected; below 731 days a
    /// height gets +0.7 cm, from 731 days a length −0.7 cm; an unknown measure is not
    /// corrected. Parity: GrowthTests `goldenRows`.
    /// - Complexity: O(1), about four `pow` calls; safe to call from many threads.
    public func zscores(_ input: ZScoreInput) -> ZScoreResult {
        var r = ZScoreResult()
        let age = input.ageDays.flatMap { Age(days: $0) }
        var measure = input.measure
        // Standing height under 9 months is dropped and flagged.
        if measure == .standing, let age, age.months < 9 {
            measure = nil
            r.c9mo = true
        }
        r.cmeasure = measure
        // ±0.7 cm switches at 731 days.
        var clenhei = input.lenheiCm
        if let h = clenhei, let age, let measure {
            if age.days < 731 && measure == .standing { clenhei = h + 0.7 }
            if age.days >= 731 && measure == .lying { clenhei = h - 0.7 }
        }
        r.clenhei = clenhei
        var cbmi: Double?
        if let w = input.weightKg, let h = clenhei {
            let hm = h / 100
            cbmi = w / (hm * hm)
        }
        r.cbmi = cbmi
        let sex = input.sex, oedema = input.oedema
        r.length = Indicator.lengthForAge.ageBased(clenhei, sex: sex, age: age, oedema: oedema, in: self)
        r.weight = Indicator.weightForAge.ageBased(input.weightKg, sex: sex, age: age, oedema: oedema, in: self)
        r.weightForLength = Indicator.weightForLengthOrHeight.weightForLength(
            weight: input.weightKg, lenhei: clenhei, measure: measure, sex: sex, age: age, oedema: oedema, in: self)
        r.bmi = Indicator.bmiForAge.ageBased(cbmi, sex: sex, age: age, oedema: oedema, in: self)
        r.armCircumference = Indicator.armCircumferenceForAge.ageBased(
            input.muacCm, sex: sex, age: age, oedema: oedema, in: self)
        return r
    }
}

/// Validate settles an Excel-damaged weight or length by the dump's own z-score through this
/// (it does not import Growth).
extension GrowthStandards: ZScoreLookup {
    public func zScores(sex: Sex, ageDays: Int, weightKg: Double?, heightCm: Double?, measure: Measure?)
        -> (wei: Double?, len: Double?, wfl: Double?) {
        let z = zscores(ZScoreInput(sex: sex, ageDays: Double(ageDays), weightKg: weightKg, lenheiCm: heightCm,
                                    measure: measure, oedema: false, muacCm: nil))
        return (z.zwei, z.zlen, z.zwfl)
    }
}
