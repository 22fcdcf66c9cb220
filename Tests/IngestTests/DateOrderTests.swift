import Testing
@testable import Ingest
import TimbangCore

/// A small e-PPGBM-style export: No, NIK, Nama, JK, Tgl Lahir, Usia Saat Ukur, Tanggal Pengukuran, Berat, Tinggi, Posyandu.
private let header = "No,NIK,Nama,JK,Tgl Lahir,Usia Saat Ukur,Tanggal Pengukuran,Berat,Tinggi,Posyandu\n"

private func row(_ n: Int, birth: String, age: String = "", measure: String) -> String {
    "\(n),330101010120000\(n % 10),Anak \(n),L,\(birth),\(age),\(measure),10.5,80.1,Mawar\n"
}

private func read(_ text: String, name: String = "a.csv") -> IngestResult {
    let d = Dumps()
    return ingest(d.write(name, text))
}

/// The same children written D/M/Y and M/D/Y.
private let children: [(birth: Day, measure: Day)] = [
    (day(2022, 1, 24), day(2024, 2, 14)),
    (day(2021, 12, 14), day(2024, 2, 14)),
    (day(2022, 3, 4), day(2024, 2, 5)),
]

private func write(_ d: Day, monthFirst: Bool) -> String {
    let c = d.civil
    return monthFirst ? "\(c.month)/\(c.day)/\(c.year)" : pad(c.day, 2) + "/" + pad(c.month, 2) + "/\(c.year)"
}

@Test func aDayFirstFileIsReadDayFirstAndSaysSo() {
    var text = header
    for (i, c) in children.enumerated() { text += row(i + 1, birth: write(c.birth, monthFirst: false), measure: write(c.measure, monthFirst: false)) }
    let r = read(text)
    #expect(r.records.map(\.birthDate) == children.map(\.birth))
    #expect(r.records.map(\.measureDate) == children.map(\.measure))
    #expect(r.fileRow("a.csv")["date_order"] == "D/M/Y")
    #expect(!r.codes.contains("DATE_ORDER_ASSUMED") && !r.codes.contains("DATE_ORDER_MONTH_FIRST"))
    #expect(r.records.allSatisfy { $0.ingestNotes.isEmpty })
}

@Test func theSameFileWrittenMonthFirstGivesTheSameDates() {
    var text = header
    for (i, c) in children.enumerated() { text += row(i + 1, birth: write(c.birth, monthFirst: true), measure: write(c.measure, monthFirst: true)) }
    #expect(text.contains("1/24/2022") && text.contains("12/14/2021"))
    let r = read(text)
    #expect(r.records.map(\.birthDate) == children.map(\.birth))
    #expect(r.records.map(\.measureDate) == children.map(\.measure))
    #expect(r.records[2].birthDateRaw == "3/4/2022")   // ambiguous alone: read M/D with its file
    #expect(r.fileRow("a.csv")["date_order"] == "M/D/Y")
    #expect(r.codes.filter { $0 == "DATE_ORDER_MONTH_FIRST" }.count == 2)
    // findings are public: they name a line, never a (birth) date
    #expect(r.findings.first { $0.code == "DATE_ORDER_MONTH_FIRST" }?.message == "birth_date read month first (M/D/Y): 2 value(s) have a second part above 12 (first on line 2)")
    #expect(!r.findings.contains { $0.message.contains("/2021") || $0.message.contains("/2022") })
    #expect(r.records.allSatisfy { $0.ingestNotes.isEmpty })
}

@Test func aColumnNothingSettlesTakesTheOtherDateColumnsOrder() {
    // birth dates have days above 12 (M/D); every measurement date is ≤ 12 on both parts
    let text = header + row(1, birth: "1/24/2022", measure: "2/5/2024") + row(2, birth: "12/14/2021", measure: "2/5/2024")
    let r = read(text)
    #expect(r.records.map(\.measureDate) == [day(2024, 2, 5), day(2024, 2, 5)])
    #expect(r.fileRow("a.csv")["date_order"] == "birth_date M/D/Y; measure_date M/D/Y (from other date)")
}

