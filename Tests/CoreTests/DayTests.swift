import Testing
@testable import TimbangCore

@Test func dayRoundTripsAcrossCenturies() {
    for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2024, 12, 31), (1900, 3, 1), (2100, 2, 28)] {
        let day = Day(year: y, month: m, day: d)!
        #expect(day.civil == (y, m, d))
        #expect(Day(iso: day.iso) == day)
    }
    #expect(Day(year: 1970, month: 1, day: 1)!.ordinal == 0)
}

@Test func impossibleDatesAreRefusedNotRolledOver() {
    #expect(Day(year: 2024, month: 4, day: 31) == nil)
    #expect(Day(year: 2024, month: 2, day: 30) == nil)
    #expect(Day(year: 2023, month: 2, day: 29) == nil)
    #expect(Day(year: 2024, month: 2, day: 29) != nil)
    #expect(Day(iso: "2024-13-01") == nil)
}

@Test func fixedFormattingIsHalfAwayFromZero() {
    #expect(formatFixed(-1.005000001, decimals: 2) == "-1.01")
    #expect(formatFixed(2.0, decimals: 2) == "2")
    #expect(formatFixed(-0.001, decimals: 2) == "0")
    #expect(formatFixed(12.345, decimals: 1) == "12.3")
    #expect(formatNumber(12.0) == "12")
    #expect(formatNumber(12.5) == "12.5")
    #expect(formatNumber(nil) == "")
}

@Test func recordRowRoundTrips() throws {
    var r = Record(ref: RowRef(file: "a/b.csv", record: 3, line: 5))
    r.nik = "3301014107230001"; r.name = "Siti, \"Nur\""; r.sex = .female
    r.birthDate = Day(year: 2023, month: 7, day: 1); r.weightKg = 8.25; r.zwei = -1.5; r.fwei = false
    r.status = .valid
    let back = try Record(cells: r.cells())
    #expect(back == r)
    let t = Table(name: "t", columns: Record.columns, rows: [r.cells()])
    let parsed = try Table(name: "t", csv: t.csv())
    #expect(parsed == t)
}

@Test func recordBytesMatchTheCellsTheyStandFor() throws {
    var r = Record(ref: RowRef(file: "x.csv", record: 12, line: 40))
    r.name = "A, \"B\""; r.address = " Jl. Mawar\nRT 1"; r.ageDays = -3; r.zlen = -2.05; r.flen = true
    r.sex = .male; r.measureDate = Day(year: 2024, month: 1, day: 5); r.weightKg = 10
    var w = CSVRowBytes()
    r.appendCells(to: &w)
    var v = CSVRowBytes()
    for c in r.cells() { v.cell(c) }
    #expect(w.bytes == v.bytes)
    w.endRow()
    let line = Table(name: "t", columns: r.cells()).csv()
    #expect(String(decoding: w.bytes, as: UTF8.self) == line)
}
