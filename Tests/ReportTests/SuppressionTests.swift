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

@Suite struct CSVTests {
    @Test func byteWriterMatchesTheCoreCSVText() {
        let t = Table(name: "t", columns: ["a", "b,c", "d"], rows: [
            ["plain", "with \"quote\"", " lead"], ["multi\nline", "CIBEUREUM", "ñandú é"], ["", "x,y", "trail "],
        ])
        #expect(t.csvBytes() == Array(t.csv().utf8))
        #expect(String(decoding: t.csvBytes(), as: UTF8.self).hasPrefix("a,\"b,c\",d\nplain,\"with \"\"quote\"\"\",\" lead\"\n"))
    }
}
