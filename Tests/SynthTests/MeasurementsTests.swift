import Growth
import TimbangCore
@testable import Synth
import Testing

@Suite struct MeasurementsTests {
    @Test func theBenchmarkRowsAreTheTruthsValidRecordsWithAMeasurement() throws {
        let dir = tempDir("measurements")
        try generate(dir, children: 120, months: 2, messiness: SynthSettings.lightMessiness)
        let truth = try readCSV(dir + "/truth/records.csv")
        let expected = truth.filter { $0["fate"] == "valid" && !($0["weight_kg"]!.isEmpty && $0["height_cm"]!.isEmpty) }
        let m = try SynthMeasurements.read(truthDir: dir + "/truth")
        #expect(!expected.isEmpty)
        #expect(m.ids == expected.map { $0["file"]! + "#" + $0["record"]! })
        #expect(m.groups == expected.map { $0["kecamatan"]! + "/" + $0["desa"]! })
        for (x, t) in zip(m.inputs, expected) {
            #expect(x.sex == (t["sex"] == "L" ? .male : .female))
            #expect(x.ageDays == Double(t["age_days"]!))
            #expect(x.weightKg == parseNumber(t["weight_kg"]!))
            #expect(x.lenheiCm == parseNumber(t["height_cm"]!))
            #expect(x.measure?.rawValue ?? "" == t["measure"]!)
        }
        #expect(try SynthMeasurements.read(truthDir: dir + "/truth", limit: 7).ids == Array(m.ids.prefix(7)))

        // The CSV is `timbang zscore` input: its z-scores are the truth's (where the truth has
        // one), anthro's under-9-months rule (`c9mo_flag`: a standing height not corrected) included.
        let csv = m.csv()
        let out = try csv.withUnsafeBytes { try ZScoreCSV.convert($0, standards: standards, options: .init(raw: false, threads: 1)) }
        #expect(out.rows == m.ids.count)
        let lines = String(decoding: out.csv, as: UTF8.self).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let zwei = header.firstIndex(of: "zwei")!
        let zlen = header.firstIndex(of: "zlen")!
        #expect(lines.count == m.ids.count + 1)
        var compared = 0
        for (k, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(cells[0] == m.ids[k])
            for (column, name) in [(zwei, "zwei"), (zlen, "zlen")] where !expected[k][name]!.isEmpty {
                #expect(parseNumber(cells[column]) == parseNumber(expected[k][name]!), "\(m.ids[k]) \(name)")
                compared += 1
            }
        }
        #expect(compared > m.ids.count)
    }
}
