import Testing
#if canImport(Glibc)
import Glibc
#endif
import TimbangCore
import Monitor
@testable import Aggregate

/// A valid, growth-scored record.
func record(_ n: Int, child: String, date: String, weight: Double? = 10, height: Double? = nil,
            birth: String = "2022-01-15", sex: Sex = .male,
            zwei: Double? = nil, zlen: Double? = nil, zwfl: Double? = nil,
            kecamatan: String = "Kec Satu", puskesmas: String = "Pusk Satu", desa: String = "Desa Satu",
            posyandu: String = "Mawar", file: String = "a.csv") -> Record {
    var r = Record(ref: RowRef(file: file, record: n, line: n + 1))
    r.status = .valid
    r.childKey = child
    r.nik = "3201234567890001"
    r.kecamatan = kecamatan; r.puskesmas = puskesmas; r.desa = desa; r.posyandu = posyandu
    r.sex = sex; r.sexRaw = sex.code
    r.birthDate = Day(iso: birth); r.birthDateRaw = birth
    r.measureDate = Day(iso: date)
    r.ageDays = r.measureDate! - r.birthDate!
    r.weightKg = weight; r.weightRaw = weight.map { formatNumber($0) } ?? ""
    r.heightCm = height; r.heightRaw = height.map { formatNumber($0) } ?? ""
    r.zwei = zwei; r.zlen = zlen; r.zwfl = zwfl
    if zwei != nil { r.fwei = false }
    if zlen != nil { r.flen = false }
    if zwfl != nil { r.fwfl = false }
    return r
}

let kbm = KBMTable(edition: "test", gramsByMonth: [1: 800, 2: 900, 3: 800, 4: 600, 5: 500, 6: 400, 7: 300, 12: 200])

func aggregate(_ records: [Record], sasaran: [SasaranRow] = []) throws -> [String: Table] {
    let monitor = try Monitor.run(records, settings: MonitorSettings(kbm: kbm))
    let tables = try Aggregate.run(records: records, monitor: monitor, settings: AggregateSettings(sasaran: sasaran))
    return Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0) })
}

/// The rows whose cells match `match` (column → value).
func rows(_ t: Table, _ match: [String: String]) -> [[String: String]] {
    t.rows.filter { r in match.allSatisfy { r[t.column($0.key)!] == $0.value } }
        .map { r in Dictionary(uniqueKeysWithValues: zip(t.columns, r)) }
}

func only(_ t: Table, _ match: [String: String]) throws -> [String: String] {
    let found = rows(t, match)
    try #require(found.count == 1, "expected one row for \(match), found \(found.count)")
    return found[0]
}

let kab = ["level": "kabupaten", "sex": "all", "age_group": "all"]

@Test func prevalenceLeavesFlaggedZOutAndCountsAWeightOnlyChildForWAZOnly() throws {
    var b = record(2, child: "B", date: "2024-03-05", height: 60, zwei: -1.5, zlen: -7, zwfl: 0.3)
    b.flen = true
    var e = record(5, child: "E", date: "2024-03-05", height: 80, zlen: -1.0)
    e.oedema = true
    var records = [
        record(1, child: "A", date: "2024-03-05", height: 80, zwei: -1.0, zlen: -2.5, zwfl: -0.5),
        b,
        record(3, child: "C", date: "2024-03-05", zwei: -2.5), // weight only
        record(4, child: "D", date: "2024-03-05", height: 70, zwei: -3.2, zlen: -3.5, zwfl: -2.1),
        e,
    ]
    let lenCodes = ["TBU_P", "TBU_SP", "", "TBU_SP", "TBU_N"]
    for i in records.indices { records[i].catLen = lenCodes[i] }
    let t = try aggregate(records)
    let p = try only(t["prevalence"]!, kab.merging(["period": "latest"]) { $1 })
    #expect(p["children_n"] == "5")
    #expect([p["stunting_n"], p["stunting_d"], p["stunting_pct"]] == ["2", "3", "66.7"])
    #expect([p["severe_stunting_n"], p["severe_stunting_pct"]] == ["1", "33.3"])
    #expect([p["underweight_n"], p["underweight_d"], p["underweight_pct"]] == ["3", "5", "60"])
    #expect([p["severe_underweight_n"], p["severe_underweight_pct"]] == ["2", "40"])
    #expect([p["wasting_n"], p["wasting_d"], p["wasting_pct"]] == ["2", "4", "50"])
    #expect([p["severe_wasting_n"], p["severe_wasting_pct"]] == ["1", "25"])
    #expect([p["overweight_n"], p["overweight_d"], p["overweight_pct"]] == ["0", "4", "0"])
    #expect([p["haz_d"], p["haz_mean"], p["haz_sd"]] == ["3", "-2.33", "1.26"])
    #expect([p["waz_d"], p["waz_mean"]] == ["4", "-2.05"])
    // the month row equals latest here; by age group: all children are 25 months old
    #expect(try only(t["prevalence"]!, ["level": "kabupaten", "period": "2024-03", "sex": "L", "age_group": "24-35"])["stunting_n"] == "2")
    #expect(try only(t["prevalence"]!, ["level": "kabupaten", "period": "2024-03", "sex": "P", "age_group": "all"])["children_n"] == "0")

    let sp = try only(t["categories"]!, ["level": "kabupaten", "period": "latest", "indicator": "tbu", "category": "TBU_SP"])
    // B's flagged HAZ leaves its category out: 3 = stunting_d
    #expect([sp["count_n"], sp["total_d"], sp["count_pct"], sp["label"]] == ["1", "3", "33.3", "Sangat pendek"])
}