@Test func aFileWhoseOrderOnlyUsiaSaatUkurSettlesIsReadByIt() {
    // every part ≤ 12; read M/D, 2022-03-04 + 1 y 10 m 6 d = 2024-01-10; read D/M it would not fit
    let mdText = header + row(1, birth: "3/4/2022", age: "1 Tahun - 10 Bulan - 6 Hari", measure: "1/10/2024")
        + row(2, birth: "5/6/2022", age: "", measure: "1/10/2024")
    let md = read(mdText)
    #expect(md.records[0].birthDate == day(2022, 3, 4) && md.records[0].measureDate == day(2024, 1, 10))
    #expect(md.records[1].birthDate == day(2022, 5, 6))
    #expect(md.fileRow("a.csv")["date_order"] == "M/D/Y (from age)")
    #expect(md.records.allSatisfy { !$0.ingestNotes.contains("AGE_TEXT_MISMATCH") })
    // the same values with an age that fits D/M: 2022-04-03 + 2 y 5 m 28 d = 2024-10-01
    let dm = read(header + row(1, birth: "3/4/2022", age: "2 Tahun - 5 Bulan - 28 Hari", measure: "1/10/2024"))
    #expect(dm.records[0].birthDate == day(2022, 4, 3) && dm.records[0].measureDate == day(2024, 10, 1))
    #expect(dm.fileRow("a.csv")["date_order"] == "D/M/Y (from age)")
}

@Test func aFileNothingSettlesIsReadDayFirstWithAFindingAndARemark() {
    let r = read(header + row(1, birth: "03/04/2022", measure: "05/06/2024") + row(2, birth: "07/07/2022", measure: "05/06/2024"))
    #expect(r.records[0].birthDate == day(2022, 4, 3) && r.records[0].measureDate == day(2024, 6, 5))
    #expect(r.fileRow("a.csv")["date_order"] == "D/M/Y (assumed)")
    #expect(r.codes.filter { $0 == "DATE_ORDER_ASSUMED" }.count == 2)
    #expect(r.records[0].ingestNotes == "DATE_ORDER_ASSUMED:birth_date;DATE_ORDER_ASSUMED:measure_date")
    // 07/07 reads the same either way: no remark for it
    #expect(r.records[1].ingestNotes == "DATE_ORDER_ASSUMED:measure_date")
}

@Test func aMixedFileReadsEachValueAsItSaysAndNeverGuessesAnAmbiguousOne() {
    let text = header
        + row(1, birth: "24/01/2022", measure: "14/02/2024")            // D/M
        + row(2, birth: "1/24/2022", measure: "2/14/2024")              // M/D
        + row(3, birth: "3/4/2022", measure: "14/02/2024")              // ambiguous, no age
        + row(4, birth: "3/4/2022", age: "1 Tahun - 11 Bulan - 10 Hari", measure: "14/02/2024")  // 2022-03-04 + age = 2024-02-14
    let r = read(text)
    #expect(r.fileRow("a.csv")["date_order"] == "mixed")
    #expect(r.codes.contains("DATE_ORDER_MIXED"))
    #expect(r.records[0].birthDate == day(2022, 1, 24) && r.records[1].birthDate == day(2022, 1, 24))
    #expect(r.records[1].measureDate == day(2024, 2, 14))
    #expect(r.records[2].birthDate == nil)
    #expect(r.records[2].ingestNotes == "DATE_ORDER_AMBIGUOUS:birth_date 3/4/2022")
    #expect(r.records[3].birthDate == day(2022, 3, 4))
    #expect(r.records[3].ingestNotes == "DATE_ORDER_FROM_AGE:birth_date M/D/Y")
}

@Test func usiaSaatUkurIsCrossCheckedAgainstTheDates() {
    let text = header
        + row(1, birth: "24/01/2022", age: "2 Tahun - 0 Bulan - 21 Hari", measure: "14/02/2024")   // fits
        + row(2, birth: "24/01/2022", age: "1 Tahun - 0 Bulan - 21 Hari", measure: "14/02/2024")   // a year off
        + row(3, birth: "24/01/2022", age: "24 Bulan", measure: "14/02/2024")                      // fits (whole months)
        + row(4, birth: "24/01/2022", age: "2\u{A0}thn 0\u{A0}bln 23 hr", measure: "14/02/2024")    // 2 days off: fits
    let r = read(text)
    #expect(r.records.map { $0.ingestNotes.contains("AGE_TEXT_MISMATCH") } == [false, true, false, false])
    #expect(r.records[1].birthDate == day(2022, 1, 24))   // a mismatch is a remark, the dates stand
}

