import TimbangCore

/// The latest counted measurement of one child: what period `latest` counts of it.
struct LatestFact: Sendable {
    var childKey: String
    /// Index in `AggregateCube.keys` of the measurement's unit key.
    var key: Int32
    var month: YearMonth
    /// `Day.ordinal` of the measurement date (`Int32.min` without one): the later measurement
    /// of one month wins when a child is in two archives.
    var day: Int32
    /// The counted record's facts (only the fields `latest` reads are kept in an archive:
    /// sex, age, z-scores, flags, oedema, category codes).
    var facts: Facts
}

/// Everything the aggregate tables are made of, before they are rolled up into units and
/// written as rows: additive sums per distinct unit key, month, sex and age group, and each
/// child's latest counted measurement.
///
/// A district's run builds it from its records (`Aggregate.run`); its archive carries it
/// under `restricted/merge/` (`AggregateCube.tables`, unsuppressed), and `timbang merge` adds
/// the cubes of several archives (`AggregateCube.merge`) and writes the tables of the sum with
/// the same code (`Aggregate.tables`), so that a merge gives what one run over all the
/// districts' records gives (README "Merging archives" says where it cannot).
///
/// Sizes depend on units, months and children, not on records: sums per (key, month) and one
/// `LatestFact` per child.
public struct AggregateCube: Sendable {
    /// Format of the cube tables an archive carries (in the manifest's `merge` object).
    public static let format = "timbang-merge/1"

    /// A merge of archives: a `provinsi` level on top and a `kabupaten` key column.
    var merged = false
    /// Distinct unit keys, ascending (`CubeKey` order): the roll-up adds them in this order,
    /// so that sums of the same keys are the same bits in a run and in a merge.
    var keys: [CubeKey] = []
    /// Whether a key has valid records (its names tell which puskesmas a desa lies in).
    var keyHasValid: [Bool] = []
    /// All months seen, ascending.
    var months: [YearMonth] = []
    var codes = CategoryCodes()
    /// Per (key, month): its pair's number in `prevalence`, `categories` and `skdn` (`pair`),
    /// or -1 when nothing was summed for it. Only pairs with counted child-months have sums:
    /// the months are those of every record's date (a typo years away is a month), and a
    /// dense cube of keys × months was mostly zeros (1.4 GB of them at a million rows).
    var pairSlot: [Int32] = []
    /// Per pair, sex slot 0–2 and age slot 0–6 (slot 0 = unknown here).
    var prevalence: [PrevalenceSums] = []
    /// Per prevalence cell, indicator (4) and category code (`categoryWidth`).
    var categories: [Int32] = []
    var categoryWidth = 1
    /// Per pair, sex slot and F1 age slot 0–5.
    var skdn: [SKDNSums] = []
    /// Per (key, slot): slots are the months, then undated records; the children's part
    /// (sex, age) from the counted child-months of the month.
    var quality: [QualitySums] = []
    /// Per quality cell: invalid records by `QualityBuilder.reasons`, and terminal digits of
    /// weight (0–9) and height (10–19).
    var reasons: [Int] = []
    var digits: [Int] = []
    /// One per child, ascending by child key.
    var latest: [LatestFact] = []
    /// Invalid and duplicate records by file and reason (`rejections` without its ALL rows).
    var rejections: [(file: String, reason: String, count: Int)] = []
    /// Per file: (differing, compared) for z wei, z len, z wfl (`source_agreement`).
    var sourceAgreement: [(file: String, counts: [Int])] = []
    var sasaran: [SasaranRow] = []

    var monthCount: Int { months.count }
    /// How many (key, month) pairs have sums.
    var pairCount: Int { skdn.count / Self.skdnGroups }

    /// The pair number of (key, month), nil when it has no sums.
    @inline(__always) func pair(_ key: Int, _ month: Int) -> Int? {
        let s = pairSlot[key * months.count + month]
        return s < 0 ? nil : Int(s)
    }