@Test func theSameDesaNameInTwoKecamatanIsKeptApart() throws {
    let records = [
        record(1, child: "A", date: "2024-03-05", zlen: -2.5, kecamatan: "Kec Satu", desa: "Sukamaju"),
        record(2, child: "B", date: "2024-03-05", zlen: -1.0, kecamatan: "Kec Dua", puskesmas: "Pusk Dua", desa: "Sukamaju"),
        record(3, child: "C", date: "2024-03-05", zlen: -1.0, kecamatan: "kec  dua ", puskesmas: "Pusk Dua", desa: "sukamaju"),
    ]
    let t = try aggregate(records)
    let desa = rows(t["prevalence"]!, ["level": "desa", "period": "latest", "sex": "all", "age_group": "all"])
    #expect(desa.map { $0["kecamatan"]! } == ["KEC DUA", "KEC SATU"])
    #expect(desa.map { $0["desa"]! } == ["SUKAMAJU", "SUKAMAJU"])
    #expect(desa.map { $0["puskesmas"]! } == ["PUSK DUA", "PUSK SATU"])
    #expect(desa.map { $0["stunting_n"]! + "/" + $0["stunting_d"]! } == ["0/2", "1/1"])
    let pusk = rows(t["skdn"]!, ["level": "puskesmas"])
    #expect(pusk.map { $0["puskesmas"]! + ":" + $0["kecamatan"]! } == ["PUSK DUA:KEC DUA", "PUSK SATU:KEC SATU"])
}

/// Three children at one posyandu over four months, one at another posyandu.
func skdnRecords() -> [Record] {
    [
        record(1, child: "A", date: "2024-01-10", weight: 10.0),
        record(2, child: "A", date: "2024-02-10", weight: 10.3),           // N
        record(3, child: "A", date: "2024-03-10", weight: 10.35),          // T
        record(4, child: "A", date: "2024-04-10", weight: 10.4, zwei: -3.1), // T, 2T, BGM
        record(5, child: "B", date: "2024-01-12", weight: 9.0),           // B
        // B absent in February
        record(6, child: "B", date: "2024-03-12", weight: 9.4),           // O
        record(7, child: "C", date: "2024-02-14", weight: 8.0),           // B
        record(8, child: "C", date: "2024-03-14", weight: nil, height: 80), // measured, not weighed
        record(9, child: "D", date: "2024-03-01", weight: 12, posyandu: "Melati"),
    ]
}

