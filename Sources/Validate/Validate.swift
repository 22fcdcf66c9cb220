import TimbangCore

/// Settings of the validate stage.
public struct ValidateSettings: Sendable {
    /// The run's as-of date: dates after it are `FUTURE_DATE`.
    public var asOf: Day
    /// Oldest age at measurement that stays valid, in days. Default 1826 = 60 months
    /// (60 × 30.4375 = 1826.25 d): older is `AGE_OVER_60` (the Permenkes/WHO tables end there).
    public var maxAgeDays: Int
    /// When false (default since issue 11: 4 % of real NIKs have 7–15 digits, and rejecting
    /// those children's weighings biases the desa figures), a written but malformed NIK
    /// leaves the record valid with `NIK_INVALID` in `notes`, and link treats the record as
    /// having no NIK. When true it makes the record `invalid` (`NIK_INVALID`).
    public var rejectInvalidNIK: Bool
    /// WHO z-scores (the growth stage's standards), to settle an Excel-damaged weight or length
    /// by the row's own z-score; nil = only damage with one reading is repaired.
    public var zScores: (any ZScoreLookup)?

    public init(asOf: Day, maxAgeDays: Int = 1826, rejectInvalidNIK: Bool = false, zScores: (any ZScoreLookup)? = nil) {
        self.asOf = asOf; self.maxAgeDays = maxAgeDays; self.rejectInvalidNIK = rejectInvalidNIK
        self.zScores = zScores
    }
}

/// The validate stage: one verdict (valid | invalid with reason) per record.
///
/// Every check runs on every record; the failing checks are ordered by `Validate.precedence`
/// and the first becomes `reason`, the others go into `notes` after it, followed by warnings
/// (values cleared, NIK remarks, hints such as `HINT_GRAMS`). See docs/validate-link.md.
public enum Validate {
    /// Primary-reason order: the first failing check in this list is the record's `reason`.
    public static let precedence: [Reason] = [
        .summaryRow, .malformedRow, .dateInvalid, .dateOrderAmbiguous, .birthDateMissing, .measureDateMissing, .futureDate,
        .measBeforeBirth, .ageOver60, .sexMissing, .sexInvalid, .weightHeightSwapped, .excelDamaged,
        .missingMeasurements, .numberInvalid, .weightNonpositive, .weightImplausible,
        .heightImplausible, .unitMissing, .nikInvalid,
    ]

    /// Judges every record.
    /// - Returns: the same records, in the same order (one-to-one with the input), with
    ///   `status` (`.valid`/`.invalid`), `reason` and `notes` set. A valid record may have a
    ///   parsed value cleared (`weightKg`, `heightCm`, `muacCm` set to nil) when that one value is
    ///   impossible; the code goes into `notes` and the raw text is kept.
    public static func run(_ records: consuming [Record], settings: ValidateSettings) -> [Record] {
        var out = records   // moved, not copied, when the caller no longer needs its array
        for i in out.indices { judge(&out[i], settings: settings) }
        return out
    }

    /// Judges one record in place (resets status, reason and notes).
    public static func judge(_ r: inout Record, settings: ValidateSettings) {
        var failed = Set<Reason>()
        var warnings: [String] = []
        var failedOrder: [Reason: [String]] = [:]   // hints that go with a failure

        if !r.malformed.isEmpty { failed.insert(.malformedRow) }
        applyIngestNotes(r.ingestNotes, failed: &failed, hints: &failedOrder, warnings: &warnings)
        checkDates(r, settings: settings, into: &failed)
        if r.sexRaw.isEmpty { failed.insert(.sexMissing) } else if r.sex == nil { failed.insert(.sexInvalid) }

        repairExcelDamage(&r, settings: settings, failed: &failed, hints: &failedOrder, warnings: &warnings)
        let age = ageMonths(r)
        checkMeasurements(&r, ageMonths: age, failed: &failed, hints: &failedOrder, warnings: &warnings)

        if r.posyandu.isEmpty && r.desa.isEmpty { failed.insert(.unitMissing) }
        checkNIK(r, settings: settings, failed: &failed, warnings: &warnings)

        let ordered = precedence.filter { failed.contains($0) }
        var notes: [String] = []
        for (i, reason) in ordered.enumerated() {
            if i > 0 { notes.append(reason.rawValue) }
            notes += failedOrder[reason] ?? []
        }
        notes += warnings
        r.status = ordered.isEmpty ? .valid : .invalid
        r.reason = ordered.first?.rawValue ?? ""
        r.notes = notes.joined(separator: ";")
    }

    // MARK: ingest's remarks

