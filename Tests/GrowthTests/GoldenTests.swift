import Growth
import Testing
import TimbangCore

/// Parity with WHO anthro 1.1.0.9000 on every row of the golden file. Keep in CI forever.
@Suite struct GoldenTests {
    @Test func goldenFileHasAllRows() {
        #expect(goldenRows.count == 2000)
    }

    @Test func everyGoldenRowMatchesAnthro() {
        var checked = 0
        for row in goldenRows {
            let r = standards.zscores(row.input)
            // Cleaned inputs.
            #expect(r.cmeasure?.rawValue ?? "" == row["cmeasure"], "cmeasure of \(row)")
            #expect((r.c9mo ? "1" : "0") == row["c9mo_flag"], "c9mo_flag of \(row)")
            for (name, mine) in [("clenhei", r.clenhei), ("cbmi", r.cbmi)] {
                let want = row.number(name)
                #expect((mine == nil) == (want == nil), "\(name) missing-ness of \(row)")
                if let mine, let want { #expect(close(mine, want, relative: 1e-12), "\(name) of \(row): \(mine) vs \(want)") }
            }
            // z-scores, flags and raw values.
            for (code, score) in [("len", r.length), ("wei", r.weight), ("wfl", r.weightForLength), ("bmi", r.bmi)] {
                let z = row.number("z" + code), raw = row.number("z" + code + "_raw")
                #expect((score == nil) == (z == nil), "z\(code) missing-ness of \(row)")
                guard let score, let z, let raw else { continue }
                #expect(score.z == z, "z\(code) of \(row): \(score.z) vs \(z)")
                #expect(abs(score.raw - raw) <= 1e-9, "z\(code)_raw of \(row): \(score.raw) vs \(raw)")
                #expect((score.flag ? "1" : "0") == row["f" + code], "f\(code) of \(row)")
                checked += 1
            }
        }
        #expect(checked > 5000)
    }

    @Test func zscoreCSVReproducesGoldenOutputsColumnForColumn() throws {
        let one = try ZScoreCSV.convert(goldenBytes, standards: standards, options: .init(raw: true, threads: 1))
        #expect(one.rows == 2000)
        #expect(one.warningCount == 0)
        let (header, rows) = parsePlainCSV(one.csv)
        #expect(header == ["id", "clenhei", "cmeasure", "c9mo_flag", "cbmi", "zlen", "flen", "zwei", "fwei",
                           "zwfl", "fwfl", "zbmi", "fbmi", "zlen_raw", "zwei_raw", "zwfl_raw", "zbmi_raw"])
        #expect(rows.count == goldenRows.count)
        for (cells, golden) in zip(rows, goldenRows) {
            let mine = Dictionary(uniqueKeysWithValues: zip(header, cells))
            for column in header {
                let a = mine[column]!, b = golden[column]
                let same: Bool
                switch column {
                case "id", "cmeasure", "c9mo_flag", "flen", "fwei", "fwfl", "fbmi": same = a == b
                case "clenhei", "cbmi":
                    same = a.isEmpty ? b.isEmpty : (!b.isEmpty && close(Double(a)!, Double(b)!, relative: 1e-12))
                case _ where column.hasSuffix("_raw"):
                    same = a.isEmpty ? b.isEmpty : (!b.isEmpty && abs(Double(a)! - Double(b)!) <= 1e-9)
                default: // rounded z: same number (golden writes -0 where we write 0)
                    same = a.isEmpty ? b.isEmpty : (!b.isEmpty && Double(a)! == Double(b)!)
                }
                #expect(same, "\(column) of \(golden): '\(a)' vs '\(b)'")
            }
        }
        // Same bytes with several threads and small chunks.
        var options = ZScoreCSV.Options(raw: true, threads: 3)
        options.chunkBytes = 4_000
        let many = try ZScoreCSV.convert(goldenBytes, standards: standards, options: options)
        #expect(many.csv == one.csv)
    }
}
