import Testing
import TimbangCore
@testable import Validate

/// A well-formed record: a boy born 2022-03-05, weighed 2024-03-10 (24 months), 11.5 kg, 85 cm.
func record(_ n: Int = 1, _ edit: (inout Record) -> Void = { _ in }) -> Record {
    var r = Record(ref: RowRef(file: "a.csv", record: n, line: n + 1))
    r.no = String(n); r.nik = ""; r.name = "Budi"; r.sexRaw = "L"; r.sex = .male
    r.birthDateRaw = "05/03/2022"; r.birthDate = Day(year: 2022, month: 3, day: 5)
    r.measureDateRaw = "10/03/2024"; r.measureDate = Day(year: 2024, month: 3, day: 10)
    r.weightRaw = "11,5"; r.weightKg = 11.5; r.heightRaw = "85"; r.heightCm = 85
    r.kecamatan = "Kec"; r.desa = "Desa"; r.posyandu = "Mawar"
    edit(&r)
    return r
}

let settings = ValidateSettings(asOf: Day(year: 2024, month: 12, day: 31)!)

func judged(_ edit: (inout Record) -> Void) -> Record {
    Validate.run([record(1, edit)], settings: settings)[0]
}

@Test func aCleanRecordIsValid() {
    let r = judged { _ in }
    #expect(r.status == .valid)
    #expect(r.reason == "")
    #expect(r.notes == "")
}

/// One defect on a clean record, and the reason code it must give.
enum Defect: String, CaseIterable, Sendable {
    case cutRow, impossibleBirthDate, impossibleMeasureDate, noBirthDate, noMeasureDate
    case measuredAfterAsOf, bornAfterAsOf, measuredBeforeBirth, over60Months
    case noSex, sexLSlashP, sexX, noMeasurements, unreadableWeight, zeroWeight, weightInGrams
    case heightInMetres, swapped, noUnit, nik15Digits
    case summaryRow, dateOrderAmbiguous, excelDamaged

    var code: String {
        switch self {
        case .cutRow: "MALFORMED_ROW"
        case .impossibleBirthDate, .impossibleMeasureDate: "DATE_INVALID"
        case .noBirthDate: "BIRTH_DATE_MISSING"
        case .noMeasureDate: "MEASURE_DATE_MISSING"
        case .measuredAfterAsOf, .bornAfterAsOf: "FUTURE_DATE"
        case .measuredBeforeBirth: "MEAS_BEFORE_BIRTH"
        case .over60Months: "AGE_OVER_60"
        case .noSex: "SEX_MISSING"
        case .sexLSlashP, .sexX: "SEX_INVALID"
        case .noMeasurements: "MISSING_MEASUREMENTS"
        case .unreadableWeight: "NUMBER_INVALID"
        case .zeroWeight: "WEIGHT_NONPOSITIVE"
        case .weightInGrams: "WEIGHT_IMPLAUSIBLE"
        case .heightInMetres: "HEIGHT_IMPLAUSIBLE"
        case .swapped: "WEIGHT_HEIGHT_SWAPPED"
        case .noUnit: "UNIT_MISSING"
        case .nik15Digits: "NIK_INVALID"
        case .summaryRow: "SUMMARY_ROW"
        case .dateOrderAmbiguous: "DATE_ORDER_AMBIGUOUS"
        case .excelDamaged: "EXCEL_DAMAGED"
        }
    }

