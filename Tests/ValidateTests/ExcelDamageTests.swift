import Testing
import TimbangCore
@testable import Validate

/// Stands in for the WHO tables: weight-for-age z = kg − 10, length-for-age z = (cm − 80) / 2.
private struct LinearZ: ZScoreLookup {
    func zScores(sex: Sex, ageDays: Int, weightKg: Double?, heightCm: Double?, measure: Measure?) -> (wei: Double?, len: Double?, wfl: Double?) {
        (weightKg.map { roundHalfAway($0 - 10, decimals: 2) }, heightCm.map { roundHalfAway(($0 - 80) / 2, decimals: 2) }, nil)
    }
}

private let withZ = ValidateSettings(asOf: Day(year: 2024, month: 12, day: 31)!, zScores: LinearZ())

private func damaged(_ edit: (inout Record) -> Void, settings s: ValidateSettings = withZ) -> Record {
    Validate.run([record(1, edit)], settings: s)[0]
}

@Test func aTimeWithOneReadingIsRepairedWithARemark() {
    let r = damaged({ $0.weightRaw = "7:45"; $0.weightKg = nil }, settings: settings)
    #expect(r.status == .valid)
    #expect(r.weightKg == 7.45)
    #expect(r.notes == "EXCEL_DAMAGE_REPAIRED:weight 7:45→7.45 (one reading)")
    let whole = damaged({ $0.weightRaw = "7:00"; $0.weightKg = nil }, settings: settings)
    #expect(whole.weightKg == 7 && whole.status == .valid)
}

@Test func sevenOSevenIsSettledByTheRowsOwnWeightForAgeZ() {
    // 7.07 kg → z −2.93, 7.7 kg → z −2.3: e-PPGBM's ZS BB/U −2.31 agrees with 7.7 only
    let r = damaged { $0.weightRaw = "7:07"; $0.weightKg = nil; $0.sourceZWei = "-2.31" }
    #expect(r.status == .valid)
    #expect(r.weightKg == 7.7)
    #expect(r.notes == "EXCEL_DAMAGE_REPAIRED:weight 7:07→7.7 (ZS BB/U -2.31)")
    // just outside the tolerance of both readings: not settled
    let far = damaged { $0.weightRaw = "7:07"; $0.weightKg = nil; $0.sourceZWei = "-2.62" }
    #expect(far.reason == "EXCEL_DAMAGED")
}

@Test func sevenOSevenWithoutADecidingZIsExcelDamagedWithItsCandidates() {
    let none = damaged { $0.weightRaw = "7:07"; $0.weightKg = nil }
    #expect(none.status == .invalid && none.reason == "EXCEL_DAMAGED")
    #expect(none.notes == "EXCEL_DAMAGED:weight 7:07→7.07|7.7")
    #expect(none.weightKg == nil)
    // no WHO tables given: the same
    let noTables = damaged({ $0.weightRaw = "7:07"; $0.weightKg = nil; $0.sourceZWei = "-2.31" }, settings: settings)
    #expect(noTables.reason == "EXCEL_DAMAGED")
    // 999.99 is e-PPGBM's "no z": no evidence
    let sentinel = damaged { $0.weightRaw = "7:07"; $0.weightKg = nil; $0.sourceZWei = "999.99" }
    #expect(sentinel.reason == "EXCEL_DAMAGED")
}

@Test func aLengthTurnedIntoHoursIsSettledByZSTBU() {
    // 67.06 cm → z −6.47, 67.6 cm → z −6.2
    let r = damaged { $0.heightRaw = "67:06:00"; $0.heightCm = nil; $0.sourceZLen = "-6.2" }
    #expect(r.heightCm == 67.6)
    #expect(r.notes.contains("EXCEL_DAMAGE_REPAIRED:height 67:06:00→67.6 (ZS TB/U -6.2)"))
    let open = damaged { $0.heightRaw = "67:06:00"; $0.heightCm = nil }
    #expect(open.reason == "EXCEL_DAMAGED" && open.notes == "EXCEL_DAMAGED:height 67:06:00→67.06|67.6")
}

@Test func aDamagedSourceZIsEvidenceWithAllItsReadings() {
    // ZS BB/U 0.045138889 is 1.05 or 1.5; weight 11:08 is 11.08 (z 1.08) or 11.8 (z 1.8)
    let r = damaged { $0.weightRaw = "11:08"; $0.weightKg = nil; $0.sourceZWei = "0.045138889" }
    #expect(r.weightKg == 11.08)
    #expect(r.notes == "SOURCE_Z_DAMAGED:source_zwei 0.045138889→1.05|1.5;EXCEL_DAMAGE_REPAIRED:weight 11:08→11.08 (ZS BB/U 1.05)")
    // weight 11:05 (11.05 or 11.5) fits either reading of the z: unsettled
    let both = damaged { $0.weightRaw = "11:05"; $0.weightKg = nil; $0.sourceZWei = "0.045138889" }
    #expect(both.reason == "EXCEL_DAMAGED")
}

@Test func aDamagedLiLAWithTwoReadingsIsClearedNotRejected() {
    let r = damaged({ $0.muacRaw = "13:05"; $0.muacCm = nil }, settings: settings)
    #expect(r.status == .valid && r.muacCm == nil)
    #expect(r.notes == "MUAC_EXCEL_DAMAGED:13:05→13.05|13.5")
    let one = damaged({ $0.muacRaw = "13:45"; $0.muacCm = nil }, settings: settings)
    #expect(one.muacCm == 13.45)
}

@Test func aBirthDateTakenFromTheAgeIsNotMissing() {
    let r = judged { $0.birthDateRaw = ""; $0.ingestNotes = "BIRTH_DATE_FROM_AGE" }
    #expect(r.status == .valid)
    #expect(r.notes == "BIRTH_DATE_FROM_AGE")
    let missing = judged { $0.birthDateRaw = ""; $0.birthDate = nil }
    #expect(missing.reason == "BIRTH_DATE_MISSING")
}

@Test func anAmbiguousDateIsThatAndNotInvalid() {
    let r = judged { $0.birthDateRaw = "3/4/2022"; $0.birthDate = nil; $0.ingestNotes = "DATE_ORDER_AMBIGUOUS:birth_date 3/4/2022" }
    #expect(r.reason == "DATE_ORDER_AMBIGUOUS")
    #expect(r.notes == "DATE_ORDER_AMBIGUOUS:birth_date 3/4/2022")
    // the other date unreadable as well: that is still DATE_INVALID
    let both = judged {
        $0.birthDateRaw = "3/4/2022"; $0.birthDate = nil; $0.ingestNotes = "DATE_ORDER_AMBIGUOUS:birth_date 3/4/2022"
        $0.measureDateRaw = "31/02/2024"; $0.measureDate = nil
    }
    #expect(both.reason == "DATE_INVALID")
}
