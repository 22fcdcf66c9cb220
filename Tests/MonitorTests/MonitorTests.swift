import Testing
import TimbangCore
@testable import Monitor

/// A valid, growth-scored record for a child.
func record(_ n: Int, child: String, date: String, weight: Double?, height: Double? = nil,
            birth: String = "2023-01-15", sex: Sex = .male, zwei: Double? = nil, zlen: Double? = nil,
            zwfl: Double? = nil, flen: Bool? = nil, posyandu: String = "Mawar", file: String = "a.csv") -> Record {
    var r = Record(ref: RowRef(file: file, record: n, line: n + 1))
    r.status = .valid
    r.childKey = child
    r.kecamatan = "Kec Satu"; r.puskesmas = "Pusk Satu"; r.desa = "Desa Satu"; r.posyandu = posyandu
    r.sex = sex
    r.birthDate = Day(iso: birth)
    r.measureDate = Day(iso: date)
    r.ageDays = r.measureDate! - r.birthDate!
    r.weightKg = weight; r.heightCm = height
    r.zwei = zwei; r.zlen = zlen; r.zwfl = zwfl; r.flen = flen
    return r
}

let kia2023 = KBMTable(edition: "kia2023", gramsByMonth: [1: 800, 2: 900, 3: 800, 4: 600, 5: 500, 6: 400, 7: 300, 12: 200])

func column(_ t: Table, _ name: String) -> [String] {
    let c = t.column(name)!
    return t.rows.map { $0[c] }
}

@Test func aChildGoesThroughBONTAnd2T() throws {
    let records = [
        record(1, child: "K1", date: "2024-01-10", weight: 8.0),
        // February: not weighed
        record(2, child: "K1", date: "2024-03-10", weight: 8.2),
        record(3, child: "K1", date: "2024-04-03", weight: 9.9), // earlier in April: not counted
        record(4, child: "K1", date: "2024-04-10", weight: 8.5), // +300 g ≥ 200 (14 months)
        record(5, child: "K1", date: "2024-05-10", weight: 8.6), // +100 g
        record(7, child: "K1", date: "2024-06-10", weight: 9.5), // same day, smaller RowRef: not counted
        record(8, child: "K1", date: "2024-06-10", weight: 8.7, zwei: -3.2), // +100 g, BGM
    ]
    let months = Monitor.childMonths(records, settings: MonitorSettings(kbm: kia2023))
    #expect(months.map(\.month.description) == ["2024-01", "2024-03", "2024-04", "2024-05", "2024-06"])
    #expect(months.map(\.recordIndex) == [0, 1, 3, 4, 6])
    #expect(months.map { $0.growth?.rawValue ?? "" } == ["B", "O", "N", "T", "T"])
    #expect(months.map(\.gainG) == [nil, nil, 300, 100, 100])
    #expect(months.map(\.kbmG) == [nil, nil, 200, 200, 200])
    #expect(months.map(\.t2) == [false, false, false, false, true])
    #expect(months.map(\.bgm) == [false, false, false, false, true])

    let tables = try Monitor.run(records.reversed(), settings: MonitorSettings(kbm: kia2023))
    let cm = tables[0]
    #expect(cm.name == "child_months")
    #expect(Array(cm.columns.prefix(19)) == ["child_key", "month", "file", "record", "kecamatan", "puskesmas", "desa",
        "posyandu", "sex", "age_months", "weight_kg", "gain_g", "kbm_g", "growth", "t2", "bgm", "zwei", "zlen", "zwfl"])
    #expect(column(cm, "record") == ["1", "2", "4", "5", "8"])
    #expect(column(cm, "growth") == ["B", "O", "N", "T", "T"])
    #expect(column(cm, "t2") == ["0", "0", "0", "0", "1"])
    #expect(column(cm, "age_months") == ["11", "13", "14", "15", "16"])
    #expect(column(cm, "kecamatan") == ["KEC SATU", "KEC SATU", "KEC SATU", "KEC SATU", "KEC SATU"])
    #expect(column(cm, "kbm_edition").allSatisfy { $0 == "kia2023" })

    let fu = tables[1]
    #expect(fu.rows.count == 1)
    #expect(column(fu, "reasons") == ["2T;BGM"])
    #expect(column(fu, "last_month") == ["2024-06"])
    #expect(column(fu, "weight_kg") == ["8.7"])
}