    func apply(_ r: inout Record) {
        switch self {
        case .cutRow: r.malformed = "5 fields, expected 26"
        case .impossibleBirthDate: r.birthDateRaw = "31/04/2022"; r.birthDate = nil
        case .impossibleMeasureDate: r.measureDateRaw = "30 Februari 2024"; r.measureDate = nil
        case .noBirthDate: r.birthDateRaw = ""; r.birthDate = nil
        case .noMeasureDate: r.measureDateRaw = ""; r.measureDate = nil
        case .measuredAfterAsOf: r.measureDate = Day(year: 2025, month: 1, day: 2)
        case .bornAfterAsOf: r.birthDate = Day(year: 2025, month: 1, day: 1); r.measureDate = Day(year: 2025, month: 1, day: 5)
        case .measuredBeforeBirth: r.measureDate = Day(year: 2022, month: 3, day: 4)
        case .over60Months: r.birthDate = Day(year: 2019, month: 3, day: 9)
        case .noSex: r.sexRaw = ""; r.sex = nil
        case .sexLSlashP: r.sexRaw = "L/P"; r.sex = nil
        case .sexX: r.sexRaw = "X"; r.sex = nil
        case .noMeasurements: r.weightRaw = ""; r.weightKg = nil; r.heightRaw = ""; r.heightCm = nil
        case .unreadableWeight: r.weightRaw = "sebelas"; r.weightKg = nil; r.heightRaw = ""; r.heightCm = nil
        case .zeroWeight: r.weightRaw = "0"; r.weightKg = 0; r.heightRaw = ""; r.heightCm = nil
        case .weightInGrams: r.weightRaw = "11500"; r.weightKg = 11500; r.heightRaw = ""; r.heightCm = nil
        case .heightInMetres: r.weightRaw = ""; r.weightKg = nil; r.heightRaw = "0,85"; r.heightCm = 0.85
        case .swapped: r.weightKg = 85; r.heightCm = 11.5
        case .noUnit: r.desa = ""; r.posyandu = ""
        case .nik15Digits: r.nik = "330101050322000"
        // Failures ingest finds, passed on through `ingestNotes`.
        case .summaryRow: r.ingestNotes = "SUMMARY_ROW:Total data gizi kurang"
        case .dateOrderAmbiguous: r.ingestNotes = "DATE_ORDER_AMBIGUOUS:birth 05/03/2022"
        case .excelDamaged: r.ingestNotes = "EXCEL_DAMAGED:weight 7:07 = 7.07 or 7.7"
        }
    }
}

/// The setting that still rejects a malformed NIK (off by default since issue 11).
let strictNIK = ValidateSettings(asOf: settings.asOf, rejectInvalidNIK: true)

@Test(arguments: Defect.allCases)
func eachReasonCode(defect: Defect) {
    let r = Validate.run([record(1, defect.apply)], settings: defect == .nik15Digits ? strictNIK : settings)[0]
    #expect(r.status == .invalid, "\(defect)")
    #expect(r.reason == defect.code, "\(defect)")
}

@Test func ingestRemarksThatAreNotReasonsGoToNotes() {
    let r = judged { $0.ingestNotes = "UNIT_FROM_PATH;SUMMARY_ROW:Total" }
    #expect(r.status == .invalid)
    #expect(r.reason == "SUMMARY_ROW")
    #expect(r.notes == "SUMMARY_ROW:Total;UNIT_FROM_PATH")
}

@Test func everyReasonCodeHasADefectTest() {
    #expect(Set(Defect.allCases.map(\.code)) == Set(Reason.allCases.map(\.rawValue)))
}

@Test func everyReasonCodeIsInThePrecedenceList() {
    #expect(Set(Validate.precedence) == Set(Reason.allCases))
    #expect(Validate.precedence.count == Reason.allCases.count)
}

@Test func theFirstFailureInPrecedenceOrderIsPrimaryAndTheRestAreNotes() {
    let r = judged {
        $0.sexRaw = "?"; $0.sex = nil
        $0.malformed = "cut"
        $0.nik = "3.30101E+15"
        $0.measureDate = Day(year: 2025, month: 6, day: 1)
    }
    #expect(r.reason == "MALFORMED_ROW")
    // A malformed NIK is a note after the failures, not one of them.
    #expect(r.notes == "FUTURE_DATE;SEX_INVALID;NIK_INVALID")
}

@Test func dateProblemsComeBeforeSexAndMeasurements() {
    let r = judged { $0.measureDate = Day(year: 2022, month: 1, day: 1); $0.sexRaw = ""; $0.sex = nil; $0.weightKg = 0; $0.heightRaw = ""; $0.heightCm = nil }
    #expect(r.reason == "MEAS_BEFORE_BIRTH")
    #expect(r.notes == "SEX_MISSING;WEIGHT_NONPOSITIVE")
}

