import TimbangCore
import Monitor

/// Settings of the aggregate stage.
public struct AggregateSettings: Sendable {
    /// Target population rows (sasaran file); empty → no S and no ratios against S.
    public var sasaran: [SasaranRow]
    /// A dump's own z-score disagrees with timbang's when they differ by more than this.
    public var sourceZTolerance: Double
    /// The SMART-style grade is written only for units with at least this many usable WHZ.
    public var smartMinimumN: Int

    public init(sasaran: [SasaranRow] = [], sourceZTolerance: Double = 0.1, smartMinimumN: Int = 30) {
        self.sasaran = sasaran; self.sourceZTolerance = sourceZTolerance; self.smartMinimumN = smartMinimumN
    }
}

/// A failure of the aggregate stage.
public enum AggregateError: Error, CustomStringConvertible, Equatable {
    case sasaranUnreadable(path: String)
    case sasaranMalformed(file: String, why: String)
    case monitorTableMissing(name: String)
    case monitorTableMalformed(why: String)
    /// An archive's `restricted/merge/` tables cannot be read.
    case cubeMalformed(why: String)
    /// Archives that cannot be merged together.
    case mergeConflict(why: String)

    public var description: String {
        switch self {
        case .sasaranUnreadable(let path): return "cannot read the sasaran file \(path)"
        case .sasaranMalformed(let file, let why): return "sasaran file \(file): \(why)"
        case .monitorTableMissing(let name): return "the monitor output has no \(name) table; rerun the monitor stage"
        case .monitorTableMalformed(let why): return "the monitor child_months table is malformed: \(why)"
        case .cubeMalformed(let why): return "the merge tables are malformed: \(why)"
        case .mergeConflict(let why): return "cannot merge: \(why)"
        }
    }
}

/// The aggregate stage: prevalence, Permenkes categories, SKDN and data quality per unit and
/// period, the z-score distribution and the rejection counts.
///
/// Units: kabupaten, kecamatan, puskesmas, desa (kecamatan + desa), posyandu (kecamatan + desa
/// + posyandu). Periods: each month `YYYY-MM` and `latest` (each child's last counted month).
/// A child counts in the unit of the measurement that is counted. Breakdowns by sex and age
/// group (`prevalence` rows other than all/all, `categories_sex_age`, `skdn_sex_age`) exist at
/// kabupaten, kecamatan and puskesmas level only; `categories` stops at desa; `skdn` and
/// `quality` go down to posyandu. Rows are sorted by level
/// (kabupaten, kecamatan, puskesmas, desa, posyandu), then the kecamatan, puskesmas, desa and
/// posyandu cells (byte order), then period (months ascending, then `latest`/`all`).
public enum Aggregate {
    /// Runs the stage on the monitor's text tables (a rerun from the persisted `child_months`).
    public static func run(records: [Record], monitor: [Table], settings: AggregateSettings) throws -> [Table] {
        guard let cmTable = monitor.first(where: { $0.name == "child_months" }) else {
            throw AggregateError.monitorTableMissing(name: "child_months")
        }
        return try run(records: records, childMonths: try childMonths(from: cmTable, records: records), settings: settings)
    }

    /// Runs the stage on the monitor's typed child-months (sorted by child, then month;
    /// `recordIndex` into `records`): the public tables (`tables(_:settings:)`), then the
    /// cube they are made of as `merge_*` tables (`AggregateCube.tables`, restricted).
    public static func run(records: [Record], childMonths: [ChildMonth], settings: AggregateSettings) throws -> [Table] {
        let cube = cube(records: records, childMonths: childMonths, settings: settings)
        return tables(cube, settings: settings) + cube.tables()
    }

    static func cube(records: [Record], childMonths: [ChildMonth], settings: AggregateSettings) -> AggregateCube {
        AggregateCube(Context(records: records, childMonths: childMonths, sourceZTolerance: settings.sourceZTolerance),
                      records: records, settings: settings)
    }

    /// The stage's output as a run keeps it: the public tables as text (the report suppresses
    /// them), the cube's `merge_*` tables as CSV (`AggregateCube.renderedTables`: they go to
    /// the stage store and the archive as they are).
    public struct Output: Sendable {
        public var tables: [Table]
        /// Named with `AggregateCube.tablePrefix`, as in the stage store.
        public var merge: [RenderedTable]
    }