@Test func skdnHoldsDEqualsNTOBOnEveryRowAndCountsByHand() throws {
    let t = try aggregate(skdnRecords())["skdn"]!
    #expect(!t.rows.isEmpty)
    for r in rows(t, [:]) {
        let sum = ["n_n", "t_n", "o_n", "b_n"].map { Int(r[$0]!)! }.reduce(0, +)
        #expect(r["d_check"] == "ok" && Int(r["d_n"]!) == sum, "\(r)")
    }
    func cells(_ month: String, _ cols: [String]) throws -> [String] {
        let r = try only(t, ["level": "posyandu", "posyandu": "MAWAR", "period": month])
        return cols.map { r[$0]! }
    }
    let cols = ["s_n", "k_n", "d_n", "n_n", "t_n", "o_n", "b_n", "t2_n", "bgm_n"]
    #expect(try cells("2024-01", cols) == ["", "2", "2", "0", "0", "0", "2", "0", "0"])
    #expect(try cells("2024-02", cols) == ["", "3", "2", "1", "0", "0", "1", "0", "0"]) // B registered, absent
    #expect(try cells("2024-03", cols) == ["", "3", "2", "0", "1", "1", "0", "0", "0"]) // C measured, not weighed
    #expect(try cells("2024-04", cols) == ["", "3", "1", "0", "1", "0", "0", "1", "1"])
    #expect(try cells("2024-02", ["dk_n", "dk_d", "dk_pct", "nd_n", "nd_d", "nd_pct", "ndprime_n", "ndprime_d", "ndprime_pct"])
            == ["2", "3", "66.7", "1", "2", "50", "1", "1", "100"])
    #expect(try cells("2024-03", ["ks_n", "ks_d", "ks_pct"]) == ["", "", ""])
    // by sex and F1 age group: all are boys of 24–35 months; B (absent) is K − D
    let bySexAge = try aggregate(skdnRecords())["skdn_sex_age"]!
    let feb = try only(bySexAge, ["level": "puskesmas", "puskesmas": "PUSK SATU", "period": "2024-02", "sex": "L", "age_group": "24-35"])
    #expect([feb["k_n"], feb["d_n"], feb["n_n"], feb["b_n"], feb["d_check"], feb["absent_n"]] == ["3", "2", "1", "1", "ok", "1"])
    #expect(rows(bySexAge, ["level": "puskesmas", "period": "2024-02", "sex": "P"]).isEmpty)
    // by sex and age group only down to puskesmas level
    #expect(Set(rows(bySexAge, [:]).map { $0["level"]! }) == ["kabupaten", "kecamatan", "puskesmas"])
    let kabMarch = try only(t, ["level": "kabupaten", "period": "2024-03"])
    #expect([kabMarch["k_n"], kabMarch["d_n"], kabMarch["t_n"], kabMarch["o_n"], kabMarch["b_n"]] == ["4", "3", "1", "1", "1"])
}

@Test func sasaranGivesKSDSAndNS() throws {
    let sasaran = try Sasaran.parse(csv: """
        kecamatan,desa,posyandu,period,s
        Kec Satu,Desa Satu,Mawar,,10
        Kec Satu,Desa Satu,Mawar,2024-02,8
        Kec Satu,Desa Satu,Melati,,5
        """)
    #expect(sasaran.count == 3 && sasaran[1].period == YearMonth(year: 2024, month: 2) && sasaran[0].kecamatan == "KEC SATU")
    let t = try aggregate(skdnRecords(), sasaran: sasaran)["skdn"]!
    let feb = try only(t, ["level": "posyandu", "posyandu": "MAWAR", "period": "2024-02"])
    #expect([feb["s_n"], feb["ks_n"], feb["ks_d"], feb["ks_pct"], feb["ds_pct"], feb["ns_pct"]] == ["8", "3", "8", "37.5", "25", "12.5"])
    let mar = try only(t, ["level": "posyandu", "posyandu": "MAWAR", "period": "2024-03"])
    #expect([mar["s_n"], mar["ds_n"], mar["ds_d"], mar["ds_pct"]] == ["10", "2", "10", "20"])
    // the desa sums its posyandu (10 + 5), as do the kecamatan and the kabupaten
    let desa = try only(t, ["level": "desa", "period": "2024-03"])
    #expect([desa["s_n"], desa["ds_n"], desa["ds_pct"]] == ["15", "3", "20"])
    #expect(try only(t, ["level": "kabupaten", "period": "2024-03"])["s_n"] == "15")
    #expect(try only(t, ["level": "puskesmas", "period": "2024-03"])["s_n"] == "15")
    #expect(throws: AggregateError.self) { try Sasaran.parse(csv: "kecamatan,desa,s\nA,B,many\n") }
}

