import Testing
import TimbangCore
@testable import Link

let key = LinkSettings(key: Array("demo-key-not-secret".utf8))

/// A valid record of one weighing. `month` 1–12 of 2024 (the 10th of the month).
func rec(_ n: Int, file: String = "a.csv", name: String, born: (Int, Int, Int) = (2022, 3, 5),
         sex: Sex = .male, parent: String = "SITI AMINAH", desa: String = "SUKAMAJU",
         posyandu: String = "MAWAR", nik: String = "", month: Int = 1, kg: Double? = nil,
         cm: Double? = 85) -> Record {
    var r = Record(ref: RowRef(file: file, record: n, line: n + 1))
    r.no = String(n); r.name = name; r.sexRaw = sex.code; r.sex = sex; r.nik = nik
    r.birthDate = Day(year: born.0, month: born.1, day: born.2)
    r.birthDateRaw = r.birthDate!.iso
    r.measureDate = Day(year: 2024, month: month, day: 10); r.measureDateRaw = r.measureDate!.iso
    let w = kg ?? 10 + Double(month) / 10
    r.weightKg = w; r.weightRaw = formatNumber(w)
    r.heightCm = cm; r.heightRaw = formatNumber(cm)
    r.parentName = parent; r.kecamatan = "KEC A"; r.desa = desa; r.posyandu = posyandu
    r.status = .valid
    return r
}

/// Links and returns the records by `file#record`.
func link(_ records: [Record], settings: LinkSettings = key) -> [String: Record] {
    let out = Link.run(records, settings: settings).records
    #expect(out.count == records.count)
    return Dictionary(uniqueKeysWithValues: out.map { ($0.ref.description, $0) })
}

/// Number of distinct child keys among valid records.
func children(_ byRef: [String: Record]) -> Int {
    Set(byRef.values.filter { $0.status == .valid }.map(\.childKey)).count
}

// MARK: names

@Test func muhammadSpellingsAndRizkyRizkiFoldTogether() {
    let forms = ["Muhammad Rizky", "Muhamad Rizki", "M. Rizki", "Moh. Rizky", "MOCHAMMAD  RISKI", "muh rizqi"]
    let canon = Set(forms.map { Names.canonicalTokens($0) })
    #expect(canon == [["MUHAMAD", "RISKI"]])
}

@Test func apostrophesJoinAndFinalHAfterVowelDrops() {
    #expect(Names.canonicalTokens("Nur'aini") == Names.canonicalTokens("Nur’aini"))
    #expect(Names.canonicalTokens("Nur'aini") == Names.canonicalTokens("NURAINI"))
    #expect(Names.canonicalTokens("Fatimah Az-Zahra") == ["FATIMA", "AS", "SAHRA"])
    #expect(Names.canonicalTokens("An. Budi") == ["BUDI"])
}

@Test func twinNamesStayDifferent() {
    #expect(Names.canonicalTokens("Hasan") != Names.canonicalTokens("Husein"))
    #expect(Names.canonicalTokens("Putri Aulia") != Names.canonicalTokens("Putri Amelia"))
}

// MARK: duplicates

@Test func exactRepeatWithinAFileIsADuplicateEvenWithAnotherNo() {
    var second = rec(3, name: "Budi Santoso")
    second.no = "17"
    let out = link([rec(1, name: "Budi Santoso"), rec(2, name: "Ani", sex: .female), second])
    #expect(out["a.csv#1"]?.status == .valid)
    #expect(out["a.csv#3"]?.status == .duplicate)
    #expect(out["a.csv#3"]?.duplicateOf == "a.csv#1")
    #expect(out["a.csv#3"]?.notes == "DUPLICATE_EXACT")
    #expect(out["a.csv#3"]?.childKey == out["a.csv#1"]?.childKey)
    #expect(out["a.csv#2"]?.status == .valid)
}

@Test func sameMeasurementAtTwoPosyanduIsADoubleEntry() {
    let a = rec(5, file: "kec-a.csv", name: "Dewi Lestari", sex: .female, desa: "SUKAMAJU", posyandu: "MAWAR", month: 4)
    let b = rec(2, file: "kec-b.csv", name: "DEWI LESTARI", sex: .female, desa: "SUKAJADI", posyandu: "MELATI", month: 4)
    let out = link([b, a])
    #expect(out["kec-a.csv#5"]?.status == .valid)
    #expect(out["kec-b.csv#2"]?.status == .duplicate)
    #expect(out["kec-b.csv#2"]?.duplicateOf == "kec-a.csv#5")
    #expect(out["kec-b.csv#2"]?.notes == "DUPLICATE_DOUBLE_ENTRY")
}

