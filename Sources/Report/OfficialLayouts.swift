import TimbangCore

/// The layouts districts hand on, built from the public (suppressed) aggregate tables, as
/// sheets of `public/laporan.xlsx` (../shared/reports.md):
/// - **Aksi 7 per desa** (`aksi7_desa`): for the latest measurement of each child, per desa:
///   balita diukur, sangat pendek, pendek, pendek + sangat pendek and the prevalence of
///   stunting with 2 decimals, kabupaten total last; the fields Web Aksi Bangda takes per desa.
/// - **Rekap puskesmas** (`rekap_puskesmas`): per month, one row per puskesmas then the
///   kabupaten: sasaran S, balita diukur, and the children in each Permenkes 2/2020 category of
///   BB/U, TB/U and BB/TB (the kabupaten's monthly rekap form, with the 2020 labels).
/// - **F1 Gizi SKDN** (`f1_skdn_posyandu`): per posyandu and month S, K, D, N, T, 2T, O, B, BGM,
///   D/K and N/D.
/// - **F2 Gizi by age** (`f2_skdn_umur`): per puskesmas and month, K, D, N, T, 2T, O, B and BGM by
///   sex and the F1/F2 age groups (0–5, 6–11, 12–23, 24–35, 36–59 months).
/// One flat table per sheet (a row per unit and period, the period a column) rather than one
/// block per month, so that Excel filters and R reads them. A figure suppressed in the public
/// table stays `S`; a figure derived from a suppressed one is `S` too.
public enum OfficialLayouts {
    /// The sheets, from the public tables by name (missing tables give no sheet).
    public static func sheets(_ tables: [String: Table]) -> [ExcelTables.Sheet] {
        var out: [ExcelTables.Sheet] = []
        if let p = tables["prevalence"] { out.append(aksi7(p)) }
        if let c = tables["categories"], let p = tables["prevalence"] { out.append(rekapPuskesmas(c, p, tables["skdn"])) }
        if let s = tables["skdn"] { out.append(f1(s)) }
        if let s = tables["skdn_sex_age"] { out.append(f2(s)) }
        return out
    }

    static let unitText: Set<String> = ["Bulan", "Kecamatan", "Puskesmas", "Desa/Kelurahan", "Posyandu", "Jenis kelamin", "Umur (bulan)", "Tingkat"]

    /// A row of a table, its cells looked up by column name (nil for a column the table does
    /// not have or the row is too short for).
    struct Row {
        let cells: [String]
        let index: [String: Int]
        subscript(_ column: String) -> String? {
            guard let i = index[column], i < cells.count else { return nil }
            return cells[i]
        }
    }

    /// A table's rows, filtered (the column index is made once: a dictionary per row of a
    /// million-row table cost seconds).
    static func rows(_ t: Table, where keep: (Row) -> Bool) -> [Row] {
        var index: [String: Int] = [:]
        for (i, c) in t.columns.enumerated() { index[c] = i }   // a repeated name: the last one, as before
        var out: [Row] = []
        for cells in t.rows {
            let row = Row(cells: cells, index: index)
            if keep(row) { out.append(row) }
        }
        return out
    }

    /// `a − b`, `S` when either is.
    static func minus(_ a: String, _ b: String) -> String {
        guard let x = Int(a), let y = Int(b) else { return a.isEmpty || b.isEmpty ? "" : Suppression.marker }
        return String(x - y)
    }

    /// `n / d × 100` with 2 decimals, `S` when n is suppressed, empty without children.
    static func percent(_ n: String, _ d: String) -> String {
        guard let dv = Int(d), dv > 0 else { return "" }
        guard let nv = Int(n) else { return Suppression.marker }
        return formatFixed(100 * Double(nv) / Double(dv), decimals: 2)
    }

    static func aksi7(_ p: Table) -> ExcelTables.Sheet {
        let columns = ["No", "Kecamatan", "Puskesmas", "Desa/Kelurahan", "Jumlah balita diukur (TB/U)", "Sangat pendek", "Pendek",
                       "Pendek + sangat pendek", "Prevalensi stunting (%)"]
        func line(_ r: Row) -> [String] {
            let d = r["stunting_d"] ?? "", all = r["stunting_n"] ?? "", severe = r["severe_stunting_n"] ?? ""
            return [r["kecamatan"] ?? "", r["puskesmas"] ?? "", r["desa"] ?? "", d, severe, minus(all, severe), all, percent(all, d)]
        }
        let latest = { (r: Row) in r["period"] == "latest" && r["sex"] == "all" && r["age_group"] == "all" }
        var out: [[String]] = []
        for (i, r) in rows(p, where: { latest($0) && $0["level"] == "desa" }).enumerated() { out.append([String(i + 1)] + line(r)) }
        for r in rows(p, where: { latest($0) && $0["level"] == "kabupaten" }) {
            var l = line(r)
            l[0] = "KABUPATEN"
            out.append([""] + l)
        }
        return ExcelTables.Sheet(name: "aksi7_desa", columns: columns, rows: out, textColumns: unitText)
    }

