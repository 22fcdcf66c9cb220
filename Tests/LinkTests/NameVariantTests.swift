import Testing
import TimbangCore
@testable import Link

/// How two raw names relate, through the same features link uses.
private func relation(_ a: String, _ b: String) -> Names.Relation {
    let f = Features([rec(1, name: a), rec(2, name: b)])
    return f.nameRelation(f.name[0], f.name[1])
}

// MARK: spelling families

@Test func vowelAndConsonantSpellingsFoldToOneSkeleton() {
    let families = [
        ["Alif", "Alief"], ["Arkan", "Arkhan"], ["Zahra", "Zahro", "Zahrah"], ["Kayla", "Keyla", "Keila"],
        ["Zidan", "Zidane"], ["Putri", "Puteri"], ["Syifa", "Sifa"], ["Ramadhan", "Ramadan"],
        ["Fadjar", "Fajar"], ["Tjitra", "Citra"], ["Soeharto", "Suharto"],
        ["Akhmad", "Ahmad"], ["Daffa", "Dafa"], ["Nayla", "Naila"], ["Prasetyo", "Prasetya"], ["Saputra", "Saputera"], ["Bima", "Bimo"],
    ]
    for family in families {
        let skeletons = Set(family.map { Names.canonicalTokens($0) })
        #expect(skeletons.count == 1, "\(family) → \(skeletons)")
    }
}

@Test func muhammadInAnySpellingIsOneWord() {
    for w in ["Mochammadh", "Muhhammad", "Muhammet", "Mohamad", "MUCHAMMAD", "Mochamad"] {
        #expect(Names.canonicalTokens(w + " Fikri") == ["MUHAMAD", "FIKRI"], "\(w)")
    }
    #expect(Names.canonicalTokens("Mahmud Fikri") != ["MUHAMAD", "FIKRI"])
}

@Test func twoRecordsSpelledTwoWaysOfOneChildStayCompatible() {
    // each is a variant of `Nur Syifa Aulia`; between them, two differences and a dropped word
    let f = Features([rec(1, name: "Nursyifa"), rec(2, name: "Nur S. Aulia"), rec(3, name: "Salsabila R."),
                      rec(4, name: "Salsa B. Rahmawati"), rec(5, name: "Muhammad Hasan"), rec(6, name: "Muhammad Husein")])
    #expect(f.nameRelation(f.name[0], f.name[1]) == .none)
    #expect(f.namesCompatible(f.name[0], f.name[1]))
    #expect(f.namesCompatible(f.name[2], f.name[3]))
    #expect(!f.namesCompatible(f.name[4], f.name[5]))   // twins: Hasan never pairs with Husein
}

@Test func aNIKChildSpelledTwoWaysInTwoRecordsIsOneChild() {
    let nik = "3345016602240001"
    var records = [rec(1, name: "Nur Syifa Aulia", born: (2024, 2, 26), sex: .female, nik: nik, month: 3),
                   rec(2, name: "Nursyifa", born: (2024, 2, 26), sex: .female, nik: nik, month: 5),
                   rec(3, name: "Nursyifa Aulia", born: (2024, 2, 26), sex: .female, nik: nik, month: 6),
                   rec(4, name: "Nur S. Aulia", born: (2024, 2, 26), sex: .female, nik: nik, month: 11)]
    #expect(children(link(records)) == 1)
    // her twin under the same NIK, `Nur S. Aulia` too by an initial, weighed that month: two
    records.append(rec(5, name: "Nur Sakila Aulia", born: (2024, 2, 26), sex: .female, nik: nik, month: 11))
    #expect(children(link(records)) == 2)
}

