import Foundation
import Testing
import TimbangCore
import Pipeline
import Report

/// Every public table of a whole run's archive against `DisclosurePolicy` (issue 15).
@Suite struct DisclosurePolicyTests {
    @Test func eachPublicTableFollowsThePolicy() throws {
        let (config, summary) = try District.shared.run(label: "policy")
        let k = config.minCell
        let entries = try Archive.read(path: try #require(summary.archive))
        var checkedOpen = 0, checkedSuppressed = 0, shownSmall = 0
        for e in entries where e.path.hasPrefix("public/") && e.path.hasSuffix(".csv") {
            let name = String(e.path.dropFirst("public/".count).dropLast(4))
            let t = try Table(name: name, csv: e.text)
            for (c, column) in t.columns.enumerated() {
                let cells = t.rows.map { $0[c] }
                if DisclosurePolicy.isOpen(table: name, column: column) {
                    #expect(!cells.contains(Suppression.marker), "\(name).\(column) is public by the policy but has S")
                    checkedOpen += 1
                    if column.hasSuffix("_n") { shownSmall += cells.filter { Int($0).map { $0 >= 1 && $0 < k } ?? false }.count }
                } else if column.hasSuffix("_n") || column.hasSuffix("_d") {
                    #expect(!cells.contains { Int($0).map { $0 >= 1 && $0 < k } ?? false }, "\(name).\(column) shows a count below k")
                    checkedSuppressed += 1
                }
            }
        }
        #expect(checkedOpen > 0 && checkedSuppressed > 0)
        #expect(shownSmall > 0, "the district has small record and coverage counts, and they are shown")
        // The restricted tables are the same tables unsuppressed: the restricted report shows no S.
        let restricted = try #require(entries.first { $0.path == "restricted/report.html" }).text
        #expect(!restricted.contains(">S<") && !restricted.contains(">S/"))
    }

    @Test func aPublicTotalNeverGivesAwayTheOnlyHiddenPart() throws {
        // D = 3 (public), N = 3 (hidden, below k), T = O = B = 0: a zero is hidden with N.
        let t = Table(name: "skdn", columns: ["level", "posyandu", "period", "k_n", "d_n", "n_n", "t_n", "o_n", "b_n"],
                      rows: [["posyandu", "MELATI", "2024-01", "40", "3", "3", "0", "0", "0"]])
        let r = DisclosurePolicy.apply(t, k: 5)
        let row = r.table.rows[0]
        #expect(row[3] == "40" && row[4] == "3")
        #expect(row[5] == Suppression.marker)
        #expect(row[6...8].filter { $0 == Suppression.marker }.count == 1)
        // A table of record counts is shown as it is.
        let q = Table(name: "quality", columns: ["level", "posyandu", "period", "records_n", "invalid_n"], rows: [["posyandu", "MELATI", "all", "4", "2"]])
        #expect(DisclosurePolicy.apply(q, k: 5).table.rows == q.rows)
    }
}
