
/// Anthropometric categories of Permenkes No. 2 Tahun 2020 (Standar Antropometri Anak),
/// children 0–60 months, applied to the z-score **rounded to 2 decimals** (as WHO anthro
/// reports it; so 1.004 is 1.00 and still normal).
///
/// The cut-offs are also in `reference/permenkes/permenkes-2-2020.csv` (GrowthTests checks
/// that file and these constants agree).
public enum Permenkes2020 {
    /// An index of the regulation.
    public enum Index: String, Sendable, CaseIterable {
        /// BB/U, weight-for-age.
        case bbu
        /// PB/U or TB/U, length/height-for-age.
        case tbu
        /// BB/PB or BB/TB, weight-for-length/height.
        case bbtb
        /// IMT/U, BMI-for-age (0–60 months).
        case imtu
    }

    /// One category: a stable code (`bbu_sangat_kurang`) and the regulation's label.
    public struct Category: Sendable, Equatable, Hashable {
        public let index: Index
        public let code: String
        /// Indonesian label, as the regulation writes it.
        public let label: String
        /// z above this (or equal, when `lowerInclusive`) belongs here; nil = no lower edge.
        public let lower: Double?
        public let lowerInclusive: Bool
        /// z below this (or equal, when `upperInclusive`) belongs here; nil = no upper edge.
        public let upper: Double?
        public let upperInclusive: Bool

        public init(index: Index, code: String, label: String, lower: Double?, lowerInclusive: Bool,
                    upper: Double?, upperInclusive: Bool) {
            self.index = index; self.code = code; self.label = label
            self.lower = lower; self.lowerInclusive = lowerInclusive
            self.upper = upper; self.upperInclusive = upperInclusive
        }

        /// True when `z` falls in this band.
        @inline(__always)
        public func contains(_ z: Double) -> Bool {
            if let lower, z < lower || (z == lower && !lowerInclusive) { return false }
            if let upper, z > upper || (z == upper && !upperInclusive) { return false }
            return true
        }
    }

    private static func band(_ index: Index, _ code: String, _ label: String,
                             above lower: Double?, _ lowerInclusive: Bool,
                             upTo upper: Double?, _ upperInclusive: Bool) -> Category {
        Category(index: index, code: index.rawValue + "_" + code, label: label, lower: lower,
                 lowerInclusive: lowerInclusive, upper: upper, upperInclusive: upperInclusive)
    }

    /// The six bands of BB/PB-BB/TB, shared by IMT/U.
    private static func sixBands(_ index: Index) -> [Category] {
        [
            band(index, "gizi_buruk", "Gizi buruk", above: nil, false, upTo: -3, false),
            band(index, "gizi_kurang", "Gizi kurang", above: -3, true, upTo: -2, false),
            band(index, "gizi_baik", "Gizi baik (normal)", above: -2, true, upTo: 1, true),
            band(index, "berisiko_gizi_lebih", "Berisiko gizi lebih", above: 1, false, upTo: 2, true),
            band(index, "gizi_lebih", "Gizi lebih", above: 2, false, upTo: 3, true),
            band(index, "obesitas", "Obesitas", above: 3, false, upTo: nil, false),
        ]
    }

    /// Every category of the regulation, lowest band first within each index.
    public static let categories: [Index: [Category]] = [
        .bbu: [
            band(.bbu, "sangat_kurang", "Berat badan sangat kurang", above: nil, false, upTo: -3, false),
            band(.bbu, "kurang", "Berat badan kurang", above: -3, true, upTo: -2, false),
            band(.bbu, "normal", "Berat badan normal", above: -2, true, upTo: 1, true),
            band(.bbu, "risiko_lebih", "Risiko berat badan lebih", above: 1, false, upTo: nil, false),
        ],
        .tbu: [
            band(.tbu, "sangat_pendek", "Sangat pendek", above: nil, false, upTo: -3, false),
            band(.tbu, "pendek", "Pendek", above: -3, true, upTo: -2, false),
            band(.tbu, "normal", "Normal", above: -2, true, upTo: 3, true),
            band(.tbu, "tinggi", "Tinggi", above: 3, false, upTo: nil, false),
        ],
        .bbtb: sixBands(.bbtb),
        .imtu: sixBands(.imtu),
    ]

    /// The category of a z-score for an index; nil when `z` is nil or NaN.
    /// - Parameter z: the z-score rounded to 2 decimals (`ZScoreResult.zwei` etc.).
    @inline(__always)
    public static func category(_ index: Index, z: Double?) -> Category? {
        guard let z, !z.isNaN else { return nil }
        let bands: [Category]
        switch index {
        case .bbu: bands = bbuBands
        case .tbu: bands = tbuBands
        case .bbtb: bands = bbtbBands
        case .imtu: bands = imtuBands
        }
        for band in bands where band.contains(z) { return band }
        return nil
    }

    // The same lists as `categories`, without a dictionary look-up per record.
    private static let bbuBands = categories[.bbu]!
    private static let tbuBands = categories[.tbu]!
    private static let bbtbBands = categories[.bbtb]!
    private static let imtuBands = categories[.imtu]!

    /// The lowest category of an index (`bbu_sangat_kurang`, `bbtb_gizi_buruk`, …), given
    /// to a child with oedema, as anthro counts oedema below −3 SD.
    public static func lowest(_ index: Index) -> Category { categories[index]![0] }

    /// The category with this code, nil when unknown.
    public static func category(code: String) -> Category? {
        for list in categories.values { if let c = list.first(where: { $0.code == code }) { return c } }
        return nil
    }

    /// The band (index into `categories[index]`, 0 = lowest) a dump's category label names, by
    /// keywords (case-insensitive; old 2010 and abbreviated e-PPGBM labels included); nil for an
    /// empty, `Outlier` (e-PPGBM's label for a weight typed in grams, not a category) or unknown label.
    public static func band(_ index: Index, sourceLabel raw: String) -> Int? {
        let s = raw.lowercased()
        func has(_ k: String) -> Bool { s.contains(k) }
        if s.isEmpty || has("outlier") { return nil }
        switch index {
        case .bbu:
            if has("sangat kurang") || has("gizi buruk") { return 0 }
            if has("kurang") { return 1 }
            if has("risiko") || has("lebih") { return 3 }
            if has("normal") || has("baik") { return 2 }
        case .tbu:
            if has("sangat pendek") { return 0 }
            if has("pendek") { return 1 }
            if has("tinggi") { return 3 }
            if has("normal") { return 2 }
        case .bbtb, .imtu:
            if has("gizi buruk") || has("sangat kurus") { return 0 }
            if has("gizi kurang") || has("kurus") { return 1 }
            if has("obesitas") { return 5 }
            if has("risiko") { return 3 }
            if has("lebih") || has("gemuk") { return 4 }
            if has("baik") || has("normal") { return 2 }
        }
        return nil
    }
}
