import TimbangCore

/// The growth stage: age, WHO z-scores, flags and Permenkes 2/2020 categories for every valid record.
public enum Growth {
    /// Computes growth fields for every `valid` record (others pass through unchanged).
    /// Work is split in fixed-size chunks over `threads`; the result does not depend on it.
    public static func run(_ records: [Record], standards: GrowthStandards, threads: Int) -> [Record] {
        records // TODO(growth): implement
    }
}
