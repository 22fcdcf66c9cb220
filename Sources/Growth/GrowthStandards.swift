import TimbangCore

/// L, M and S of the LMS method (WHO 2006 methods, ch. 7) at one point of a table.
public struct LMS: Sendable, Equatable {
    public var l: Double
    public var m: Double
    public var s: Double
    public init(l: Double, m: Double, s: Double) { self.l = l; self.m = m; self.s = s }
}

/// The WHO Child Growth Standards tables timbang uses.
public enum GrowthTable: String, CaseIterable, Sendable {
    case lengthForAge = "lenanthro.txt"
    case weightForAge = "weianthro.txt"
    case weightForLength = "wflanthro.txt"
    case weightForHeight = "wfhanthro.txt"
    case bmiForAge = "bmianthro.txt"
    case armCircumferenceForAge = "acanthro.txt"

    /// Age tables are indexed by whole days; the others by length/height in 0.1 cm steps.
    public var isAgeIndexed: Bool { self != .weightForLength && self != .weightForHeight }
}

/// The WHO 2006 LMS tables, loaded from `reference/who-growth-standards/` and checked
/// against its `SHA256SUMS` (byte for byte as WHO anthro ships them).
public final class GrowthStandards: Sendable {
    /// Per table and sex: rows indexed by `index - firstIndex` (days, or tenths of cm).
    let rows: [GrowthTable: [[LMS]]]
    let first: [GrowthTable: Int]
    /// SHA-256 of each table file, hex, for the archive manifest.
    public let checksums: [String: String]

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Loads and checks the tables in `directory`.
    /// - Throws: `LoadError` when a file is missing, malformed or does not match `SHA256SUMS`.
    public init(directory: String) throws {
        guard let sumsBytes = readFileBytes(directory + "/SHA256SUMS") else {
            throw LoadError(description: "WHO growth standards: cannot read \(directory)/SHA256SUMS")
        }
        var expected: [String: String] = [:]
        for line in String(decoding: sumsBytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2 { expected[String(parts[1].filter { $0 != "*" })] = String(parts[0]) }
        }
        var rows: [GrowthTable: [[LMS]]] = [:]
        var first: [GrowthTable: Int] = [:]
        var sums: [String: String] = [:]
        for table in GrowthTable.allCases {
            let path = directory + "/" + table.rawValue
            guard let bytes = readFileBytes(path) else {
                throw LoadError(description: "WHO growth standards: cannot read \(path)")
            }
            let sha = sha256Hex(bytes)
            guard let want = expected[table.rawValue], want == sha else {
                throw LoadError(description: "WHO growth standards: \(path) does not match SHA256SUMS (got \(sha))")
            }
            sums[table.rawValue] = sha
            var perSex: [[LMS]] = [[], []]
            var firstIndex: [Int?] = [nil, nil]
            // CRLF files: split on bytes ("\r\n" is one Character in Swift).
            for (i, lineBytes) in bytes.split(whereSeparator: { $0 == 10 || $0 == 13 }).enumerated() where i > 0 {
                let f = String(decoding: lineBytes, as: UTF8.self).split(separator: "\t")
                guard f.count >= 5, let sex = Int(f[0]), (1...2).contains(sex),
                      let x = Double(f[1]), let l = Double(f[2]), let m = Double(f[3]), let s = Double(f[4]) else {
                    throw LoadError(description: "WHO growth standards: \(path) line \(i + 1) is malformed")
                }
                let idx = table.isAgeIndexed ? Int(x) : Int((x * 10).rounded())
                if firstIndex[sex - 1] == nil { firstIndex[sex - 1] = idx }
                guard idx == firstIndex[sex - 1]! + perSex[sex - 1].count else {
                    throw LoadError(description: "WHO growth standards: \(path) line \(i + 1) is out of sequence")
                }
                perSex[sex - 1].append(LMS(l: l, m: m, s: s))
            }
            guard firstIndex[0] == firstIndex[1], perSex[0].count == perSex[1].count, !perSex[0].isEmpty else {
                throw LoadError(description: "WHO growth standards: \(path) has unequal tables for boys and girls")
            }
            rows[table] = perSex
            first[table] = firstIndex[0]!
        }
        self.rows = rows
        self.first = first
        self.checksums = sums
    }

    /// The range of the table's index: days for age tables, tenths of a cm for length tables.
    public func indexRange(_ table: GrowthTable) -> ClosedRange<Int> {
        let f = first[table]!
        return f...(f + rows[table]![0].count - 1)
    }

    /// LMS at a whole day of age (age tables), nil outside the table.
    @inline(__always)
    public func lms(_ table: GrowthTable, sex: Sex, ageDays: Int) -> LMS? {
        let t = rows[table]![sex.rawValue - 1]
        let i = ageDays - first[table]!
        return i >= 0 && i < t.count ? t[i] : nil
    }

    /// LMS at a length/height in cm (weight-for-length/height tables), L, M and S linearly
    /// interpolated between the 0.1 cm rows; nil outside the table.
    public func lms(_ table: GrowthTable, sex: Sex, lengthCm: Double) -> LMS? {
        let t = rows[table]![sex.rawValue - 1]
        let x = lengthCm * 10 - Double(first[table]!)
        guard x >= -1e-9, x <= Double(t.count - 1) + 1e-9 else { return nil }
        let lo = min(max(Int(x.rounded(.down)), 0), t.count - 1)
        let frac = x - Double(lo)
        if frac < 1e-12 || lo == t.count - 1 { return t[lo] }
        let a = t[lo], b = t[lo + 1]
        return LMS(l: a.l + (b.l - a.l) * frac, m: a.m + (b.m - a.m) * frac, s: a.s + (b.s - a.s) * frac)
    }
}
