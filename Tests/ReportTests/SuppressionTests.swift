import Testing
import TimbangCore
@testable import Report

@Suite struct SuppressionTests {
    static let keys = ["level", "kecamatan", "puskesmas", "desa", "posyandu", "period"]

    /// kabupaten → one kecamatan → three desa, one count triple.
    func hierarchy(_ desa: [(String, Int, Int)]) -> Table {
        let cols = Self.keys + ["stunting_n", "stunting_d", "stunting_pct", "haz_mean"]
        func row(_ level: String, _ kec: String, _ d: String, _ n: Int, _ den: Int) -> [String] {
            [level, kec, "", d, "", "latest", String(n), String(den), Fixture.pct(n, den), "-1.2"]
        }
        let n = desa.reduce(0) { $0 + $1.1 }, d = desa.reduce(0) { $0 + $1.2 }
        return Table(name: "prevalence", columns: cols, rows:
            [row("kabupaten", "", "", n, d), row("kecamatan", "K", "", n, d)] + desa.map { row("desa", "K", $0.0, $0.1, $0.2) })
    }

    func cell(_ t: Table, _ r: Int, _ c: String) -> String { t.rows[r][t.column(c)!] }

    @Test func countsOneToKMinusOneAreSuppressedZeroAndKAreShown() {
        let t = Table(name: "x", columns: Self.keys + ["a_n", "b_n", "c_n", "d_n", "e_d"],
                      rows: [["kabupaten", "", "", "", "", "latest", "0", "1", "4", "5", "12"]])
        let r = Suppression.apply(t, k: 5)
        #expect(r.table.rows[0] == ["kabupaten", "", "", "", "", "latest", "0", "S", "S", "5", "12"])
        #expect(r.primary == 2)
    }

    @Test func statisticsFollowTheirCounts() {
        let t = hierarchy([("A", 3, 20), ("B", 8, 30), ("C", 1, 4)])
        let r = Suppression.apply(t, k: 5).table
        // desa A: n = 3 → n and pct hidden.
        #expect(cell(r, 2, "stunting_n") == "S")
        #expect(cell(r, 2, "stunting_pct") == "S")
        // desa C: d = 4 → d, pct hidden; haz_mean has no count of its own and follows the row's denominator.
        #expect(cell(r, 4, "stunting_d") == "S")
        #expect(cell(r, 4, "stunting_pct") == "S")
        #expect(cell(r, 4, "haz_mean") == "S")
        // C's denominator is the only hidden one: A's (20, the smallest other) is hidden as its complement.
        #expect(cell(r, 2, "stunting_d") == "S")
        #expect(cell(r, 3, "stunting_d") == "30")
        #expect(cell(r, 3, "haz_mean") == "-1.2")
        #expect(cell(r, 0, "stunting_pct") == Fixture.pct(12, 54))
    }

    @Test func oneSuppressedDesaHidesTheNextSmallestSibling() {
        let t = hierarchy([("A", 3, 20), ("B", 8, 30), ("C", 10, 40)])
        let r = Suppression.apply(t, k: 5)
        // A is primary; B (8) is the smallest other non-zero desa and is hidden too; C and the totals stay.
        #expect(cell(r.table, 2, "stunting_n") == "S")
        #expect(cell(r.table, 3, "stunting_n") == "S")
        #expect(cell(r.table, 3, "stunting_pct") == "S")
        #expect(cell(r.table, 4, "stunting_n") == "10")
        #expect(cell(r.table, 1, "stunting_n") == "21")
        #expect(r.complementary == 1)
    }

    @Test func twoSuppressedDesaNeedNoComplement() {
        let r = Suppression.apply(hierarchy([("A", 3, 20), ("B", 2, 30), ("C", 10, 40)]), k: 5)
        #expect(r.complementary == 0)
        #expect(cell(r.table, 4, "stunting_n") == "10")
    }

    @Test func zeroIsNeverAComplementAndTotalsEqualToAHiddenCellAreHidden() {
        // A = 3 hidden, B = 0 stays shown; the kecamatan and kabupaten totals equal A and are hidden.
        let r = Suppression.apply(hierarchy([("A", 3, 20), ("B", 0, 30)]), k: 5)
        #expect(cell(r.table, 3, "stunting_n") == "0")
        #expect(cell(r.table, 1, "stunting_n") == "S")
    }

    @Test func sexMarginIsProtected() {
        let cols = Self.keys + ["sex", "age_group", "wasting_n"]
        let t = Table(name: "p", columns: cols, rows: [
            ["kabupaten", "", "", "", "", "latest", "all", "all", "25"],
            ["kabupaten", "", "", "", "", "latest", "L", "all", "4"],
            ["kabupaten", "", "", "", "", "latest", "P", "all", "21"],
        ])
        let r = Suppression.apply(t, k: 5).table
        #expect(r.rows.map { $0.last! } == ["25", "S", "S"])
    }