@Test func aTwinsRecordWithAnInitialDoesNotKeepTheOtherTwinFromHisOwnName() {
    // Azka and Athar, twins; Athar's first months without a NIK, his later ones with it; a
    // record `Ahmad A.` under Azka's NIK could be either
    var records = (1...3).map { rec($0, name: "Ahmad Azka", born: (2023, 12, 17), nik: "3345021712230001", month: $0) }
    records.append(rec(4, name: "Ahmad A.", born: (2023, 12, 17), nik: "3345021712230001", month: 4))
    records += (1...3).map { rec(10 + $0, name: "Ahmad Athar", born: (2023, 12, 17), month: $0) }
    records += (4...6).map { rec(20 + $0, name: "Ahmad Athar", born: (2023, 12, 17), nik: "3345021712230002", month: $0) }
    let out = link(records)
    #expect(children(out) == 2)
    #expect(out["a.csv#11"]!.childKey == out["a.csv#24"]!.childKey)
    #expect(out["a.csv#1"]!.childKey != out["a.csv#11"]!.childKey)
}

@Test func shortWordsKeepTheirLastVowelSoEkoAndEkaStayApart() {
    #expect(Names.canonicalTokens("Eko") != Names.canonicalTokens("Eka"))
    #expect(Names.canonicalTokens("Dewi") != Names.canonicalTokens("Dwi"))
    #expect(relation("Hasan", "Husein") == .none)
    #expect(relation("Rafi", "Rafa") == .none)
}

@Test func aBoundedEditDistanceCoversOtherSpellingsOfLongWordsOnly() {
    #expect(relation("Kurniawan", "Kurniawen") == .variant)        // one edit, nine letters
    #expect(relation("Nabila Safitri", "Nabila Savitry") == .same)  // v/f, y/i: rules
    #expect(relation("Nabila Safitri", "Nabila Sapitri") == .variant)
    #expect(relation("Raka", "Rika") == .none)                      // four letters: no edit
    #expect(relation("Putri Aulia", "Putri Amelia") == .none)       // two edits in six letters
}

@Test func initialsCompoundsAndApostrophesAlignWordByWord() {
    #expect(relation("Arga Galih Wibowo", "Arga G. Wibowo") == .variant)
    #expect(relation("Fitri Zaskia Hasanah", "Fitri Z. Hasanah") == .variant)
    #expect(relation("Chandra Putra Wibowo", "C. Putra Wibowo") == .variant)
    #expect(relation("Rizky Syahputra", "Rizky Syah Putra") == .variant)
    #expect(relation("Nur'aini", "Nur Aini") == .variant)
    #expect(relation("Adiba Azzahra", "Adiba Az Zahra") == .variant)
    #expect(relation("Galih Alfatih", "Galih Al F.") == .variant)
    #expect(relation("Azzahra Azzahra", "Az Z. Azzahra") == .variant)   // `Az Z.`: the seam's double letter folded
    #expect(relation("Az Zahra Azzahra", "Az Z. Azzahra") == .variant)
    #expect(relation("Arga Galih Wibowo", "Arga Galih") == .dropped)
    #expect(relation("Arga Galih Wibowo", "Arga Wibowo") == .dropped)
    #expect(relation("Muhammad Rizky", "Rizky") == .dropped)
    #expect(relation("Arga G. Wibowo", "Arga Galih") == .distant)
    #expect(relation("Adiba", "Adiba Az Zahra") == .dropped)
    #expect(relation("Muhammad Raka Al", "Muhammad Raka Alfatih") == .variant)   // a compound cut short
    #expect(relation("Galih Wibowo", "Arga Galih Wibowo") == .none)   // a first word dropped
    #expect(relation("Arga Galih", "Arga Wibowo") == .none)           // a word dropped on each side
    #expect(relation("Putri", "Putri Amelia") == .genericDropped)
}

@Test func parentsCompareAsNamesDo() {
    let f = Features([rec(1, name: "Alif", parent: "Ibu Siti Aminah"), rec(2, name: "Alif", parent: "SITI AMINA / AGUS"),
                      rec(3, name: "Alif", parent: "Sri Wahyuni"), rec(4, name: "Alif", parent: "Siti")])
    #expect(f.parentRelation(f.parent[0], f.parent[1]) == .agree)
    #expect(f.parentRelation(f.parent[0], f.parent[2]) == .differ)
    #expect(f.parentRelation(f.parent[0], f.parent[3]) == .differ)   // a lone common word
}

// MARK: linking