@Test func qualityDigitPreferenceAndZDistributionByHand() throws {
    var records: [Record] = []
    // 50 weights: 13 end in .0, 13 in .5, 3 in each other digit → DPS 26.7, 52 % end in .0/.5
    var digits: [Int] = Array(repeating: 0, count: 13) + Array(repeating: 5, count: 13)
    for d in [1, 2, 3, 4, 6, 7, 8, 9] { digits += [d, d, d] }
    // WHZ −1, −1, 0, 0, 2 (mean 0, SD 1.22, skewness 0.91, kurtosis 2.5) on the first five
    let whz: [Double] = [-1, -1, 0, 0, 2]
    for (i, d) in digits.enumerated() {
        records.append(record(i + 1, child: "C\(i)", date: "2024-03-05", weight: 10 + Double(d) / 10,
                              zwfl: i < 5 ? whz[i] : nil))
    }
    var flagged = record(100, child: "F", date: "2024-03-05", weight: 11.3, zwfl: 5.6)
    flagged.fwfl = true
    flagged.sourceZWei = "-1,50"; flagged.zwei = -1.2; flagged.fwei = false
    flagged.sourceCatLen = "Pendek"; flagged.zlen = -2.5; flagged.flen = false
    records.append(flagged)
    var dup = record(101, child: "F", date: "2024-03-05", weight: 11.3)
    dup.status = .duplicate; dup.nik = ""
    var bad = record(102, child: "", date: "2024-03-05", weight: 11.3)
    bad.status = .invalid; bad.reason = "AGE_OVER_60"; bad.nik = "32012"
    records += [dup, bad]

    let t = try aggregate(records)
    let q = try only(t["quality"]!, ["level": "kabupaten", "period": "all"])
    #expect([q["records_n"], q["valid_n"], q["invalid_n"], q["duplicate_n"], q["duplicate_pct"]] == ["53", "51", "1", "1", "1.9"])
    #expect([q["reason_age_over_60_n"], q["reason_age_over_60_d"], q["reason_age_over_60_pct"]] == ["1", "53", "1.9"])
    #expect([q["nik_missing_n"], q["nik_invalid_n"], q["nik_invalid_pct"]] == ["1", "1", "1.9"])
    #expect([q["weight_d"], q["weight_dps"], q["weight_end05_n"], q["weight_end05_pct"]] == ["51", "25.9", "26", "51"])
    #expect([q["flag_whz_n"], q["flag_whz_d"], q["flag_whz_pct"]] == ["1", "6", "16.7"])
    #expect([q["whz_d"], q["whz_mean"], q["whz_sd"], q["whz_skew"], q["whz_kurt"]] == ["5", "0", "1.22", "0.91", "2.5"])
    #expect([q["srcz_wei_n"], q["srcz_wei_d"], q["srccat_len_n"], q["srccat_len_d"]] == ["1", "1", "0", "1"])
    #expect([q["sexratio_n"], q["sexratio_d"], q["sexratio_pct"]] == ["51", "0", ""])
    #expect(q["smart_grade"] == "") // fewer than 30 usable WHZ

    #expect(digitPreferenceScore(digits.reduce(into: [Int](repeating: 0, count: 10)) { $0[$1] += 1 }).map { formatFixed($0, decimals: 1) } == "26.7")
    #expect(digitPreferenceScore([10, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == 100)
    #expect(digitPreferenceScore([3, 3, 3, 3, 3, 3, 3, 3, 3, 3]) == 0)

    let z = t["zdist"]!
    let whzBins = rows(z, ["indicator": "whz"])
    #expect(whzBins.count == 24)
    #expect(try only(z, ["indicator": "whz", "bin_lo": "-1"])["count_n"] == "2")
    #expect(try only(z, ["indicator": "whz", "bin_lo": "2"])["count_n"] == "1")
    #expect(whzBins.map { Int($0["count_n"]!)! }.reduce(0, +) == 5) // the flagged 5.6 is left out

    let rej = t["rejections"]!
    #expect(rej.rows == [["a.csv", "AGE_OVER_60", "1"], ["a.csv", "DUPLICATE", "1"], ["ALL", "AGE_OVER_60", "1"], ["ALL", "DUPLICATE", "1"]])
}