    @Test func skdnPartsOfDAreProtectedAndRepeatedValuesHidden() {
        let cols = Self.keys + ["k_n", "d_n", "n_n", "t_n", "o_n", "b_n", "nd_n", "nd_d", "nd_pct"]
        let t = Table(name: "skdn", columns: cols, rows: [
            ["posyandu", "K", "", "D", "P", "2024-01", "40", "30", "20", "6", "3", "1", "20", "30", "66.7"],
        ])
        let r = Suppression.apply(t, k: 5).table
        // O = 3 and B = 1 are primary (two hidden parts: no complement needed). N and D shown.
        #expect(cell(r, 0, "o_n") == "S")
        #expect(cell(r, 0, "b_n") == "S")
        #expect(cell(r, 0, "t_n") == "6")
        let t2 = Table(name: "skdn", columns: cols, rows: [
            ["posyandu", "K", "", "D", "P", "2024-01", "40", "30", "20", "7", "3", "0", "20", "30", "66.7"],
        ])
        let r2 = Suppression.apply(t2, k: 5).table
        // Only O hidden: T (7) is the smallest other part and is hidden too.
        #expect(cell(r2, 0, "o_n") == "S")
        #expect(cell(r2, 0, "t_n") == "S")
        #expect(cell(r2, 0, "n_n") == "20")
        #expect(cell(r2, 0, "nd_pct") == "66.7")
    }

    @Test func categoriesAndBinsArePartitions() {
        let cols = Self.keys + ["indicator", "category", "label", "count_n", "total_d", "count_pct"]
        let t = Table(name: "categories", columns: cols, rows: [
            ["kabupaten", "", "", "", "", "latest", "tbu", "SP", "Sangat pendek", "2", "60", "3.3"],
            ["kabupaten", "", "", "", "", "latest", "tbu", "P", "Pendek", "9", "60", "15"],
            ["kabupaten", "", "", "", "", "latest", "tbu", "N", "Normal", "49", "60", "81.7"],
        ])
        let r = Suppression.apply(t, k: 5).table
        #expect((0..<3).map { cell(r, $0, "count_n") } == ["S", "S", "49"])
        #expect(cell(r, 1, "count_pct") == "S")
        #expect(cell(r, 2, "count_pct") == "81.7")
    }

    @Test func extraColumnsPassThrough() {
        let t = Table(name: "quality", columns: Self.keys + ["records_n", "grade", "note"],
                      rows: [["posyandu", "K", "", "D", "P", "latest", "3", "C", "free text"]])
        let r = Suppression.apply(t, k: 5).table
        #expect(r.rows[0].suffix(3) == ["S", "C", "free text"])
    }

    @Test func kOfOneSuppressesNothing() {
        let r = Suppression.apply(hierarchy([("A", 1, 2), ("B", 8, 30)]), k: 1)
        #expect(r.primary == 0 && r.complementary == 0)
    }
}

/// The complementary pass that checks only the groups and rows a hide touched gives exactly the
/// cells of repeated full passes (the rule as first written, kept here as the reference), on
/// random tables shaped like the aggregate tables: the unit hierarchy, sex and age margins,
/// categories, and SKDN's D = N + T + O + B within a row.
@Suite struct ComplementaryPassTests {
    /// Full passes over every group and row until nothing changes.
    static func reference(groups: Suppression.FlatGroups, value: [Int?], hidden: inout [Bool], countCols: [Int],
                          nrow: Int, ncol: Int) -> Int {
        var changed = true
        var complementary = 0
        func hide(_ cell: Int) { if !hidden[cell] { hidden[cell] = true; complementary += 1; changed = true } }
        while changed {
            changed = false
            for g in 0..<groups.count {
                let from = groups.start[g], to = groups.start[g + 1], only = groups.column[g]
                for ci in 0..<(only >= 0 ? 1 : countCols.count) {
                    let c = only >= 0 ? only : countCols[ci]
                    var nHidden = 0
                    for x in from..<to where hidden[groups.cell(x, c, ncol)] { nHidden += 1 }
                    let total = groups.totalRow[g] < 0 ? -1
                        : groups.totalRow[g] * ncol + (groups.totalColumn[g] < 0 ? c : groups.totalColumn[g])
                    if total >= 0, hidden[total] { nHidden += 1 }
                    guard nHidden == 1 else { continue }
                    var pick = -1, pickValue = 0
                    for x in from..<to {
                        let cell = groups.cell(x, c, ncol)
                        guard !hidden[cell], let v = value[cell], v > 0 else { continue }
                        if pick < 0 || v < pickValue || (v == pickValue && cell < pick) { pick = cell; pickValue = v }
                    }
                    if pick >= 0 { hide(pick) } else if total >= 0, !hidden[total], value[total] != nil { hide(total) }
                }
            }
            for r in 0..<nrow {
                let hiddenValues = countCols.filter { hidden[r * ncol + $0] }.compactMap { value[r * ncol + $0] }
                guard !hiddenValues.isEmpty else { continue }
                for c in countCols where !hidden[r * ncol + c] {
                    if let v = value[r * ncol + c], v > 0, hiddenValues.contains(v) { hide(r * ncol + c) }
                }
            }
        }
        return complementary
    }

