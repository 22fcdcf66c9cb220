import Testing
import TimbangCore

@Test(arguments: [
    ("7:07", [7.07, 7.7]),          // typed 7.07 or 7.7
    ("7:45", [7.45]),               // only 7.45
    ("7:00", [7.0]),                // 7, 7.0 and 7.00 are the same number
    ("7:10", [7.1]),                // typed 7.10 (7.1 would be 7:01)
    ("67:06:00", [67.06, 67.6]),    // a length past 24 h
    ("67:06:00.000", [67.06, 67.6]),
    ("1:00", [1.0]),                // `No` 1
    ("-1:05", [-1.5, -1.05]),
])
func spreadsheetTimesGiveTheNumbersTheyMayHaveBeen(_ raw: String, _ expected: [Double]) {
    #expect(ExcelDamage.candidates(raw, fractions: false) == expected)
}

@Test func fractionsOfADayAreDamageOnlyWithFiveDecimalsOrMore() {
    // z 1.05 → 1 h 05 min = 65/1440 of a day
    #expect(ExcelDamage.candidates("0.045138889", fractions: true) == [1.05, 1.5])
    #expect(ExcelDamage.candidates("0,045139", fractions: true) == [1.05, 1.5])
    #expect(ExcelDamage.candidates("0.045138889", fractions: false) == nil)
    // a plain z of 0.05 or 0.0451 is a number, not a time
    #expect(ExcelDamage.candidates("0.05", fractions: true) == nil)
    #expect(ExcelDamage.candidates("0.0451", fractions: true) == nil)
    // five decimals that are not a whole number of minutes
    #expect(ExcelDamage.candidates("0.12345", fractions: true) == nil)
}

@Test func textThatIsNotATimeHasNoCandidates() {
    for raw in ["7.7", "12,5", "7:60", "7:5", "7:07:30", "ab", "", "7:07 kg", "1234:05"] {
        #expect(ExcelDamage.candidates(raw, fractions: true) == nil, "\(raw)")
    }
}

@Test func theDumpsOwnZCellsReadTheSentinelAsMissing() {
    #expect(SourceZ.read("999.99") == .missing)
    #expect(SourceZ.read("-999.99") == .missing)
    #expect(SourceZ.read("999,99") == .missing)
    #expect(SourceZ.read("-") == .missing)
    #expect(SourceZ.read("") == .missing)
    #expect(SourceZ.read("99.99") == .value(99.99))
    #expect(SourceZ.read("-1,25") == .value(-1.25))
    #expect(SourceZ.read("0.045138889") == .damaged([1.05, 1.5]))
    #expect(SourceZ.read("n/a") == .unreadable)
}

@Test func aDamagedSourceZIsSettledOnlyByOneReadingOrItsCategory() {
    #expect(SourceZ.resolve("-0.5", category: "", index: .bbu)?.z == -0.5)
    #expect(SourceZ.resolve("1:45", category: "", index: .bbu)?.z == 1.45)
    #expect(SourceZ.resolve("1:45", category: "", index: .bbu)?.evidence == "one reading")
    // H.0X and H.X fall between the same whole numbers, and every Permenkes cut-off is a
    // whole number: a category never tells 1.05 from 1.5, so the cell stays unsettled
    #expect(SourceZ.resolve("0.045138889", category: "Risiko Berat Badan Lebih", index: .bbu) == nil)
    #expect(SourceZ.resolve("0.045138889", category: "", index: .bbu) == nil)
    // a category that contradicts both readings settles nothing either
    #expect(SourceZ.resolve("0.045138889", category: "Berat badan kurang", index: .bbu) == nil)
    #expect(SourceZ.resolve("999.99", category: "Normal", index: .bbu) == nil)
    #expect(SourceZ.resolve("Outlier", category: "Outlier", index: .bbu) == nil)
}

@Test func outlierIsNotACategory() {
    #expect(Permenkes2020.band(.bbtb, sourceLabel: "Outlier") == nil)
    #expect(Permenkes2020.band(.bbtb, sourceLabel: "Gizi Baik") == 2)
}