@Test func smartGradeAddsThePoints() {
    #expect(QualityBuilder.smartScore(flagPct: 1, sexP: 0.5, ageP: 0.5, dpsWeight: 5, dpsHeight: 5,
                                      sdWHZ: 1.0, skewWHZ: 0.1, kurtWHZ: 3.1) == 0)
    // flags 6 % (10) + sex p 0.03 (4) + DPS height 25 (10) + SD 1.3 (20) + |skew| 0.5 (3)
    let s = QualityBuilder.smartScore(flagPct: 6, sexP: 0.03, ageP: 0.5, dpsWeight: 5, dpsHeight: 25,
                                      sdWHZ: 1.3, skewWHZ: -0.5, kurtWHZ: 3.0)
    #expect(s == 47 && QualityBuilder.smartGrade(s) == "problematic" && QualityBuilder.smartGrade(12) == "good")
}

@Test func outputDoesNotDependOnRecordOrder() throws {
    let a = try aggregate(skdnRecords())
    let b = try aggregate(skdnRecords().reversed())
    for name in a.keys.sorted() {
        #expect(a[name] == b[name], "\(name)")
        #expect(a[name]!.rows.allSatisfy { $0.count == a[name]!.columns.count }, "\(name) row width")
    }
    #expect(a.keys.filter { !$0.hasPrefix(AggregateCube.tablePrefix) }.sorted() == ["categories", "categories_sex_age", "prevalence", "quality", "rejections", "skdn",
                                "skdn_sex_age", "source_agreement", "zdist"])
    // the cube the tables are made of, for merges (restricted/merge/ in the archive)
    #expect(a.keys.filter { $0.hasPrefix(AggregateCube.tablePrefix) }.count == 11)
    #expect(Array(a["prevalence"]!.columns.prefix(9)) == ["level", "kecamatan", "puskesmas", "desa", "posyandu", "period", "sex", "age_group", "children_n"])
    #expect(a["skdn"]!.columns.contains("ndprime_pct"))
}

/// A run keeps the cube's `merge_*` tables as CSV written straight from the sums
/// (`Aggregate.compute`): the same bytes, row counts and order as the text tables `run` gives,
/// a name that needs quotes among them; the public tables are the same.
@Test func theCubesTablesRenderedStraightToCSVAreItsTextTables() throws {
    let records = skdnRecords() + [record(10, child: "E", date: "2024-03-02", zwei: -2.2, zlen: -3.1, zwfl: 0.4,
                                          posyandu: "Mawar, RW \"02\"")]
    let months = Monitor.compute(records, settings: MonitorSettings(kbm: kbm)).childMonths
    let out = Aggregate.compute(records: records, childMonths: months, settings: AggregateSettings())
    let text = try Aggregate.run(records: records, childMonths: months, settings: AggregateSettings())
    let cube = text.filter { $0.name.hasPrefix(AggregateCube.tablePrefix) }
    #expect(out.tables == text.filter { !$0.name.hasPrefix(AggregateCube.tablePrefix) })
    #expect(out.merge.map(\.name) == cube.map(\.name) && cube.count == 11)
    for (r, t) in zip(out.merge, cube) {
        #expect(r.csv == t.csvBytes(), "\(t.name)")
        #expect(r.rowCount == t.rows.count && RenderedTable.rowCount(r.csv) == r.rowCount, "\(t.name)")
    }
    let keys = try #require(out.merge.first { $0.name == AggregateCube.tablePrefix + "keys" })
    #expect(String(decoding: keys.csv, as: UTF8.self).contains(#""MAWAR, RW ""02""""#))
    #expect(cube.filter { !$0.rows.isEmpty }.count >= 7)
}