@Test func exactlyOneRecordOfAGroupStaysValid() {
    // Three copies in one file and a double entry of the same weighing in another file.
    let copies = (1...3).map { rec($0 * 2, file: "a.csv", name: "Rina") }
    let other = rec(1, file: "b.csv", name: "Rina", desa: "LAIN", posyandu: "ANGGREK")
    let out = link(copies + [other])
    #expect(out.values.filter { $0.status == .valid }.count == 1)
    #expect(out.values.filter { $0.status == .duplicate }.allSatisfy { $0.duplicateOf == "a.csv#2" })
}

@Test func sameValuesInAnotherMonthAreNotDuplicates() {
    let out = link([rec(1, name: "Budi", month: 1, kg: 11), rec(2, name: "Budi", month: 2, kg: 11)])
    #expect(out.values.allSatisfy { $0.status == .valid })
    #expect(children(out) == 1)
}

@Test func sameWeighingOfTwoChildrenWithDifferentParentsIsNotADuplicate() {
    let a = rec(1, name: "Muhammad Rizki", parent: "SITI", desa: "A", kg: 10, cm: 80)
    let b = rec(2, name: "Muhammad Rizki", parent: "WATI", desa: "B", kg: 10, cm: 80)
    let out = link([a, b])
    #expect(out.values.allSatisfy { $0.status == .valid })
    #expect(children(out) == 2)
}

// MARK: identity

@Test func childKeyIsAnHMACNeverTheNIK() {
    let nik = "3301010503220001"
    let out = link([rec(1, name: "Budi", nik: nik)])
    let k = out["a.csv#1"]!.childKey
    #expect(k.count == 64)
    #expect(k.allSatisfy { "0123456789abcdef".contains($0) })
    #expect(!k.contains(nik))
    let other = link([rec(1, name: "Budi", nik: nik)], settings: LinkSettings(key: Array("another".utf8)))
    #expect(other["a.csv#1"]!.childKey != k)
}

@Test func nameVariantsAcrossMonthsAreOneChild() {
    let names = ["Muhammad Rizky", "Muhamad Rizki", "M. Rizki", "Moh. Rizky", "MUHAMMAD RIZKY"]
    let out = link(names.enumerated().map { rec($0 + 1, name: $1, month: $0 + 1) })
    #expect(children(out) == 1)
}

@Test func apostropheVariantsAreOneChild() {
    let out = link([rec(1, name: "Nur'aini", sex: .female, month: 1), rec(2, name: "Nur’aini", sex: .female, month: 2),
                    rec(3, name: "NURAINI", sex: .female, month: 3)])
    #expect(children(out) == 1)
}

@Test func droppedLastNameIsTheSameChild() {
    let out = link([rec(1, name: "Aisyah Putri Lestari", sex: .female, month: 1),
                    rec(2, name: "Aisyah Putri", sex: .female, month: 2),
                    rec(3, name: "Aisyah Putri Lestari", sex: .female, month: 3)])
    #expect(children(out) == 1)
}

@Test func aLoneCommonFirstNameLinksOnlyWithAgreeingParents() {
    let noParent = link([rec(1, name: "Muhammad Rizki", month: 1), rec(2, name: "Muhammad", parent: "", month: 2)])
    #expect(children(noParent) == 2)
    let sameMother = link([rec(1, name: "Putri Ayu", sex: .female, month: 1), rec(2, name: "Putri", sex: .female, month: 2)])
    #expect(children(sameMother) == 1)
    // Twins Muhammad Hasan and Muhammad Husein: a record saying only "Muhammad" links to neither.
    let twins = link([rec(1, name: "Muhammad Hasan", month: 1), rec(2, name: "Muhammad Husein", month: 1),
                      rec(3, name: "Muhammad", month: 2)])
    #expect(children(twins) == 3)
}

@Test func aSameNamedChildWithTheSameNIKButADroppedLastNameIsOneChild() {
    let nik = "3301010503220001"
    let out = link([rec(1, name: "Putra Utami", nik: nik, month: 1), rec(2, name: "Putra", nik: nik, month: 2)])
    #expect(children(out) == 1)
    #expect(out["a.csv#2"]?.notes == "")
}