@Test func aMissingBirthDateIsTakenFromAnExactAgeOnlyWhenOneDateFits() {
    let text = header
        + row(1, birth: "", age: "4 Tahun - 2 Bulan - 22 Hari", measure: "14/02/2024")
        + row(2, birth: "", age: "50 Bulan", measure: "14/02/2024")
        + row(3, birth: "", age: "0 Tahun - 1 Bulan - 0 Hari", measure: "28/02/2023")   // 28–31 Jan + 1 month all give 28 Feb
        + row(4, birth: "30/11/2019", age: "", measure: "14/02/2024")
    let r = read(text)
    // 2019-11-23 + 4 y = 2023-11-23, + 2 m = 2024-01-23, + 22 d = 2024-02-14
    #expect(r.records[0].birthDate == day(2019, 11, 23) && r.records[0].birthDateRaw == "")
    #expect(r.records[0].ingestNotes == "BIRTH_DATE_FROM_AGE")
    #expect(r.records[1].birthDate == nil && r.records[1].ingestNotes == "")
    #expect(r.records[2].birthDate == nil && r.records[2].ingestNotes == "")
    #expect(r.records[3].ingestNotes == "")
}

@Test(arguments: [
    ("4 Tahun - 2 Bulan - 22 Hari", AgeText(years: 4, months: 2, days: 22)),
    ("4\u{A0}Tahun\u{A0}-\u{A0}2\u{A0}Bulan\u{A0}-\u{A0}22\u{A0}Hari", AgeText(years: 4, months: 2, days: 22)),
    ("1 Tahun 2 Bulan 5 Hari", AgeText(years: 1, months: 2, days: 5)),
    ("2 thn 3 bln 1 hr", AgeText(years: 2, months: 3, days: 1)),
    ("0 Tahun - 5 Bulan - 0 Hari", AgeText(years: 0, months: 5, days: 0)),
    ("26 Bulan", AgeText(years: nil, months: 26, days: nil)),
    ("26 bln", AgeText(years: nil, months: 26, days: nil)),
    ("3 Tahun", AgeText(years: 3, months: nil, days: nil)),
])
func usiaSaatUkurSpellingsAreRead(_ text: String, _ age: AgeText) {
    #expect(AgeText.parse(text, bareNumberIsMonths: false) == age)
}

@Test func aBareNumberIsMonthsOnlyUnderAMonthsHeader() {
    #expect(AgeText.parse("26", bareNumberIsMonths: true) == AgeText(years: nil, months: 26, days: nil))
    #expect(AgeText.parse("26", bareNumberIsMonths: false) == nil)
    #expect(AgeText.parse("26,5 Bulan", bareNumberIsMonths: true) == nil)
    #expect(AgeText.parse("2 Tahun 3 Tahun", bareNumberIsMonths: false) == nil)
    #expect(AgeText.parse("Tahun", bareNumberIsMonths: false) == nil)
    let r = read("No,JK,Tgl Lahir,Usia (Bulan),Tanggal Pengukuran,Berat,Posyandu\n1,L,24/01/2022,24,14/02/2024,10,Mawar\n2,L,24/01/2022,30,14/02/2024,10,Mawar\n")
    #expect(r.records.map { $0.ingestNotes } == ["", "AGE_TEXT_MISMATCH"])
}

/// Date cells with their bytes: a trailing byte 0xCA (a Mac Roman no-break space h1's decoding
/// did not reach) or a time after an ISO date.
private func reading(_ bytes: [UInt8]) -> DateReading {
    var b = bytes
    return b.withUnsafeMutableBufferPointer { FieldParser.dateReading(Bytes(UnsafeRawBufferPointer($0))) }
}