/// The cube keeps sums only for (key, month) pairs that have counted child-months: an
/// invalid record dated years away adds a month (its quality row) but no prevalence or SKDN
/// cells, and its tables are the same as without the empty pairs.
@Test func theCubeHoldsSumsOnlyForPairsWithCountedChildMonths() throws {
    var typo = record(20, child: "Z", date: "2034-02-10", posyandu: "Melati")
    typo.status = .invalid; typo.reason = "MEASURE_DATE_IN_FUTURE"
    let records = skdnRecords() + [typo]
    let months = Monitor.compute(records, settings: MonitorSettings(kbm: kbm)).childMonths
    let cube = Aggregate.cube(records: records, childMonths: months, settings: AggregateSettings())
    #expect(cube.months.last?.description == "2034-02" && cube.keys.count == 2)
    // Mawar: January to April (K runs on after a child's last weighing); Melati: March only
    let pairs = (0..<cube.keys.count).flatMap { k in (0..<cube.monthCount).compactMap { m in cube.pair(k, m).map { _ in "\(k) \(cube.months[m])" } } }
    #expect(pairs.count == cube.pairCount && pairs.count < cube.keys.count * cube.monthCount)
    #expect(!pairs.contains { $0.hasSuffix("2034-02") })
    #expect(cube.prevalence.count == cube.pairCount * AggregateCube.prevalenceGroups
            && cube.skdn.count == cube.pairCount * AggregateCube.skdnGroups)
    // read back from its tables, the cube gives the same tables
    let again = try AggregateCube(tables: cube.tables())
    #expect(again.tables() == cube.tables() && again.pairCount == cube.pairCount)
    let quality = try #require(try aggregate(records)["quality"])
    #expect(quality.rows.contains { $0.contains("2034-02") })
}

@Test func aChildCountsInTheUnitOfItsCountedMeasurement() throws {
    let records = [
        record(1, child: "X", date: "2024-01-10", zlen: -2.5, posyandu: "Mawar"),
        record(2, child: "X", date: "2024-02-10", zlen: -2.4, posyandu: "Melati"),
        record(3, child: "Y", date: "2024-01-11", zlen: -1.0, posyandu: "Mawar"),
    ]
    let p = try aggregate(records)["prevalence"]!
    let all = ["level": "posyandu", "sex": "all", "age_group": "all"]
    func n(_ pos: String, _ period: String) -> [String] {
        rows(p, all.merging(["posyandu": pos, "period": period]) { $1 }).map { $0["stunting_n"]! + "/" + $0["stunting_d"]! }
    }
    #expect(n("MAWAR", "2024-01") == ["1/2"])
    #expect(n("MAWAR", "latest") == ["0/1"])
    #expect(n("MELATI", "2024-02") == ["1/1"])
    #expect(n("MELATI", "latest") == ["1/1"])
    #expect(n("MELATI", "2024-01") == [])
}

@Test func sasaranFileIsReadFromDisk() throws {
    let path = "/tmp/timbang-sasaran-test-\(getpid()).csv"
    try AtomicFile.write(text: "Kecamatan,Desa,S\nkec satu,desa satu,40\n", to: path)
    defer { unlink(path) }
    #expect(try Sasaran.load(path: path) == [SasaranRow(kecamatan: "KEC SATU", desa: "DESA SATU", s: 40)])
    #expect(throws: AggregateError.sasaranUnreadable(path: path + ".missing")) { try Sasaran.load(path: path + ".missing") }
}