@Test func aMistypedNIKDigitOutsideTheSerialLinksEvenWhenTheParentColumnHoldsTheOtherParent() {
    let out = link([rec(1, name: "Taufik Maulana", parent: "EVI", nik: "3301160112230871", month: 1),
                    rec(2, name: "Taufik Maulana", parent: "EVI", nik: "3301160112230871", month: 2),
                    rec(3, name: "TAUFIK MAULANA", parent: "JOKO", nik: "3301170112230871", month: 3)])
    #expect(children(out) == 1)
}

/// Namesakes born the same day in the same kecamatan get NIKs one serial apart; with other
/// parents they are two children (precision first), even though a typo could look the same.
@Test func namesakesWhoseNIKsDifferInTheSerialWithOtherParentsStayApart() {
    let out = link([rec(1, name: "Nu’man", parent: "RINA", nik: "3301160112230871", month: 1),
                    rec(2, name: "Nu’man", parent: "RINA", nik: "3301160112230871", month: 2),
                    rec(3, name: "Nu'man", parent: "DEWI", nik: "3301160112230872", month: 1),
                    rec(4, name: "Nu'man", parent: "DEWI", nik: "3301160112230872", month: 2)])
    #expect(children(out) == 2)
}

@Test func accentedLettersMatchInEitherCase() {
    #expect(Names.canonicalTokens("ZOÉ Amelia") == Names.canonicalTokens("Zoé Amelia"))
    #expect(Names.canonicalTokens("Zoé") == Names.canonicalTokens("ZOE"))
    // The same weighing typed at two posyandu with the name in capitals once: one duplicate.
    var a = rec(1, file: "a.csv", name: "Zoé Amelia", sex: .female, posyandu: "MAWAR", month: 3)
    var b = rec(1, file: "b.csv", name: "ZOÉ AMELIA", sex: .female, posyandu: "MELATI", month: 3)
    a.nik = ""; b.nik = ""
    let out = link([a, b])
    #expect(out["b.csv#1"]?.status == .duplicate)
    #expect(out["b.csv#1"]?.duplicateOf == "a.csv#1")
}

@Test func oneMistypedNIKDigitWithEverythingElseEqualIsTheSameChild() {
    let nik = "3301010503220001", typo = "3301010503220007"
    var records = (1...6).map { rec($0, name: "Budi Santoso", nik: nik, month: $0) }
    records.append(rec(7, name: "Budi Santoso", nik: typo, month: 7))
    let out = link(records)
    #expect(children(out) == 1)
    #expect(out["a.csv#7"]?.notes == "NIK_DIFFERS_FROM_CHILD")
}

@Test func oneDigitApartNIKsWithAnotherNameStayApart() {
    let out = link([rec(1, name: "Budi Santoso", nik: "3301010503220001"),
                    rec(2, name: "Bima Santoso", nik: "3301010503220002")])
    #expect(children(out) == 2)
}

@Test func nikArrivingMonthsLaterKeepsOneKey() {
    let nik = "3301010503220001"
    let records = (1...6).map { rec($0, name: "Budi", nik: $0 <= 3 ? "" : nik, month: $0) }
    let out = link(records)
    #expect(children(out) == 1)
}

@Test func moversKeepTheirKey() {
    // Without NIK: same name, birth date, sex and parent; another desa and posyandu.
    let noNIK = link([rec(1, name: "Rudi", month: 1), rec(2, name: "Rudi", desa: "MEKARSARI", posyandu: "DAHLIA", month: 5)])
    #expect(children(noNIK) == 1)
    // With NIK: the NIK carries the child to the new desa even with the parent written differently.
    let nik = "3301010503220001"
    let withNIK = link([rec(1, name: "Rudi", nik: nik, month: 1),
                        rec(2, name: "Rudi", parent: "AGUS", desa: "MEKARSARI", posyandu: "DAHLIA", nik: nik, month: 5)])
    #expect(children(withNIK) == 1)
}

