import Growth
import Testing
import TimbangCore

@Suite struct GrowthStageTests {
    static func records(_ n: Int, seed: UInt64) -> [Record] {
        var rng = SplitMix64(seed: seed)
        let birth0 = Day(year: 2020, month: 1, day: 1)!
        return (0..<n).map { i in
            var r = Record(ref: RowRef(file: "dump.csv", record: i + 1, line: i + 2))
            r.status = i % 17 == 0 ? .invalid : .valid
            r.sex = Bool.random(using: &rng) ? .male : .female
            r.birthDate = birth0 + Int.random(in: 0...900, using: &rng)
            r.measureDate = r.birthDate! + Int.random(in: 0...1900, using: &rng)
            let months = Double(r.measureDate! - r.birthDate!) / 30.4375
            r.weightKg = (3.3 + months * 0.25 + Double.random(in: -2...2, using: &rng)).rounded(toPlaces: 1)
            r.heightCm = (50 + months * 1.1 + Double.random(in: -6...6, using: &rng)).rounded(toPlaces: 1)
            r.measure = Bool.random(using: &rng) ? .lying : (Bool.random(using: &rng) ? .standing : nil)
            r.oedema = i % 53 == 0
            r.muacCm = i % 3 == 0 ? 13 + Double.random(in: -2...3, using: &rng) : nil
            return r
        }
    }

    @Test func oneThreadAndManyThreadsGiveIdenticalRecords() {
        let input = Self.records(10_000, seed: 42)
        let one = Growth.run(input, standards: standards, threads: 1)
        let many = Growth.run(input, standards: standards, threads: 4)
        #expect(one.count == input.count)
        #expect(one == many)
        #expect(one.filter { $0.zwei != nil }.count > 8_000)
    }

    @Test func validRecordsGetAgeZScoresAndCategoriesOthersPassThrough() {
        var r = Record(ref: RowRef(file: "f.csv", record: 1, line: 2))
        r.status = .valid
        r.sex = .male
        r.birthDate = Day(year: 2023, month: 1, day: 1)
        r.birthDateReconciled = Day(year: 2023, month: 1, day: 2)
        r.measureDate = Day(year: 2024, month: 1, day: 2)
        r.weightKg = 7.0
        r.heightCm = 70.0
        r.measure = .lying
        var invalid = r
        invalid.status = .invalid
        let out = Growth.run([r, invalid], standards: standards, threads: 2)
        #expect(out[1] == invalid)
        let g = out[0]
        #expect(g.ageDays == 365, "age from the reconciled birth date")
        let expected = standards.zscores(ZScoreInput(sex: .male, ageDays: 365, weightKg: 7, lenheiCm: 70, measure: .lying))
        #expect(g.zwei == expected.zwei && g.zlen == expected.zlen && g.zwfl == expected.zwfl && g.zbmi == expected.zbmi)
        #expect(g.zwei! < -2 && g.zwei! >= -3)
        #expect(g.catWei == "bbu_kurang")
        #expect(g.catLen == Permenkes2020.category(.tbu, z: g.zlen)!.code)
        #expect(g.clenhei == 70 && g.cmeasure == .lying && !g.c9mo)
    }

    @Test func oedemaGivesTheLowestWeightCategoryWithoutZScore() {
        var r = Record(ref: RowRef(file: "f.csv", record: 1, line: 2))
        r.status = .valid
        r.sex = .female
        r.birthDate = Day(year: 2023, month: 1, day: 1)
        r.measureDate = Day(year: 2024, month: 3, day: 1)
        r.weightKg = 9
        r.heightCm = 74
        r.oedema = true
        let g = Growth.run([r], standards: standards, threads: 1)[0]
        #expect(g.zwei == nil && g.zwfl == nil && g.zbmi == nil)
        #expect(g.catWei == "bbu_sangat_kurang" && g.catWfl == "bbtb_gizi_buruk" && g.catBmi == "imtu_gizi_buruk")
        #expect(g.zlen != nil && g.catLen != "")
    }
}

extension Double {
    func rounded(toPlaces p: Int) -> Double { roundLikeR(self * pow10(p - 2)) / pow10(p - 2) }
    private func pow10(_ e: Int) -> Double { e >= 0 ? (0..<e).reduce(1.0) { a, _ in a * 10 } : 1 / pow10(-e) }
}