@Test func isoDatesWithTrailingJunkAreRead() {
    for text in ["2023-08-21 00:00:00.000", "2023-08-21T07:15:00Z", "2023-08-21.", "2023-08-21'", "21/08/2023."] {
        #expect(reading(Array(text.utf8)).day(.dayFirst) == day(2023, 8, 21), "\(text)")
    }
    #expect(reading(Array("2023-08-21".utf8) + [0xCA]) == .fixed(day(2023, 8, 21)))
    #expect(reading(Array("2023-08-21".utf8) + [0xC3, 0x8A]) == .fixed(day(2023, 8, 21)))
    // a letter or digit after the date is not junk to skip
    #expect(reading(Array("2023-08-21x".utf8)) == .unreadable)
    #expect(reading(Array("2023-08-211".utf8)) == .unreadable)
    #expect(reading(Array("21/08/23x".utf8)) == .unreadable)
}

@Test func excelSerialDatesAreReadWithOrWithoutAFraction() {
    #expect(reading(Array("44078".utf8)) == .fixed(day(2020, 9, 4)))
    #expect(reading(Array("44078.5".utf8)) == .fixed(day(2020, 9, 4)))
    #expect(reading(Array("44078,291666667".utf8)) == .fixed(day(2020, 9, 4)))
    #expect(reading(Array("29221".utf8)) == .fixed(day(1980, 1, 1)))
    #expect(reading(Array("29220".utf8)) == .unreadable)
    #expect(reading(Array("44078.5.1".utf8)) == .unreadable)
    #expect(reading(Array("12.2023".utf8)) == .unreadable)
}

@Test func dateReadingsKnowWhichOrderTheySettle() {
    #expect(reading(Array("24/1/2025".utf8)).settles == .dayFirst)
    #expect(reading(Array("1/24/2025".utf8)).settles == .monthFirst)
    #expect(reading(Array("3/4/2025".utf8)).settles == nil && reading(Array("3/4/2025".utf8)).isAmbiguous)
    #expect(!reading(Array("4/4/2025".utf8)).isAmbiguous)
    #expect(reading(Array("1/24/2025".utf8)).day(.monthFirst) == day(2025, 1, 24))
    #expect(reading(Array("1/24/2025".utf8)).day(.dayFirst) == nil)
}

@Test func anExactAgeIsCountedAsEPPGBMCountsIt() {
    // 30 Jan → 5 Mar 2023: 1 month to 28 Feb... e-PPGBM borrows February's 28 days: 1 month 3 days
    let age = AgeText(years: 0, months: 1, days: 3)
    #expect(AgeText.parts(from: day(2023, 1, 30), to: day(2023, 3, 5))! == (0, 1, 3))
    #expect(age.agrees(birth: day(2023, 1, 30), measure: day(2023, 3, 5)))
    #expect(age.agrees(birth: day(2023, 2, 2), measure: day(2023, 3, 5)))
    #expect(!age.agrees(birth: day(2023, 1, 27), measure: day(2023, 3, 5)))
    // both 30 January and 2 February give that age: no birth date is taken from it
    #expect(age.birthDate(measuredOn: day(2023, 3, 5)) == nil)
    #expect(AgeText(years: 0, months: 1, days: 3).birthDate(measuredOn: day(2023, 4, 20)) == day(2023, 3, 17))
}

@Test(arguments: [
    ("ZS BB/U", Field.zWei), ("ZS_BB_U", .zWei), ("z-core bb/u", .zWei), ("zscore_bb_u", .zWei), ("Z BB/U", .zWei),
    ("ZS TB/U", .zLen), ("zs_tbu", .zLen), ("ZS PB/TB/U", .zLen), ("z-core tb/u", .zLen), ("zscore_pb_u", .zLen),
    ("ZS BB/TB", .zWfl), ("z_bbtb", .zWfl), ("zscore_bb_pb", .zWfl), ("z-core bb/tb", .zWfl),
    ("BB/U", .catWei), ("TB/U", .catLen), ("BB/TB", .catWfl),
])
func theDumpsOwnZScoreColumnsAreFoundUnderEverySpellingSeen(_ header: String, _ field: Field) {
    #expect(HeaderMap.classify(header).field?.0 == field, "\(header)")
}

