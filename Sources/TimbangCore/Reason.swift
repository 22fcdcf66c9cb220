/// Reason codes of the row ledger: why a record is not valid.
///
/// One primary reason per invalid record (the first rule that fails, in the order below),
/// secondary reasons after it. The README documents each code.
public enum Reason: String, Sendable, Hashable, CaseIterable {
    /// A cut or unparseable record (wrong field count, file cut mid-record).
    case malformedRow = "MALFORMED_ROW"
    /// A date that does not exist or cannot be read, in either date column.
    case dateInvalid = "DATE_INVALID"
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
    /// A NIK that is written but is not a valid 16-digit NIK.
    case nikInvalid = "NIK_INVALID"
    /// No unit (posyandu/desa) to count the record in.
    case unitMissing = "UNIT_MISSING"
}