@Test func theSameNIKBirthDateAndSexWithASpelledNameIsOneChild() {
    let nik = "3301016302220001"
    for spellings in [["Adiba Azzahra", "ADIBA AZZAHRO", "Adiba Az Zahra", "Adiba A."],
                      ["Alif Pratama", "Alief Pratama"], ["Arkan", "Arkhan"], ["Keyla Putri", "Kayla Puteri"],
                      ["Arga Galih Wibowo", "Arga G. Wibowo", "Arga Galih"], ["Rizky Syahputra", "Rizky Syah Putra"]] {
        let out = link(spellings.enumerated().map { rec($0 + 1, name: $1, sex: .female, nik: nik, month: $0 + 1) })
        #expect(children(out) == 1, "\(spellings)")
        #expect(out.values.allSatisfy { !$0.notes.contains(LinkNote.nikShared) })
    }
}

@Test func withoutANIKASpelledNameLinksInThePlaceWithTheParentNotContradicting() {
    let out = link([rec(1, name: "Zidan Maulana", month: 1), rec(2, name: "Zidane Maulana", month: 2),
                    rec(3, name: "Zidan Maulana", parent: "", month: 3), rec(4, name: "Zidan Maoelana", month: 4)])
    #expect(children(out) == 1)
}

@Test func twinsWithSimilarNamesUnderTheMothersNIKMeasuredInTheSameMonthStayApart() {
    let mother = "3301010503220001"   // one twin's NIK, written for both
    var records: [Record] = []
    for m in 1...3 {
        records.append(rec(m, name: "Kurniawan Putra", nik: mother, month: m, kg: 10))
        records.append(rec(10 + m, name: "Kurniawen Putra", nik: mother, month: m, kg: 11))
    }
    let out = link(records)
    #expect(children(out) == 2)
    #expect(out["a.csv#1"]?.childKey != out["a.csv#11"]?.childKey)
    #expect(out.values.allSatisfy { $0.notes.contains(LinkNote.nikShared) })
    // The same two spellings of one child, never in the same month: one child.
    let one = link((1...4).map { rec($0, name: $0 % 2 == 0 ? "Kurniawan Putra" : "Kurniawen Putra", nik: mother, month: $0) })
    #expect(children(one) == 1)
}

@Test func twinsWithoutNIKWithSimilarNamesInTheSameMonthStayApart() {
    var records: [Record] = []
    for m in 1...3 {
        records.append(rec(m, name: "Nabila Sapitri", sex: .female, month: m, kg: 10))
        records.append(rec(10 + m, name: "Nabila Safitri", sex: .female, month: m, kg: 11))
    }
    #expect(children(link(records)) == 2)
}

@Test func namesakesInTwoDesaStayApartEvenWithSpelledNames() {
    let out = link([rec(1, name: "Muhammad Rizky", parent: "SITI", desa: "SUKAMAJU", month: 1),
                    rec(2, name: "Muhammad Rizki", parent: "WATI", desa: "SUKAJADI", month: 2),
                    rec(3, name: "Moh. Riski", parent: "SITI", desa: "SUKAMAJU", month: 3),
                    rec(4, name: "M. Rizky", parent: "WATI", desa: "SUKAJADI", month: 4)])
    #expect(children(out) == 2)
    #expect(out["a.csv#1"]?.childKey == out["a.csv#3"]?.childKey)
    #expect(out["a.csv#2"]?.childKey == out["a.csv#4"]?.childKey)
}

@Test func aNIKSharedBySiblingsOfDifferentAgesWithSimilarNamesStaysSplit() {
    let family = "3301010503210001"   // the elder's NIK, written for the younger too
    let out = link([rec(1, name: "Kurniawan", born: (2021, 3, 5), nik: family, month: 1),
                    rec(2, name: "Kurniawen", born: (2023, 8, 1), nik: family, month: 2)])
    #expect(children(out) == 2)
    #expect(out["a.csv#1"]?.notes.contains(LinkNote.nikShared) == true)
    // A pair this close goes to clerical review with its evidence.
    let review = Link.run([rec(1, name: "Kurniawan", born: (2021, 3, 5), nik: family, month: 1),
                           rec(2, name: "Kurniawen", born: (2023, 8, 1), nik: family, month: 2)], settings: key)
        .tables.first { $0.name == "link_review" }!
    #expect(review.columns == Link.reviewColumns)
    #expect(review.rows.count == 1)
    #expect(review.rows.first.map { [$0[0], $0[1], $0[4], $0[5], $0[6]] } == ["a.csv#1", "a.csv#2", "same", "different", "variant"])
}

