import TimbangCore

extension Indicator {
    /// Weight-for-length/height (`zwfl`, `fwfl`): `wflanthro` below 731 days, `wfhanthro` from
    /// 731 days; flag |z| > 5; blanked by oedema; restricted beyond ±3 SD. `ageDays` bounds
    /// only a known age (the z-score is also given when the age is missing).
    public static let weightForLengthOrHeight = Indicator(
        code: "wfl", table: .weightForLength, flag: .absAbove(5), ageDays: 0...1856,
        blankedByOedema: true, restricted: true)

    /// Weight-for-length/height z-score (WHO 2006), as anthro's `anthro_zscore_weight_for_lenhei`.
    /// - Parameters:
    ///   - weight: kg (not checked for ≤ 0, as in anthro: a weight of 0 gives a very low
    ///     restricted z, a negative weight none).
    ///   - lenhei: cm, after the ±0.7 cm correction (`clenhei`).
    ///   - measure: the cleaned measure (`cmeasure`); only used when the age is missing.
    /// - Returns: nil outside 45–110 cm (length table) or 65–120 cm (height table), with
    ///   oedema, at 60 months or older, or when weight, length or sex is missing.
    @inline(__always)
    func weightForLength(weight: Double?, lenhei: Double?, measure: Measure?, sex: Sex?, age: Age?,
                         oedema: Bool, in standards: GrowthStandards) -> Score? {
        guard let weight, let lenhei, let sex else { return nil }
        if oedema { return nil }
        let useLength: Bool
        if let age {
            // Weight-for-length below 731 days, weight-for-height from 731 days.
            useLength = age.days < 731
            guard age.days <= ageDays.upperBound, age.months < 60 else { return nil }
        } else if let measure {
            // No age: the table follows the measure.
            useLength = measure == .lying
        } else {
            // With no age and no measure, length under 87 cm picks the length table.
            useLength = lenhei < 87
        }
        let range: ClosedRange<Double> = useLength ? 45...110 : 65...120
        guard range.contains(lenhei),
              let lms = standards.lms(useLength ? .weightForLength : .weightForHeight, sex: sex, lengthCm: lenhei)
        else { return nil }
        return score(raw: lms.restrictedZ(weight))
    }
}