@Test func motherOrFatherInTheParentColumnLinksWhenARecordNamesBoth() {
    let out = link([rec(1, name: "Rudi", parent: "SITI AMINAH", month: 1), rec(2, name: "Rudi", parent: "Bpk. Agus", month: 2),
                    rec(3, name: "Rudi", parent: "Siti Aminah / Agus", month: 3)])
    #expect(children(out) == 1)
    // A name of two words: mother in one record, father in another.
    let twoWords = link([rec(1, name: "Rudi Hartono", parent: "SITI AMINAH", month: 1), rec(2, name: "Rudi Hartono", parent: "AGUS", month: 2)])
    #expect(children(twoWords) == 1)
    // A one-word name and nothing tying "Siti" to "Agus", but measured in the same month: two
    // namesakes born the same day in one desa stay apart; never in the same month: one child.
    let apart = link([rec(1, name: "Rudi", parent: "SITI AMINAH", month: 1, kg: 10), rec(2, name: "Rudi", parent: "AGUS", month: 1, kg: 12)])
    #expect(children(apart) == 2)
    let months = link([rec(1, name: "Rudi", parent: "SITI AMINAH", month: 1), rec(2, name: "Rudi", parent: "AGUS", month: 2)])
    #expect(children(months) == 1)
    // A NIK ties them.
    let nik = "3301010503220001"
    let tied = link([rec(1, name: "Rudi", parent: "SITI AMINAH", nik: nik, month: 1), rec(2, name: "Rudi", parent: "AGUS", nik: nik, month: 2)])
    #expect(children(tied) == 1)
}

@Test func twinsStayApart() {
    // Same birth date, parent, address; similar names.
    let plain = link([rec(1, name: "Hasan", month: 1), rec(2, name: "Husein", month: 1),
                      rec(3, name: "Hasan", month: 2), rec(4, name: "Husein", month: 2)])
    #expect(children(plain) == 2)
    // With their own NIKs one serial digit apart.
    let niks = link([rec(1, name: "Hasan", nik: "3301010503220001"), rec(2, name: "Husein", nik: "3301010503220002")])
    #expect(children(niks) == 2)
    // With the same NIK (the mother's, typed for both): split by name, noted.
    let shared = link([rec(1, name: "Hasan", nik: "3301010503220001", month: 1), rec(2, name: "Husein", nik: "3301010503220001", month: 1),
                       rec(3, name: "Hasan", month: 2)])
    #expect(children(shared) == 2)
    #expect(shared["a.csv#1"]?.notes == "NIK_SHARED")
    // Identical weighing of twins on the same day is not a duplicate.
    let sameWeight = link([rec(1, name: "Hasan", kg: 9, cm: 75), rec(2, name: "Husein", kg: 9, cm: 75)])
    #expect(sameWeight.values.allSatisfy { $0.status == .valid })
}

@Test func sameCommonNameAndBirthDateInDifferentDesaStayApart() {
    let out = link([rec(1, name: "Muhammad Rizki", parent: "SITI", desa: "SUKAMAJU", month: 1),
                    rec(2, name: "Muhammad Rizki", parent: "WATI", desa: "CIBEBER", posyandu: "KENANGA", month: 1),
                    rec(3, name: "M. Rizky", parent: "", desa: "CIBEBER", posyandu: "KENANGA", month: 2),
                    rec(4, name: "Muhammad Rizki", parent: "", desa: "PASIR", posyandu: "SAKURA", month: 2)])
    #expect(children(out) == 3)
    #expect(out["a.csv#2"]?.childKey == out["a.csv#3"]?.childKey)
}

@Test func allZeroNIKNeverLinks() {
    let zero = "0000000000000000"
    let out = link([rec(1, name: "Budi", nik: zero), rec(2, name: "Ani", sex: .female, nik: zero),
                    rec(3, name: "Budi", parent: "WATI", desa: "CIBEBER", posyandu: "KENANGA", nik: zero)])
    #expect(children(out) == 3)
}

@Test func aParentsNIKDoesNotLinkSiblings() {
    // The mother's NIK (born 1995) typed for two children of different ages.
    let mother = "3301014807950003"
    let out = link([rec(1, name: "Budi", nik: mother), rec(2, name: "Budi", born: (2020, 1, 2), nik: mother)])
    #expect(children(out) == 2)
}

@Test func invalidRecordsGetNoKey() {
    var bad = rec(2, name: "Budi")
    bad.status = .invalid; bad.reason = "SEX_MISSING"
    let out = link([rec(1, name: "Budi"), bad])
    #expect(out["a.csv#2"]?.childKey == "")
    #expect(out["a.csv#2"]?.status == .invalid)
    #expect(out["a.csv#2"]?.reason == "SEX_MISSING")
}

// MARK: birth dates