@Test func theMotherInOneRecordAndTheFatherInAnotherLinkAOneWordNameNeverMeasuredInTheSameMonth() {
    var records = (1...5).map { rec($0, name: "Iqbal", parent: "SUMARNI KALSUM", month: $0) }
    records.append(rec(6, name: "IQBAL", parent: "ASEP HAKIM", month: 6))
    #expect(children(link(records)) == 1)
    // Two boys called Iqbal born the same day in one desa, weighed in the same months: two.
    var two = (1...3).map { rec($0, name: "Iqbal", parent: "SUMARNI KALSUM", month: $0, kg: 10) }
    two += (1...3).map { rec(10 + $0, name: "Iqbal", parent: "ASEP HAKIM", month: $0, kg: 12) }
    #expect(children(link(two)) == 2)
}

@Test func theMotherInOneRecordAndTheFatherInAnotherLinkASpelledNameOfTwoWordsNeverMeasuredInTheSameMonth() {
    for (name, other) in [("Putri Azzahra", "Putri Az Zahra"), ("Salsabila Febriani", "Salsa Bila Febriani"),
                          ("Siti Azzahra", "SITI AZ ZAHRA")] {
        var records = (1...4).map { rec($0, name: name, parent: "FITRI KALSUM", month: $0) }
        records.append(rec(5, name: other, parent: "HENDRA RAHMAN", month: 5))
        #expect(children(link(records)) == 1, "\(name) / \(other)")
        // two children of those names born that day in that desa, weighed in a common month: two
        var two = (1...3).map { rec($0, name: name, parent: "FITRI KALSUM", month: $0, kg: 10) }
        two += (1...3).map { rec(10 + $0, name: other, parent: "HENDRA RAHMAN", month: $0, kg: 12) }
        #expect(children(link(two)) == 2, "\(name) / \(other)")
        // in another desa, another parent: namesakes, never joined by a spelling
        var apart = (1...4).map { rec($0, name: name, parent: "FITRI KALSUM", month: $0) }
        apart.append(rec(5, name: other, parent: "HENDRA RAHMAN", desa: "SUKAJAYA", posyandu: "MELATI", month: 5))
        #expect(children(link(apart)) == 2, "\(name) / \(other)")
    }
    // a one-word name spelled differently with another parent is not believed: review
    var one = (1...4).map { rec($0, name: "Kurniawan", parent: "FITRI KALSUM", month: $0) }
    one.append(rec(5, name: "Kurniawen", parent: "HENDRA RAHMAN", month: 5))
    #expect(children(link(one)) == 2)
}

@Test func aMistypedNIKWithTheFatherInTheParentColumnLinksWhenNeverMeasuredInTheSameMonth() {
    var records = (1...5).map { rec($0, name: "Athar", parent: "SUPARTI HASANAH", nik: "3345012307220001", month: $0) }
    records.append(rec(6, name: "ATHAR", parent: "DWI SUTRISNO", nik: "3345012307220301", month: 6))
    let out = link(records)
    #expect(children(out) == 1)
    #expect(out["a.csv#6"]?.notes.contains(LinkNote.nikDiffersFromChild) == true)
    // In the serial, a name that is not the same (words dropped) with the parents disagreeing
    // is not believed: it goes to clerical review.
    var dropped = (1...5).map { rec($0, name: "Athar Pratama", parent: "SUPARTI HASANAH", nik: "3345012307220001", month: $0) }
    dropped.append(rec(6, name: "Athar", parent: "DWI SUTRISNO", nik: "3345012307220301", month: 6))
    let result = Link.run(dropped, settings: key)
    #expect(Set(result.records.map(\.childKey)).count == 2)
    let review = result.tables.first { $0.name == "link_review" }!
    #expect(review.rows.map { [$0[0], $0[1], $0[4], $0[6], $0[7]] } == [["a.csv#1", "a.csv#6", "one_digit", "dropped", "differ"]])
}

