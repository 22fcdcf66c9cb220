import TimbangCore

/// Physically possible weight and length/height of a child under five, by age.
///
/// The ranges are deliberately wide: they reject only what no child can weigh or measure
/// (unit and typing errors), never what is merely unusual — the WHO flags of the growth stage
/// catch the unusual. Anchors: the smallest surviving preterm babies (~0.25 kg, ~22 cm);
/// the heaviest documented infants (28 kg at 10 months); WHO 2006 +3 SD at 60 months
/// (~27 kg, ~125 cm) with a wide margin.
public enum Plausible {
    /// Lowest possible weight (kg) at `months` of age: 0.2 kg at birth, +0.05 kg a month.
    public static func minWeight(months: Double) -> Double { 0.2 + 0.05 * months }

    /// Highest possible weight (kg): 12 kg at birth, 35 at 6 months, 40 at 12, 70 at 60.
    public static func maxWeight(months: Double) -> Double {
        piecewise(months, [(0, 12), (6, 35), (12, 40), (60, 70)])
    }

    /// Lowest possible length/height (cm): 20 cm at birth, +0.4 cm a month.
    public static func minHeight(months: Double) -> Double { 20 + 0.4 * months }

    /// Highest possible length/height (cm): 80 cm at birth, +1.4 cm a month.
    public static func maxHeight(months: Double) -> Double { 80 + 1.4 * months }

    /// MUAC range (cm) that any child 0–60 months can have.
    public static let muac: ClosedRange<Double> = 5...35

    /// Whether `kg` is a possible weight; with no age, the range over all ages 0–60 months.
    public static func weight(_ kg: Double, months: Double?) -> Bool {
        guard let m = months else { return kg >= minWeight(months: 0) && kg <= maxWeight(months: 60) }
        return kg >= minWeight(months: m) && kg <= maxWeight(months: m)
    }

    /// Whether `cm` is a possible length/height; with no age, the range over all ages.
    public static func height(_ cm: Double, months: Double?) -> Bool {
        guard let m = months else { return cm >= minHeight(months: 0) && cm <= maxHeight(months: 60) }
        return cm >= minHeight(months: m) && cm <= maxHeight(months: m)
    }

    static func piecewise(_ x: Double, _ pts: [(Double, Double)]) -> Double {
        if x <= pts[0].0 { return pts[0].1 }
        for i in 1..<pts.count where x <= pts[i].0 {
            let (x0, y0) = pts[i - 1], (x1, y1) = pts[i]
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        }
        return pts[pts.count - 1].1
    }
}

/// What one measured value turned out to be.
enum ValueVerdict: Equatable {
    case absent
    case usable
    /// Unusable, with the reason code and hints for the officer.
    case bad(Reason, [String])
}

extension Validate {
    /// Weight, length/height and MUAC checks, and the rule for a record with one usable value.
    ///
    /// - Both columns look exchanged (weight possible only as a height and height possible only
    ///   as a weight): `WEIGHT_HEIGHT_SWAPPED`.
    /// - At least one of weight and height usable: the record can be used. An unusable other
    ///   value is cleared (parsed value set to nil, raw text kept) and its code goes into the
    ///   warnings, so weight-for-age (or length-for-age) still counts.
    /// - Neither usable: `MISSING_MEASUREMENTS` when both are blank, else the weight's problem
    ///   (or the height's) is the failure, the other value's problem a secondary reason.
    static func checkMeasurements(_ r: inout Record, ageMonths age: Double?, failed: inout Set<Reason>,
                                  hints: inout [Reason: [String]], warnings: inout [String]) {
        // a value left EXCEL_DAMAGED (repairExcelDamage) is that, not also NUMBER_INVALID
        let damaged = hints[.excelDamaged] ?? []
        let w = damaged.contains(where: { $0.hasPrefix("EXCEL_DAMAGED:weight") }) ? ValueVerdict.absent
            : weightVerdict(raw: r.weightRaw, kg: r.weightKg, months: age)
        let h = damaged.contains(where: { $0.hasPrefix("EXCEL_DAMAGED:height") }) ? ValueVerdict.absent
            : heightVerdict(raw: r.heightRaw, cm: r.heightCm, months: age)

        if let kg = r.weightKg, let cm = r.heightCm, w != .usable, h != .usable,
           Plausible.height(kg, months: age), Plausible.weight(cm, months: age) {
            failed.insert(.weightHeightSwapped)
            return
        }
        switch (w, h) {
        case (.usable, .usable), (.usable, .absent), (.absent, .usable):
            break
        case (.usable, .bad(let reason, let extra)):
            r.heightCm = nil
            warnings += [reason.rawValue] + extra
        case (.bad(let reason, let extra), .usable):
            r.weightKg = nil
            warnings += [reason.rawValue] + extra
        case (.absent, .absent):
            if damaged.isEmpty { failed.insert(.missingMeasurements) }
        default:
            for case .bad(let reason, let extra) in [w, h] {
                failed.insert(reason)
                hints[reason, default: []] += extra
            }
        }

        if r.muacCm == 0 {
            // e-PPGBM writes LiLA 0 for "not measured": no arm, not an implausible one.
            r.muacCm = nil
        } else if let muac = r.muacCm, !Plausible.muac.contains(muac) {
            r.muacCm = nil
            warnings.append(Note.muacImplausible)
        } else if r.muacCm == nil && !r.muacRaw.isEmpty && !warnings.contains(where: { $0.hasPrefix("MUAC_EXCEL_DAMAGED") }) {
            warnings.append(Note.muacImplausible)
        }
    }

    static func weightVerdict(raw: String, kg: Double?, months: Double?) -> ValueVerdict {
        guard let kg else { return raw.isEmpty ? .absent : .bad(.numberInvalid, []) }
        if kg <= 0 { return .bad(.weightNonpositive, []) }
        if Plausible.weight(kg, months: months) { return .usable }
        var hint: [String] = []
        if Plausible.weight(kg / 1000, months: months) { hint.append(Note.hintGrams) }
        else if Plausible.weight(kg / 10, months: months) { hint.append(Note.hintDecimalLost) }
        else if Plausible.weight(kg * 10, months: months) { hint.append(Note.hintDecimalShifted) }
        return .bad(.weightImplausible, hint)
    }

    static func heightVerdict(raw: String, cm: Double?, months: Double?) -> ValueVerdict {
        guard let cm else { return raw.isEmpty ? .absent : .bad(.numberInvalid, []) }
        // A length of 0 or less is as impossible as any other; there is no separate code.
        if cm > 0 && Plausible.height(cm, months: months) { return .usable }
        var hint: [String] = []
        if cm > 0 {
            if Plausible.height(cm * 100, months: months) { hint.append(Note.hintMetres) }
            else if Plausible.height(cm / 10, months: months) { hint.append(Note.hintMillimetres) }
            else if Plausible.height(cm * 10, months: months) { hint.append(Note.hintDecimalShifted) }
        }
        return .bad(.heightImplausible, hint)
    }
}
