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

    /// One impossible measurement while the other one is there and fine: validate keeps
    /// the record valid, drops that measurement and notes the reason.
    var dropsOneMeasurement: Bool {
        guard defect.dropsOneMeasurement else { return false }
        return defect == .heightMetres || defect == .heightMillimetres ? weight != nil : height != nil
    }
    /// Unusable: a defect, unless it only costs one of two measurements or is a note only
    /// (a malformed NIK).
    var isInvalid: Bool { defect != .none && !dropsOneMeasurement && !defect.isNoteOnly }
    /// The code the valid record must carry in its notes: the reason of a measurement the
    /// pipeline must drop, or `NIK_INVALID`; else "".
    var measureNote: String { dropsOneMeasurement || defect.isNoteOnly ? defect.reason!.rawValue : "" }
    var isDuplicate: Bool { !duplicateOf.isEmpty }
    var fate: String { isInvalid ? "invalid" : (isDuplicate ? "duplicate" : "valid") }
    var isClean: Bool { defect == .none && group < 0 }
}
