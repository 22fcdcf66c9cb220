import TimbangCore

/// A defect planted in one record that makes it unusable: the validate stage must reject it
/// with `reason` (or, for a note-only defect such as a malformed NIK, keep it valid with
/// `reason` in its notes). At most one per record, so the expected reason is unambiguous.
enum Defect: UInt8, CaseIterable, Sendable {
    case none = 0
    case birthDateImpossible, measureDateImpossible, birthDateBlank, measureDateBlank
    case measureDateFuture, measureBeforeBirth, ageOver60
    case sexBlank, sexInvalid
    case measurementsBlank, weightZero, weightGrams, weightLostDecimal
    case heightMetres, heightMillimetres, weightHeightSwapped
    case nik15Digits, nik17Digits, nikLetterO, nikExcel
    /// 7 to 14 digits, as 4 % of the NIKs of a raw e-PPGBM export (planted in its Mac Roman files).
    case nikShort
    /// The last record of a file cut off mid-record (file-level; never drawn per record).
    case truncatedRecord

    /// The reason code validate must give (as a note only when `isNoteOnly`).
    var reason: Reason? {
        switch self {
        case .none: return nil
        case .birthDateImpossible, .measureDateImpossible: return .dateInvalid
        case .birthDateBlank: return .birthDateMissing
        case .measureDateBlank: return .measureDateMissing
        case .measureDateFuture: return .futureDate
        case .measureBeforeBirth: return .measBeforeBirth
        case .ageOver60: return .ageOver60
        case .sexBlank: return .sexMissing
        case .sexInvalid: return .sexInvalid
        case .measurementsBlank: return .missingMeasurements
        case .weightZero: return .weightNonpositive
        case .weightGrams, .weightLostDecimal: return .weightImplausible
        case .heightMetres, .heightMillimetres: return .heightImplausible
        case .weightHeightSwapped: return .weightHeightSwapped
        case .nik15Digits, .nik17Digits, .nikLetterO, .nikExcel, .nikShort: return .nikInvalid
        case .truncatedRecord: return .malformedRow
        }
    }

    /// Name in the truth tables.
    var code: String {
        switch self {
        case .none: return ""
        case .birthDateImpossible: return "birth_date_impossible"
        case .measureDateImpossible: return "measure_date_impossible"
        case .birthDateBlank: return "birth_date_blank"
        case .measureDateBlank: return "measure_date_blank"
        case .measureDateFuture: return "measure_date_future"
        case .measureBeforeBirth: return "measure_before_birth"
        case .ageOver60: return "age_over_60"
        case .sexBlank: return "sex_blank"
        case .sexInvalid: return "sex_invalid"
        case .measurementsBlank: return "measurements_blank"
        case .weightZero: return "weight_zero"
        case .weightGrams: return "weight_grams"
        case .weightLostDecimal: return "weight_lost_decimal"
        case .heightMetres: return "height_metres"
        case .heightMillimetres: return "height_millimetres"
        case .weightHeightSwapped: return "weight_height_swapped"
        case .nik15Digits: return "nik_15_digits"
        case .nik17Digits: return "nik_17_digits"
        case .nikLetterO: return "nik_letter_o"
        case .nikExcel: return "nik_excel_float"
        case .nikShort: return "nik_short"
        case .truncatedRecord: return "truncated_record"
        }
    }

    /// One impossible measurement: when the other one is there, the record stays usable and
    /// the validate stage drops the bad one and notes the reason (issue 6's decision).
    var dropsOneMeasurement: Bool {
        switch self {
        case .weightZero, .weightGrams, .weightLostDecimal, .heightMetres, .heightMillimetres: return true
        default: return false
        }
    }

    /// A malformed NIK: since issue 11 the record stays valid with `NIK_INVALID` in its notes
    /// (and links without its NIK), so the truth lists the code as the record's note.
    var isNoteOnly: Bool {
        switch self {
        case .nik15Digits, .nik17Digits, .nikLetterO, .nikExcel, .nikShort: return true
        default: return false
        }
    }

