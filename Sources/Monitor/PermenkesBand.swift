import TimbangCore

/// Permenkes 2/2020 bands computed from a z-score, numbered from the lowest (0), and the
/// keyword reading of the category labels a dump writes (e-PPGBM `BB/U`, `TB/U`, `BB/TB`).
///
/// Used for the "fall across two bands" follow-up reason and for the share of records whose
/// own category disagrees with timbang's z-score. The growth stage's category codes stay
/// opaque; these bands are only compared with each other.
public enum PermenkesIndex: String, Sendable, CaseIterable {
    /// Berat badan menurut umur (weight-for-age).
    case bbu
    /// Panjang/tinggi badan menurut umur (length/height-for-age).
    case tbu
    /// Berat badan menurut panjang/tinggi badan (weight-for-length/height).
    case bbtb
    /// Indeks massa tubuh menurut umur (BMI-for-age, 0–60 months).
    case imtu

    /// The regulation's index this band reading is for.
    var regulation: Permenkes2020.Index {
        switch self {
        case .bbu: return .bbu
        case .tbu: return .tbu
        case .bbtb: return .bbtb
        case .imtu: return .imtu
        }
    }

    /// The band (0 = lowest) of a z-score, by the cut-offs of `Permenkes2020` (the lower edge
    /// inclusive for the deficit bands; normal includes −2 and +1, or +3 for TB/U).
    public func band(z: Double) -> Int {
        Permenkes2020.categories[regulation]!.firstIndex { $0.contains(z) } ?? 0
    }

    /// Indonesian label of a band (Permenkes 2/2020 wording).
    public func label(band: Int) -> String {
        let c = Permenkes2020.categories[regulation]!
        return c.indices.contains(band) ? c[band].label : ""
    }

    /// The band a dump's category label names (`Permenkes2020.band(_:sourceLabel:)`); nil for
    /// an empty, `Outlier` or unknown label.
    public func band(sourceLabel raw: String) -> Int? { Permenkes2020.band(regulation, sourceLabel: raw) }
}