@Test func aMonthWithoutWeightIsNotWeighedAndMakesTheNextMonthO() {
    let records = [
        record(1, child: "K", date: "2024-01-10", weight: 8.0),
        record(2, child: "K", date: "2024-02-10", weight: nil, height: 75),
        record(3, child: "K", date: "2024-03-10", weight: 8.4),
    ]
    let months = Monitor.childMonths(records, settings: MonitorSettings(kbm: kia2023))
    #expect(months.map { $0.growth?.rawValue ?? "-" } == ["B", "-", "O"])
}

@Test func invalidAndDuplicateRecordsAreNotCounted() {
    var dup = record(2, child: "K", date: "2024-01-20", weight: 9)
    dup.status = .duplicate
    var bad = record(3, child: "K", date: "2024-01-25", weight: 9)
    bad.status = .invalid
    let months = Monitor.childMonths([record(1, child: "K", date: "2024-01-10", weight: 8), dup, bad],
                                     settings: MonitorSettings(kbm: kia2023))
    #expect(months.map(\.recordIndex) == [0])
}

@Test func theKBMEditionDecidesNOrTAt7Months() throws {
    let ref = try #require(ReferenceLocator.find(start: #filePath))
    // born 2023-06-01: 7 completed months on 2024-01-05; +350 g
    let records = [
        record(1, child: "K", date: "2023-12-05", weight: 6.65, birth: "2023-06-01"),
        record(2, child: "K", date: "2024-01-05", weight: 7.0, birth: "2023-06-01"),
    ]
    let kia = try KBMTable.load(referenceDirectory: ref)
    let kms = try KBMTable.load(referenceDirectory: ref, edition: "kms2010")
    #expect(kia.edition == "kia2023" && kia.kbm(ageMonths: 7) == 300 && kms.kbm(ageMonths: 7) == 400)
    #expect(kia.kbm(ageMonths: 0) == 800 && kia.kbm(ageMonths: 11) == 300 && kia.kbm(ageMonths: 59) == 200)
    let bytes = try #require(readFileBytes(ref + "/kbm/kbm.csv"))
    #expect(kia.sha256 == sha256Hex(bytes) && kia.sha256.count == 64)
    #expect(Monitor.childMonths(records, settings: MonitorSettings(kbm: kia)).last?.growth == .n)
    #expect(Monitor.childMonths(records, settings: MonitorSettings(kbm: kms)).last?.growth == .t)
    #expect(throws: MonitorError.self) { try KBMTable.load(referenceDirectory: ref, edition: "kms1995") }
}

@Test func followUpNamesSevereStuntingAndAFallAcrossTwoBands() throws {
    let records = [
        record(1, child: "A", date: "2024-01-10", weight: 9, height: 75, zwei: -0.5, zlen: -1.5, zwfl: 0.2),
        record(2, child: "A", date: "2024-02-10", weight: 9.3, height: 70, zwei: -0.6, zlen: -3.2, zwfl: 0.1),
        // a flagged severe HAZ is not a reason
        record(3, child: "B", date: "2024-02-10", weight: 9, height: 60, zwei: -1, zlen: -6.5, zwfl: 0, flen: true),
        record(4, child: "C", date: "2024-02-10", weight: 7, height: 75, zwei: -2.5, zlen: -1, zwfl: -3.4),
    ]
    let fu = try Monitor.run(records, settings: MonitorSettings(kbm: kia2023))[1]
    #expect(column(fu, "child_key") == ["A", "C"])
    #expect(column(fu, "reasons") == ["SEVERE_STUNTING;BAND_FALL_TBU", "SEVERE_WASTING"])
}

@Test func permenkesBandsKeepTheRegulationsBoundaries() {
    #expect(PermenkesIndex.bbu.band(z: -3) == 1 && PermenkesIndex.bbu.band(z: -3.01) == 0)
    #expect(PermenkesIndex.bbu.band(z: 1) == 2 && PermenkesIndex.bbu.band(z: 1.01) == 3)
    #expect(PermenkesIndex.tbu.band(z: 3) == 2 && PermenkesIndex.tbu.band(z: 3.01) == 3)
    #expect(PermenkesIndex.bbtb.band(z: 2) == 3 && PermenkesIndex.bbtb.band(z: 2.5) == 4 && PermenkesIndex.bbtb.band(z: 3.2) == 5)
    #expect(PermenkesIndex.bbtb.band(sourceLabel: "Risiko Gizi Lebih") == 3)
    #expect(PermenkesIndex.bbtb.band(sourceLabel: "Gizi Lebih") == 4)
    #expect(PermenkesIndex.bbu.band(sourceLabel: "Sangat Kurang") == 0)
    #expect(PermenkesIndex.tbu.band(sourceLabel: "Pendek") == 1)
    #expect(PermenkesIndex.bbtb.band(sourceLabel: "Outlier") == nil)
}
