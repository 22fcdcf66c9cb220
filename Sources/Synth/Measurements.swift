import TimbangCore
import Growth

/// The clean measurements of a synth district's valid records: the rows the z-score
/// benchmarks work on (`timbang bench-zscore`, and `timbang zscore` and the R stack side by
/// side in `scripts/bench.sh`), so that Synth is the one generator of benchmark data.
public struct SynthMeasurements: Sendable {
    /// `file#record` of each row.
    public var ids: [String] = []
    /// Sex, age in days, weight, length or height as measured, and how (no oedema, no LiLA).
    public var inputs: [ZScoreInput] = []
    /// `KECAMATAN/DESA` of each row (desa names repeat across kecamatan).
    public var groups: [String] = []

    public init() {}

    /// The `timbang zscore` input header; `group` is ignored by it and read by the R stack.
    public static let header = ["id", "sex", "age_days", "weight_kg", "lenhei_cm", "measure", "oedema", "group"]

    /// Reads the valid records of `truthDir/records.csv` (in file then record order), at most `limit`.
    /// - Throws: `TableError` when the file is missing or is not a synth truth table.
    public static func read(truthDir: String, limit: Int = .max) throws -> SynthMeasurements {
        let path = truthDir + "/records.csv"
        var m = SynthMeasurements()
        var col: [String: Int] = [:]
        var need: [Int] = []
        try RecordTable.forEachRow(path: path) { cells, i in
            if i == 0 {
                for (k, c) in cells.enumerated() { col[c] = k }
                let names = ["file", "record", "fate", "sex", "age_days", "weight_kg", "height_cm", "measure", "kecamatan", "desa"]
                need = names.compactMap { col[$0] }
                guard need.count == names.count else { throw TableError("\(path): not a synth truth table") }
                return
            }
            guard m.ids.count < limit, cells.count > need.max()!, cells[need[2]] == "valid" else { return }
            let weight = parseNumber(cells[need[5]])
            let height = parseNumber(cells[need[6]])
            guard weight != nil || height != nil else { return }
            m.ids.append(cells[need[0]] + "#" + cells[need[1]])
            m.inputs.append(ZScoreInput(sex: cells[need[3]] == "L" ? .male : cells[need[3]] == "P" ? .female : nil,
                                        ageDays: parseNumber(cells[need[4]]), weightKg: weight, lenheiCm: height,
                                        measure: Measure(rawValue: cells[need[7]]), oedema: false))
            m.groups.append(cells[need[8]] + "/" + cells[need[9]])
        }
        return m
    }

    /// The rows as a `timbang zscore` input CSV (`header`; sex 1/2, oedema `n`).
    public func csv() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * (ids.count + 1))
        appendCSVRow(SynthMeasurements.header, to: &out)
        for (k, x) in inputs.enumerated() {
            appendCSVRow([ids[k], x.sex.map { String($0.rawValue) } ?? "", formatNumber(x.ageDays), formatNumber(x.weightKg),
                          formatNumber(x.lenheiCm), x.measure?.rawValue ?? "", "n", groups[k]], to: &out)
        }
        return out
    }
}
