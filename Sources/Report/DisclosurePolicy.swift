import TimbangCore

/// What the public tables may show, table by table and column by column (README "Privacy",
/// and the report's own section on it).
///
/// - **Statistics about children's health** are suppressed below k with complementary
///   suppression (`Suppression`): prevalence numerators and denominators, Permenkes category
///   counts, N, T, O, B, 2T and BGM, z-score distributions, means and SDs built on few children.
/// - **Counts of records, files and findings, rejection reasons and coverage** are not: they
///   say nothing about any child's health, and they are what the officer must act on
///   ("posyandu Melati: 4 records with an impossible date"). Whole tables: `quality`,
///   `rejections`, `source_agreement`, `findings`. Columns: SKDN's S, K and D and the rates
///   built only on them (D/K, K/S, D/S), and D where it reappears as a denominator (`nd_d`,
///   `bgmd_d`); in `skdn_sex_age` K, D and K − D.
public enum DisclosurePolicy {
    /// Tables shown as computed (no suppression at all).
    public static let openTables: Set<String> = ["quality", "rejections", "source_agreement", "findings"]

    /// Count columns shown as computed in tables that are otherwise suppressed.
    public static let openColumns: [String: Set<String>] = [
        "skdn": ["s_n", "k_n", "d_n", "dk_n", "dk_d", "ks_n", "ks_d", "ds_n", "ds_d", "nd_d", "bgmd_d"],
        "skdn_sex_age": ["k_n", "d_n", "absent_n"],
    ]

    /// Whether `column` of `table` is shown unsuppressed.
    public static func isOpen(table: String, column: String) -> Bool {
        openTables.contains(table) || openColumns[table]?.contains(column) == true
    }

    /// The table as published: suppressed as the policy says.
    public static func apply(_ table: Table, k: Int) -> Suppression.Result {
        if openTables.contains(table.name) { return Suppression.Result(table: table, primary: 0, complementary: 0, statistics: 0) }
        return Suppression.apply(table, k: k, open: openColumns[table.name] ?? [])
    }
}