@Test func swappedDayAndMonthIsReconciledByMajorityAndReported() {
    var records = (1...5).map { rec($0, name: "Rina", born: (2022, 3, 5), sex: .female, month: $0) }
    records.append(rec(6, name: "Rina", born: (2022, 5, 3), sex: .female, month: 6))
    let result = Link.run(records, settings: key)
    let valid = result.records.filter { $0.status == .valid }
    #expect(Set(valid.map(\.childKey)).count == 1)
    #expect(valid.allSatisfy { $0.birthDateReconciled == Day(year: 2022, month: 3, day: 5) })
    #expect(valid.last?.notes == "BIRTH_DATE_RECONCILED")
    let conflicts = result.tables.first { $0.name == "birth_date_conflicts" }!
    #expect(conflicts.rows.count == 1)
    #expect(conflicts.rows[0].dropFirst() == ["2022-03-05", "majority", "day_month_swap", "2022-03-05:5;2022-05-03:1", "6"])
}

@Test func theNIKDateOutweighsTheMajority() {
    // A girl: NIK day 43 = 3rd; NIK says 03/05/2022, two records say 05/03.
    let nik = "3301014305220001"
    let records = [rec(1, name: "Rina", born: (2022, 3, 5), sex: .female, nik: nik, month: 1),
                   rec(2, name: "Rina", born: (2022, 3, 5), sex: .female, nik: nik, month: 2),
                   rec(3, name: "Rina", born: (2022, 5, 3), sex: .female, nik: nik, month: 3)]
    let result = Link.run(records, settings: key)
    #expect(result.records.allSatisfy { $0.birthDateReconciled == Day(year: 2022, month: 5, day: 3) })
    let conflicts = result.tables.first { $0.name == "birth_date_conflicts" }!
    #expect(conflicts.rows.first?[2] == "nik")
}

@Test func aTieGoesToTheEarliestMeasurement() {
    let records = [rec(1, name: "Rina", born: (2022, 5, 3), sex: .female, month: 2),
                   rec(2, name: "Rina", born: (2022, 3, 5), sex: .female, month: 1)]
    let result = Link.run(records, settings: key)
    #expect(result.records.allSatisfy { $0.birthDateReconciled == Day(year: 2022, month: 3, day: 5) })
}

// MARK: ledger, summaries, determinism

/// A small mixed district: two files, invalid rows, duplicates, several children.
func mixedDistrict() -> [Record] {
    var rs: [Record] = []
    for m in 1...4 {
        rs.append(rec(m, file: "a.csv", name: "Budi", nik: "3301010503220001", month: m))
        rs.append(rec(10 + m, file: "a.csv", name: "Siti Nur'aini", sex: .female, parent: "WATI", month: m))
        rs.append(rec(m, file: "b.csv", name: m % 2 == 0 ? "M. Rizki" : "Muhammad Rizky", desa: "CIBEBER", posyandu: "KENANGA", month: m))
        rs.append(rec(10 + m, file: "b.csv", name: "Hasan", born: (2023, 7, 1), parent: "ANI", desa: "CIBEBER", posyandu: "KENANGA", month: m))
        rs.append(rec(20 + m, file: "b.csv", name: "Husein", born: (2023, 7, 1), parent: "ANI", desa: "CIBEBER", posyandu: "KENANGA", month: m))
    }
    rs.append(rec(30, file: "a.csv", name: "Budi", nik: "3301010503220001", month: 4))          // exact repeat of a.csv#4
    rs.append(rec(30, file: "b.csv", name: "Siti Nur’aini", sex: .female, parent: "WATI", desa: "CIBEBER", month: 2)) // double entry
    var bad = rec(31, file: "b.csv", name: "X"); bad.status = .invalid; bad.reason = "SEX_MISSING"
    var bad2 = rec(31, file: "a.csv", name: "Y"); bad2.status = .invalid; bad2.reason = "AGE_OVER_60"
    rs += [bad, bad2]
    return rs
}

