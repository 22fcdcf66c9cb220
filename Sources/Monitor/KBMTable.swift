import TimbangCore

/// A KBM table (Kenaikan Berat Badan Minimal): the minimum monthly weight gain, in grams,
/// by age in completed months at the current weighing (Buku KIA 2023 and other editions,
/// domain.md §3.2).
///
/// Read from `reference/kbm/kbm.csv` (`edition, age_months, kbm_g`). The edition and the
/// file's SHA-256 go into the run manifest and into every `child_months` row.
public struct KBMTable: Sendable, Equatable {
    /// The edition used when the pipeline names none: the Buku KIA 2023 KMS row.
    public static let defaultEdition = "kia2023"
    /// The file inside `reference/`.
    public static let relativePath = "kbm/kbm.csv"

    /// Edition name as written in the file (`kia2023`, `tulip2024`, `kms2010`).
    public let edition: String
    /// SHA-256 (hex) of the whole file the table was read from.
    public let sha256: String
    /// Grams by age in months; index 0 unused (month-1 row applies to age 0).
    let grams: [Int]

    /// A table from explicit values (tests); `grams[m]` for age `m` months, `m` ≥ 1.
    public init(edition: String, sha256: String = "", gramsByMonth: [Int: Int]) {
        self.edition = edition
        self.sha256 = sha256
        let maxAge = gramsByMonth.keys.max() ?? 1
        var g = [Int](repeating: 0, count: maxAge + 1)
        var last = gramsByMonth[gramsByMonth.keys.min() ?? 1] ?? 0
        for m in 0...maxAge {
            if let v = gramsByMonth[m] { last = v }
            g[m] = last
        }
        if maxAge >= 1 { g[0] = g[1] }
        self.grams = g
    }

    /// The minimum gain (g) for a child aged `ageMonths` completed months; ages below the
    /// first row use the first row, ages past the last row use the last row.
    public func kbm(ageMonths: Int) -> Int {
        grams[max(0, min(ageMonths, grams.count - 1))]
    }

    /// Reads `edition` from a KBM CSV file.
    /// - Throws: `MonitorError` when the file is missing or malformed or lacks the edition.
    public static func load(path: String, edition: String = defaultEdition) throws -> KBMTable {
        guard let bytes = readFileBytes(path) else { throw MonitorError.kbmFileUnreadable(path: path) }
        let table: Table
        do { table = try Table(name: "kbm", csv: String(decoding: bytes, as: UTF8.self)) } catch {
            throw MonitorError.kbmFileMalformed(path: path, why: "\(error)")
        }
        guard let ce = table.column("edition"), let ca = table.column("age_months"),
              let cg = table.column("kbm_g") else {
            throw MonitorError.kbmFileMalformed(path: path, why: "header must be edition,age_months,kbm_g")
        }
        var values: [Int: Int] = [:]
        var editions: Set<String> = []
        for (i, r) in table.rows.enumerated() {
            editions.insert(r[ce])
            guard r[ce] == edition else { continue }
            guard let a = Int(r[ca]), let g = Int(r[cg]), a >= 0, g >= 0 else {
                throw MonitorError.kbmFileMalformed(path: path, why: "row \(i + 1): '\(r[ca])', '\(r[cg])' are not whole numbers")
            }
            values[a] = g
        }
        guard !values.isEmpty else {
            throw MonitorError.kbmEditionUnknown(edition: edition, available: editions.sorted())
        }
        return KBMTable(edition: edition, sha256: sha256Hex(bytes), gramsByMonth: values)
    }

    /// Reads `edition` from `<reference>/kbm/kbm.csv`.
    public static func load(referenceDirectory: String, edition: String = defaultEdition) throws -> KBMTable {
        try load(path: referenceDirectory + "/" + relativePath, edition: edition)
    }
}

/// A failure of the monitor stage.
public enum MonitorError: Error, CustomStringConvertible, Equatable {
    case kbmFileUnreadable(path: String)
    case kbmFileMalformed(path: String, why: String)
    case kbmEditionUnknown(edition: String, available: [String])
    case tableMalformed(table: String, why: String)

    public var description: String {
        switch self {
        case .kbmFileUnreadable(let path):
            return "cannot read the KBM table \(path); restore it from reference/kbm/"
        case .kbmFileMalformed(let path, let why):
            return "KBM table \(path) is malformed: \(why)"
        case .kbmEditionUnknown(let edition, let available):
            return "KBM edition '\(edition)' is not in the table; available: \(available.joined(separator: ", "))"
        case .tableMalformed(let table, let why):
            return "table \(table) is malformed: \(why)"
        }
    }
}