/// SplitMix64, for repeatable random districts.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Test(arguments: 0..<5) func skdnInvariantsHoldOnRandomDistricts(seed: UInt64) throws {
    var rng = SeededRNG(state: seed)
    var records: [Record] = []
    var n = 0
    for c in 0..<60 {
        let pos = ["Mawar", "Melati", "Anggrek"][Int.random(in: 0..<3, using: &rng)]
        var w = Double.random(in: 6...14, using: &rng)
        for m in 1...6 where Bool.random(using: &rng) {
            n += 1
            w += Double(Int.random(in: -2...5, using: &rng)) / 10
            let moved = Int.random(in: 0..<10, using: &rng) == 0 ? "Kenanga" : pos
            records.append(record(n, child: "C\(c)", date: "2024-0\(m)-1\(Int.random(in: 0...9, using: &rng))",
                                  weight: Int.random(in: 0..<8, using: &rng) == 0 ? nil : (w * 10).rounded() / 10,
                                  zwei: Double.random(in: -4...1, using: &rng), posyandu: moved))
        }
    }
    let all = try aggregate(records)
    let t = all["skdn"]!
    var byGroup: [String: Int] = [:]
    for r in rows(all["skdn_sex_age"]!, [:]) {
        let v = { (c: String) in Int(r[c]!)! }
        #expect(r["d_check"] == "ok" && v("d_n") == v("n_n") + v("t_n") + v("o_n") + v("b_n"), "seed \(seed): \(r)")
        if r["sex"] == "all" { byGroup[r["level"]! + r["kecamatan"]! + r["desa"]! + r["posyandu"]! + r["puskesmas"]! + r["period"]!, default: 0] += v("k_n") }
    }
    for r in rows(t, [:]) where ["kabupaten", "kecamatan", "puskesmas"].contains(r["level"]!) {
        // the age groups split K (every child here is 0–59 months)
        #expect(byGroup[r["level"]! + r["kecamatan"]! + r["desa"]! + r["posyandu"]! + r["puskesmas"]! + r["period"]!] == Int(r["k_n"]!), "seed \(seed): \(r)")
    }
    var posyanduK: [String: Int] = [:], kabK: [String: Int] = [:]
    for r in rows(t, [:]) {
        let v = { (c: String) in Int(r[c]!)! }
        #expect(r["d_check"] == "ok" && v("d_n") == v("n_n") + v("t_n") + v("o_n") + v("b_n"), "seed \(seed): \(r)")
        #expect(v("k_n") >= v("d_n") && v("t_n") >= v("t2_n") && v("d_n") >= v("bgm_n"), "seed \(seed): \(r)")
        if r["level"] == "posyandu" { posyanduK[r["period"]!, default: 0] += v("k_n") }
        if r["level"] == "kabupaten" { kabK[r["period"]!] = v("k_n") }
    }
    #expect(posyanduK == kabK, "seed \(seed): each registered child is in exactly one posyandu")
}

@Test func sexAndAgeBreakdownsStopAtPuskesmasAndCategoriesAtDesa() throws {
    var records = skdnRecords()
    var girl = record(10, child: "E", date: "2024-03-02", sex: .female, zwei: -2.5, zlen: -2.2)
    girl.catWei = "bbu_kurang"; girl.catLen = "tbu_pendek"
    records.append(girl)
    let t = try aggregate(records)
    let p = t["prevalence"]!
    let bySexAgeLevels = ["kabupaten", "kecamatan", "puskesmas"]
    // desa and posyandu rows: sex all, age group all only; the levels above: every combination
    for r in rows(p, [:]) where !bySexAgeLevels.contains(r["level"]!) {
        #expect(r["sex"] == "all" && r["age_group"] == "all", "\(r)")
    }
    let kabMarch = rows(p, ["level": "kabupaten", "period": "2024-03"])
    #expect(kabMarch.count == 3 * 7)
    #expect(try only(p, ["level": "puskesmas", "period": "2024-03", "sex": "P", "age_group": "all"])["children_n"] == "1")
    #expect(rows(p, ["level": "posyandu", "posyandu": "MAWAR", "period": "2024-03"]).count == 1)
    // categories: no posyandu rows; every Permenkes category of an indicator, zero counts included
    let c = t["categories"]!
    #expect(Set(rows(c, [:]).map { $0["level"]! }) == ["kabupaten", "kecamatan", "puskesmas", "desa"])
    let desaBBU = rows(c, ["level": "desa", "period": "2024-03", "indicator": "bbu"])
    #expect(desaBBU.count == Permenkes2020.categories[.bbu]!.count)
    #expect(desaBBU.map { Int($0["count_n"]!)! }.reduce(0, +) == 1)
    #expect(desaBBU.allSatisfy { $0["total_d"] == "1" })
    let cs = t["categories_sex_age"]!
    #expect(Set(rows(cs, [:]).map { $0["level"]! }).isSubset(of: Set(bySexAgeLevels)))
    #expect(rows(t["skdn"]!, ["level": "posyandu", "period": "2024-03"]).count == 2)
}

