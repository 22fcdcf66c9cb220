#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TimbangCore
import Growth

/// Draws measurements from the WHO 2006 standards and scores clean values for the truth.
struct Anthropometry {
    let standards: GrowthStandards

    /// The measurement at z-score `z`: `y = M · (1 + L·S·z)^(1/L)` (WHO 2006 ch. 7), with
    /// WHO's restricted (linear) extension beyond ±3 SD so drawing and scoring agree.
    static func value(_ p: LMS, z: Double) -> Double {
        func sd(_ k: Double) -> Double { p.l == 1 ? p.m * (1 + p.s * k) : p.m * pow(1 + p.l * p.s * k, 1 / p.l) }
        if z > 3 { return sd(3) + (z - 3) * (sd(3) - sd(2)) }
        if z < -3 { return sd(-3) + (z + 3) * (sd(-2) - sd(-3)) }
        return sd(z)
    }

    /// LMS z-score; `restricted` = WHO's adjustment beyond ±3 SD for weight-based indices.
    static func z(_ p: LMS, _ y: Double, restricted: Bool) -> Double {
        let zr = p.l == 1 ? (y / p.m - 1) / p.s : (pow(y / p.m, p.l) - 1) / (p.s * p.l)
        guard restricted else { return zr }
        func sd(_ k: Double) -> Double { p.m * pow(1 + p.l * p.s * k, 1 / p.l) }
        if zr > 3 { return 3 + (y - sd(3)) / (sd(3) - sd(2)) }
        if zr < -3 { return -3 + (y - sd(-3)) / (sd(-2) - sd(-3)) }
        return zr
    }

    /// True (unmeasured) length-for-age length/height in cm, and weight in kg, for a child at
    /// `ageDays` with z tracks `zlen` (length-for-age) and `zwfl` (weight-for-length/height).
    /// The length is recumbent below 731 days and standing from 731 days, as WHO defines it.
    func body(sex: Sex, ageDays: Int, zlen: Double, zwfl: Double) -> (length: Double, weight: Double) {
        let day = min(max(ageDays, 0), 1856)
        let len = Anthropometry.value(standards.lms(.lengthForAge, sex: sex, ageDays: day)!, z: zlen)
        let table: GrowthTable = ageDays < 731 ? .weightForLength : .weightForHeight
        if let p = standards.lms(table, sex: sex, lengthCm: (len * 10).rounded() / 10) {
            return (len, Anthropometry.value(p, z: zwfl))
        }
        // Outside the weight-for-length range (very short newborns): weight-for-age instead.
        let p = standards.lms(.weightForAge, sex: sex, ageDays: day)!
        return (len, Anthropometry.value(p, z: 0.6 * zlen + 0.7 * zwfl))
    }

    /// MUAC (LiLA) in cm at arm-circumference-for-age z `zac`; nil below 91 days (no table).
    func muac(sex: Sex, ageDays: Int, zac: Double) -> Double? {
        guard let p = standards.lms(.armCircumferenceForAge, sex: sex, ageDays: ageDays) else { return nil }
        return Anthropometry.value(p, z: zac)
    }

    /// z-scores of clean values, as the growth stage computes them (WHO anthro rules:
    /// ±0.7 cm by measure and age, weight-for-length below 731 days and weight-for-height
    /// from 731 days, restricted weight indices, rounded to 2 decimals) and WHO flags
    /// (|HAZ| > 6, WAZ < −6 or > 5, |WHZ| > 5). nil = no value.
    func scores(sex: Sex, ageDays: Int, weight: Double?, height: Double?, measure: Measure)
        -> (zlen: Double?, zwei: Double?, zwfl: Double?, flen: Bool, fwei: Bool, fwfl: Bool) {
        guard ageDays >= 0, ageDays < 1826 else { return (nil, nil, nil, false, false, false) }
        var clen: Double?
        if let h = height {
            // anthro: a standing height under 9 months is not a measure it knows: not corrected.
            if Double(ageDays) / 30.4375 < 9 && measure == .standing { clen = h }
            else if ageDays < 731 && measure == .standing { clen = h + 0.7 }
            else if ageDays >= 731 && measure == .lying { clen = h - 0.7 }
            else { clen = h }
        }
        var zlen: Double?, zwei: Double?, zwfl: Double?
        if let clen, let p = standards.lms(.lengthForAge, sex: sex, ageDays: ageDays) {
            zlen = roundHalfAway(Anthropometry.z(p, clen, restricted: false), decimals: 2)
        }
        if let w = weight, let p = standards.lms(.weightForAge, sex: sex, ageDays: ageDays) {
            zwei = roundHalfAway(Anthropometry.z(p, w, restricted: true), decimals: 2)
        }
        if let w = weight, let clen {
            let table: GrowthTable = ageDays < 731 ? .weightForLength : .weightForHeight
            if let p = standards.lms(table, sex: sex, lengthCm: clen) {
                zwfl = roundHalfAway(Anthropometry.z(p, w, restricted: true), decimals: 2)
            }
        }
        return (zlen, zwei, zwfl,
                zlen.map { abs($0) > 6 } ?? false,
                zwei.map { $0 < -6 || $0 > 5 } ?? false,
                zwfl.map { abs($0) > 5 } ?? false)
    }
}
