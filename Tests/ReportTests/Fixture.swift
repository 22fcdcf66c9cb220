import TimbangCore
@testable import Report

/// A small kabupaten built in code: aggregate tables that follow `docs/contracts.md`, rolled up
/// from posyandu counts so that every total is the sum of its parts, plus restricted tables
/// holding realistic personal data (NIK, names, parents, addresses, birth dates).
struct Fixture {
    struct Posyandu {
        var kecamatan: String, desa: String, posyandu: String
        var children: Int, stunting: Int, wasting: Int, underweight: Int
    }

    static let keyColumns = ["level", "kecamatan", "puskesmas", "desa", "posyandu", "period"]
    static let periods = ["2024-01", "2024-02", "2024-03", "latest"]

    var posyandu: [Posyandu] = [
        .init(kecamatan: "KOTA BARU", desa: "SUKAMAJU", posyandu: "MAWAR", children: 31, stunting: 9, wasting: 2, underweight: 6),
        .init(kecamatan: "KOTA BARU", desa: "SUKAMAJU", posyandu: "MELATI", children: 24, stunting: 7, wasting: 0, underweight: 5),
        .init(kecamatan: "KOTA BARU", desa: "CIBEUREUM", posyandu: "ANGGREK", children: 40, stunting: 11, wasting: 3, underweight: 8),
        .init(kecamatan: "PASIR JAYA", desa: "MEKARSARI", posyandu: "KENANGA", children: 18, stunting: 6, wasting: 1, underweight: 4),
        .init(kecamatan: "PASIR JAYA", desa: "MEKARSARI", posyandu: "DAHLIA", children: 27, stunting: 8, wasting: 5, underweight: 7),
        .init(kecamatan: "PASIR JAYA", desa: "SUKA & DUKA", posyandu: "TULIP", children: 35, stunting: 12, wasting: 2, underweight: 9),
        .init(kecamatan: "TANJUNG SARI", desa: "SINDANGLAYA", posyandu: "KAMBOJA", children: 22, stunting: 5, wasting: 1, underweight: 3),
        .init(kecamatan: "TANJUNG SARI", desa: "SINDANGLAYA", posyandu: "FLAMBOYAN", children: 29, stunting: 10, wasting: 4, underweight: 6),
    ]

    /// Realistic personal data that lives only in the restricted ledger-side tables.
    static let people: [(nik: String, name: String, parent: String, address: String, birth: String)] = [
        ("3204125507210003", "SITI NURHALIZA", "AMINAH BINTI SALEH", "JL. MERPATI NO. 12 RT 03 RW 05", "2021-07-15"),
        ("3204121203220001", "MUHAMMAD RIZKY PRATAMA", "DEWI LESTARI", "KP. CIBEUREUM RT 01 RW 02", "2022-03-12"),
        ("3204134409230002", "PUTRI AYU RAHMAWATI", "SRI WAHYUNINGSIH", "DUSUN SUKAMANAH RT 04 RW 01", "2023-09-04"),
        ("3204140111200004", "ARYA DWI SAPUTRA", "NENG KOMALASARI", "PERUM GRIYA ASRI BLOK C-7", "2020-11-01"),
    ]

    var inputs: [ManifestInput] = [
        .init(name: "posyandu/kota-baru-2024-01.csv", bytes: 18_412, sha256: String(repeating: "a1", count: 32)),
        .init(name: "posyandu/pasir-jaya-2024-01.csv", bytes: 22_907, sha256: String(repeating: "b2", count: 32)),
        .init(name: "eppgbm/tanjung-sari-2024Q1.csv.gz", bytes: 9_731, sha256: String(repeating: "c3", count: 32)),
    ]

    var k = 5
    var ledgerStatusOverride: [Int: (String, String)] = [:]

    // MARK: roll-up

    /// Counts per unit level for one period; `bump` shifts counts by period so months differ.
    func units(period: String) -> [(level: String, kec: String, desa: String, pos: String, c: [String: Int])] {
        let bump = Fixture.periods.firstIndex(of: period)!
        var out: [(level: String, kec: String, desa: String, pos: String, c: [String: Int])] = []
        func counts(_ p: Posyandu) -> [String: Int] {
            let children = p.children + bump
            let stunting = p.stunting + (bump % 2)
            let d = children
            let n = max(0, d - 4 - p.wasting - bump), t = 2 + p.wasting, b = 1 + bump % 2
            let o = d - n - t - b
            return ["children": children, "stunting": stunting, "severe_stunting": stunting / 3,
                    "wasting": p.wasting, "severe_wasting": p.wasting / 2,
                    "underweight": p.underweight, "severe_underweight": p.underweight / 4,
                    "overweight": children > 30 ? 1 : 0,
                    "k": children + 6, "d": d, "n": n, "t": t, "o": o, "b": b, "t2": p.wasting / 2, "bgm": p.underweight / 4,
                    "records": children + 3, "invalid": p.wasting]
        }
        func add(_ a: [String: Int], _ b: [String: Int]) -> [String: Int] { a.merging(b, uniquingKeysWith: +) }
        var kab: [String: Int] = [:]
        var kecs: [(String, [String: Int])] = []
        var desas: [(String, String, [String: Int])] = []
        for p in posyandu {
            let c = counts(p)
            kab = add(kab, c)
            if kecs.last?.0 == p.kecamatan { kecs[kecs.count - 1].1 = add(kecs[kecs.count - 1].1, c) } else { kecs.append((p.kecamatan, c)) }
            if let l = desas.last, l.0 == p.kecamatan, l.1 == p.desa { desas[desas.count - 1].2 = add(l.2, c) } else { desas.append((p.kecamatan, p.desa, c)) }
        }
        out.append(("kabupaten", "", "", "", kab))
        for (kec, c) in kecs { out.append(("kecamatan", kec, "", "", c)) }
        for (kec, d, c) in desas { out.append(("desa", kec, d, "", c)) }
        for p in posyandu { out.append(("posyandu", p.kecamatan, p.desa, p.posyandu, counts(p))) }
        return out
    }

