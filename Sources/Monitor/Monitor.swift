import TimbangCore

/// Settings of the monitor stage.
public struct MonitorSettings: Sendable {
    /// The KBM edition used for N/T (its edition and SHA-256 go into the manifest).
    public var kbm: KBMTable
    /// BGM (Bawah Garis Merah) when weight-for-age z is below this (default −3).
    public var bgmCutoff: Double

    public init(kbm: KBMTable, bgmCutoff: Double = -3) {
        self.kbm = kbm; self.bgmCutoff = bgmCutoff
    }
}

/// Growth status of a weighed child-month (SKDN, Buku KIA 2023), decided in the order B → O → N/T.
public enum GrowthStatus: String, Sendable, CaseIterable {
    /// Baru: the child's first weighing seen in the data.
    case b = "B"
    /// Not weighed in the previous calendar month (no comparator).
    case o = "O"
    /// Naik: gain since last month ≥ KBM for the age.
    case n = "N"
    /// Tidak naik: gain < KBM.
    case t = "T"
}

/// The measurement counted for one child in one calendar month, with its growth status: plain
/// values and indices into the stage's input records (the child's key is
/// `records[recordIndex].childKey`).
public struct ChildMonth: Sendable, Equatable {
    /// The child's position in child-key order (byte order), 0, 1, 2, …: equal for the months
    /// of one child, ascending along `Monitor.childMonths`.
    public var child: Int32
    public var month: YearMonth
    /// Index of the counted record in the input array.
    public var recordIndex: Int
    /// Age in completed months (age in days / 30.4375, floored); nil without an age.
    public var ageMonths: Int?
    /// Weight gain since the previous month in grams (N/T months only).
    public var gainG: Int?
    /// KBM for the age (N/T months only).
    public var kbmG: Int?
    /// nil when the counted measurement has no weight.
    public var growth: GrowthStatus?
    /// T this month and T the month before.
    public var t2 = false
    /// Weight-for-age z below the BGM cut-off.
    public var bgm = false

    public init(child: Int32, month: YearMonth, recordIndex: Int, ageMonths: Int?, gainG: Int? = nil, kbmG: Int? = nil,
                growth: GrowthStatus? = nil, t2: Bool = false, bgm: Bool = false) {
        self.child = child; self.month = month; self.recordIndex = recordIndex; self.ageMonths = ageMonths
        self.gainG = gainG; self.kbmG = kbmG; self.growth = growth; self.t2 = t2; self.bgm = bgm
    }
}

/// The monitor stage: one measurement per child per month, N/T/O/B, 2T, BGM, follow-up list.
///
/// Rules (docs/monitor-aggregate.md):
/// - Only `valid` records with a child key and a measurement date are considered.
/// - One measurement per child per calendar month: the latest of that month by measurement
///   date; on the same date the one with the greater `RowRef` (file name, then record number).
///   The others stay valid but are not counted.
/// - For a counted month with a weight: `B` if the child has no earlier weighed month, else
///   `O` if the previous calendar month has no weighed counted measurement, else `N` when the
///   gain (grams, rounded) ≥ KBM for the age in completed months at this weighing, else `T`.
///   `2T` = `T` this month and `T` the previous month. `BGM` = weight-for-age z < cut-off.
public enum Monitor {
    /// Days per month as WHO anthro counts them.
    public static let daysPerMonth = 30.4375

    public static let childMonthsColumns = [
        "child_key", "month", "file", "record", "kecamatan", "puskesmas", "desa", "posyandu", "sex",
        "age_months", "weight_kg", "gain_g", "kbm_g", "growth", "t2", "bgm", "zwei", "zlen", "zwfl",
        // added beyond the contract:
        "measure_date", "height_cm", "kbm_edition",
    ]

    public static let followupColumns = [
        "child_key", "kecamatan", "puskesmas", "desa", "posyandu", "last_month", "age_months",
        "weight_kg", "height_cm", "zwei", "zlen", "zwfl", "reasons",
        // added beyond the contract:
        "measure_date", "file", "record",
    ]

    /// Runs the stage: `child_months` then `followup`, as text tables.
    public static func run(_ records: [Record], settings: MonitorSettings) throws -> [Table] {
        let out = compute(records, settings: settings)
        return [out.childMonthsTable(records), out.followup]
    }

