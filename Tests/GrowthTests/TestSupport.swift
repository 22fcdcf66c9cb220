import Foundation
import Growth
import TimbangCore

/// The WHO tables of this checkout, loaded once for all tests.
let standards: GrowthStandards = {
    let dir = ReferenceLocator.find(start: #filePath)! + "/who-growth-standards"
    return try! GrowthStandards(directory: dir)
}()

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

/// The golden file from WHO anthro (2,000 rows), as bytes.
let goldenBytes: [UInt8] = readFileBytes(fixtures + "/who-anthro-zscores.csv")!

/// One golden row, cells by column name.
struct GoldenRow: CustomStringConvertible {
    var cells: [String: String]
    subscript(_ name: String) -> String { cells[name]! }
    var description: String { "\(self["id"]) (\(self["case"]))" }
    func number(_ name: String) -> Double? { self[name].isEmpty ? nil : Double(self[name])! }

    var input: ZScoreInput {
        ZScoreInput(
            sex: Int(self["sex"]).flatMap(Sex.init(rawValue:)), ageDays: number("age_days"),
            weightKg: number("weight_kg"), lenheiCm: number("lenhei_cm"),
            measure: Measure(rawValue: self["measure"]), oedema: self["oedema"] == "y")
    }
}

/// Parses a plain CSV (no quotes) into header + rows of cells.
func parsePlainCSV(_ bytes: [UInt8]) -> (header: [String], rows: [[String]]) {
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    return (header, rows)
}

let goldenRows: [GoldenRow] = {
    let (header, rows) = parsePlainCSV(goldenBytes)
    return rows.map { GoldenRow(cells: Dictionary(uniqueKeysWithValues: zip(header, $0))) }
}()

/// Relative closeness for cleaned values (`clenhei`, `cbmi`).
func close(_ a: Double, _ b: Double, relative: Double) -> Bool {
    a == b || abs(a - b) <= relative * max(abs(a), abs(b))
}