@Test func anAgeThatFitsOnlyTheOtherReadingIsAFindingNotASilentRead() {
    // one stray `13/05/2022` settles D/M; the row beside it is M/D by its age in months:
    // 2022-03-04 to 2024-01-14 is 22 whole months, 2022-04-03 only 21
    let r = read(header + row(1, birth: "13/05/2022", measure: "14/01/2024")
        + row(2, birth: "3/4/2022", age: "22 Bulan", measure: "14/01/2024"))
    #expect(r.fileRow("a.csv")["date_order"] == "D/M/Y")
    #expect(r.records[1].birthDate == day(2022, 4, 3))
    #expect(r.records[1].ingestNotes == "AGE_TEXT_MISMATCH:fits birth_date M/D/Y")
    #expect(r.codes.contains("DATE_ORDER_CONTRADICTED"))
    // an age that fits neither reading is a plain mismatch, and no finding
    let plain = read(header + row(1, birth: "13/05/2022", measure: "14/01/2024")
        + row(2, birth: "3/4/2022", age: "3 Tahun - 0 Bulan - 0 Hari", measure: "14/01/2024"))
    #expect(plain.records[1].ingestNotes == "AGE_TEXT_MISMATCH")
    #expect(!plain.codes.contains("DATE_ORDER_CONTRADICTED"))
}

@Test func anExactAgeTakesTheOtherReadingOfOneSwappedBirthDateInAColumnItsValuesSettle() {
    // 2022-03-04 + 1 y 10 m 10 d = 2024-01-14: the cadre wrote this one birth date month first
    let r = read(header + row(1, birth: "13/05/2022", measure: "14/01/2024")
        + row(2, birth: "3/4/2022", age: "1 Tahun - 10 Bulan - 10 Hari", measure: "14/01/2024"))
    #expect(r.fileRow("a.csv")["date_order"] == "D/M/Y")
    #expect(r.records[0].birthDate == day(2022, 5, 13))
    #expect(r.records[1].birthDate == day(2022, 3, 4))
    #expect(r.records[1].ingestNotes == "BIRTH_DATE_SWAP_FROM_AGE:3/4/2022")
    // the file's finding still counts the row, for the auditor
    #expect(r.codes.contains("DATE_ORDER_CONTRADICTED"))
    // where no value settles the column, the ages settle the whole column's order instead
    let byAge = read(header + row(1, birth: "3/4/2022", age: "1 Tahun - 10 Bulan - 10 Hari", measure: "2024-01-14"))
    #expect(byAge.records[0].birthDate == day(2022, 3, 4))
    #expect(byAge.records[0].ingestNotes.contains("BIRTH_DATE_SWAP_FROM_AGE") == false)
}

@Test func usiaSaatUkurWithWindows1252NoBreakSpacesIsRead() {
    // a cp1252 semicolon export: byte 0xA0 between every word of the age, and after the date
    var bytes = Array("No;JK;Tgl Lahir;Usia Saat Ukur;Tanggal Pengukuran;Berat;Posyandu\r\n1;L;24/01/2022;".utf8)
    bytes += Array("2".utf8) + [0xA0] + Array("Tahun".utf8) + [0xA0, 0x2D, 0xA0] + Array("0".utf8) + [0xA0] + Array("Bulan".utf8)
        + [0xA0, 0x2D, 0xA0] + Array("21".utf8) + [0xA0] + Array("Hari".utf8) + [0xA0]
    bytes += Array(";14/02/2024".utf8) + [0xA0] + Array(";10,5;Mawar\r\n".utf8)
    let d = Dumps()
    let r = ingest(d.write("cp.csv", bytes))
    #expect(r.records.count == 1)
    #expect(r.records[0].measureDate == day(2024, 2, 14))
    #expect(AgeText.parse(r.records[0].ageText, bareNumberIsMonths: false) == AgeText(years: 2, months: 0, days: 21))
    #expect(r.records[0].ingestNotes == "")
}