    /// Share of records with this defect at messiness 1.
    var rate: Double {
        switch self {
        case .none, .truncatedRecord, .nikShort: return 0
        case .birthDateImpossible, .measureDateImpossible: return 0.0015
        case .birthDateBlank: return 0.002
        case .measureDateBlank: return 0.001
        case .measureDateFuture, .measureBeforeBirth: return 0.0015
        case .ageOver60: return 0.003
        case .sexBlank: return 0.003
        case .sexInvalid: return 0.002
        case .measurementsBlank: return 0.005
        case .weightZero: return 0.001
        case .weightGrams, .weightLostDecimal: return 0.0015
        case .heightMetres, .heightMillimetres: return 0.001
        case .weightHeightSwapped: return 0.0015
        case .nik15Digits: return 0.002
        case .nik17Digits, .nikLetterO: return 0.001
        case .nikExcel: return 0.003
        }
    }

    /// Defects drawn per record (all but `none` and the file-level cut).
    static let drawn: [Defect] = allCases.filter { $0 != .none && $0 != .truncatedRecord }

    /// True when the defect can be planted in this clean record.
    func fits(_ r: Row) -> Bool {
        switch self {
        case .nik15Digits, .nik17Digits, .nikLetterO, .nikExcel, .nikShort: return r.nikKnown
        case .weightZero, .weightGrams: return r.weight != nil
        case .weightLostDecimal: return (r.weight ?? 0) >= 5
        case .heightMetres, .heightMillimetres: return r.height != nil
        case .weightHeightSwapped: return r.weight != nil && r.height != nil
        default: return true
        }
    }
}

/// Record-level changes that leave the record usable but test linkage and parsing: the
/// record stays `valid` (the truth's `variants` column lists them).
struct Variants: OptionSet, Sendable {
    let rawValue: UInt16
    static let nikPlaceholder = Variants(rawValue: 1 << 0)
    static let nikTypo = Variants(rawValue: 1 << 1)
    static let nameMuhammad = Variants(rawValue: 1 << 2)
    static let nameRizky = Variants(rawValue: 1 << 3)
    static let nameDroppedLast = Variants(rawValue: 1 << 4)
    static let nameApostrophe = Variants(rawValue: 1 << 5)
    static let birthDayMonthSwapped = Variants(rawValue: 1 << 6)
    static let parentFather = Variants(rawValue: 1 << 7)
    static let addressNewline = Variants(rawValue: 1 << 8)
    static let heightMissing = Variants(rawValue: 1 << 9)

    static let all: [(Variants, String, Double)] = [
        (.nikPlaceholder, "nik_placeholder", 0.05),
        (.nikTypo, "nik_typo", 0.004),
        (.nameMuhammad, "name_muhammad", 0.25),
        (.nameRizky, "name_rizky", 0.25),
        (.nameDroppedLast, "name_dropped_last", 0.02),
        (.nameApostrophe, "name_apostrophe", 0.3),
        (.birthDayMonthSwapped, "birth_day_month_swapped", 0.005),
        (.parentFather, "parent_father", 0.05),
        (.addressNewline, "address_newline", 0.005),
        (.heightMissing, "height_missing", 0.03),
    ] + Variants.nameSpellings

    var codes: String {
        Variants.all.filter { contains($0.0) }.map(\.1).joined(separator: ";")
    }

    /// True when the variant can apply to this clean record of this child.
    static func fits(_ v: Variants, _ r: Row, _ c: Child) -> Bool {
        switch v {
        case .nikPlaceholder: return !r.nikKnown
        case .nikTypo: return r.nikKnown
        case .nameMuhammad: return c.prefix == 1
        case .nameRizky: return c.name.contains("Rizky")
        case .nameDroppedLast: return c.last != 255
        case .nameApostrophe: return c.name.unicodeScalars.contains("\u{2019}")
        case .birthDayMonthSwapped: return swappedBirth(c.birth, measured: r.date) != nil
        case .heightMissing: return r.height != nil
        case .nameSpelling, .nameInitial, .nameCompound: return NameVariants.fits(v, c)
        default: return true
        }
    }

    /// The birth date with day and month exchanged, when that is a different real date
    /// at least a month before the measurement and under 60 months of age.
    static func swappedBirth(_ b: Day, measured: Day) -> Day? {
        let c = b.civil
        guard c.day <= 12, c.day != c.month, let s = Day(year: c.year, month: c.day, day: c.month) else { return nil }
        guard measured - s > 30, measured - s < 1790 else { return nil }
        return s
    }
}
