import Growth
import Testing
import TimbangCore

@Suite struct PermenkesTests {
    /// (index, z, expected code) at each cut-off and 0.01 either side.
    static let boundaries: [(Permenkes2020.Index, Double, String)] = [
        (.bbu, -3.01, "bbu_sangat_kurang"), (.bbu, -3, "bbu_kurang"), (.bbu, -2.99, "bbu_kurang"),
        (.bbu, -2.01, "bbu_kurang"), (.bbu, -2, "bbu_normal"), (.bbu, -1.99, "bbu_normal"),
        (.bbu, 0.99, "bbu_normal"), (.bbu, 1, "bbu_normal"), (.bbu, 1.01, "bbu_risiko_lebih"),
        (.bbu, 1.99, "bbu_risiko_lebih"), (.bbu, 2, "bbu_risiko_lebih"), (.bbu, 2.01, "bbu_risiko_lebih"),
        (.bbu, 2.99, "bbu_risiko_lebih"), (.bbu, 3, "bbu_risiko_lebih"), (.bbu, 3.01, "bbu_risiko_lebih"),

        (.tbu, -3.01, "tbu_sangat_pendek"), (.tbu, -3, "tbu_pendek"), (.tbu, -2.99, "tbu_pendek"),
        (.tbu, -2.01, "tbu_pendek"), (.tbu, -2, "tbu_normal"), (.tbu, -1.99, "tbu_normal"),
        (.tbu, 0.99, "tbu_normal"), (.tbu, 1, "tbu_normal"), (.tbu, 1.01, "tbu_normal"),
        (.tbu, 1.99, "tbu_normal"), (.tbu, 2, "tbu_normal"), (.tbu, 2.01, "tbu_normal"),
        (.tbu, 2.99, "tbu_normal"), (.tbu, 3, "tbu_normal"), (.tbu, 3.01, "tbu_tinggi"),
    ] + sixBandBoundaries(.bbtb) + sixBandBoundaries(.imtu)

    static func sixBandBoundaries(_ index: Permenkes2020.Index) -> [(Permenkes2020.Index, Double, String)] {
        let p = index.rawValue + "_"
        return [
            (index, -3.01, p + "gizi_buruk"), (index, -3, p + "gizi_kurang"), (index, -2.99, p + "gizi_kurang"),
            (index, -2.01, p + "gizi_kurang"), (index, -2, p + "gizi_baik"), (index, -1.99, p + "gizi_baik"),
            (index, 0.99, p + "gizi_baik"), (index, 1, p + "gizi_baik"), (index, 1.01, p + "berisiko_gizi_lebih"),
            (index, 1.99, p + "berisiko_gizi_lebih"), (index, 2, p + "berisiko_gizi_lebih"),
            (index, 2.01, p + "gizi_lebih"), (index, 2.99, p + "gizi_lebih"), (index, 3, p + "gizi_lebih"),
            (index, 3.01, p + "obesitas"),
        ]
    }

    @Test(arguments: boundaries.indices)
    func categoryAtBoundary(_ i: Int) {
        let (index, z, code) = Self.boundaries[i]
        #expect(Permenkes2020.category(index, z: z)?.code == code, "\(index.rawValue) at z = \(z)")
    }

    @Test func labelsAreTheRegulationsIndonesianNames() {
        #expect(Permenkes2020.category(.bbu, z: -3.5)?.label == "Berat badan sangat kurang")
        #expect(Permenkes2020.category(.tbu, z: -2.5)?.label == "Pendek")
        #expect(Permenkes2020.category(.bbtb, z: 0)?.label == "Gizi baik (normal)")
        #expect(Permenkes2020.category(.imtu, z: 3.2)?.label == "Obesitas")
        #expect(Permenkes2020.category(.bbu, z: nil) == nil)
    }

    @Test func bandsCoverEveryZExactlyOnce() {
        for index in Permenkes2020.Index.allCases {
            for cents in -700...700 {
                let z = Double(cents) / 100
                let hits = Permenkes2020.categories[index]!.filter { $0.contains(z) }.count
                #expect(hits == 1, "\(index.rawValue) at z = \(z) falls in \(hits) bands")
            }
        }
    }

    /// The versioned reference file and the compiled constants say the same.
    @Test func referenceFileMatchesConstants() throws {
        let path = ReferenceLocator.find(start: #filePath)! + "/permenkes/permenkes-2-2020.csv"
        let table = try Table(name: "permenkes", csv: String(decoding: readFileBytes(path)!, as: UTF8.self))
        #expect(table.columns == ["index", "code", "label", "z_above", "z_above_inclusive", "z_up_to", "z_up_to_inclusive"])
        var fromFile: [Permenkes2020.Category] = []
        for r in table.rows {
            fromFile.append(Permenkes2020.Category(
                index: Permenkes2020.Index(rawValue: r[0])!, code: r[1], label: r[2],
                lower: Double(r[3]), lowerInclusive: r[4] == "1", upper: Double(r[5]), upperInclusive: r[6] == "1"))
        }
        let compiled = Permenkes2020.Index.allCases.flatMap { Permenkes2020.categories[$0]! }
        #expect(fromFile == compiled)
    }
}
