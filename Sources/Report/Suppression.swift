import TimbangCore

/// Small-cell suppression for the public tables.
///
/// Works on any aggregate table that follows the naming convention of `docs/contracts.md`:
/// counts end in `_n` or `_d`; `X_pct`, `X_mean`, `X_sd` (…) are statistics of the group
/// counted by `X_n` / `X_d`.
///
/// 1. **Primary.** Every count from 1 to k−1 is suppressed. Zero is shown.
/// 2. **Complementary.** Cells that add up to a total are siblings:
///    - rows of one level under the same parent row (kabupaten → kecamatan → desa → posyandu;
///      kabupaten → puskesmas), same period and other dimensions;
///    - rows that differ only in `sex` or `age_group` (or `file`) under their `all` row;
///    - rows that differ only in `category` or z-score bin (the total is known elsewhere);
///    - within a SKDN row, N, T, O and B under D.
///    When exactly one cell of a sibling group (counting its total) is suppressed, the
///    smallest other non-zero sibling is suppressed as well (or the total, if there is none).
///    Repeated until nothing changes. Inside one row, a hidden value is hidden in every count
///    cell of that row that holds the same value (D appears as `d_n`, `dk_n`, `nd_d`).
/// 3. **Statistics.** `X_pct`, `X_mean`, `X_sd`, … are suppressed when `X_n` or `X_d` is.
///    A statistic without its own count follows the row: suppressed when a denominator of
///    the row is, or (without denominators) when the row's largest count is.
///
/// Every suppressed cell reads `S`.
public enum Suppression {
    /// The text of a suppressed cell.
    public static let marker = "S"

    /// Columns that identify a row rather than measure it.
    static let unitColumns = ["kecamatan", "puskesmas", "desa", "posyandu"]
    static let dimensionColumns: Set<String> = [
        "level", "kecamatan", "puskesmas", "desa", "posyandu", "period",
        "sex", "age_group", "indicator", "category", "label", "file", "reason", "bin_lo", "bin_hi",
    ]
    /// Dimensions whose `all` row is the total of the other rows.
    static let marginColumns = ["sex", "age_group", "file"]
    /// Dimensions whose rows partition a total that is not a row of the table.
    static let partitionColumns: [[String]] = [["category", "label"], ["bin_lo", "bin_hi"]]
    /// Within one row: parts and their total (SKDN: D = N + T + O + B).
    static let rowPartitions: [(total: String, parts: [String])] = [("d_n", ["n_n", "t_n", "o_n", "b_n"])]
    static let orphanStatisticSuffixes: Set<String> = [
        "pct", "mean", "sd", "median", "skew", "skewness", "kurt", "kurtosis", "ratio", "score",
    ]

    /// The outcome of suppressing one table.
    public struct Result: Sendable {
        public var table: Table
        /// Counts hidden because they were 1…k−1.
        public var primary: Int
        /// Counts hidden so that a primary cell cannot be recovered from totals.
        public var complementary: Int
        /// Statistics hidden because their counts were.
        public var statistics: Int
    }

    static func isCount(_ column: String) -> Bool { column.hasSuffix("_n") || column.hasSuffix("_d") }

    static func stem(_ column: String) -> (stem: String, suffix: String) {
        guard let i = column.lastIndex(of: "_") else { return (column, "") }
        return (String(column[..<i]), String(column[column.index(after: i)...]))
    }

    /// Suppresses small cells of `table` with threshold `k` (counts 1…k−1 hidden).
    public static func apply(_ table: Table, k: Int) -> Result {
        let nrow = table.rows.count, ncol = table.columns.count
        let countCols = table.columns.indices.filter { isCount(table.columns[$0]) }
        var value = [Int?](repeating: nil, count: nrow * ncol)
        var hidden = [Bool](repeating: false, count: nrow * ncol)
        var primary = 0
        for r in 0..<nrow {
            for c in countCols {
                let v = Int(table.rows[r][c])
                value[r * ncol + c] = v
                if let v, v >= 1, v < k { hidden[r * ncol + c] = true; primary += 1 }
            }
        }

        let groups = siblingGroups(table)
        var changed = true
        var complementary = 0
        func hide(_ cell: Int) { if !hidden[cell] { hidden[cell] = true; complementary += 1; changed = true } }
        while changed {
            changed = false
            for g in groups {
                for c in g.columns ?? countCols {
                    let cells = g.children.map { $0.row * ncol + ($0.column ?? c) }
                    let total = g.total.map { $0.row * ncol + ($0.column ?? c) }
                    var nHidden = cells.filter { hidden[$0] }.count
                    if let total, hidden[total] { nHidden += 1 }
                    guard nHidden == 1 else { continue }
                    let candidates = cells.filter { !hidden[$0] && (value[$0] ?? 0) > 0 }
                    if let pick = candidates.min(by: { (value[$0]!, $0) < (value[$1]!, $1) }) {
                        hide(pick)
                    } else if let total, !hidden[total], value[total] != nil {
                        hide(total)
                    }
                }
            }
            // A value hidden in a row is hidden wherever the same count appears in that row.
            for r in 0..<nrow {
                let hiddenValues = Set(countCols.compactMap { hidden[r * ncol + $0] ? value[r * ncol + $0] : nil })
                guard !hiddenValues.isEmpty else { continue }
                for c in countCols where !hidden[r * ncol + c] {
                    if let v = value[r * ncol + c], v > 0, hiddenValues.contains(v) { hide(r * ncol + c) }
                }
            }
        }

        // Statistics follow their counts.
        var countByName: [String: Int] = [:]
        for c in countCols { countByName[table.columns[c]] = c }
        let countStems = Set(countCols.map { stem(table.columns[$0]).stem })
        let denominators = countCols.filter { table.columns[$0].hasSuffix("_d") }
        var out = table
        var statistics = 0
        for c in table.columns.indices where !isCount(table.columns[c]) && !dimensionColumns.contains(table.columns[c]) {
            let (s, suffix) = stem(table.columns[c])
            let own = [countByName[s + "_n"], countByName[s + "_d"]].compactMap { $0 }
            let isOrphan = !countStems.contains(s) && orphanStatisticSuffixes.contains(suffix)
            guard !own.isEmpty || isOrphan else { continue }
            for r in 0..<nrow {
                let text = table.rows[r][c]
                guard !text.isEmpty, Double(text) != nil else { continue }
                let hide: Bool
                if !own.isEmpty {
                    hide = own.contains { hidden[r * ncol + $0] }
                } else if !denominators.isEmpty {
                    hide = denominators.contains { hidden[r * ncol + $0] }
                } else {
                    let largest = countCols.max { (value[r * ncol + $0] ?? 0, $1) < (value[r * ncol + $1] ?? 0, $0) }
                    hide = largest.map { hidden[r * ncol + $0] } ?? false
                }
                if hide { out.rows[r][c] = marker; statistics += 1 }
            }
        }
        for r in 0..<nrow {
            for c in countCols where hidden[r * ncol + c] { out.rows[r][c] = marker }
        }
        return Result(table: out, primary: primary, complementary: complementary, statistics: statistics)
    }