    /// Runs the stage, typed: the counted child-months (for Aggregate) and the follow-up list.
    public static func compute(_ records: [Record], settings: MonitorSettings) -> MonitorOutput {
        let months = childMonths(records, settings: settings)
        return MonitorOutput(childMonths: months, followup: followupTable(months, records: records),
                             kbmEdition: settings.kbm.edition)
    }

    /// Age in completed months of a record (growth's age in days, else from the dates).
    public static func ageMonths(_ r: Record) -> Int? {
        ageMonths(ageDays: r.ageDays, birth: r.effectiveBirthDate, measured: r.measureDate)
    }

    /// `ageMonths(_:)` of a record's fields (for a caller that reads them in place).
    @inlinable
    public static func ageMonths(ageDays: Int?, birth: Day?, measured: Day?) -> Int? {
        var days = ageDays
        if days == nil, let b = birth, let m = measured { days = m - b }
        guard let d = days, d >= 0 else { return nil }
        return Int((Double(d) / daysPerMonth).rounded(.down))
    }

    /// The counted child-months, sorted by child key (byte order) then month.
    public static func childMonths(_ records: [Record], settings: MonitorSettings) -> [ChildMonth] {
        var byChild: [String: [Int]] = [:]
        for i in records.indices
        where records[i].status == .valid && !records[i].childKey.isEmpty && records[i].measureDate != nil {
            byChild[records[i].childKey, default: []].append(i)
        }
        let keys = byChild.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var out: [ChildMonth] = []
        out.reserveCapacity(byChild.count * 4)
        for (child, key) in keys.enumerated() {
            var idx = byChild[key]!
            idx.sort { a, b in
                let da = records[a].measureDate!, db = records[b].measureDate!
                return da != db ? da < db : records[a].ref < records[b].ref
            }
            // the last record of each month is the counted one
            var counted: [Int] = []
            for (j, i) in idx.enumerated() {
                let ym = records[i].measureDate!.yearMonth
                if j + 1 < idx.count, records[idx[j + 1]].measureDate!.yearMonth == ym { continue }
                counted.append(i)
            }
            appendStatuses(child: Int32(child), counted: counted, records: records, settings: settings, to: &out)
        }
        return out
    }

    /// Walks one child's counted months in order and decides B/O/N/T, 2T and BGM.
    static func appendStatuses(child: Int32, counted: [Int], records: [Record],
                               settings: MonitorSettings, to out: inout [ChildMonth]) {
        var lastWeighed: (month: YearMonth, weight: Double, status: GrowthStatus)?
        for i in counted {
            let ym = records[i].measureDate!.yearMonth
            var cm = ChildMonth(child: child, month: ym, recordIndex: i, ageMonths: ageMonths(records[i]))
            if let w = records[i].weightKg {
                let status: GrowthStatus
                if let last = lastWeighed {
                    if last.month != ym.previous {
                        status = .o
                    } else {
                        let gain = Int(((w - last.weight) * 1000).rounded(.toNearestOrAwayFromZero))
                        let kbm = settings.kbm.kbm(ageMonths: cm.ageMonths ?? 0)
                        cm.gainG = gain; cm.kbmG = kbm
                        status = gain >= kbm ? .n : .t
                        cm.t2 = status == .t && last.status == .t
                    }
                } else {
                    status = .b
                }
                cm.growth = status
                cm.bgm = (records[i].zwei.map { $0 < settings.bgmCutoff }) ?? false
                lastWeighed = (ym, w, status)
            }
            out.append(cm)
        }
    }

    /// Follow-up reasons in the order they are written.
    public enum FollowupReason: String, Sendable, CaseIterable {
        case t2 = "2T"
        case bgm = "BGM"
        case severeStunting = "SEVERE_STUNTING"
        case severeWasting = "SEVERE_WASTING"
        case bandFallBBU = "BAND_FALL_BBU"
        case bandFallTBU = "BAND_FALL_TBU"
        case bandFallBBTB = "BAND_FALL_BBTB"
    }

