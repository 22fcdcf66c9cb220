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
    static let unitColumns = ["kabupaten", "kecamatan", "puskesmas", "desa", "posyandu"]
    static let dimensionColumns: Set<String> = [
        "level", "kabupaten", "kecamatan", "puskesmas", "desa", "posyandu", "period",
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
    /// - Parameter open: count columns that are never hidden (`DisclosurePolicy`: coverage
    ///   such as K and D), nor the statistics built on them. Where such a column is the total
    ///   of a group whose one hidden cell has no non-zero sibling to hide with it, a zero
    ///   sibling is hidden instead.
    public static func apply(_ table: Table, k: Int, open: Set<String> = []) -> Result {
        let nrow = table.rows.count, ncol = table.columns.count
        let countCols = table.columns.indices.filter { isCount(table.columns[$0]) && !open.contains(table.columns[$0]) }
        let locked = table.columns.map { open.contains($0) }
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

        let groups = FlatGroups(siblingGroups(table))
        let complementary = complement(groups: groups, value: value, hidden: &hidden, countCols: countCols,
                                       locked: locked, nrow: nrow, ncol: ncol)

        // Statistics follow their counts.
        var countByName: [String: Int] = [:]
        for c in countCols { countByName[table.columns[c]] = c }
        let countStems = Set(countCols.map { stem(table.columns[$0]).stem })
        let denominators = countCols.filter { table.columns[$0].hasSuffix("_d") }
        var out = table
        var statistics = 0
        for c in table.columns.indices where !isCount(table.columns[c]) && !dimensionColumns.contains(table.columns[c]) {
            let (s, suffix) = stem(table.columns[c])
            if open.contains(s + "_n") || open.contains(s + "_d") { continue }   // a statistic of public counts
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

    /// The complementary pass: until nothing changes, each sibling group (in order, per count
    /// column) with exactly one hidden cell hides its smallest other non-zero sibling (or its
    /// total), and each row hides its counts equal to a value hidden in it.
    ///
    /// A check reads only the hidden state of its own cells, so a check none of whose cells was
    /// hidden since it last ran would decide as it did then (nothing): only checks marked dirty
    /// by a hide are run again. The checks run in the same order as a full pass would, so the
    /// hidden cells are those of repeated full passes, in fewer steps.
    /// - Returns: the number of cells hidden.
    static func complement(groups: FlatGroups, value: [Int?], hidden: inout [Bool], countCols: [Int],
                           locked: [Bool] = [], nrow: Int, ncol: Int) -> Int {
        let nc = countCols.count
        var slot = [Int](repeating: -1, count: ncol)   // column → position in countCols
        for (i, c) in countCols.enumerated() { slot[c] = i }
        // the groups each row takes part in (as a child or as the total)
        var rowStart = [Int](repeating: 0, count: nrow + 1)
        func eachRow(_ g: Int, _ body: (Int) -> Void) {
            var last = -1
            for x in groups.start[g]..<groups.start[g + 1] where groups.childRow[x] != last {
                last = groups.childRow[x]; body(last)
            }
            if groups.totalRow[g] >= 0, groups.totalRow[g] != last { body(groups.totalRow[g]) }
        }
        for g in 0..<groups.count { eachRow(g) { rowStart[$0 + 1] += 1 } }
        for r in 0..<nrow { rowStart[r + 1] += rowStart[r] }
        var rowGroups = [Int](repeating: 0, count: rowStart[nrow])
        var fill = rowStart
        for g in 0..<groups.count { eachRow(g) { rowGroups[fill[$0]] = g; fill[$0] += 1 } }

        // dirty checks: group × count column (a group of one column uses slot 0), and rows
        var dirty = [Bool](repeating: true, count: groups.count * max(nc, 1))
        var dirtyRow = [Bool](repeating: true, count: nrow)
        var complementary = 0
        var changed = true
        func hide(_ cell: Int) {
            guard !hidden[cell] else { return }
            hidden[cell] = true; complementary += 1; changed = true
            let r = cell / ncol, ci = slot[cell % ncol]
            dirtyRow[r] = true
            for k in rowStart[r]..<rowStart[r + 1] {
                let g = rowGroups[k]
                if groups.column[g] >= 0 { dirty[g * max(nc, 1)] = true } else if ci >= 0 { dirty[g * nc + ci] = true }
            }
        }
        while changed {
            changed = false
            for g in 0..<groups.count {
                let from = groups.start[g], to = groups.start[g + 1], only = groups.column[g]
                for ci in 0..<(only >= 0 ? 1 : nc) {
                    let d = g * max(nc, 1) + ci
                    guard dirty[d] else { continue }
                    dirty[d] = false
                    let c = only >= 0 ? only : countCols[ci]
                    var nHidden = 0
                    for x in from..<to where hidden[groups.cell(x, c, ncol)] {
                        nHidden += 1
                        if nHidden > 1 { break }
                    }
                    let total = groups.totalRow[g] < 0 ? -1
                        : groups.totalRow[g] * ncol + (groups.totalColumn[g] < 0 ? c : groups.totalColumn[g])
                    if total >= 0, hidden[total] { nHidden += 1 }
                    guard nHidden == 1 else { continue }
                    // the smallest other non-zero sibling (ties: the first cell)
                    var pick = -1, pickValue = 0
                    for x in from..<to {
                        let cell = groups.cell(x, c, ncol)
                        guard !hidden[cell], let v = value[cell], v > 0 else { continue }
                        if pick < 0 || v < pickValue || (v == pickValue && cell < pick) { pick = cell; pickValue = v }
                    }
                    if pick >= 0 {
                        hide(pick)
                    } else if total >= 0, total % ncol < locked.count, locked[total % ncol] {
                        // The total is public: hide a zero sibling, so that the hidden cell is
                        // not the total minus shown zeros.
                        for x in from..<to {
                            let cell = groups.cell(x, c, ncol)
                            if !hidden[cell], value[cell] == 0 { hide(cell); break }
                        }
                    } else if total >= 0, !hidden[total], value[total] != nil {
                        hide(total)
                    }
                }
            }
            // A value hidden in a row is hidden wherever the same count appears in that row.
            var hiddenValues: [Int] = []
            for r in 0..<nrow where dirtyRow[r] {
                dirtyRow[r] = false
                hiddenValues.removeAll(keepingCapacity: true)
                for c in countCols where hidden[r * ncol + c] {
                    if let v = value[r * ncol + c] { hiddenValues.append(v) }
                }
                guard !hiddenValues.isEmpty else { continue }
                for c in countCols where !hidden[r * ncol + c] {
                    if let v = value[r * ncol + c], v > 0, hiddenValues.contains(v) { hide(r * ncol + c) }
                }
            }
        }
        return complementary
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

    /// The groups in flat arrays (the complementary pass walks them many times).
    struct FlatGroups {
        /// Children of group `g`: positions `start[g]..<start[g + 1]`.
        var start: [Int] = [0]
        var childRow: [Int] = [], childColumn: [Int] = []
        /// −1: no total; column −1: the count column being checked.
        var totalRow: [Int] = [], totalColumn: [Int] = []
        /// The one column a group is checked in, or −1 for every count column.
        var column: [Int] = []
        var count: Int { column.count }

        init(_ groups: [Group]) {
            for g in groups {
                for ch in g.children { childRow.append(ch.row); childColumn.append(ch.column ?? -1) }
                start.append(childRow.count)
                totalRow.append(g.total?.row ?? -1)
                totalColumn.append(g.total?.column ?? -1)
                precondition(g.columns == nil || g.columns!.count == 1, "a row-internal group checks one column")
                column.append(g.columns?.first ?? -1)
            }
        }

        @inline(__always) func cell(_ x: Int, _ c: Int, _ ncol: Int) -> Int {
            childRow[x] * ncol + (childColumn[x] < 0 ? c : childColumn[x])
        }
    }

    static func siblingGroups(_ table: Table) -> [Group] {
        let col = { (name: String) in table.column(name) }
        let dims = table.columns.indices.filter { dimensionColumns.contains(table.columns[$0]) }
        // Every dimension cell as a small integer (equal text, equal id, per column), so that
        // row keys are short integer arrays rather than arrays of strings.
        let nd = dims.count, nrow = table.rows.count
        var ids = [Int32](repeating: 0, count: nrow * nd)
        var card = [Int](repeating: 1, count: nd)
        for (j, c) in dims.enumerated() {
            var intern: [String: Int32] = [:]
            var last = "", lastID: Int32 = -1
            for r in 0..<nrow {
                let text = table.rows[r][c]
                if lastID < 0 || text != last {
                    if let e = intern[text] { lastID = e } else { lastID = Int32(intern.count); intern[text] = lastID }
                    last = text
                }
                ids[r * nd + j] = lastID
            }
            card[j] = max(1, intern.count)
        }
        let slotOf = Dictionary(uniqueKeysWithValues: dims.enumerated().map { ($1, $0) })
        func id(_ r: Int, _ column: Int?) -> Int32 {
            guard let column, let j = slotOf[column] else { return -1 }
            return ids[r * nd + j]
        }
        // A row key is one integer: a unit prefix (level tag 0–3, kabupaten id, kecamatan id, desa
        // id; used by the hierarchy) and the ids of some dimensions, in mixed radix when the
        // product of the bases fits in an Int, else numbered through a trie of (key so far, next digit).
        func base(_ name: String) -> Int { (col(name).flatMap { dims.firstIndex(of: $0) }.map { card[$0] } ?? 0) + 1 }
        let prefixBases = [4, base("kabupaten"), base("kecamatan"), base("desa")]
        typealias Prefix = (Int32, Int32, Int32, Int32)
        struct Space { var slots: [Int]; var fits: Bool }
        /// The dimensions not in `without`.
        func space(without: Set<String>) -> Space {
            let slots = dims.indices.filter { !without.contains(table.columns[dims[$0]]) }
            var product = 1, fits = true
            for b in prefixBases + slots.map({ card[$0] }) {
                let (p, overflow) = product.multipliedReportingOverflow(by: b)
                if overflow { fits = false; break }
                product = p
            }
            return Space(slots: slots, fits: fits)
        }
        var trie: [Int: Int] = [:]
        func key(_ r: Int, _ sp: Space, prefix: Prefix = (0, -1, -1, -1)) -> Int {
            let d = [Int(prefix.0), Int(prefix.1) + 1, Int(prefix.2) + 1, Int(prefix.3) + 1]
            if sp.fits {
                var k = ((d[0] * prefixBases[1] + d[1]) * prefixBases[2] + d[2]) * prefixBases[3] + d[3]
                for j in sp.slots { k = k * card[j] + Int(ids[r * nd + j]) }
                return k
            }
            var k = 0
            func step(_ d: Int) {
                let c = k << 32 | d
                if let e = trie[c] { k = e } else { k = trie.count + 1; trie[c] = k }
            }
            for x in d { step(x) }
            for j in sp.slots { step(Int(ids[r * nd + j])) }
            return k
        }
        var groups: [Group] = []

        // Unit hierarchy.
        if let levelCol = col("level") {
            let rest = space(without: Set(["level"] + unitColumns))
            let kab = col("kabupaten"), kec = col("kecamatan"), desa = col("desa")
            // key prefix: level tag (0 provinsi, 1 kabupaten, 2 kecamatan, 3 desa), then the
            // kabupaten (a merge's tables only), kecamatan and desa ids
            var index: [Int: Int] = [:]
            for r in 0..<nrow {
                switch table.rows[r][levelCol] {
                case "provinsi": index[key(r, rest, prefix: (0, -1, -1, -1))] = r
                case "kabupaten": index[key(r, rest, prefix: (1, id(r, kab), -1, -1))] = r
                case "kecamatan": index[key(r, rest, prefix: (2, id(r, kab), id(r, kec), -1))] = r
                case "desa": index[key(r, rest, prefix: (3, id(r, kab), id(r, kec), id(r, desa)))] = r
                default: break
                }
            }
            var byParent: [Int: [Int]] = [:]
            var parentOrder: [Int] = []
            for r in 0..<nrow {
                let prefix: Prefix
                let levelCode: Int
                switch table.rows[r][levelCol] {
                case "kabupaten": prefix = (0, -1, -1, -1); levelCode = 1
                case "kecamatan": prefix = (1, id(r, kab), -1, -1); levelCode = 2
                case "puskesmas": prefix = (1, id(r, kab), -1, -1); levelCode = 3
                case "desa": prefix = (2, id(r, kab), id(r, kec), -1); levelCode = 4
                case "posyandu": prefix = (3, id(r, kab), id(r, kec), id(r, desa)); levelCode = 5
                default: continue
                }
                guard let p = index[key(r, rest, prefix: prefix)] else { continue }
                let gk = p * 8 + levelCode
                if byParent[gk] == nil { parentOrder.append(gk) }
                byParent[gk, default: []].append(r)
            }
            for gk in parentOrder {
                groups.append(Group(children: byParent[gk]!.map { .init(row: $0, column: nil) },
                                    total: .init(row: gk / 8, column: nil), columns: nil))
            }
        }

        // Margins (`all` rows) and partitions (no total row).
        for m in marginColumns {
            guard let mc = col(m) else { continue }
            let isAll = { (r: Int) in
                let text = table.rows[r][mc]
                return text == "all" || (text.utf8.count == 3 && text.lowercased() == "all")
            }
            guard table.rows.indices.contains(where: isAll) else { continue }
            let others = space(without: [m])
            var totals: [Int: Int] = [:]
            var members: [Int: [Int]] = [:]
            var order: [Int] = []
            for r in 0..<nrow {
                let k = key(r, others)
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
            let others = space(without: Set(p))
            var members: [Int: [Int]] = [:]
            var order: [Int] = []
            for r in 0..<nrow {
                let k = key(r, others)
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
