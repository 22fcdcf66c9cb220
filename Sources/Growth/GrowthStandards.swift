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

    /// Position of the table in `GrowthStandards.tables` (an array: no hashing on the hot path).
    @inline(__always) var slot: Int {
        switch self {
        case .lengthForAge: 0
        case .weightForAge: 1
        case .weightForLength: 2
        case .weightForHeight: 3
        case .bmiForAge: 4
        case .armCircumferenceForAge: 5
        }
    }
}

/// Where one loaded table sits in `GrowthStandards.storage`: the rows of boys, then the
/// rows of girls, each `count` long.
struct LMSColumn: Sendable {
    /// First index: a day (age tables) or tenths of a cm (450 = 45.0 cm).
    let first: Int
    let count: Int
    /// Position of the table's first row (boys) in the storage.
    let offset: Int
}

/// The WHO 2006 LMS tables, loaded from `reference/who-growth-standards/` and checked
/// against its `SHA256SUMS` (byte for byte as WHO anthro ships them).
public final class GrowthStandards: @unchecked Sendable {
    // Immutable after `init`, so safe to share between threads. Plain buffers (no array
    // retain/release per look-up) because the kernel reads them millions of times a second.
    /// All rows of all tables.
    private let storage: UnsafeMutableBufferPointer<LMS>
    /// Indexed by `GrowthTable.slot`.
    private let tables: UnsafeMutableBufferPointer<LMSColumn>
    /// SHA-256 of each table file, hex, for the archive manifest.
    public let checksums: [String: String]

    /// A table is missing, malformed or does not match `SHA256SUMS`.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Loads and checks the tables in `directory`.
    /// - Parameter directory: the folder holding the `*anthro.txt` files and `SHA256SUMS`
    ///   (normally `reference/who-growth-standards`).
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
        var parsed: [(first: Int, rows: [LMS])?] = Array(repeating: nil, count: GrowthTable.allCases.count)
        var sums: [String: String] = [:]
        for table in GrowthTable.allCases {
            let path = directory + "/" + table.rawValue
            guard let bytes = readFileBytes(path) else {
                throw LoadError(description: "WHO growth standards: cannot read \(path)")
            }
            let sha = sha256Hex(bytes)
            guard let want = expected[table.rawValue] else {
                throw LoadError(description: "WHO growth standards: \(table.rawValue) is not listed in \(directory)/SHA256SUMS")
            }
            guard want == sha else {
                throw LoadError(description: "WHO growth standards: \(path) has SHA-256 \(sha), expected \(want); restore it byte for byte from the WHO anthro package")
            }
            sums[table.rawValue] = sha
            parsed[table.slot] = try Self.parse(bytes, table: table, path: path)
        }
        let all = parsed.map { $0! }
        storage = .allocate(capacity: all.reduce(0) { $0 + $1.rows.count })
        tables = .allocate(capacity: all.count)
        var offset = 0
        for (slot, t) in all.enumerated() {
            _ = UnsafeMutableBufferPointer(rebasing: storage[offset..<(offset + t.rows.count)]).initialize(from: t.rows)
            tables[slot] = LMSColumn(first: t.first, count: t.rows.count / 2, offset: offset)
            offset += t.rows.count
        }
        self.checksums = sums
    }

    deinit {
        storage.deallocate()
        tables.deallocate()
    }

    /// Parses one tab-separated table (header line, CRLF): `sex, index, l, m, s[, loh]`.
    private static func parse(_ bytes: [UInt8], table: GrowthTable, path: String) throws -> (first: Int, rows: [LMS]) {
        var perSex: [[LMS]] = [[], []]
        var firstIndex: [Int?] = [nil, nil]
        // Split on bytes: in Swift text "\r\n" is one Character, equal to neither "\r" nor "\n".
        let lines = bytes.split(whereSeparator: { $0 == 0x0A || $0 == 0x0D })
        for (i, lineBytes) in lines.enumerated() where i > 0 {
            let line = String(decoding: lineBytes, as: UTF8.self)
            let f = line.split(separator: "\t")
            guard f.count >= 5, let sex = Int(f[0]), (1...2).contains(sex),
                  let x = Double(f[1]), let l = Double(f[2]), let m = Double(f[3]), let s = Double(f[4]) else {
                throw LoadError(description: "WHO growth standards: \(path) line \(i + 1) is malformed")
            }
            // Length tables: 45.1 cm is row 451 (the table text is the nearest double to k/10).
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
        return (firstIndex[0]!, perSex[0] + perSex[1])
    }

    /// The range of the table's index: days for age tables, tenths of a cm for length tables.
    public func indexRange(_ table: GrowthTable) -> ClosedRange<Int> {
        let t = tables[table.slot]
        return t.first...(t.first + t.count - 1)
    }

    /// The row at `index` (days or tenths of a cm) of a table for `sex`, nil outside the table.
    @inline(__always)
    private func row(_ table: GrowthTable, _ index: Int, sex: Sex) -> LMS? {
        let t = tables[table.slot]
        let i = index - t.first
        guard i >= 0, i < t.count else { return nil }
        return storage[t.offset + (sex.rawValue - 1) * t.count + i]
    }

    /// LMS at a whole day of age (age tables), nil outside the table.
    @inline(__always)
    public func lms(_ table: GrowthTable, sex: Sex, ageDays: Int) -> LMS? {
        row(table, ageDays, sex: sex)
    }

    /// LMS at a length/height in cm (weight-for-length/height tables), nil outside the table.
    ///
    /// Exactly as WHO anthro (`R/z-score-weight-for-lenhei.R`): the lower row is
    /// `trunc(cm × 10) / 10`, the upper row `trunc(cm × 10 + 1) / 10`, and when
    /// `d = (cm − lower) / 0.1` is above 0, each of L, M and S is `lower + d × (upper − lower)`.
    /// The same floating-point steps give the same doubles as anthro, also for lengths such as
    /// 45.3 whose `× 10` falls just below a whole number.
    @inline(__always)
    public func lms(_ table: GrowthTable, sex: Sex, lengthCm: Double) -> LMS? {
        let x10 = lengthCm * 10
        guard x10.isFinite, abs(x10) < 1e9 else { return nil }
        let lowTenths = x10.rounded(.towardZero)
        guard let a = row(table, Int(lowTenths), sex: sex) else { return nil }
        let low = lowTenths / 10
        let d = (lengthCm - low) / 0.1
        // L, M and S are interpolated between the 0.1 cm rows.
        guard d > 0 else { return a }
        guard let b = row(table, Int((x10 + 1).rounded(.towardZero)), sex: sex) else { return nil }
        return LMS(l: a.l + d * (b.l - a.l), m: a.m + d * (b.m - a.m), s: a.s + d * (b.s - a.s))
    }
}