    /// The stage on the monitor's typed child-months, as a run keeps it (`run` gives the same
    /// rows, all as text).
    public static func compute(records: [Record], childMonths: [ChildMonth], settings: AggregateSettings) -> Output {
        let cube = cube(records: records, childMonths: childMonths, settings: settings)
        return Output(tables: tables(cube, settings: settings), merge: cube.renderedTables())
    }

    /// The tables of a cube: a run's, or the sum of several archives' (`timbang merge`).
    public static func tables(_ cube: AggregateCube, settings: AggregateSettings) -> [Table] {
        let frame = Frame(cube)
        // the three builders only read the frame: run them side by side
        enum Built: Sendable {
            case prevalence(prevalence: Table, categories: Table, categoriesBySexAge: Table)
            case skdn(skdn: Table, bySexAge: Table)
            case quality(Table)
        }
        let sasaran = SasaranLookup(cube.sasaran)
        let builders: [@Sendable () -> Built] = [
            { @Sendable in let p = PrevalenceBuilder.build(frame); return Built.prevalence(prevalence: p.prevalence, categories: p.categories, categoriesBySexAge: p.categoriesBySexAge) },
            { @Sendable in let s = SKDNBuilder.build(frame, sasaran: sasaran); return Built.skdn(skdn: s.skdn, bySexAge: s.bySexAge) },
            { @Sendable in Built.quality(QualityBuilder.build(frame, settings: settings)) },
        ]
        let built = parallelMap(builders.count) { builders[$0]() }
        guard case let .prevalence(prevalence, categories, categoriesBySexAge) = built[0],
              case let .skdn(skdn, skdnBySexAge) = built[1], case let .quality(quality) = built[2] else {
            preconditionFailure("builders returned out of order")
        }
        return [prevalence, categories, skdn, quality, zdist(frame), rejections(cube), categoriesBySexAge, skdnBySexAge,
                sourceAgreement(cube)]
    }

    /// The record columns the stage reads (`Facts`, units, `Monitor.ageMonths`, the rejections
    /// and the source agreement): a rerun reads only these from the stage store.
    public static let recordColumns: Set<String> = [
        "file", "record", "status", "reason", "notes", "nik", "sex", "sex_raw", "oedema", "age_days",
        "measure_date", "birth_date", "birth_date_raw", "birth_date_reconciled", "weight_kg", "weight_raw",
        "height_cm", "height_raw", "zlen", "zwei", "zwfl", "zbmi", "flen", "fwei", "fwfl", "fbmi",
        "cat_wei", "cat_len", "cat_wfl", "cat_bmi", "source_zwei", "source_zlen", "source_zwfl",
        "source_cat_wei", "source_cat_len", "source_cat_wfl", "kecamatan", "puskesmas", "desa", "posyandu",
    ]

    /// The key column names every aggregate table starts with.
    public static let keyColumns = ["level", "kecamatan", "puskesmas", "desa", "posyandu", "period"]
    /// The key columns of a merge's tables (`timbang merge`): the kabupaten after the level.
    public static let mergedKeyColumns = ["level", "kabupaten", "kecamatan", "puskesmas", "desa", "posyandu", "period"]
    public static let ageGroups = ["all", "0-5", "6-11", "12-23", "24-35", "36-47", "48-59"]
    public static let sexes = ["all", "L", "P"]

    /// Age group slot (1…6) of an age in completed months; nil outside 0–59.
    static func ageGroup(_ months: Int?) -> Int? {
        guard let m = months, m >= 0 else { return nil }
        switch m {
        case 0...5: return 1
        case 6...11: return 2
        case 12...23: return 3
        case 24...35: return 4
        case 36...47: return 5
        case 48...59: return 6
        default: return nil
        }
    }

