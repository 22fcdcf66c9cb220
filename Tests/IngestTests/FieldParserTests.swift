import Testing
@testable import Ingest
import TimbangCore

private func parse<T>(_ s: String, _ f: (Bytes) -> T) -> T {
    var a = Array(s.utf8)
    return a.withUnsafeMutableBufferPointer { f(Bytes(base: UnsafePointer($0.baseAddress!), count: $0.count)) }
}

private func date(_ s: String) -> Day? { parse(s + " ", { FieldParser.date(Bytes(base: $0.base, count: $0.count - 1)) }) }

@Test(arguments: [
    ("03/08/2023", 2023, 8, 3), ("3/8/2023", 2023, 8, 3), ("03-08-2023", 2023, 8, 3),
    ("2023-08-03", 2023, 8, 3), ("3 Agustus 2023", 2023, 8, 3), ("3 Agu 2023", 2023, 8, 3),
    ("3 Agt 2023", 2023, 8, 3), ("3 AGUSTUS 2023", 2023, 8, 3), ("03-agt-2023", 2023, 8, 3),
    ("1 Pebruari 2024", 2024, 2, 1), ("29 Februari 2024", 2024, 2, 29), ("12 Nopember 2022", 2022, 11, 12),
    ("5 Okt 2022", 2022, 10, 5), ("25 Des 2022", 2022, 12, 25), ("2 Mei 2023", 2023, 5, 2),
    ("30 - Oktober - 2014", 2014, 10, 30), ("3.8.2023", 2023, 8, 3), ("03/08/23", 2023, 8, 3),
    ("2023/08/03", 2023, 8, 3), ("2023-08-03 00:00:00", 2023, 8, 3), ("2023-08-03T07:15", 2023, 8, 3),
    ("03/08/2023 00:00", 2023, 8, 3), ("45141", 2023, 8, 3), ("20230803", 2023, 8, 3),
    ("Agustus 3, 2023", 2023, 8, 3), ("Kamis, 3 Agustus 2023", 2023, 8, 3), ("7 Sept. 2021", 2021, 9, 7), ("1 jan 2020", 2020, 1, 1), ("7 Sept 2021", 2021, 9, 7),
])
func datesInEveryStyle(_ text: String, _ y: Int, _ m: Int, _ d: Int) {
    #expect(date(text) == Day(year: y, month: m, day: d)!, "\(text)")
}

@Test(arguments: ["31/04/2024", "30 Februari 2024", "29/02/2023", "00/01/2024", "12/13/2024",
                  "2023-8", "kemarin", "3 Agustus", "32 Januari 2024", "31 Juni 2023", "123",
                  "03/08/2023 foo", "1/1/1", "99999"])
func impossibleOrUnreadableDatesAreNil(_ text: String) {
    #expect(date(text) == nil, "\(text)")
}

@Test func numbersWithDecimalPointOrComma() {
    #expect(parse("12.5", FieldParser.number) == 12.5)
    #expect(parse("12,5", FieldParser.number) == 12.5)
    #expect(parse("85", FieldParser.number) == 85)
    #expect(parse("-0,25", FieldParser.number) == -0.25)
    #expect(parse("0.1", FieldParser.number) == 0.1)
    #expect(parse("76.35", FieldParser.number) == Double("76.35"))
    #expect(parse("1.25E+01", FieldParser.number) == 12.5)
    #expect(parse("1.234,5", FieldParser.number) == nil)
    #expect(parse("12 kg", FieldParser.number) == nil)
    #expect(parse("-", FieldParser.number) == nil)
    #expect(parse(",", FieldParser.number) == nil)
}

@Test func sexAndMeasurementMethod() {
    for s in ["L", "l", "Laki-laki", "LAKI - LAKI", "laki laki", "Lk"] { #expect(parse(s, FieldParser.sex) == .male, "\(s)") }
    for s in ["P", "p", "Perempuan", "PEREMPUAN", "Pr"] { #expect(parse(s, FieldParser.sex) == .female, "\(s)") }
    for s in ["X", "LP", "", "?"] { #expect(parse(s, FieldParser.sex) == nil, "\(s)") }
    for s in ["Terlentang", "TELENTANG", "terlentang", "Berbaring"] { #expect(parse(s, FieldParser.measure) == .lying, "\(s)") }
    for s in ["Berdiri", "BERDIRI", "berdiri "] { #expect(parse(s, FieldParser.measure) == .standing, "\(s)") }
    #expect(parse("duduk", FieldParser.measure) == nil)
    #expect(parse("Ya", FieldParser.oedema) == true)
    #expect(parse("Tidak", FieldParser.oedema) == false)
}

@Test func headerKeysIgnoreCaseSpacingAndPunctuation() {
    #expect(headerKey(" Tinggi (cm) ") == "tinggicm")
    #expect(headerKey("Desa / Kel") == "desakel")
    #expect(HeaderMap.classify("NAMA ANAK").field?.0 == .name)
    #expect(HeaderMap.classify("Tinggi(cm)").field?.0 == .height)
    #expect(HeaderMap.classify(" Prov ").field?.0 == .province)
    #expect(HeaderMap.classify("Pukesmas").field?.0 == .puskesmas)
    #expect(HeaderMap.classify("ZS BB/TB").field?.0 == .zWfl)
    #expect(HeaderMap.classify("BB/TB").field?.0 == .catWfl)
    #expect(HeaderMap.classify("Usia Saat Ukur").field?.0 == .ageText)
    #expect(HeaderMap.classify("Berat Badan (Kg)").field?.0 == .weight)
    #expect(HeaderMap.classify("BB Lahir").field == nil && HeaderMap.classify("BB Lahir").known)
    #expect(HeaderMap.classify("Warna Favorit").known == false)
}
