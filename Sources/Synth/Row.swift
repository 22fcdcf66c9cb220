import TimbangCore

/// One measurement record of the dump, as values: the clean record plus what is planted in it.
struct Row {
    var child: Int32
    /// Posyandu (index into `Kabupaten.posyandu`) whose file holds the record.
    var posyandu: Int32
    var date: Day
    var ageDays: Int32
    // Clean values (what a careful cadre would have written).
    var weight: Double?
    var height: Double?
    var measure: Measure
    var muac: Double?
    var nikKnown: Bool
    // Truth z-scores of the clean values (nil: none or WHO-flagged).
    var zlen: Double?, zwei: Double?, zwfl: Double?
    // What is planted.
    var defect: Defect = .none
    var variants: Variants = []
    /// Random bits for text choices (which spelling, which invalid sex code...).
    var bits: UInt64
    var birthStyle: UInt8 = 0
    var measStyle: UInt8 = 0
    /// Duplicate group within its unit (-1: none).
    var group: Int32 = -1
    /// A double entry's copy at a second posyandu (the original stays at the child's own).
    var isCopy = false
    // Set when numbering: 1-based record number, and for a duplicate the record kept.
    var record: Int32 = 0
    var duplicateOf = ""
    /// Excel's damage to this record's values (`Excel` codes), set in damaged files only.
    var excelWeight: Excel = .none
    var excelHeight: Excel = .none
    /// e-PPGBM's own z columns written as fractions of a day (`1.05` → `0.045138889`).
    var excelZ = false
    /// Birth date written as an Excel serial day number.
    var serialBirth = false
    /// Birth date left empty where `Usia Saat Ukur` gives it exactly: valid, the true birth date.
    var birthFromAge = false

    /// One impossible measurement while the other one is there and fine: validate keeps
    /// the record valid, drops that measurement and notes the reason.
    var dropsOneMeasurement: Bool {
        guard defect.dropsOneMeasurement else { return false }
        return defect == .heightMetres || defect == .heightMillimetres ? weight != nil : height != nil
    }
    /// Unusable: a defect, unless it only costs one of two measurements or is a note only
    /// (a malformed NIK); or a value Excel damaged beyond reading.
    var isInvalid: Bool { (defect != .none && !dropsOneMeasurement && !defect.isNoteOnly) || excelDamaged }
    /// A value Excel turned into a time that nothing in the row can read back: `EXCEL_DAMAGED`.
    var excelDamaged: Bool { excelWeight == .ambiguous || excelHeight == .ambiguous }
    /// The reason an invalid record must get.
    var reason: Reason? { !isInvalid ? nil : excelDamaged && defect == .none ? .excelDamaged : defect.reason }
    /// The code the valid record must carry in its notes: the reason of a measurement the
    /// pipeline must drop, or `NIK_INVALID`; else "".
    var measureNote: String { !isInvalid && (dropsOneMeasurement || defect.isNoteOnly) ? defect.reason!.rawValue : "" }
    var isDuplicate: Bool { !duplicateOf.isEmpty }
    var fate: String { isInvalid ? "invalid" : (isDuplicate ? "duplicate" : "valid") }
    var isClean: Bool { defect == .none && group < 0 }
}

/// What Excel did to one number of a record (issue 11: `7.7` → `7:07` in an Indonesian locale).
enum Excel: UInt8, Sendable {
    case none
    /// A time with exactly one reading (`12:45`, `8:00`): the record stays valid, value as true.
    case unique
    /// A time with two readings (`7:07` = 7.7 or 7.07) that e-PPGBM's own z-score in the row
    /// settles (the candidates' z differ by more than 0.5): valid, repaired.
    case repaired
    /// A time with two readings and no z-score to pick one: invalid `EXCEL_DAMAGED`.
    case ambiguous
}