    static func pct(_ n: Int, _ d: Int) -> String { d == 0 ? "" : formatFixed(100 * Double(n) / Double(d), decimals: 1) }

    static let indicators = ["stunting", "severe_stunting", "wasting", "severe_wasting", "underweight", "severe_underweight", "overweight"]

    func prevalence() -> Table {
        var cols = Fixture.keyColumns + ["sex", "age_group", "children_n"]
        for i in Fixture.indicators { cols += [i + "_n", i + "_d", i + "_pct"] }
        cols += ["haz_d", "haz_mean", "haz_sd", "waz_d", "waz_mean", "waz_sd", "whz_d", "whz_mean", "whz_sd"]
        var rows: [[String]] = []
        for period in Fixture.periods {
            for u in units(period: period) {
                let d = u.c["children"]!
                var r = [u.level, u.kec, "", u.desa, u.pos, period, "all", "all", String(d)]
                for i in Fixture.indicators { r += [String(u.c[i]!), String(d), Fixture.pct(u.c[i]!, d)] }
                let m = formatFixed(-1.0 - Double(u.c["stunting"]!) / Double(d), decimals: 2)
                r += [String(d), m, "1.08", String(d), "-0.91", "1.02", String(d), "-0.35", "0.97"]
                rows.append(r)
            }
        }
        return Table(name: "prevalence", columns: cols, rows: rows)
    }

    func skdn() -> Table {
        let cols = Fixture.keyColumns + ["s_n", "k_n", "d_n", "n_n", "t_n", "o_n", "b_n", "t2_n", "bgm_n", "d_check",
                                         "dk_n", "dk_d", "dk_pct", "nd_n", "nd_d", "nd_pct"]
        var rows: [[String]] = []
        for period in Fixture.periods.dropLast() {
            for u in units(period: period) {
                let c = u.c
                rows.append([u.level, u.kec, "", u.desa, u.pos, period, "", String(c["k"]!), String(c["d"]!),
                             String(c["n"]!), String(c["t"]!), String(c["o"]!), String(c["b"]!), String(c["t2"]!),
                             String(c["bgm"]!), "ok", String(c["d"]!), String(c["k"]!), Fixture.pct(c["d"]!, c["k"]!),
                             String(c["n"]!), String(c["d"]!), Fixture.pct(c["n"]!, c["d"]!)])
            }
        }
        return Table(name: "skdn", columns: cols, rows: rows)
    }

    func quality() -> Table {
        let cols = Fixture.keyColumns + ["records_n", "invalid_n", "invalid_pct", "haz_sd", "grade", "extra_note"]
        let rows = units(period: "latest").map { u in
            [u.level, u.kec, "", u.desa, u.pos, "latest", String(u.c["records"]!), String(u.c["invalid"]!),
             Fixture.pct(u.c["invalid"]!, u.c["records"]!), "1.1", u.c["invalid"]! > 2 ? "B" : "A", "x"]
        }
        return Table(name: "quality", columns: cols, rows: rows)
    }

    func categories() -> Table {
        let cols = Fixture.keyColumns + ["indicator", "category", "label", "count_n", "total_d", "count_pct"]
        var rows: [[String]] = []
        for u in units(period: "latest") where u.level != "posyandu" {
            let total = u.c["children"]!, sp = u.c["severe_stunting"]!, p = u.c["stunting"]! - sp
            for (code, label, n) in [("SP", "Sangat pendek", sp), ("P", "Pendek", p), ("N", "Normal", total - sp - p)] {
                rows.append([u.level, u.kec, "", u.desa, u.pos, "latest", "tbu", code, label, String(n), String(total), Fixture.pct(n, total)])
            }
        }
        return Table(name: "categories", columns: cols, rows: rows)
    }