    /// The pair number of (key, month), its zeroed sums added first when it has none yet.
    /// The numbers follow the order pairs are first summed in; every reader goes through
    /// `pair`, in key and month order, so the numbering never reaches an output.
    @inline(__always) mutating func slot(_ key: Int, _ month: Int) -> Int {
        let i = key * months.count + month
        if pairSlot[i] >= 0 { return Int(pairSlot[i]) }
        let s = pairCount
        pairSlot[i] = Int32(s)
        prevalence.append(contentsOf: repeatElement(PrevalenceSums(), count: Self.prevalenceGroups))
        categories.append(contentsOf: repeatElement(0, count: Self.prevalenceGroups * 4 * categoryWidth))
        skdn.append(contentsOf: repeatElement(SKDNSums(), count: Self.skdnGroups))
        return s
    }
    var qualitySlots: Int { months.count + 1 }

    static let prevalenceGroups = 21
    static let skdnGroups = SKDNBuilder.groups

    /// An empty cube (no keys, no months).
    public init() {}

    /// A cube of `keys` × `months` with nothing summed yet (the quality sums zeroed, no pairs).
    init(merged: Bool, keys: [CubeKey], keyHasValid: [Bool], months: [YearMonth], codes: CategoryCodes) {
        self.merged = merged; self.keys = keys; self.keyHasValid = keyHasValid; self.months = months; self.codes = codes
        let nk = keys.count, nm = months.count
        categoryWidth = max(1, codes.codes.map(\.count).max() ?? 1)
        pairSlot = [Int32](repeating: -1, count: nk * nm)
        quality = [QualitySums](repeating: QualitySums(), count: nk * (nm + 1))
        reasons = [Int](repeating: 0, count: quality.count * QualityBuilder.reasons.count)
        digits = [Int](repeating: 0, count: quality.count * 20)
    }
}

/// The units of a cube, to roll its keys up into and write rows for.
struct Frame: Sendable {
    var cube: AggregateCube
    var units: Units
    /// The unit indices of each key (the top unit first).
    var keyUnits: [[Int]]

    init(_ cube: AggregateCube) {
        self.cube = cube
        var units = Units(merged: cube.merged)
        keyUnits = cube.keys.map { units.indices($0) }
        for (j, k) in cube.keys.enumerated() where cube.keyHasValid[j] { units.noteCompanions(k, units: keyUnits[j]) }
        self.units = units
    }

    var months: [YearMonth] { cube.months }
    var periodCount: Int { cube.months.count + 1 }
    var keyColumns: [String] { units.keyColumns }

    /// Key cells plus the period cell of a unit and period (`latest` or `label` past the months).
    func keyCells(unit: Int, period: Int, last: String = "latest") -> [String] {
        units.keyCells(unit) + [period < months.count ? months[period].description : last]
    }
}

extension AggregateCube {
    /// The cube of one run: its context's sums and each child's latest counted measurement.
    init(_ ctx: Context, records: [Record], settings: AggregateSettings) {
        self.init(merged: false, keys: ctx.keys.map { CubeKey(unit: $0) }, keyHasValid: ctx.keyHasValid,
                  months: ctx.months, codes: ctx.codes)
        PrevalenceBuilder.accumulate(ctx, into: &self)
        SKDNBuilder.accumulate(ctx, into: &self)
        QualityBuilder.accumulate(ctx, into: &self)
        for cm in ctx.counted where cm.isLatest {
            latest.append(LatestFact(childKey: records[cm.record].childKey, key: ctx.recordKey[cm.record], month: cm.month,
                                     day: records[cm.record].measureDate.map { Int32($0.ordinal) } ?? .min,
                                     facts: ctx.facts[cm.record]))
        }
        rejections = Aggregate.rejectionCounts(records)
        sourceAgreement = Aggregate.sourceCounts(records, ctx)
        sasaran = settings.sasaran
    }
}
