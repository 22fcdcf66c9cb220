import TimbangCore

/// Days per month in WHO anthro (`ANTHRO_DAYS_OF_MONTH`): 365.25 / 12.
public let daysPerMonth = 30.4375

/// One z-score with its implausibility flag, as anthro reports it.
public struct Score: Sendable, Equatable {
    /// The z-score rounded to 2 decimals (R's `round(z, 2)`), what anthro returns.
    public var z: Double
    /// The z-score before rounding.
    public var raw: Double
    /// WHO implausible-value flag, decided on the rounded `z`.
    public var flag: Bool

    public init(z: Double, raw: Double, flag: Bool) { self.z = z; self.raw = raw; self.flag = flag }
}

/// When a rounded z-score is flagged as implausible.
public enum FlagRule: Sendable, Equatable {
    /// |z| > limit.
    case absAbove(Double)
    /// z < low or z > high.
    case outside(low: Double, high: Double)

    @inline(__always)
    func flags(_ z: Double) -> Bool {
        switch self {
        case .absAbove(let limit): abs(z) > limit
        case .outside(let low, let high): z < low || z > high
        }
    }
}

/// What one WHO indicator needs beyond the shared engine (anthro's `z-score-<indicator>.R`
/// files: table, flag cut-off, valid age range, oedema, restricted computation).
public struct Indicator: Sendable {
    /// anthro's short name (`len`, `wei`, `wfl`, `bmi`, `ac`), the suffix of `z…`/`f…`.
    public let code: String
    public let table: GrowthTable
    public let flag: FlagRule
    /// Ages (days, after anthro's rounding) for which a z-score is given.
    public let ageDays: ClosedRange<Int>
    /// With oedema the z-score is not given (weight is not a valid measure then).
    public let blankedByOedema: Bool
    /// WHO restricted computation beyond ±3 SD (weight-based indicators).
    public let restricted: Bool

    /// The indicators of `anthro_zscores` that timbang computes, in output order.
    public static let all: [Indicator] = [
        .lengthForAge, .weightForAge, .weightForLengthOrHeight, .bmiForAge, .armCircumferenceForAge,
    ]

    /// Finishes a z-score: R rounding, the flag on the rounded value; nil when the
    /// arithmetic gave NaN (e.g. a negative weight).
    @inline(__always)
    func score(raw: Double) -> Score? {
        if raw.isNaN { return nil }
        let z = roundLikeR(raw)
        return Score(z: z, raw: raw, flag: flag.flags(z))
    }

    /// The shared engine for the age-indexed indicators (anthro's `anthro_zscore_adjusted`).
    /// - Parameters:
    ///   - y: the measurement in the table's unit (cm, kg, kg/m²); nil = missing.
    ///   - age: the child's age, nil when missing.
    /// - Returns: nil when a measure is missing or ≤ 0, the age is missing, outside
    ///   `ageDays` or the table, 60 months or older, or (if `blankedByOedema`) with oedema.
    @inline(__always)
    func ageBased(_ y: Double?, sex: Sex?, age: Age?, oedema: Bool, in standards: GrowthStandards) -> Score? {
        // A measure ≤ 0 gives no z-score.
        guard let y, y > 0, let sex, let age else { return nil }
        // There is no z-score at 60 months or older (age in months unrounded).
        guard age.months < 60, ageDays.contains(age.days) else { return nil }
        if blankedByOedema && oedema { return nil }
        guard let lms = standards.lms(table, sex: sex, ageDays: age.days) else { return nil }
        return score(raw: restricted ? lms.restrictedZ(y) : lms.z(y))
    }
}

/// A child's age as anthro uses it: whole days for the table row, unrounded months for
/// the 60-month and 9-month rules.
public struct Age: Sendable, Equatable {
    /// anthro's `round_up`: the fractional part ≥ 0.5 rounds up (0.5 → 1, 730.5 → 731).
    public let days: Int
    /// Age in days / 30.4375, not rounded.
    public let months: Double

    /// - Parameter days: age in days, fractional allowed; nil when negative or not finite
    ///   (anthro stops with an error on a negative age; timbang treats it as missing).
    public init?(days value: Double) {
        guard value.isFinite, value >= 0, value < 1e9 else { return nil }
        let whole = value.rounded(.down)
        days = Int(whole) + (value - whole >= 0.5 ? 1 : 0)
        months = value / daysPerMonth
    }
}