    func zdist() -> Table {
        let cols = Fixture.keyColumns + ["indicator", "bin_lo", "bin_hi", "count_n"]
        var rows: [[String]] = []
        let total = posyandu.reduce(0) { $0 + $1.children }
        for (ind, shift) in [("haz", -1.2), ("waz", -0.9), ("whz", -0.3)] {
            for b in 0..<24 {
                let lo = -6.0 + 0.5 * Double(b), mid = lo + 0.25 - shift
                let c = Int((Double(total) * 0.5 * 0.3989 * SVG.expApprox(-mid * mid / 2)).rounded())
                rows.append(["kabupaten", "", "", "", "", "latest", ind, formatFixed(lo, decimals: 1), formatFixed(lo + 0.5, decimals: 1), String(c)])
            }
        }
        return Table(name: "zdist", columns: cols, rows: rows)
    }

    func rejections() -> Table {
        Table(name: "rejections", columns: ["file", "reason", "count_n"], rows: [
            [inputs[0].name, "NIK_INVALID", "7"], [inputs[1].name, "NIK_INVALID", "3"], ["ALL", "NIK_INVALID", "10"],
            [inputs[0].name, "AGE_OVER_60", "12"], ["ALL", "AGE_OVER_60", "12"],
            [inputs[2].name, "DATE_INVALID", "2"], ["ALL", "DATE_INVALID", "2"],
        ])
    }

    func ledger() -> Table {
        var rows: [[String]] = []
        for i in 0..<40 {
            let file = inputs[i % 3].name
            var status = "valid", reason = "", dup = ""
            if i % 7 == 3 { status = "invalid"; reason = "NIK_INVALID" }
            if i % 11 == 5 { status = "duplicate"; dup = "\(file)#\(i)" }
            if let o = ledgerStatusOverride[i] { (status, reason) = o }
            rows.append([file, String(i + 1), String(i + 2), status, reason, dup, status == "valid" ? hex(Array("child\(i % 13)".utf8)) : ""])
        }
        return Table(name: "ledger", columns: ["file", "record", "line", "status", "reason", "duplicate_of", "child_key"], rows: rows)
    }

    func followup() -> Table {
        Table(name: "followup", columns: ["child_key", "kecamatan", "puskesmas", "desa", "posyandu", "last_month", "age_months",
                                          "weight_kg", "height_cm", "zwei", "zlen", "zwfl", "reasons"],
              rows: [[hex(Array("child1".utf8)), "KOTA BARU", "", "SUKAMAJU", "MAWAR", "2024-03", "31", "10.2", "84.5", "-2.41", "-2.9", "-1.1", "2T;SEVERE_STUNTING"]])
    }

    func childMonths() -> Table {
        Table(name: "child_months", columns: ["child_key", "month", "file", "record", "kecamatan", "puskesmas", "desa", "posyandu",
                                              "sex", "age_months", "weight_kg", "gain_g", "kbm_g", "growth", "t2", "bgm", "zwei", "zlen", "zwfl"],
              rows: [[hex(Array("child1".utf8)), "2024-03", inputs[0].name, "4", "KOTA BARU", "", "SUKAMAJU", "MAWAR", "P", "31", "10.2", "0", "200", "T", "1", "0", "-2.41", "-2.9", "-1.1"]])
    }

    func byName() -> Table {
        Table(name: "followup", columns: ["child_key", "nik", "name", "parent_name", "address", "birth_date", "posyandu"],
              rows: Fixture.people.map { [hex(Array($0.nik.utf8)), $0.nik, $0.name, $0.parent, $0.address, $0.birth, "MAWAR"] })
    }

    func input(byName withNames: Bool = true) -> ReportInput {
        ReportInput(
            pipelineName: "demo", kabupaten: "KABUPATEN CONTOH", period: "2024-01_2024-03",
            asOf: Day(year: 2024, month: 4, day: 10)!, timbangVersion: "0.1.0",
            configText: "[pipeline]\nname = \"demo\"\nkabupaten = \"KABUPATEN CONTOH\"\n[report]\nmin_cell = 5\n",
            inputs: inputs,
            references: [.init(name: "who/wfa_boys_0-5.txt", version: "WHO 2006", sha256: String(repeating: "d4", count: 32)),
                         .init(name: "kbm/buku-kia-2023.csv", version: "Buku KIA 2023", sha256: String(repeating: "e5", count: 32))],
            hmacKeyID: "dinkes-2024-01",
            stageCounts: [.init(stage: "ingest", counts: ["records": 40]), .init(stage: "validate", counts: ["valid": 34, "invalid": 6])],
            suppressionK: k,
            aggregate: [prevalence(), categories(), skdn(), quality(), zdist(), rejections()],
            monitor: [childMonths(), followup()],
            ledger: Ledger(ledger()),
            findings: [Finding(file: inputs[2].name, severity: .warning, code: "UNKNOWN_COLUMN",
                               message: "column 'Catatan <kader>' is not known; NIK 3204125507210003 seen")],
            byName: withNames ? [byName()] : nil)
    }
}