    /// `zdist`: kabupaten, period `latest`: counts of usable HAZ/WAZ/WHZ in 0.5-wide bins
    /// [lo, hi) from −6 to +6 (+6 itself in the last bin).
    static func zdist(_ frame: Frame) -> Table {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 24), count: 3)
        for l in frame.cube.latest {
            let r = l.facts
            for (k, z) in [usableZ(r.zlen, r.flen), usableZ(r.zwei, r.fwei), usableZ(r.zwfl, r.fwfl)].enumerated() {
                guard let z, z >= -6, z <= 6 else { continue }
                counts[k][min(23, Int(((z + 6) * 2).rounded(.down)))] += 1
            }
        }
        let top = frame.cube.merged ? ["provinsi", ""] : ["kabupaten"]
        var t = Table(name: "zdist", columns: frame.keyColumns + ["indicator", "bin_lo", "bin_hi", "count_n"])
        for (k, name) in ["haz", "waz", "whz"].enumerated() {
            for b in 0..<24 {
                let lo = -6 + Double(b) * 0.5
                t.rows.append(top + ["", "", "", "", "latest", name, formatNumber(lo), formatNumber(lo + 0.5), String(counts[k][b])])
            }
        }
        return t
    }

    /// `rejections`: invalid records by file and primary reason (duplicates as `DUPLICATE`),
    /// sorted by file then reason, followed by the `ALL` row of each reason.
    /// Whether a dump's own z-score disagrees with timbang's: nil when either is missing or
    /// the dump's cell is unreadable, the sentinel `999.99`, or Excel damage its category does
    /// not settle (`SourceZ.resolve`).
    @inline(__always)
    static func sourceZDiffers(_ src: String, category: String, index: Permenkes2020.Index, mine: Double?,
                               tolerance: Double) -> Bool? {
        guard !src.isEmpty, let b = mine, let a = SourceZ.resolve(src, category: category, index: index)?.z else { return nil }
        return abs(a - b) > tolerance + 1e-9
    }

    /// The `source_agreement` table: per input file (then `ALL`), valid records whose own
    /// z-score could be compared with timbang's (`srcz_<index>_d`) and those differing by more
    /// than the tolerance (`srcz_<index>_n`, `_pct`), for weight-for-age, length/height-for-age
    /// and weight-for-length/height, as `Facts.source` found them. Files with no comparable z
    /// are left out.
    static func sourceAgreement(_ cube: AggregateCube) -> Table {
        var columns = ["file"]
        for k in ["wei", "len", "wfl"] { columns += ["srcz_\(k)_n", "srcz_\(k)_d", "srcz_\(k)_pct"] }
        var t = Table(name: "source_agreement", columns: columns)
        var total = [Int](repeating: 0, count: 6)
        func row(_ file: String, _ c: [Int]) -> [String] {
            var out = [file]
            for k in 0..<3 {
                out += [String(c[2 * k]), String(c[2 * k + 1]),
                        c[2 * k + 1] == 0 ? "" : formatFixed(100 * Double(c[2 * k]) / Double(c[2 * k + 1]), decimals: 1)]
            }
            return out
        }
        for (file, c) in cube.sourceAgreement.sorted(by: { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }) {
            t.rows.append(row(file, c))
            for x in 0..<6 { total[x] += c[x] }
        }
        if !cube.sourceAgreement.isEmpty { t.rows.append(row("ALL", total)) }
        return t
    }

    /// Per input file with a comparable z: (differing, compared) for z wei, z len, z wfl.
    static func sourceCounts(_ records: [Record], _ ctx: Context) -> [(file: String, counts: [Int])] {
        var counts: [String: [Int]] = [:]   // file → (n, d) × 3
        // by index, reading fields in place: a copy of a record retains some fifty strings
        for i in records.indices where ctx.facts[i].status == .valid {
            let bits = ctx.facts[i].source
            guard bits & 0b01_0101 != 0 else { continue }
            var c = counts[records[i].ref.file] ?? [Int](repeating: 0, count: 6)
            for k in 0..<3 where bits & (1 << (2 * k)) != 0 {
                c[2 * k + 1] += 1
                if bits & (1 << (2 * k + 1)) != 0 { c[2 * k] += 1 }
            }
            counts[records[i].ref.file] = c
        }
        return counts.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).map { ($0, counts[$0]!) }
    }

    /// Invalid records by file and primary reason (duplicates as `DUPLICATE`), sorted by file
    /// then reason.
    static func rejectionCounts(_ records: [Record]) -> [(file: String, reason: String, count: Int)] {
        struct Key: Hashable { var file: String; var reason: String }
        var counts: [Key: Int] = [:]
        for i in records.indices {   // by index: a copy of a record retains some fifty strings
            let reason: String
            switch records[i].status {
            case .invalid: reason = records[i].reason.isEmpty ? "UNSPECIFIED" : records[i].reason
            case .duplicate: reason = "DUPLICATE"
            default: continue
            }
            counts[Key(file: records[i].ref.file, reason: reason), default: 0] += 1
        }
        let before: (String, String) -> Bool = { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return counts.keys.sorted(by: { $0.file != $1.file ? before($0.file, $1.file) : before($0.reason, $1.reason) })
            .map { ($0.file, $0.reason, counts[$0]!) }
    }

    static func rejections(_ cube: AggregateCube) -> Table {
        var totals: [String: Int] = [:]
        let before: (String, String) -> Bool = { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var t = Table(name: "rejections", columns: ["file", "reason", "count_n"])
        for r in cube.rejections.sorted(by: { $0.file != $1.file ? before($0.file, $1.file) : before($0.reason, $1.reason) }) {
            t.rows.append([r.file, r.reason, String(r.count)])
            totals[r.reason, default: 0] += r.count
        }
        for reason in totals.keys.sorted(by: before) { t.rows.append(["ALL", reason, String(totals[reason]!)]) }
        return t
    }
}

extension Aggregate {
    /// The typed child-months of a persisted `child_months` table: each row joined to its
    /// record by `file` and `record` (valid records only), sorted by child key (byte order)
    /// then month, children numbered in that order.
    /// - Throws: `AggregateError.monitorTableMalformed` for a missing column, a row that names
    ///   no valid record of `records`, or an unreadable month.
    public static func childMonths(from t: Table, records: [Record]) throws -> [ChildMonth] {
        func col(_ name: String) throws -> Int {
            guard let c = t.column(name) else { throw AggregateError.monitorTableMalformed(why: "no column \(name)") }
            return c
        }
        let cFile = try col("file"), cRecord = try col("record"), cMonth = try col("month")
        let cKey = try col("child_key"), cGrowth = try col("growth"), cT2 = try col("t2"), cBGM = try col("bgm")
        let cAge = t.column("age_months"), cGain = t.column("gain_g"), cKBM = t.column("kbm_g")
        // record index by file and record number (valid records)
        var fileIndex: [String: Int] = [:]
        var byRecord: [[Int: Int]] = []
        for i in records.indices where records[i].status == .valid {
            let f: Int
            if let e = fileIndex[records[i].ref.file] { f = e } else {
                f = byRecord.count; fileIndex[records[i].ref.file] = f; byRecord.append([:])
            }
            byRecord[f][records[i].ref.record] = i
        }
        var rows: [(key: String, month: ChildMonth)] = []
        rows.reserveCapacity(t.rows.count)
        var lastFile = "", lastFileIndex: Int? = nil
        for (n, row) in t.rows.enumerated() {
            if row[cFile] != lastFile { lastFile = row[cFile]; lastFileIndex = fileIndex[lastFile] }
            guard let rec = Int(row[cRecord]), let f = lastFileIndex, let i = byRecord[f][rec] else {
                throw AggregateError.monitorTableMalformed(why: "row \(n + 1): \(row[cFile])#\(row[cRecord]) is not a valid record of this run")
            }
            guard let ym = YearMonth(row[cMonth]) else {
                throw AggregateError.monitorTableMalformed(why: "row \(n + 1): month '\(row[cMonth])'")
            }
            rows.append((row[cKey], ChildMonth(child: 0, month: ym, recordIndex: i,
                                               ageMonths: cAge.flatMap { Int(row[$0]) },
                                               gainG: cGain.flatMap { Int(row[$0]) }, kbmG: cKBM.flatMap { Int(row[$0]) },
                                               growth: GrowthStatus(rawValue: row[cGrowth]),
                                               t2: row[cT2] == "1", bgm: row[cBGM] == "1")))
        }
        let before: ((key: String, month: ChildMonth), (key: String, month: ChildMonth)) -> Bool = { a, b in
            a.key != b.key ? a.key.utf8.lexicographicallyPrecedes(b.key.utf8) : a.month.month < b.month.month
        }
        // the monitor writes child_months sorted already; sort only a table that is not
        if zip(rows, rows.dropFirst()).contains(where: { !before($0, $1) }) { rows.sort(by: before) }
        var out: [ChildMonth] = []
        out.reserveCapacity(rows.count)
        var child: Int32 = -1
        for (j, r) in rows.enumerated() {
            if j == 0 || r.key != rows[j - 1].key { child += 1 }
            var cm = r.month
            cm.child = child
            out.append(cm)
        }
        return out
    }
}

/// A z-score that is present and not WHO-flagged.
@inline(__always) func usableZ(_ z: Double?, _ flag: Bool?) -> Double? {
    guard let z, flag != true else { return nil }
    return z
}

/// One counted child-month, as the builders walk them.
struct Counted: Sendable {
    var record: Int
    /// The child's position in key order (`ChildMonth.child`).
    var child: Int32
    var month: YearMonth
    /// Position of `month` in `Context.months`.
    var period: Int
    var growth: GrowthStatus?
    var t2: Bool
    var bgm: Bool
    /// The child's last counted month (period `latest`).
    var isLatest = false
}

/// What the cube is summed from: the records' facts, the counted child-months, the months,
/// the distinct unit keys.
struct Context: Sendable {
    /// One `Facts` per input record, in input order.
    var facts: [Facts] = []
    var codes = CategoryCodes()
    /// Sorted by child key, then month.
    var counted: [Counted] = []
    /// All months seen (counted child-months and measurement dates of any record), ascending.
    var months: [YearMonth] = []
    var monthPosition: [Int: Int] = [:]
    /// The distinct unit keys, ascending (`CubeKey` order), whether each has valid records,
    /// and each record's key.
    var keys: [UnitKey] = []
    var keyHasValid: [Bool] = []
    var recordKey: [Int32] = []

    init(records: [Record], childMonths: [ChildMonth], sourceZTolerance: Double) {
        // facts and units of every record; units computed once per spelling of the names
        struct Raw: Hashable { var kecamatan, puskesmas, desa, posyandu: String }
        var rawIndex: [Raw: Int32] = [:]
        var keyIndex: [UnitKey: Int32] = [:]
        recordKey = [Int32](repeating: 0, count: records.count)
        var monthSet: Set<Int> = []
        let reasonIndex = Dictionary(uniqueKeysWithValues: QualityBuilder.reasons.enumerated().map { ($1, $0) })
        // the facts of each record, in fixed chunks on several threads
        let chunk = 65_536
        let known = codes
        let pieces = (0..<((records.count + chunk - 1) / chunk)).map { c in
            { @Sendable () -> [Facts] in
                var sourceBands = SourceBands()
                return (c * chunk..<min(records.count, (c + 1) * chunk)).map {
                    Facts(records, $0, known: known, sourceBands: &sourceBands, reasonIndex: reasonIndex, tolerance: sourceZTolerance)
                }
            }
        }
        facts = parallelMap(pieces.count) { pieces[$0]() }.flatMap { $0 }
        var lastRaw: Raw? = nil, lastKey: Int32 = 0
        for i in records.indices {
            let raw = Raw(kecamatan: records[i].kecamatan, puskesmas: records[i].puskesmas,
                          desa: records[i].desa, posyandu: records[i].posyandu)
            let j: Int32
            if raw == lastRaw { j = lastKey } else if let e = rawIndex[raw] { j = e } else {
                let k = records[i].unit
                if let e = keyIndex[k] { j = e } else {
                    j = Int32(keys.count); keyIndex[k] = j; keys.append(k); keyHasValid.append(false)
                }
                rawIndex[raw] = j
            }
            recordKey[i] = j
            lastRaw = raw; lastKey = j
            facts[i].numberOtherCategories(records[i], codes: &codes)
            let f = facts[i]
            if f.status == .valid { keyHasValid[Int(j)] = true }
            if let m = f.measureMonth { monthSet.insert(m) }
        }
        // the keys in their fixed order (so that the roll-up adds them as a merge does)
        let order = keys.indices.sorted { CubeKey(unit: keys[$0]) < CubeKey(unit: keys[$1]) }
        var rank = [Int32](repeating: 0, count: keys.count)
        for (r, j) in order.enumerated() { rank[j] = Int32(r) }
        keys = order.map { keys[$0] }
        keyHasValid = order.map { keyHasValid[$0] }
        for i in recordKey.indices { recordKey[i] = rank[Int(recordKey[i])] }

        // counted child-months (sorted by child, then month, as the monitor hands them over)
        counted.reserveCapacity(childMonths.count)
        for cm in childMonths {
            monthSet.insert(cm.month.index)
            counted.append(Counted(record: cm.recordIndex, child: cm.child, month: cm.month, period: 0,
                                   growth: cm.growth, t2: cm.t2, bgm: cm.bgm))
        }
        months = monthSet.sorted().map(YearMonth.init(index:))
        for (p, m) in months.enumerated() { monthPosition[m.index] = p }
        for j in counted.indices {
            counted[j].period = monthPosition[counted[j].month.index]!
            counted[j].isLatest = j + 1 == counted.count || counted[j + 1].child != counted[j].child
        }
    }
}