    /// The Permenkes 2/2020 categories of the rekap, in the form's order.
    static let rekapCategories: [(code: String, title: String)] = [
        ("bbu_sangat_kurang", "BB/U sangat kurang"), ("bbu_kurang", "BB/U kurang"), ("bbu_normal", "BB/U normal"),
        ("bbu_risiko_lebih", "BB/U risiko lebih"),
        ("tbu_sangat_pendek", "TB/U sangat pendek"), ("tbu_pendek", "TB/U pendek"), ("tbu_normal", "TB/U normal"), ("tbu_tinggi", "TB/U tinggi"),
        ("bbtb_gizi_buruk", "BB/TB gizi buruk"), ("bbtb_gizi_kurang", "BB/TB gizi kurang"), ("bbtb_gizi_baik", "BB/TB gizi baik"),
        ("bbtb_berisiko_gizi_lebih", "BB/TB berisiko gizi lebih"), ("bbtb_gizi_lebih", "BB/TB gizi lebih"), ("bbtb_obesitas", "BB/TB obesitas"),
    ]

    static func rekapPuskesmas(_ c: Table, _ p: Table, _ skdn: Table?) -> ExcelTables.Sheet {
        let columns = ["Bulan", "No", "Puskesmas", "Jumlah sasaran balita (S)", "Jumlah balita diukur"] + rekapCategories.map(\.title)
        let levels: Set<String> = ["puskesmas", "kabupaten"]
        func key(_ r: Row) -> [String] { [r["period"] ?? "", r["level"] ?? "", r["puskesmas"] ?? ""] }
        var counts: [[String]: [String: String]] = [:]
        for r in rows(c, where: { levels.contains($0["level"] ?? "") && $0["period"] != "latest" }) {
            counts[key(r), default: [:]][r["category"] ?? ""] = r["count_n"] ?? ""
        }
        var sasaran: [[String]: String] = [:]
        for r in skdn.map({ rows($0, where: { levels.contains($0["level"] ?? "") }) }) ?? [] { sasaran[key(r)] = r["s_n"] ?? "" }
        var out: [[String]] = []
        var month = "", no = 0
        let units = rows(p, where: { levels.contains($0["level"] ?? "") && $0["period"] != "latest" && $0["sex"] == "all" && $0["age_group"] == "all" })
        // by month, the puskesmas in table order, the kabupaten last
        let ordered = units.enumerated().sorted { a, b in
            let ka = (a.element["period"] ?? "", a.element["level"] == "kabupaten" ? 1 : 0, a.offset)
            let kb = (b.element["period"] ?? "", b.element["level"] == "kabupaten" ? 1 : 0, b.offset)
            return ka < kb
        }.map(\.element)
        for r in ordered {
            if r["period"] != month { month = r["period"] ?? ""; no = 0 }
            let kab = r["level"] == "kabupaten"
            if !kab { no += 1 }
            let k = key(r)
            out.append([month, kab ? "" : String(no), kab ? "KABUPATEN" : (r["puskesmas"] ?? ""), sasaran[k] ?? "", r["children_n"] ?? ""]
                       + rekapCategories.map { counts[k]?[$0.code] ?? "0" })
        }
        return ExcelTables.Sheet(name: "rekap_puskesmas", columns: columns, rows: out, textColumns: unitText)
    }

    static func f1(_ s: Table) -> ExcelTables.Sheet {
        let columns = ["Bulan", "Kecamatan", "Puskesmas", "Desa/Kelurahan", "Posyandu", "S", "K", "D", "N", "T", "2T", "O", "B", "BGM",
                       "D/K (%)", "N/D (%)"]
        let out = rows(s, where: { $0["level"] == "posyandu" }).map { r in
            [r["period"] ?? "", r["kecamatan"] ?? "", r["puskesmas"] ?? "", r["desa"] ?? "", r["posyandu"] ?? "", r["s_n"] ?? "",
             r["k_n"] ?? "", r["d_n"] ?? "", r["n_n"] ?? "", r["t_n"] ?? "", r["t2_n"] ?? "", r["o_n"] ?? "", r["b_n"] ?? "",
             r["bgm_n"] ?? "", r["dk_pct"] ?? "", r["nd_pct"] ?? ""]
        }
        return ExcelTables.Sheet(name: "f1_skdn_posyandu", columns: columns, rows: out, textColumns: unitText)
    }

    static func f2(_ s: Table) -> ExcelTables.Sheet {
        let columns = ["Bulan", "Tingkat", "Kecamatan", "Puskesmas", "Jenis kelamin", "Umur (bulan)", "K", "D", "N", "T", "2T", "O", "B", "BGM",
                       "Tidak datang (K−D)"]
        let out = rows(s, where: { _ in true }).map { r in
            [r["period"] ?? "", r["level"] ?? "", r["kecamatan"] ?? "", r["puskesmas"] ?? "", r["sex"] ?? "", r["age_group"] ?? "",
             r["k_n"] ?? "", r["d_n"] ?? "", r["n_n"] ?? "", r["t_n"] ?? "", r["t2_n"] ?? "", r["o_n"] ?? "", r["b_n"] ?? "",
             r["bgm_n"] ?? "", r["absent_n"] ?? ""]
        }
        return ExcelTables.Sheet(name: "f2_skdn_umur", columns: columns, rows: out, textColumns: unitText)
    }
}
