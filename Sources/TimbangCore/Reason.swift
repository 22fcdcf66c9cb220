/// Reason codes of the row ledger: why a record is not valid.
///
/// One primary reason per invalid record (the first rule that fails, in the order below),
/// secondary reasons after it. The README documents each code.
public enum Reason: String, Sendable, Hashable, CaseIterable {
    /// Not a child's record: an Excel summary row (`Total data gizi kurang,65`) at the end of
    /// an export. Never counted as a child.
    case summaryRow = "SUMMARY_ROW"
    /// A cut or unparseable record (wrong field count, file cut mid-record).
    case malformedRow = "MALFORMED_ROW"
    /// A date that does not exist or cannot be read, in either date column.
    case dateInvalid = "DATE_INVALID"
    /// A date whose day/month order the file does not settle (a file that mixes D/M and M/D
    /// and a value with both parts ≤ 12 and no other evidence): never guessed.
    case dateOrderAmbiguous = "DATE_ORDER_AMBIGUOUS"
    case birthDateMissing = "BIRTH_DATE_MISSING"
    case measureDateMissing = "MEASURE_DATE_MISSING"
    /// A date after the run's as-of date.
    case futureDate = "FUTURE_DATE"
    case measBeforeBirth = "MEAS_BEFORE_BIRTH"
    /// Older than 60 months at measurement.
    case ageOver60 = "AGE_OVER_60"
    case sexMissing = "SEX_MISSING"
    case sexInvalid = "SEX_INVALID"
    /// Neither weight nor height.
    case missingMeasurements = "MISSING_MEASUREMENTS"
    case weightNonpositive = "WEIGHT_NONPOSITIVE"
    case weightImplausible = "WEIGHT_IMPLAUSIBLE"
    case heightImplausible = "HEIGHT_IMPLAUSIBLE"
    case weightHeightSwapped = "WEIGHT_HEIGHT_SWAPPED"
    case numberInvalid = "NUMBER_INVALID"
    /// A weight or length that a spreadsheet turned into a time or a fraction of a day
    /// (`7:07`, `67:06:00`) and that has more than one possible reading the row cannot settle;
    /// the candidates are in `notes`.
    case excelDamaged = "EXCEL_DAMAGED"
    /// A NIK that is written but is not a valid 16-digit NIK.
    case nikInvalid = "NIK_INVALID"
    /// No unit (posyandu/desa) to count the record in.
    case unitMissing = "UNIT_MISSING"
}

extension Reason {
    /// What the officer should do about a record with this reason (the README's reason table
    /// says the same; a test compares them).
    public var whatToFix: String {
        switch self {
        case .summaryRow: return "none: it is not counted; remove it before the next export"
        case .malformedRow: return "re-export the file from e-PPGBM / fix the spreadsheet row"
        case .dateInvalid: return "correct the date from the Buku KIA / register"
        case .dateOrderAmbiguous: return "write the date with the month's name or as YYYY-MM-DD"
        case .birthDateMissing: return "fill in the birth date"
        case .measureDateMissing: return "fill in the weighing date"
        case .futureDate: return "correct the year/month typed"
        case .measBeforeBirth: return "check both dates (often a swapped year)"
        case .ageOver60: return "none for this report (child has left balita age); check the birth year if unexpected"
        case .sexMissing: return "fill in `L`/`P`"
        case .sexInvalid: return "correct to `L` or `P`"
        case .weightHeightSwapped: return "re-enter the two values in the right columns"
        case .excelDamaged: return "re-enter the value; export from e-PPGBM as `.xlsx` or with a `,` decimal locale"
        case .missingMeasurements: return "enter the measurement or remove the visit"
        case .numberInvalid: return "correct the number"
        case .weightNonpositive: return "enter the real weight (0 often means \"not weighed\")"
        case .weightImplausible: return "see the hint: grams, lost decimal point"
        case .heightImplausible: return "see the hint: metres, millimetres, lost decimal point"
        case .nikInvalid: return "copy the NIK again from the KK / akta"
        case .unitMissing: return "fill in the posyandu and desa, or name the file's units in the pipeline"
        }
    }
}