// MARK: clerical decisions

@Test func clericalDecisionsJoinAndSeparateOnTheNextRun() throws {
    let records = [rec(1, name: "Kurniawan", born: (2021, 3, 5), month: 1),
                   rec(2, name: "Kurniawen", born: (2021, 3, 5), parent: "AGUS", desa: "LAIN", month: 2),
                   rec(3, name: "Budi Santoso", month: 1), rec(4, name: "Budi Santoso", parent: "AGUS", month: 2)]
    let before = link(records)
    #expect(before["a.csv#1"]?.childKey != before["a.csv#2"]?.childKey)
    #expect(before["a.csv#3"]?.childKey == before["a.csv#4"]?.childKey)
    let text = "record_a,record_b,decision,note\na.csv#1,a.csv#2,same,checked\na.csv#3,a.csv#4, Different ,\n"
        + "a.csv#1,x.csv#9,same,\na.csv#1,a.csv#3,,\n"
    let decisions = try LinkDecision.parse(text, name: "d.csv")
    #expect(decisions.count == 3)
    let result = Link.run(records, settings: LinkSettings(key: key.key, decisions: decisions))
    let after = Dictionary(uniqueKeysWithValues: result.records.map { ($0.ref.description, $0) })
    #expect(after["a.csv#1"]?.childKey == after["a.csv#2"]?.childKey)
    #expect(after["a.csv#3"]?.childKey != after["a.csv#4"]?.childKey)
    let table = result.tables.first { $0.name == "link_decisions" }!
    #expect(table.rows.map { $0[3] } == ["applied", "applied", "record_not_found"])
    #expect(throws: TableError.self) { try LinkDecision.parse("record_a,record_b,decision\na.csv#1,a.csv#2,maybe\n", name: "d") }
    #expect(throws: TableError.self) { try LinkDecision.parse("a,b\n", name: "d") }
}

// MARK: double entry at home

@Test func aDoubleEntryCountsAtThePosyanduWhereTheChildIsMeasuredInItsOtherMonths() {
    // Dewi lives at SUKAJADI/MELATI (file b), weighed there in months 1–3; her April weighing
    // is also typed at SUKAMAJU/MAWAR (file a, which sorts first).
    var records = (1...3).map { rec($0, file: "b.csv", name: "Dewi Lestari", sex: .female, desa: "SUKAJADI", posyandu: "MELATI", month: $0) }
    records.append(rec(4, file: "b.csv", name: "Dewi Lestari", sex: .female, desa: "SUKAJADI", posyandu: "MELATI", month: 4))
    records.append(rec(9, file: "a.csv", name: "DEWI LESTARI", sex: .female, desa: "SUKAMAJU", posyandu: "MAWAR", month: 4))
    let out = link(records)
    #expect(out["b.csv#4"]?.status == .valid)
    #expect(out["a.csv#9"]?.status == .duplicate)
    #expect(out["a.csv#9"]?.duplicateOf == "b.csv#4")
    #expect(out["a.csv#9"]?.notes == "DUPLICATE_DOUBLE_ENTRY")
    #expect(out["a.csv#9"]?.childKey == out["b.csv#1"]?.childKey)
    #expect(children(out) == 1)
    // With no other month the tie goes to the smaller file#record.
    let alone = link([records[3], records[4]])
    #expect(alone["a.csv#9"]?.status == .valid && alone["b.csv#4"]?.status == .duplicate)
}

@Test func theLedgerCarriesTheNotes() {
    var a = rec(1, name: "Budi"); a.notes = "HEIGHT_IMPLAUSIBLE"
    let ledger = Link.ledger(Link.run([a, rec(2, name: "Budi", month: 1)], settings: key).records)
    #expect(ledger.columns.last == "notes")
    #expect(ledger.rows[0].last == "HEIGHT_IMPLAUSIBLE")
    #expect(ledger.rows[1].last == "DUPLICATE_EXACT")
}
