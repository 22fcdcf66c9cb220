import TimbangCore

/// Stunting, wasting and underweight counts per desa, kecamatan and kabupaten, by one rule
/// used for the truth and for scoring a run (`PrevalenceCounts.rule`).
public struct PrevalenceCounts: Sendable {
    /// Numerator and denominator of one indicator.
    public struct Pair: Sendable, Equatable {
        public var n = 0
        public var d = 0
        /// Percent, nil when the denominator is 0.
        public var pct: Double? { d == 0 ? nil : 100 * Double(n) / Double(d) }
    }
    /// One unit's counts.
    public struct Unit: Sendable, Equatable {
        public var children = 0
        public var stunting = Pair()
        public var wasting = Pair()
        public var underweight = Pair()
    }
    /// A unit: level (`kabupaten`, `kecamatan`, `desa`) and normalised names.
    public struct Key: Hashable, Comparable, Sendable, CustomStringConvertible {
        public var level: String
        public var kecamatan: String
        public var desa: String
        public init(level: String, kecamatan: String, desa: String) {
            self.level = level; self.kecamatan = kecamatan; self.desa = desa
        }
        static func rank(_ l: String) -> Int { l == "kabupaten" ? 0 : l == "kecamatan" ? 1 : 2 }
        public static func < (a: Key, b: Key) -> Bool {
            (rank(a.level), a.kecamatan, a.desa) < (rank(b.level), b.kecamatan, b.desa)
        }
        public var description: String {
            level == "kabupaten" ? "kabupaten" : level == "kecamatan" ? "kecamatan " + kecamatan : "desa " + kecamatan + "/" + desa
        }
    }

    public static let rule = "each child's latest valid measurement (by measurement date), counted in the kecamatan and desa of that record; stunting HAZ < -2, wasting WHZ < -2, underweight WAZ < -2, on z rounded to 2 decimals; denominators: children with that z-score, WHO-flagged z excluded (|HAZ| > 6, WAZ < -6 or > 5, |WHZ| > 5), and z of a measurement the pipeline must drop as impossible (a height in metres or millimetres, a weight of 0, in grams or without its decimal point)"

    public private(set) var units: [Key: Unit] = [:]

    public init() {}

    /// Adds one child: `haz` = true when stunted, false when not, nil when not scored.
    public mutating func add(kecamatan: String, desa: String, haz: Bool?, whz: Bool?, waz: Bool?) {
        for key in [Key(level: "kabupaten", kecamatan: "", desa: ""),
                    Key(level: "kecamatan", kecamatan: kecamatan, desa: ""),
                    Key(level: "desa", kecamatan: kecamatan, desa: desa)] {
            var u = units[key] ?? Unit()
            u.children += 1
            if let h = haz { u.stunting.d += 1; if h { u.stunting.n += 1 } }
            if let w = whz { u.wasting.d += 1; if w { u.wasting.n += 1 } }
            if let w = waz { u.underweight.d += 1; if w { u.underweight.n += 1 } }
            units[key] = u
        }
    }

    public static let columns = [
        "level", "kecamatan", "desa", "children_n",
        "stunting_n", "stunting_d", "stunting_pct", "wasting_n", "wasting_d", "wasting_pct",
        "underweight_n", "underweight_d", "underweight_pct",
    ]

    /// The counts as a table, sorted kabupaten, kecamatan, desa.
    public func table() -> Table {
        var t = Table(name: "prevalence", columns: PrevalenceCounts.columns)
        for key in units.keys.sorted() {
            let u = units[key]!
            var row = [key.level, key.kecamatan, key.desa, String(u.children)]
            for p in [u.stunting, u.wasting, u.underweight] {
                row += [String(p.n), String(p.d), formatFixed(p.pct, decimals: 2)]
            }
            t.rows.append(row)
        }
        return t
    }

    /// Reads a table written by `table()`.
    public init(table t: Table) throws {
        guard t.columns == PrevalenceCounts.columns else { throw TableError("prevalence: unexpected columns") }
        for r in t.rows {
            func i(_ k: Int) throws -> Int {
                guard let v = Int(r[k]) else { throw TableError("prevalence: bad count '\(r[k])'") }
                return v
            }
            let u = Unit(children: try i(3), stunting: Pair(n: try i(4), d: try i(5)),
                         wasting: Pair(n: try i(7), d: try i(8)), underweight: Pair(n: try i(10), d: try i(11)))
            units[Key(level: r[0], kecamatan: r[1], desa: r[2])] = u
        }
    }
}