    /// Why a child needs follow-up, judged on its last counted month (`months` = that child's
    /// counted months in order, the last one last).
    public static func followupReasons(_ months: ArraySlice<ChildMonth>, records: [Record]) -> [FollowupReason] {
        guard let last = months.last else { return [] }
        let i = last.recordIndex
        var reasons: [FollowupReason] = []
        if last.t2 { reasons.append(.t2) }
        if last.bgm { reasons.append(.bgm) }
        if let z = usable(records[i].zlen, records[i].flen), z < -3 { reasons.append(.severeStunting) }
        if records[i].oedema == true || (usable(records[i].zwfl, records[i].fwfl).map { $0 < -3 } ?? false) {
            reasons.append(.severeWasting)
        }
        // A fall across two bands: the band now is at least two below the band at the most
        // recent earlier counted month with a usable z for that index.
        let checks: [(PermenkesIndex, FollowupReason, (Int) -> Double?)] = [
            (.bbu, .bandFallBBU, { usable(records[$0].zwei, records[$0].fwei) }),
            (.tbu, .bandFallTBU, { usable(records[$0].zlen, records[$0].flen) }),
            (.bbtb, .bandFallBBTB, { usable(records[$0].zwfl, records[$0].fwfl) }),
        ]
        for (index, reason, z) in checks {
            guard let now = z(i) else { continue }
            let earlier = months.dropLast().reversed().lazy.compactMap { z($0.recordIndex) }.first
            if let before = earlier, index.band(z: before) - index.band(z: now) >= 2 { reasons.append(reason) }
        }
        return reasons
    }

    static func followupTable(_ months: [ChildMonth], records: [Record]) -> Table {
        var rows: [[String]] = []
        var start = 0
        while start < months.count {
            var end = start + 1
            while end < months.count && months[end].child == months[start].child { end += 1 }
            let slice = months[start..<end]
            let reasons = followupReasons(slice, records: records)
            if !reasons.isEmpty, let last = slice.last {
                let i = last.recordIndex
                let u = records[i].unit
                rows.append([
                    records[i].childKey, u.kecamatan, u.puskesmas, u.desa, u.posyandu, last.month.description,
                    last.ageMonths.map(String.init) ?? "", formatNumber(records[i].weightKg), formatNumber(records[i].heightCm),
                    formatFixed(records[i].zwei, decimals: 2), formatFixed(records[i].zlen, decimals: 2),
                    formatFixed(records[i].zwfl, decimals: 2), reasons.map(\.rawValue).joined(separator: ";"),
                    records[i].measureDate?.iso ?? "", records[i].ref.file, String(records[i].ref.record),
                ])
            }
            start = end
        }
        // kecamatan, puskesmas, desa, posyandu, child key (byte order)
        rows.sort { a, b in
            for c in [1, 2, 3, 4, 0] where a[c] != b[c] { return a[c].utf8.lexicographicallyPrecedes(b[c].utf8) }
            return false
        }
        return Table(name: "followup", columns: followupColumns, rows: rows)
    }
}

/// What the monitor stage hands on: the counted child-months, typed, for Aggregate and the
/// report, and the follow-up list. `child_months` is rendered as text only where it is
/// written (`childMonthsCSV`: the stage store and the archive).
public struct MonitorOutput: Sendable {
    /// Sorted by child key (byte order), then month; `recordIndex` points into the stage's
    /// input records.
    public var childMonths: [ChildMonth]
    public var followup: Table
    /// The KBM edition N/T were judged with (a column of `child_months`).
    public var kbmEdition: String

    public init(childMonths: [ChildMonth], followup: Table, kbmEdition: String) {
        self.childMonths = childMonths; self.followup = followup; self.kbmEdition = kbmEdition
    }

    /// Rows per piece when `child_months` is rendered on several threads.
    static let pieceRows = 32_768

    /// `child_months` as CSV bytes (header first), written straight from the typed months in
    /// pieces of a fixed number of rows on several threads: the same bytes as
    /// `childMonthsTable(records).csvBytes()`, without a string per cell.
    public func childMonthsCSV(_ records: [Record]) -> [UInt8] {
        var head = CSVRowBytes()
        head.row(Monitor.childMonthsColumns)
        let months = childMonths, edition = kbmEdition
        let pieces = (months.count + Self.pieceRows - 1) / Self.pieceRows
        let parts = parallelMap(pieces) { p in
            var w = CSVRowBytes()
            let range = (p * Self.pieceRows)..<min(months.count, (p + 1) * Self.pieceRows)
            w.bytes.reserveCapacity(range.count * 200)
            var units = UnitCache()
            for j in range { Self.appendRow(months[j], records, &units, edition, to: &w) }
            return w.bytes
        }
        var out = head.bytes
        out.reserveCapacity(out.count + parts.reduce(0) { $0 + $1.count })
        for p in parts { out.append(contentsOf: p) }
        return out
    }