/// The ledger rendered straight to bytes (what the archive holds) is the text table's CSV, in
/// ref order from records in any order, across several pieces, with the same fates; a file
/// name that needs quotes is quoted.
@Test func renderedLedgerIsTheBytesOfTheLedgerTable() {
    var records = Link.run(mixedDistrict(), settings: key).records
    records[0].notes = "a, \"quoted\" note"
    var rng = SplitMix64(seed: 7)
    var many: [Record] = []
    for k in 0..<(Link.ledgerPieceRows * 2 + 17) {
        var r = records[k % records.count]
        r.ref = RowRef(file: k % 3 == 0 ? "z, \(k % 5).csv" : "f\(k % 7).csv", record: Int(rng.next() % 1_000_000), line: k)
        many.append(r)
    }
    for recs in [records, records.reversed(), many] {
        let rendered = Link.renderedLedger(recs)
        let table = Link.ledger(recs)
        let fromTable = Ledger(table)
        #expect(rendered.csv.csv == table.csvBytes())
        #expect(rendered.csv.rowCount == recs.count)
        #expect(rendered.fates == fromTable.fates)
        #expect(rendered.invalidByReason == fromTable.invalidByReason)
    }
    #expect(Link.renderedLedger(records).invalidByReason == ["SEX_MISSING": 1, "AGE_OVER_60": 1])
}

@Test func ledgerBalancesPerFile() {
    let result = Link.run(mixedDistrict(), settings: key)
    let ledger = Link.ledger(result.records)
    #expect(ledger.columns == ["file", "record", "line", "status", "reason", "duplicate_of", "child_key", "notes"])
    #expect(ledger.rows.count == 24)
    let summary = result.tables.first { $0.name == "link_summary_file" }!
    let col = { (n: String) in summary.column(n)! }
    for file in ["a.csv", "b.csv"] {
        let lines = ledger.rows.filter { $0[0] == file }
        let row = summary.rows.first { $0[0] == file }!
        let valid = lines.filter { $0[3] == "valid" }.count, invalid = lines.filter { $0[3] == "invalid" }.count
        let dup = lines.filter { $0[3] == "duplicate" }.count
        #expect(lines.count == valid + invalid + dup)
        #expect(row[col("records_n")] == String(lines.count))
        #expect(row[col("valid_n")] == String(valid))
        #expect(row[col("invalid_n")] == String(invalid))
        #expect(row[col("duplicate_n")] == String(dup))
    }
    let repeatLine = ledger.rows.first { $0[0] == "a.csv" && $0[1] == "30" }!
    let keptLine = ledger.rows.first { $0[0] == "a.csv" && $0[1] == "4" }!
    #expect(repeatLine[2...5] == ["31", "duplicate", "", "a.csv#4"])
    #expect(repeatLine[6] == keptLine[6])
    #expect(keptLine[3] == "valid")
    let invalidLine = ledger.rows.first { $0[0] == "b.csv" && $0[1] == "31" }!
    #expect(invalidLine[3...6] == ["invalid", "SEX_MISSING", "", ""])
    let all = summary.rows.last!
    #expect(all[0] == "ALL")
    #expect(all[col("records_n")] == "24")
    #expect(all[col("valid_n")] == "20")
    #expect(all[col("duplicate_n")] == "2")
    #expect(all[col("children_n")] == "5")
    #expect(all[col("invalid_sex_missing_n")] == "1")
    #expect(all[col("invalid_age_over_60_n")] == "1")
}

@Test func posyanduSummaryCountsEveryRecordOnce() {
    let result = Link.run(mixedDistrict(), settings: key)
    let t = result.tables.first { $0.name == "link_summary_posyandu" }!
    let records = t.column("records_n")!
    let sum = t.rows.dropLast().map { Int($0[records])! }.reduce(0, +)
    #expect(sum == 24)
    #expect(t.rows.first?.prefix(4) == ["KEC A", "", "CIBEBER", "KENANGA"])
}


@Test func resultsDoNotDependOnInputOrder() {
    let input = mixedDistrict()
    let reference = Link.run(input, settings: key)
    for seed in 0..<20 as Range<UInt64> {
        var rng = SplitMix64(seed: seed)
        let shuffled = input.shuffled(using: &rng)
        let result = Link.run(shuffled, settings: key)
        #expect(result.records == reference.records, "seed \(seed)")
        #expect(result.tables == reference.tables, "seed \(seed)")
    }
}

@Test func aMalformedNIKNeitherLinksNorSplitsAChild() {
    // Issue 11: a valid record with a 15-digit NIK links by name, birth date, sex and parent.
    let nik = "3301010503220001", short = "330101050322000"
    let out = link([rec(1, name: "Budi Santoso", nik: nik, month: 1), rec(2, name: "Budi Santoso", nik: short, month: 2)])
    #expect(children(out) == 1)
    // The same 15 digits on two different children do not join them.
    let apart = link([rec(1, name: "Budi Santoso", nik: short), rec(2, name: "Ani Lestari", sex: .female, parent: "WATI", nik: short)])
    #expect(children(apart) == 2)
}