@Test func ageBoundaryIsSixtyMonthsInDays() {
    // 1826 days: valid; 1827 days: AGE_OVER_60.
    let birth = Day(year: 2019, month: 1, day: 1)!
    let ok = judged { $0.birthDate = birth; $0.measureDate = birth + 1826; $0.weightKg = 18; $0.heightCm = 108 }
    let old = judged { $0.birthDate = birth; $0.measureDate = birth + 1827; $0.weightKg = 18; $0.heightCm = 108 }
    #expect(ok.status == .valid)
    #expect(old.reason == "AGE_OVER_60")
}

@Test func measuredOnTheDayOfBirthIsValid() {
    let r = judged { $0.measureDate = $0.birthDate; $0.weightKg = 3.1; $0.heightCm = 49 }
    #expect(r.status == .valid)
}

// MARK: plausibility

@Test func unusualButPossibleValuesStayValid() {
    // Heavy 10-month-old (28 kg is documented), a tiny preterm newborn, a very short 5-year-old.
    let heavy = judged { $0.birthDate = Day(year: 2023, month: 5, day: 10); $0.weightKg = 28; $0.heightCm = 80 }
    let preterm = judged { $0.measureDate = $0.birthDate; $0.weightKg = 0.5; $0.heightCm = 28 }
    let short = judged { $0.birthDate = Day(year: 2019, month: 4, day: 1); $0.weightKg = 9; $0.heightCm = 80 }
    #expect(heavy.status == .valid)
    #expect(preterm.status == .valid)
    #expect(short.status == .valid)
}

@Test func implausibleValueHints() {
    let grams = judged { $0.weightKg = 11500; $0.heightRaw = ""; $0.heightCm = nil }
    #expect(grams.notes == "HINT_GRAMS")
    let lostDecimal = judged { $0.weightKg = 115; $0.heightRaw = ""; $0.heightCm = nil }
    #expect(lostDecimal.reason == "WEIGHT_IMPLAUSIBLE")
    #expect(lostDecimal.notes == "HINT_DECIMAL_LOST")
    let metres = judged { $0.weightRaw = ""; $0.weightKg = nil; $0.heightCm = 0.85 }
    #expect(metres.notes == "HINT_METRES")
    let mm = judged { $0.weightRaw = ""; $0.weightKg = nil; $0.heightCm = 850 }
    #expect(mm.reason == "HEIGHT_IMPLAUSIBLE")
    #expect(mm.notes == "HINT_MILLIMETRES")
}

@Test func validWeightWithImpossibleHeightStaysValidWithHeightCleared() {
    let r = judged { $0.heightRaw = "850"; $0.heightCm = 850 }
    #expect(r.status == .valid)
    #expect(r.weightKg == 11.5)
    #expect(r.heightCm == nil)
    #expect(r.heightRaw == "850")
    #expect(r.notes == "HEIGHT_IMPLAUSIBLE;HINT_MILLIMETRES")
}

@Test func validHeightWithImpossibleWeightStaysValidWithWeightCleared() {
    let r = judged { $0.weightRaw = "0"; $0.weightKg = 0 }
    #expect(r.status == .valid)
    #expect(r.weightKg == nil)
    #expect(r.heightCm == 85)
    #expect(r.notes == "WEIGHT_NONPOSITIVE")
}

@Test func bothValuesImpossibleMakesTheRecordInvalidWithTheWeightFirst() {
    let r = judged { $0.weightKg = 11500; $0.heightCm = 0.85 }
    #expect(r.reason == "WEIGHT_IMPLAUSIBLE")
    #expect(r.notes == "HINT_GRAMS;HEIGHT_IMPLAUSIBLE;HINT_METRES")  // hints follow their code
}

@Test func swappedColumnsAtBirth() {
    let r = judged { $0.measureDate = $0.birthDate; $0.weightKg = 50; $0.heightCm = 3.2 }
    #expect(r.reason == "WEIGHT_HEIGHT_SWAPPED")
}

@Test func implausibleMuacIsClearedWithANote() {
    let r = judged { $0.muacRaw = "145"; $0.muacCm = 145 }
    #expect(r.status == .valid)
    #expect(r.muacCm == nil)
    #expect(r.notes == "MUAC_IMPLAUSIBLE")
}

// MARK: NIK