    /// Turns ingest's `ingestNotes` into failures (items whose code is a `Reason`; their
    /// detail becomes a hint after it) and warnings (every other item, kept as written).
    static func applyIngestNotes(_ text: String, failed: inout Set<Reason>, hints: inout [Reason: [String]],
                                 warnings: inout [String]) {
        guard !text.isEmpty else { return }
        for item in text.split(separator: ";", omittingEmptySubsequences: true) {
            let code = item.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            if let reason = Reason(rawValue: code) {
                failed.insert(reason)
                if code.count < item.count { hints[reason, default: []].append(String(item)) }
            } else {
                warnings.append(String(item))
            }
        }
    }

    // MARK: dates

    /// Date checks. A birth date ingest took from `Usia Saat Ukur` (`BIRTH_DATE_FROM_AGE`: raw
    /// empty, date set) is not missing; a date ingest left unread because its day/month order
    /// is ambiguous (`DATE_ORDER_AMBIGUOUS:<column> …` in `ingestNotes`) is that, not invalid.
    static func checkDates(_ r: Record, settings: ValidateSettings, into failed: inout Set<Reason>) {
        func ambiguous(_ column: String) -> Bool {
            failed.contains(.dateOrderAmbiguous) && r.ingestNotes.contains(Reason.dateOrderAmbiguous.rawValue + ":" + column)
        }
        if r.birthDateRaw.isEmpty {
            if r.birthDate == nil { failed.insert(.birthDateMissing) }
        } else if r.birthDate == nil && !ambiguous("birth_date") { failed.insert(.dateInvalid) }
        if r.measureDateRaw.isEmpty { failed.insert(.measureDateMissing) }
        else if r.measureDate == nil && !ambiguous("measure_date") { failed.insert(.dateInvalid) }
        if let b = r.birthDate, b > settings.asOf { failed.insert(.futureDate) }
        if let m = r.measureDate, m > settings.asOf { failed.insert(.futureDate) }
        if let b = r.birthDate, let m = r.measureDate {
            if m < b { failed.insert(.measBeforeBirth) } else if m - b > settings.maxAgeDays { failed.insert(.ageOver60) }
        }
    }

    /// Age at measurement in months (days / 30.4375), or nil when a date is missing or
    /// the age is outside 0–60 months (then plausibility uses the widest range).
    static func ageMonths(_ r: Record) -> Double? {
        guard let b = r.birthDate, let m = r.measureDate, m >= b else { return nil }
        let months = Double(m - b) / 30.4375
        return months <= 61 ? months : nil
    }

    // MARK: NIK

    static func checkNIK(_ r: Record, settings: ValidateSettings, failed: inout Set<Reason>, warnings: inout [String]) {
        switch NIKCheck(r.nik) {
        case .blank: return
        case .invalid:
            if settings.rejectInvalidNIK { failed.insert(.nikInvalid) } else { warnings.append(Reason.nikInvalid.rawValue) }
        case .placeholder:
            warnings.append(Note.nikPlaceholder)
        case .valid(let digits):
            guard let parts = NIKParts(digits), let birth = r.birthDate else { return }
            if parts.isOfSomeoneElse(birth: birth) {
                warnings.append(Note.nikNotChild)
                return
            }
            if !parts.matches(birth) { warnings.append(Note.nikBirthDateMismatch) }
            if let sex = r.sex, (sex == .female) != parts.female { warnings.append(Note.nikSexMismatch) }
        }
    }
}

/// Codes that appear in `notes` only (warnings and hints, never a primary reason).
public enum Note {
    /// A NIK made up to fill the column (all zeros, all one digit, `1234567890123456`):
    /// the record stands, the NIK never links children.
    public static let nikPlaceholder = "NIK_PLACEHOLDER"
    /// The NIK's year is far from the child's birth year: a parent's NIK or a No KK typed into
    /// the child's NIK column. Not used to link.
    public static let nikNotChild = "NIK_NOT_CHILD"
    /// The NIK's DDMMYY differs from the birth date (legitimate when the date was corrected
    /// later; link uses the NIK as evidence when reconciling birth dates).
    public static let nikBirthDateMismatch = "NIK_BIRTH_DATE_MISMATCH"
    /// The NIK's day (+40 for girls) says the other sex.
    public static let nikSexMismatch = "NIK_SEX_MISMATCH"
    /// MUAC outside 5–35 cm: cleared.
    public static let muacImplausible = "MUAC_IMPLAUSIBLE"
    /// Weight looks like grams (÷1000 is plausible).
    public static let hintGrams = "HINT_GRAMS"
    /// The decimal point was lost (÷10 is plausible): `124` for 12.4 kg, `855` for 85.5 cm
    /// (for a height the same as millimetres).
    public static let hintDecimalLost = "HINT_DECIMAL_LOST"
    /// The decimal point moved left (×10 is plausible): `1.24` for 12.4 kg.
    public static let hintDecimalShifted = "HINT_DECIMAL_SHIFTED"
    /// Height looks like metres (×100 is plausible).
    public static let hintMetres = "HINT_METRES"
    /// Height looks like millimetres (÷10 is plausible).
    public static let hintMillimetres = "HINT_MILLIMETRES"
}