    /// `child_months` as a text table (for `timbang aggregate`, the tests and small runs).
    public func childMonthsTable(_ records: [Record]) -> Table {
        var t = Table(name: "child_months", columns: Monitor.childMonthsColumns)
        t.rows.reserveCapacity(childMonths.count)
        var units = UnitCache()
        for cm in childMonths { t.rows.append(Self.cells(cm, records, &units, kbmEdition)) }
        return t
    }

    /// The cells of one `child_months` row, in `Monitor.childMonthsColumns` order.
    static func cells(_ cm: ChildMonth, _ records: [Record], _ units: inout UnitCache, _ edition: String) -> [String] {
        let i = cm.recordIndex
        let u = units.unit(records, i)
        return [
            records[i].childKey, cm.month.description, records[i].ref.file, String(records[i].ref.record),
            u.kecamatan, u.puskesmas, u.desa, u.posyandu, records[i].sex?.code ?? "",
            cm.ageMonths.map(String.init) ?? "", formatNumber(records[i].weightKg),
            cm.gainG.map(String.init) ?? "", cm.kbmG.map(String.init) ?? "",
            cm.growth?.rawValue ?? "", cm.t2 ? "1" : "0", cm.bgm ? "1" : "0",
            formatFixed(records[i].zwei, decimals: 2), formatFixed(records[i].zlen, decimals: 2),
            formatFixed(records[i].zwfl, decimals: 2),
            records[i].measureDate?.iso ?? "", formatNumber(records[i].heightCm), edition,
        ]
    }

    /// Appends one `child_months` row: the cells of `cells`, without an array per row.
    @inline(__always)
    static func appendRow(_ cm: ChildMonth, _ records: [Record], _ units: inout UnitCache, _ edition: String,
                          to w: inout CSVRowBytes) {
        let i = cm.recordIndex
        let u = units.unit(records, i)
        w.cell(records[i].childKey); w.cell(cm.month.description); w.cell(records[i].ref.file)
        w.cell(records[i].ref.record)
        w.cell(u.kecamatan); w.cell(u.puskesmas); w.cell(u.desa); w.cell(u.posyandu)
        w.cell(records[i].sex?.code ?? "")
        if let a = cm.ageMonths { w.cell(a) } else { w.emptyCell() }
        w.cell(formatNumber(records[i].weightKg))
        if let g = cm.gainG { w.cell(g) } else { w.emptyCell() }
        if let k = cm.kbmG { w.cell(k) } else { w.emptyCell() }
        w.cell(cm.growth?.rawValue ?? ""); w.cell(cm.t2 ? 1 : 0); w.cell(cm.bgm ? 1 : 0)
        w.cell(formatFixed(records[i].zwei, decimals: 2)); w.cell(formatFixed(records[i].zlen, decimals: 2))
        w.cell(formatFixed(records[i].zwfl, decimals: 2))
        w.cell(records[i].measureDate?.iso ?? ""); w.cell(formatNumber(records[i].heightCm)); w.cell(edition)
        w.endRow()
    }
}

/// A z-score that is present and not WHO-flagged.
@inline(__always)
func usable(_ z: Double?, _ flag: Bool?) -> Double? {
    guard let z, flag != true else { return nil }
    return z
}

/// Normalised units of records, computed once per distinct spelling of the four names.
public struct UnitCache {
    struct Raw: Hashable { var kecamatan, puskesmas, desa, posyandu: String }
    private var map: [Raw: UnitKey] = [:]
    public init() {}

    /// `records[i].unit`, cached.
    public mutating func unit(_ records: [Record], _ i: Int) -> UnitKey {
        let raw = Raw(kecamatan: records[i].kecamatan, puskesmas: records[i].puskesmas,
                      desa: records[i].desa, posyandu: records[i].posyandu)
        if let u = map[raw] { return u }
        let u = records[i].unit
        map[raw] = u
        return u
    }
}