    /// A set of cells that add up to a total.
    struct Group {
        struct Cell { var row: Int; var column: Int? }
        /// Cells whose `column` is nil take the count column being checked.
        var children: [Cell]
        var total: Cell?
        /// nil: check every count column; else only these (row-internal groups set it).
        var columns: [Int]?
    }

    static func siblingGroups(_ table: Table) -> [Group] {
        let col = { (name: String) in table.column(name) }
        let dims = table.columns.indices.filter { dimensionColumns.contains(table.columns[$0]) }
        func key(_ r: Int, without: Set<String>) -> [String] {
            dims.filter { !without.contains(table.columns[$0]) }.map { table.rows[r][$0] }
        }
        var groups: [Group] = []

        // Unit hierarchy.
        if let levelCol = col("level") {
            let unitNames = Set(["level"] + unitColumns)
            let kec = col("kecamatan"), desa = col("desa")
            func cell(_ r: Int, _ c: Int?) -> String { c.map { table.rows[r][$0] } ?? "" }
            var index: [[String]: Int] = [:]
            for r in table.rows.indices {
                let level = table.rows[r][levelCol]
                let rest = key(r, without: unitNames)
                switch level {
                case "kabupaten": index[["kabupaten"] + rest] = r
                case "kecamatan": index[["kecamatan", cell(r, kec)] + rest] = r
                case "desa": index[["desa", cell(r, kec), cell(r, desa)] + rest] = r
                default: break
                }
            }
            var byParent: [[Int]: [Int]] = [:]
            var parentOrder: [[Int]] = []
            for r in table.rows.indices {
                let level = table.rows[r][levelCol]
                let rest = key(r, without: unitNames)
                let parentKey: [String]
                let levelCode: Int
                switch level {
                case "kecamatan": parentKey = ["kabupaten"] + rest; levelCode = 1
                case "puskesmas": parentKey = ["kabupaten"] + rest; levelCode = 2
                case "desa": parentKey = ["kecamatan", cell(r, kec)] + rest; levelCode = 3
                case "posyandu": parentKey = ["desa", cell(r, kec), cell(r, desa)] + rest; levelCode = 4
                default: continue
                }
                guard let p = index[parentKey] else { continue }
                let gk = [p, levelCode]
                if byParent[gk] == nil { parentOrder.append(gk) }
                byParent[gk, default: []].append(r)
            }
            for gk in parentOrder {
                groups.append(Group(children: byParent[gk]!.map { .init(row: $0, column: nil) },
                                    total: .init(row: gk[0], column: nil), columns: nil))
            }
        }

        // Margins (`all` rows) and partitions (no total row).
        for m in marginColumns {
            guard let mc = col(m) else { continue }
            let isAll = { (r: Int) in table.rows[r][mc].lowercased() == "all" }
            guard table.rows.indices.contains(where: isAll) else { continue }
            var totals: [[String]: Int] = [:]
            var members: [[String]: [Int]] = [:]
            var order: [[String]] = []
            for r in table.rows.indices {
                let k = key(r, without: [m])
                if isAll(r) { totals[k] = r; continue }
                if members[k] == nil { order.append(k) }
                members[k, default: []].append(r)
            }
            for k in order {
                groups.append(Group(children: members[k]!.map { .init(row: $0, column: nil) },
                                    total: totals[k].map { .init(row: $0, column: nil) }, columns: nil))
            }
        }
        for p in partitionColumns where col(p[0]) != nil {
            var members: [[String]: [Int]] = [:]
            var order: [[String]] = []
            for r in table.rows.indices {
                let k = key(r, without: Set(p))
                if members[k] == nil { order.append(k) }
                members[k, default: []].append(r)
            }
            for k in order where members[k]!.count > 1 {
                groups.append(Group(children: members[k]!.map { .init(row: $0, column: nil) }, total: nil, columns: nil))
            }
        }

        // Row-internal partitions.
        for rp in rowPartitions {
            guard let t = col(rp.total) else { continue }
            let parts = rp.parts.compactMap(col)
            guard parts.count == rp.parts.count else { continue }
            for r in table.rows.indices {
                groups.append(Group(children: parts.map { .init(row: r, column: $0) },
                                    total: .init(row: r, column: t), columns: [t]))
            }
        }
        return groups
    }
}