@Test(arguments: [
    "330101050322000",        // 15 digits
    "33010105032200011",      // 17 digits
    "33O1010503220001",       // letter O for 0
    "3.30101E+15",            // Excel scientific notation
    "3301010503220000",       // serial 0000 (Excel's lost 16th digit)
    "3301013503220001",       // day 35
    "3301010513220001",       // month 13
])
func malformedNIKsKeepTheRecordValidWithANote(nik: String) {
    let r = judged { $0.nik = nik }
    #expect(r.status == .valid, "\(nik)")
    #expect(r.notes == "NIK_INVALID", "\(nik)")
    #expect(NIKCheck(nik) == .invalid, "\(nik)")
    let strict = Validate.run([record(1) { $0.nik = nik }], settings: strictNIK)[0]
    #expect(strict.reason == "NIK_INVALID", "\(nik)")
}

@Test(arguments: [7, 10, 13, 14, 15])
func nikOfSevenToFifteenDigitsIsValidWithANote(digits: Int) {
    let nik = String("3301010503220001".prefix(digits))
    let r = judged { $0.nik = nik }
    #expect(r.status == .valid && r.reason == "" && r.notes == "NIK_INVALID", "\(nik)")
    // Sixteen digits: no note.
    #expect(judged { $0.nik = "3301010503220001" }.notes == "")
}

@Test func blankAndWellFormedNIKsAreFine() {
    #expect(judged { $0.nik = "" }.status == .valid)
    let spaced = judged { $0.nik = "3301 0105 0322 0001" }
    #expect(spaced.status == .valid)
    #expect(spaced.notes == "")
    #expect(NIKCheck("'3301010503220001") == .valid("3301010503220001"))
}

@Test func placeholderNIKKeepsTheRecordValidWithANote() {
    for nik in ["0000000000000000", "9999999999999999", "1234567890123456", "0000000000000001"] {
        let r = judged { $0.nik = nik }
        #expect(r.status == .valid, "\(nik)")
        #expect(r.notes == "NIK_PLACEHOLDER", "\(nik)")
    }
}

@Test func nikRemarksAreWarningsNotErrors() {
    let girlsDay = judged { $0.nik = "3301014503220001" }   // 45 = girl, but record says L
    #expect(girlsDay.status == .valid)
    #expect(girlsDay.notes == "NIK_SEX_MISMATCH")
    let otherDate = judged { $0.nik = "3301010603220001" }
    #expect(otherDate.notes == "NIK_BIRTH_DATE_MISMATCH")
    let mothers = judged { $0.nik = "3301014807950003" }
    #expect(mothers.status == .valid)
    #expect(mothers.notes == "NIK_NOT_CHILD")
}

@Test func invalidNIKIsAWarningByDefaultAndARejectionOnlyWhenAskedFor() {
    #expect(ValidateSettings(asOf: settings.asOf).rejectInvalidNIK == false)
    let r = Validate.run([record(1) { $0.nik = "3.30101E+15" }], settings: settings)[0]
    #expect(r.status == .valid)
    #expect(r.notes == "NIK_INVALID")
    let strict = Validate.run([record(1) { $0.nik = "3.30101E+15" }], settings: strictNIK)[0]
    #expect(strict.status == .invalid && strict.reason == "NIK_INVALID")
}

@Test func muacZeroIsNotMeasuredAndAnImplausibleOneIsNoted() {
    let zero = judged { $0.muacRaw = "0"; $0.muacCm = 0 }
    #expect(zero.status == .valid && zero.notes == "" && zero.muacCm == nil && zero.muacRaw == "0")
    let tiny = judged { $0.muacRaw = "0,5"; $0.muacCm = 0.5 }
    #expect(tiny.status == .valid && tiny.notes == "MUAC_IMPLAUSIBLE" && tiny.muacCm == nil)
    let fine = judged { $0.muacRaw = "14"; $0.muacCm = 14 }
    #expect(fine.notes == "" && fine.muacCm == 14)
}

@Test func recordsStayOneToOneAndInOrder() {
    let input = (1...50).map { n in record(n) { if n % 3 == 0 { $0.sexRaw = "" ; $0.sex = nil } } }
    let out = Validate.run(input.reversed(), settings: settings)
    #expect(out.map(\.ref) == input.reversed().map(\.ref))
    #expect(out.filter { $0.status == .invalid }.count == 16)
    #expect(out.allSatisfy { $0.status != .pending })
}