extension ChildMonth {
    /// The column files the stage store keeps of the typed child-months (`stages/monitor/
    /// child_months/`), so that a rerun of aggregate maps them instead of parsing
    /// `child_months.csv` back: the fields of `ChildMonth`, with `row` (the ingest row id of the
    /// counted record, which does not depend on any stage's row order) for `recordIndex`.
    public static let storedColumns = ["child", "month", "row", "age_months", "gain_g", "kbm_g", "growth", "t2", "bgm"]

    /// `growth` as one byte: 0 none, else 1 + its position in `GrowthStatus.allCases`.
    static let growthCodes: [GrowthStatus?] = [nil] + GrowthStatus.allCases.map { $0 }

    /// The column files (name, bytes) of `months`; `rowID` gives the ingest row of a record index.
    public static func encodeColumns(_ months: [ChildMonth], rowID: (Int) -> Int) -> [(name: String, bytes: [UInt8])] {
        var child = ColumnBuilder(.int32, capacity: months.count), month = ColumnBuilder(.int32, capacity: months.count)
        var row = ColumnBuilder(.int64, capacity: months.count), age = ColumnBuilder(.int64, capacity: months.count)
        var gain = ColumnBuilder(.int64, capacity: months.count), kbm = ColumnBuilder(.int64, capacity: months.count)
        var growth = ColumnBuilder(.uint8, capacity: months.count)
        var t2 = ColumnBuilder(.uint8, capacity: months.count), bgm = ColumnBuilder(.uint8, capacity: months.count)
        func int(_ v: Int?) -> Int64 { v.map(Int64.init) ?? ColumnFile.missingInt64 }
        for m in months {
            child.append(m.child); month.append(Int32(m.month.index)); row.append(Int64(rowID(m.recordIndex)))
            age.append(int(m.ageMonths)); gain.append(int(m.gainG)); kbm.append(int(m.kbmG))
            growth.append(UInt8(growthCodes.firstIndex(of: m.growth)!))
            t2.append(UInt8(m.t2 ? 1 : 0)); bgm.append(UInt8(m.bgm ? 1 : 0))
        }
        return zip(storedColumns, [child, month, row, age, gain, kbm, growth, t2, bgm]).map { ($0, $1.fileBytes()) }
    }

    /// The child-months of mapped column files (`encodeColumns`); `recordIndex` is the position
    /// `position` gives for each ingest row id, which must be a valid record of `records`.
    /// - Throws: `TableError` for a missing or mistyped column, columns of unequal length, or a
    ///   row id that names no valid record.
    public static func decodeColumns(_ columns: [String: MappedColumn], records: [Record],
                                     position: (Int) -> Int?) throws -> [ChildMonth] {
        let types: [ColumnType] = [.int32, .int32, .int64, .int64, .int64, .int64, .uint8, .uint8, .uint8]
        var files: [MappedColumn] = []
        for (name, type) in zip(storedColumns, types) {
            guard let f = columns[name] else { throw TableError("child_months: no column \(name)") }
            guard f.type == type else { throw TableError("\(f.path): column type \(f.type), expected \(type)") }
            guard f.rows == (files.first?.rows ?? f.rows) else { throw TableError("\(f.path): \(f.rows) rows, expected \(files[0].rows)") }
            files.append(f)
        }
        func int(_ f: MappedColumn, _ i: Int) -> Int? { let v = f.int64(i); return v == ColumnFile.missingInt64 ? nil : Int(v) }
        let n = files[0].rows
        var out: [ChildMonth] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            let id = Int(files[2].int64(i))
            guard let at = position(id), at >= 0, at < records.count, records[at].status == .valid else {
                throw TableError("child_months row \(i + 1): ingest row \(id) is not a valid record of this run")
            }
            let g = Int(files[6].uint8(i))
            out.append(ChildMonth(child: files[0].int32(i), month: YearMonth(index: Int(files[1].int32(i))), recordIndex: at,
                                  ageMonths: int(files[3], i), gainG: int(files[4], i), kbmG: int(files[5], i),
                                  growth: g < growthCodes.count ? growthCodes[g] : nil,
                                  t2: files[7].uint8(i) == 1, bgm: files[8].uint8(i) == 1))
        }
        return out
    }
}