    /// A random district table: kabupaten, kecamatan, desa and posyandu rows, by sex and age
    /// group under `all`, two periods, SKDN-like counts (small ones common) and a statistic.
    static func table(_ rng: inout SplitMix64) -> Table {
        let columns = SuppressionTests.keys + ["sex", "age_group", "d_n", "n_n", "t_n", "o_n", "b_n", "x_n", "x_d", "x_pct"]
        var rows: [[String]] = []
        func count(_ rng: inout SplitMix64) -> Int { Int(rng.next() % 4 == 0 ? rng.next() % 5 : rng.next() % 40) }
        func add(_ level: String, _ kec: String, _ desa: String, _ pos: String, _ period: String, _ rng: inout SplitMix64) {
            for sex in ["all", "L", "P"] {
                for age in ["all", "0-5", "6-11"] where sex == "all" || age == "all" || rng.next() % 2 == 0 {
                    let parts = (0..<4).map { _ in count(&rng) }
                    let d = parts.reduce(0, +), xd = count(&rng) + 1, xn = Int(rng.next() % UInt64(xd + 1))
                    rows.append([level, kec, "", desa, pos, period, sex, age, String(d)] + parts.map(String.init)
                                + [String(xn), String(xd), formatFixed(100 * Double(xn) / Double(xd), decimals: 1)])
                }
            }
        }
        for period in ["2024-01", "latest"] {
            add("kabupaten", "", "", "", period, &rng)
            for k in 0..<Int(1 + rng.next() % 3) {
                add("kecamatan", "K\(k)", "", "", period, &rng)
                for d in 0..<Int(1 + rng.next() % 4) {
                    add("desa", "K\(k)", "D\(d)", "", period, &rng)
                    for p in 0..<Int(rng.next() % 4) { add("posyandu", "K\(k)", "D\(d)", "P\(p)", period, &rng) }
                }
            }
        }
        return Table(name: "skdn", columns: columns, rows: rows)
    }

    @Test func onlyTouchedChecksRerunGiveTheCellsOfFullPasses() {
        var rng = SplitMix64(seed: 13)
        var hiddenSomewhere = 0
        for _ in 0..<60 {
            let t = Self.table(&rng)
            let nrow = t.rows.count, ncol = t.columns.count
            let countCols = t.columns.indices.filter { Suppression.isCount(t.columns[$0]) }
            var value = [Int?](repeating: nil, count: nrow * ncol)
            var hidden = [Bool](repeating: false, count: nrow * ncol)
            for r in 0..<nrow {
                for c in countCols {
                    value[r * ncol + c] = Int(t.rows[r][c])
                    if let v = value[r * ncol + c], v >= 1, v < 5 { hidden[r * ncol + c] = true }
                }
            }
            let groups = Suppression.FlatGroups(Suppression.siblingGroups(t))
            var expected = hidden
            let n = Self.reference(groups: groups, value: value, hidden: &expected, countCols: countCols, nrow: nrow, ncol: ncol)
            let m = Suppression.complement(groups: groups, value: value, hidden: &hidden, countCols: countCols, nrow: nrow, ncol: ncol)
            #expect(hidden == expected)
            #expect(m == n)
            hiddenSomewhere += n
        }
        #expect(hiddenSomewhere > 100)   // the tables do exercise the pass
    }
}

@Suite struct CSVTests {
    @Test func byteWriterMatchesTheCoreCSVText() {
        let t = Table(name: "t", columns: ["a", "b,c", "d"], rows: [
            ["plain", "with \"quote\"", " lead"], ["multi\nline", "CIBEUREUM", "ñandú é"], ["", "x,y", "trail "],
        ])
        #expect(t.csvBytes() == Array(t.csv().utf8))
        #expect(String(decoding: t.csvBytes(), as: UTF8.self).hasPrefix("a,\"b,c\",d\nplain,\"with \"\"quote\"\"\",\" lead\"\n"))
    }
}