@Test func theShareOfDisagreeingSourceZScoresIsCountedPerFile() throws {
    func z(_ n: Int, file: String, src: String, mine: Double, cat: String = "") -> Record {
        var r = record(n, child: "C\(n)", date: "2024-03-05", zwei: mine, file: file)
        r.sourceZWei = src; r.sourceCatWei = cat
        return r
    }
    let records = [
        z(1, file: "a.csv", src: "-1.20", mine: -1.2),        // agrees
        z(2, file: "a.csv", src: "-1,30", mine: -1.2),        // 0.1 apart: agrees (tolerance is inclusive)
        z(3, file: "a.csv", src: "-1.31", mine: -1.2),        // 0.11 apart: disagrees
        z(4, file: "a.csv", src: "999.99", mine: -1.2),       // sentinel: not compared
        z(5, file: "b.csv", src: "0.045138889", mine: 1.05),  // damaged, unsettled (1.05 or 1.5): not compared
        z(6, file: "b.csv", src: "1:45", mine: 1.45),         // damaged, one reading: compared, agrees
        z(7, file: "b.csv", src: "", mine: 0.3),              // no source z
    ]
    let t = try aggregate(records)["source_agreement"]!
    #expect(t.columns == ["file", "srcz_wei_n", "srcz_wei_d", "srcz_wei_pct", "srcz_len_n", "srcz_len_d", "srcz_len_pct",
                          "srcz_wfl_n", "srcz_wfl_d", "srcz_wfl_pct"])
    #expect(t.rows == [
        ["a.csv", "1", "3", "33.3", "0", "0", "", "0", "0", ""],
        ["b.csv", "0", "1", "0", "0", "0", "", "0", "0", ""],
        ["ALL", "1", "4", "25", "0", "0", "", "0", "0", ""],
    ])
}

/// Records of a few children over a few months, in two files and two posyandu (one file name
/// that needs quoting), in an order that is not the child-key order.
func handOffRecords() -> [Record] {
    var out: [Record] = []
    var n = 0
    for (c, child) in ["K9", "K1", "K5", "K3"].enumerated() {
        for m in 1...4 where (m + c) % 5 != 0 {
            n += 1
            var r = record(n, child: child, date: "2024-0\(m)-1\(c)", weight: 8 + Double(m) * 0.2 - Double(c) * 0.3,
                           height: 70 + Double(m), zwei: -3.5 + Double(c), zlen: -2.5 + Double(m) / 2, zwfl: 0.4,
                           posyandu: c % 2 == 0 ? "Mawar" : "Melati \"2\"", file: c % 2 == 0 ? "a.csv" : "b, lama.csv")
            if m == 3 && c == 1 { r.weightKg = nil; r.weightRaw = "" }
            out.append(r)
        }
    }
    return out
}

@Test func theTypedHandOffGivesTheTablesTheTextTableGives() throws {
    let records = handOffRecords()
    let output = Monitor.compute(records, settings: MonitorSettings(kbm: kbm))
    let text = output.childMonthsTable(records)
    // the CSV rendered straight from the typed months is the text table's CSV, byte for byte
    #expect(output.childMonthsCSV(records) == text.csvBytes())
    #expect(text.rows.count == output.childMonths.count && text.rows.count > 10)
    // children are numbered in key order, months ascending within a child
    #expect(output.childMonths.map { records[$0.recordIndex].childKey } == text.rows.map { $0[0] })
    #expect(zip(output.childMonths, output.childMonths.dropFirst()).allSatisfy {
        $0.child < $1.child || ($0.child == $1.child && $0.month < $1.month)
    })
    // reading the persisted table back gives the same typed months, and the same aggregate
    #expect(try Aggregate.childMonths(from: text, records: records) == output.childMonths)
    let typed = try Aggregate.run(records: records, childMonths: output.childMonths, settings: AggregateSettings())
    let fromText = try Aggregate.run(records: records, monitor: [text, output.followup], settings: AggregateSettings())
    #expect(typed == fromText)
    #expect(typed.first { $0.name == "skdn" }.map { $0.rows.isEmpty } == false)
    // a table whose rows are shuffled is sorted back into key order
    var shuffled = text
    shuffled.rows.reverse()
    #expect(try Aggregate.childMonths(from: shuffled, records: records) == output.childMonths)
}

@Test func aChildMonthThatNamesNoValidRecordIsAMalformedTable() throws {
    let records = handOffRecords()
    var text = Monitor.compute(records, settings: MonitorSettings(kbm: kbm)).childMonthsTable(records)
    text.rows[0][text.column("record")!] = "999"
    #expect(throws: AggregateError.self) { try Aggregate.childMonths(from: text, records: records) }
}
