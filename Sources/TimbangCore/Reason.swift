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
