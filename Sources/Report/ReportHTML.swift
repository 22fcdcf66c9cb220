import TimbangCore

/// `public/report.html`: one self-contained page (inline CSS, inline SVG, no script, no
/// network) in Indonesian with English alongside, built only from the suppressed public
/// tables. The markup is well-formed XML (XHTML-compatible) so that it can be checked by a
/// parser; every text is escaped.
///
/// `restricted/report.html` is the same page for the district office and the puskesmas:
/// built from the unsuppressed tables, with what they need to act (the follow-up list per
/// posyandu, data quality per posyandu worst first with what to fix, every file with its
/// findings), and a banner on every screen and printed page saying it is restricted.
enum ReportHTML {
    struct Facts {
        var input: ReportInput
        /// The aggregate tables: suppressed for the public page, as computed for the restricted one.
        var tables: [Table]
        var findings: Table
        var runTime: String?
        /// The restricted page (unsuppressed figures, follow-up by child key).
        var restricted = false

        func table(_ name: String) -> Table? { tables.first { $0.name == name } }
    }

    /// The three headline indicators: column stem, Indonesian label, English label, colour.
    static let headline: [(stem: String, id: String, en: String, color: String)] = [
        ("stunting", "Stunting (pendek + sangat pendek, TB/U < −2 SD)", "Stunting (HAZ < −2)", "#c0392b"),
        ("wasting", "Wasting (gizi kurang + gizi buruk, BB/TB < −2 SD)", "Wasting (WHZ < −2)", "#d68910"),
        ("underweight", "Underweight (BB kurang + sangat kurang, BB/U < −2 SD)", "Underweight (WAZ < −2)", "#2874a6"),
    ]

    static func render(_ f: Facts) -> String {
        var h = HTML()
        let kab = f.input.kabupaten
        h.raw("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"id\" xml:lang=\"id\">\n<head>\n")
        h.raw("<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        h.element("title", "Laporan pemantauan pertumbuhan balita — \(kab) — \(f.input.period)")
        h.raw("<style>\n\(css)\(f.restricted ? restrictedCSS : "")</style>\n</head>\n<body>\n")
        if f.restricted {
            h.element("div", "TERBATAS — hanya untuk dinas kesehatan dan puskesmas, jangan dipublikasikan · RESTRICTED — for the health office and puskesmas only, do not publish", cls: "restricted")
        }
        h.raw("<header>")
        h.element("h1", "Laporan Pemantauan Pertumbuhan Balita")
        h.element("p", "Child growth monitoring report", cls: "en")
        h.raw("<p class=\"meta\">")
        h.text("\(kab) · periode / period \(f.input.period) · data per / as of \(f.input.asOf.iso)")
        h.raw("</p></header>\n")

        let prevalence = f.table("prevalence").map(Rows.init)
        let period = prevalence.flatMap { $0.mainPeriod() } ?? "latest"
        headlineSection(&h, prevalence, period: period)
        unitSections(&h, prevalence, period: period)
        trendSection(&h, prevalence)
        zdistSection(&h, f.table("zdist").map(Rows.init))
        skdnSection(&h, f.table("skdn").map(Rows.init))
        if f.restricted {
            followupSection(&h, f.input.monitor.first { $0.name == "followup" })
            qualityWorstFirstSection(&h, f.table("quality").map(Rows.init), f.table("rejections").map(Rows.init))
        } else {
            qualitySection(&h, f.table("quality").map(Rows.init))
        }
        rejectionSection(&h, f.table("rejections").map(Rows.init))
        sourceAgreementSection(&h, f.table("source_agreement").map(Rows.init))
        findingsSection(&h, f.findings)
        if !f.restricted { suppressionSection(&h, k: f.input.suppressionK) }
        provenanceSection(&h, f)
        h.raw("</body>\n</html>\n")
        return h.out
    }

    // MARK: sections

    static func headlineSection(_ h: inout HTML, _ p: Rows?, period: String) {
        let top = p?.topLevel ?? "kabupaten"
        h.section("ringkasan", "Ringkasan \(top)", "\(top.prefix(1).uppercased() + top.dropFirst()) headline figures")
        guard let p, let row = p.rows(level: top, period: period).first else {
            h.element("p", "Tidak ada data prevalensi. / No prevalence data.", cls: "none")
            h.raw("</section>\n"); return
        }
        h.raw("<p>")
        h.text("Periode / period: \(periodLabel(period)). Balita diukur / children measured: \(p.value(row, "children_n"))")
        h.raw("</p>\n<div class=\"cards\">")
        for ind in headline {
            h.raw("<div class=\"card\" style=\"border-color:\(ind.color)\">")
            h.element("div", ind.id, cls: "label")
            h.element("div", ind.en, cls: "en")
            h.element("div", pctText(p.value(row, ind.stem + "_pct")), cls: "big")
            h.element("div", "n/d = \(p.value(row, ind.stem + "_n"))/\(p.value(row, ind.stem + "_d"))", cls: "nd")
            h.raw("</div>")
        }
        h.raw("</div>\n</section>\n")
    }

    static func unitSections(_ h: inout HTML, _ p: Rows?, period: String) {
        guard let p else { return }
        let kabRow = p.rows(level: p.topLevel, period: period).first
        let refs = headline.map { ind in kabRow.flatMap { Double(p.value($0, ind.stem + "_pct")) } }
        // a merged archive: its kabupaten first, and each unit below named with its kabupaten
        let merged = p.table.column("kabupaten") != nil
        func within(_ r: [String], _ name: String) -> String { merged ? p.value(r, "kabupaten") + " / " + name : name }
        if merged {
            h.section("kabupaten", "Per kabupaten", "By kabupaten (district)")
            legend(&h, refs: refs)
            unitTableAndChart(&h, p, p.rows(level: "kabupaten", period: period), unitHeader: "Kabupaten",
                              unit: { p.value($0, "kabupaten") }, refs: refs)
            h.raw("</section>\n")
        }

        h.section("kecamatan", "Per kecamatan", "By kecamatan (sub-district)")
        legend(&h, refs: refs)
        let kecRows = p.rows(level: "kecamatan", period: period)
        if kecRows.isEmpty { h.element("p", "Tidak ada data. / No data.", cls: "none") }
        unitTableAndChart(&h, p, kecRows, unitHeader: "Kecamatan", unit: { within($0, p.value($0, "kecamatan")) }, refs: refs)
        h.raw("</section>\n")

        h.section("desa", "Per desa", "By desa (village)")
        legend(&h, refs: refs)
        let desaRows = p.rows(level: "desa", period: period)
        if desaRows.isEmpty { h.element("p", "Tidak ada data. / No data.", cls: "none") }
        var byKec: [(String, [[String]])] = []
        for r in desaRows {
            let k = within(r, p.value(r, "kecamatan"))
            if byKec.last?.0 == k { byKec[byKec.count - 1].1.append(r) } else { byKec.append((k, [r])) }
        }
        for (kec, rows) in byKec {
            h.element("h3", "Kecamatan \(kec)")
            unitTableAndChart(&h, p, rows, unitHeader: "Desa", unit: { p.value($0, "desa") }, refs: refs)
        }
        h.raw("</section>\n")
    }

    static func unitTableAndChart(_ h: inout HTML, _ p: Rows, _ rows: [[String]], unitHeader: String,
                                  unit: ([String]) -> String, refs: [Double?]) {
        guard !rows.isEmpty else { return }
        h.raw("<div class=\"wrap\"><table><thead><tr>")
        h.element("th", unitHeader)
        h.raw("<th>Balita diukur<br/><span class=\"en\">children</span></th>")
        for ind in headline {
            h.raw("<th>")
            h.text(ind.stem.prefix(1).uppercased() + ind.stem.dropFirst() + " %")
            h.raw("<br/><span class=\"en\">n/d</span></th>")
        }
        h.raw("</tr></thead><tbody>\n")
        for r in rows {
            h.raw("<tr>")
            h.element("td", unit(r))
            h.element("td", p.value(r, "children_n"), cls: "num")
            for ind in headline {
                h.raw("<td class=\"num\">")
                h.text(pctText(p.value(r, ind.stem + "_pct")))
                h.raw("<br/><span class=\"nd\">")
                h.text("\(p.value(r, ind.stem + "_n"))/\(p.value(r, ind.stem + "_d"))")
                h.raw("</span></td>")
            }
            h.raw("</tr>\n")
        }
        h.raw("</tbody></table></div>\n")
        let items = rows.map { r in
            (label: unit(r), values: headline.map { ind in
                (pct: Double(p.value(r, ind.stem + "_pct")), text: p.value(r, ind.stem + "_pct"),
                 nd: "\(p.value(r, ind.stem + "_n"))/\(p.value(r, ind.stem + "_d"))")
            })
        }
        h.raw(SVG.groupedBars(items: items, series: headline.map { ($0.stem, $0.color) }, refs: refs))
    }

    static func legend(_ h: inout HTML, refs: [Double?]) {
        h.raw("<p class=\"legend\">")
        for (i, ind) in headline.enumerated() {
            h.raw("<span class=\"swatch\" style=\"background:\(ind.color)\"></span>")
            h.text(ind.stem + (refs[i].map { " (kabupaten \(formatFixed($0, decimals: 1)) %)" } ?? ""))
            h.raw("<span class=\"gap\"></span>")
        }
        if refs.contains(where: { $0 != nil }) {
            h.text("- - - nilai kabupaten / kabupaten value")
            h.raw("<span class=\"gap\"></span>")
        }
        h.raw("<span class=\"swatch hatch\"></span>")
        h.text("S = disembunyikan / suppressed")
        h.raw("</p>\n")
    }

    static func trendSection(_ h: inout HTML, _ p: Rows?) {
        let top = p?.topLevel ?? "kabupaten"
        h.section("tren", "Tren bulanan (\(top))", "Monthly trend (\(top))")
        let months = p.map { p in
            p.rows(level: top, period: nil).filter { YearMonth(p.value($0, "period")) != nil }
                .sorted { p.value($0, "period") < p.value($1, "period") }
        } ?? []
        guard let p, !months.isEmpty else {
            h.element("p", "Tidak ada data bulanan. / No monthly data.", cls: "none")
            h.raw("</section>\n"); return
        }
        let labels = months.map { p.value($0, "period") }
        let series = headline.map { ind in
            (name: ind.stem, color: ind.color, values: months.map { Double(p.value($0, ind.stem + "_pct")) })
        }
        legend(&h, refs: [nil, nil, nil])
        h.raw(SVG.lines(labels: labels, series: series))
        h.raw("</section>\n")
    }

    static func zdistSection(_ h: inout HTML, _ z: Rows?) {
        h.section("zscore", "Sebaran z-score terhadap standar WHO", "Z-score distributions against the WHO standard (N(0,1))")
        guard let z, !z.table.rows.isEmpty else {
            h.element("p", "Tidak ada data. / No data.", cls: "none")
            h.raw("</section>\n"); return
        }
        h.element("p", "Batang: sebaran z-score anak (kerapatan); garis: kurva normal baku standar WHO. Bins marked S are suppressed. / Bars: children's z-scores (density); line: WHO standard normal curve.")
        let names = ["haz": "TB/U (HAZ, length/height-for-age)", "waz": "BB/U (WAZ, weight-for-age)",
                     "whz": "BB/TB (WHZ, weight-for-length/height)"]
        h.raw("<div class=\"zgrid\">")
        for ind in ["haz", "waz", "whz"] {
            let rows = z.table.rows.filter { z.value($0, "indicator") == ind && (z.value($0, "level") == z.topLevel || z.value($0, "level").isEmpty) }
            guard !rows.isEmpty else { continue }
            let bins = rows.compactMap { r -> (lo: Double, hi: Double, count: Int?)? in
                guard let lo = Double(z.value(r, "bin_lo")), let hi = Double(z.value(r, "bin_hi")) else { return nil }
                return (lo, hi, Int(z.value(r, "count_n")))
            }.sorted { $0.lo < $1.lo }
            h.raw("<figure>")
            h.raw(SVG.histogram(bins: bins))
            h.raw("<figcaption>")
            h.text(names[ind]! + " — n = \(bins.compactMap(\.count).reduce(0, +))")
            h.raw("</figcaption></figure>")
        }
        h.raw("</div>\n</section>\n")
    }

    static func skdnSection(_ h: inout HTML, _ s: Rows?) {
        guard let s else { return }
        let period = s.mainPeriod() ?? ""
        let rows = s.rows(level: "kecamatan", period: period)
        guard !rows.isEmpty else { return }
        h.section("skdn", "SKDN per kecamatan (\(periodLabel(period)))", "Growth-monitoring coverage (SKDN) by kecamatan")
        h.element("p", "K = balita terdaftar / registered, D = ditimbang / weighed, N = naik / gained, T = tidak naik / did not gain, O = tidak ditimbang bulan lalu, B = baru / new; D/K = partisipasi, N/D = keberhasilan.")
        genericTable(&h, s, rows, columns: ["kecamatan", "s_n", "k_n", "d_n", "n_n", "t_n", "o_n", "b_n", "t2_n", "bgm_n", "dk_pct", "nd_pct"])
        h.raw("</section>\n")
    }

    static func qualitySection(_ h: inout HTML, _ q: Rows?) {
        h.section("kualitas", "Kualitas data per posyandu", "Data quality by posyandu")
        guard let q, !q.table.rows.isEmpty else {
            h.element("p", "Tidak ada data. / No data.", cls: "none")
            h.raw("</section>\n"); return
        }
        let period = q.mainPeriod() ?? ""
        var rows = q.rows(level: "posyandu", period: period)
        var units = ["kecamatan", "desa", "posyandu"]
        if rows.isEmpty { rows = q.rows(level: nil, period: period); units = ["level", "kecamatan", "desa", "posyandu"] }
        h.element("p", "Periode / period: \(periodLabel(period)). Kolom sesuai tabel public/quality.csv; S = disembunyikan (suppressed).")
        let measures = q.table.columns.filter { !Suppression.dimensionColumns.contains($0) }
        genericTable(&h, q, rows, columns: units + measures)
        h.raw("</section>\n")
    }

    /// Restricted: the children to follow up, posyandu by posyandu (child key, the record to
    /// find in the register as `file#record`, the last measurement and why).
    static func followupSection(_ h: inout HTML, _ t: Table?) {
        h.section("tindak-lanjut", "Daftar tindak lanjut per posyandu", "Follow-up list by posyandu")
        guard let t, !t.rows.isEmpty else {
            h.element("p", "Tidak ada balita yang perlu ditindaklanjuti. / No child needs follow-up.", cls: "none")
            h.raw("</section>\n"); return
        }
        let r = Rows(table: t)
        h.element("p", "Kunci anak (12 huruf pertama) dan catatan di register (berkas#baris) untuk mencari anak; nama dan NIK ada di restricted/by_name_followup.csv bila pipeline memintanya.")
        h.element("p", "Child key (first 12 letters) and the record in the register (file#record) to find the child; names and NIKs are in restricted/by_name_followup.csv when the pipeline asks for them.", cls: "en")
        var groups: [[String]: [[String]]] = [:], order: [[String]] = []
        for row in t.rows {
            let k = ["kecamatan", "desa", "posyandu"].map { r.value(row, $0) }
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(row)
        }
        for k in order.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            h.element("h3", "\(k[0]) / \(k[1]) / \(k[2]) — \(groups[k]!.count) balita")
            h.raw("<div class=\"wrap\"><table><thead><tr>")
            for c in ["Anak / child", "Catatan / record", "Bulan / month", "Umur (bln)", "BB (kg)", "TB (cm)", "BB/U z", "TB/U z", "BB/TB z", "Alasan / reasons"] {
                h.element("th", c)
            }
            h.raw("</tr></thead><tbody>\n")
            for row in groups[k]! {
                h.raw("<tr>")
                h.element("td", String(r.value(row, "child_key").prefix(12)), cls: "code")
                h.element("td", r.value(row, "file") + "#" + r.value(row, "record"), cls: "code")
                h.element("td", r.value(row, "last_month"))
                for c in ["age_months", "weight_kg", "height_cm", "zwei", "zlen", "zwfl"] { h.element("td", r.value(row, c), cls: "num") }
                h.element("td", r.value(row, "reasons"), cls: "code")
                h.raw("</tr>\n")
            }
            h.raw("</tbody></table></div>\n")
        }
        h.raw("</section>\n")
    }

    /// Restricted: data quality per posyandu over the whole period, the worst (largest share
    /// of records not valid) first, with its most frequent reasons and what to do about them.
    static func qualityWorstFirstSection(_ h: inout HTML, _ q: Rows?, _ rejections: Rows?) {
        h.section("kualitas", "Kualitas data per posyandu, yang terburuk dahulu", "Data quality by posyandu, worst first")
        guard let q else { h.element("p", "Tidak ada data. / No data.", cls: "none"); h.raw("</section>\n"); return }
        let rows = q.table.rows.filter { q.value($0, "level") == "posyandu" && q.value($0, "period") == "all" }
        let reasonColumns = q.table.columns.filter { $0.hasPrefix("reason_") && $0.hasSuffix("_n") }
        func bad(_ row: [String]) -> Double {
            let n = Double(q.value(row, "records_n")) ?? 0
            return n > 0 ? ((Double(q.value(row, "invalid_n")) ?? 0) + (Double(q.value(row, "duplicate_n")) ?? 0)) / n : 0
        }
        let sorted = rows.enumerated().sorted { a, b in
            let x = bad(a.element), y = bad(b.element)
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        h.element("p", "Per posyandu: catatan, tidak valid, ganda, dan alasan terbanyak dengan yang harus diperbaiki.")
        h.element("p", "Per posyandu: records, invalid, duplicates, and the most frequent reasons with what to fix.", cls: "en")
        h.raw("<div class=\"wrap\"><table><thead><tr>")
        for c in ["Posyandu", "Catatan / records", "Tidak valid / invalid", "Ganda / duplicate", "Alasan utama / main reasons", "Yang harus diperbaiki / what to fix"] {
            h.element("th", c)
        }
        h.raw("</tr></thead><tbody>\n")
        for row in sorted {
            let reasons = reasonColumns.compactMap { c -> (String, Int)? in
                guard let n = Int(q.value(row, c)), n > 0 else { return nil }
                return (String(c.dropFirst("reason_".count).dropLast(2)).uppercased(), n)
            }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(3)
            h.raw("<tr>")
            h.element("td", ["kecamatan", "desa", "posyandu"].map { q.value(row, $0) }.joined(separator: " / "))
            for c in ["records_n", "invalid_n", "duplicate_n"] { h.element("td", q.value(row, c), cls: "num") }
            h.element("td", reasons.map { "\($0.0) \($0.1)" }.joined(separator: ", "), cls: "code")
            h.element("td", reasons.compactMap { Reason(rawValue: $0.0).map { "\($0.rawValue): \($0.whatToFix.replacingOccurrences(of: "`", with: ""))" } }.joined(separator: "; "))
            h.raw("</tr>\n")
        }
        h.raw("</tbody></table></div>\n")
        h.raw("</section>\n")
    }

    static func rejectionSection(_ h: inout HTML, _ r: Rows?) {
        h.section("ditolak", "Catatan yang ditolak, menurut alasan", "Rejected records by reason")
        guard let r, !r.table.rows.isEmpty else {
            h.element("p", "Tidak ada catatan yang ditolak. / No rejected records.", cls: "none")
            h.raw("</section>\n"); return
        }
        let totals = r.table.rows.filter { r.value($0, "file") == "ALL" }
        if !totals.isEmpty {
            let items = totals.map { row in
                (label: r.value(row, "reason"), value: Double(r.value(row, "count_n")), text: r.value(row, "count_n"))
            }
            h.raw(SVG.simpleBars(items: items, color: "#7d3c98"))
            h.raw("<div class=\"wrap\"><table><thead><tr><th>Alasan / reason</th><th>Arti / meaning</th><th>Jumlah / count</th></tr></thead><tbody>\n")
            for row in totals {
                h.raw("<tr>")
                h.element("td", r.value(row, "reason"), cls: "code")
                h.element("td", reasonText[r.value(row, "reason")] ?? "")
                h.element("td", r.value(row, "count_n"), cls: "num")
                h.raw("</tr>\n")
            }
            h.raw("</tbody></table></div>\n")
        }
        let perFile = r.table.rows.filter { r.value($0, "file") != "ALL" }
        if !perFile.isEmpty {
            h.element("h3", "Per berkas / by file")
            genericTable(&h, r, perFile, columns: ["file", "reason", "count_n"])
        }
        h.raw("</section>\n")
    }

    /// Per input file: how often e-PPGBM's own z-score (in the file) differs from timbang's.
    static func sourceAgreementSection(_ h: inout HTML, _ r: Rows?) {
        guard let r, !r.table.rows.isEmpty else { return }
        h.section("kesesuaian", "Kesesuaian z-score e-PPGBM dengan timbang", "e-PPGBM's own z-scores vs timbang's")
        h.element("p", "Per berkas: catatan valid yang z-score e-PPGBM-nya (kolom ZS BB/U, ZS TB/U, ZS BB/TB) dapat dibandingkan (d) dan yang berbeda lebih dari 0,1 (n). 999.99 dan nilai rusak oleh Excel yang tidak dapat dipastikan tidak dibandingkan. Kolom sesuai tabel public/source_agreement.csv; S = disembunyikan.")
        h.element("p", "Per file: valid records whose e-PPGBM z-score could be compared (d) and those differing by more than 0.1 (n). 999.99 and Excel-damaged values that cannot be settled are not compared.", cls: "en")
        genericTable(&h, r, r.table.rows, columns: r.table.columns)
        h.raw("</section>\n")
    }

    static func findingsSection(_ h: inout HTML, _ f: Table) {
        h.section("temuan", "Temuan tentang berkas", "Findings about input files")
        if f.rows.isEmpty {
            h.element("p", "Tidak ada temuan. / No findings.", cls: "none")
        } else {
            genericTable(&h, Rows(table: f), f.rows, columns: f.columns)
        }
        h.raw("</section>\n")
    }

    static func suppressionSection(_ h: inout HTML, k: Int) {
        h.section("supresi", "Aturan penyembunyian sel kecil", "Small-cell suppression rule")
        h.element("p", "Di semua tabel publik, setiap hitungan dari 1 sampai \(k - 1) (k = \(k)) disembunyikan dan ditulis S, begitu juga persentase, rata-rata dan SD yang dihitung darinya. Nol tidak disembunyikan. Supaya sel tersembunyi tidak dapat dihitung ulang dari total, sel pelengkap juga disembunyikan: dalam setiap kelompok yang dijumlahkan menjadi satu total (desa dalam kecamatan, posyandu dalam desa, kecamatan dalam kabupaten, jenis kelamin dan kelompok umur dalam 'all', kategori status gizi, N/T/O/B dalam D), jika hanya satu sel yang tersembunyi, sel bukan-nol terkecil berikutnya ikut disembunyikan.")
        h.element("p", "In every public table, each count from 1 to \(k - 1) (k = \(k)) is suppressed and written S, together with the percentages, means and SDs built on it. Zero is shown. So that a suppressed cell cannot be recovered from totals, complementary cells are suppressed too: in every group of cells that adds up to a total (desa within kecamatan, posyandu within desa, kecamatan within kabupaten, sex and age groups within 'all', nutrition-status categories, N/T/O/B within D), when only one cell is suppressed, the next smallest non-zero sibling is suppressed as well.", cls: "en")
        h.element("p", "Tidak disembunyikan: hitungan catatan, berkas, temuan dan alasan penolakan (tabel quality, rejections, source_agreement, findings) dan cakupan SKDN (S, K, D, D/K, K/S, D/S): angka ini tidak menyatakan apa pun tentang kesehatan seorang anak dan perlu ditindaklanjuti.")
        h.element("p", "Not suppressed: counts of records, files, findings and rejection reasons (tables quality, rejections, source_agreement, findings) and SKDN coverage (S, K, D, D/K, K/S, D/S): they say nothing about any child's health, and they are what must be acted on.", cls: "en")
        h.raw("</section>\n")
    }

    static func provenanceSection(_ h: inout HTML, _ f: Facts) {
        let i = f.input
        h.section("asal", "Asal data dan rujukan", "Provenance")
        h.raw("<table class=\"kv\"><tbody>\n")
        let totalBytes = i.inputs.reduce(0) { $0 + $1.bytes }
        var kv: [(String, String)] = [
            ("Pipeline", i.pipelineName),
            ("Kabupaten", i.kabupaten),
            ("Periode / period", i.period),
            ("Data per / as of", i.asOf.iso),
            ("Berkas masukan / input files", "\(i.inputs.count) (\(totalBytes) bytes; SHA-256 in manifest.json)"),
            ("Kunci HMAC (id) / HMAC key id", i.hmacKeyID),
            ("Versi timbang / version", i.timbangVersion),
        ]
        if let t = f.runTime { kv.append(("Waktu proses / run time (UTC)", t)) }
        for (k, v) in kv {
            h.raw("<tr>"); h.element("th", k); h.element("td", v); h.raw("</tr>\n")
        }
        h.raw("</tbody></table>\n")
        if !i.references.isEmpty {
            h.element("h3", "Tabel rujukan / reference tables")
            let t = Table(name: "references", columns: ["name", "version", "sha256"],
                          rows: i.references.sorted { $0.name < $1.name }.map { [$0.name, $0.version, $0.sha256] })
            genericTable(&h, Rows(table: t), t.rows, columns: t.columns)
        }
        if !i.stageCounts.isEmpty {
            h.element("h3", "Jumlah baris per tahap / rows per stage")
            h.raw("<div class=\"wrap\"><table><tbody>\n")
            for s in i.stageCounts {
                h.raw("<tr>")
                h.element("th", s.stage)
                h.element("td", s.counts.keys.sorted().map { "\($0) \(s.counts[$0]!)" }.joined(separator: " · "))
                h.raw("</tr>\n")
            }
            h.raw("</tbody></table></div>\n")
        }
        h.raw("</section>\n")
    }

    static func genericTable(_ h: inout HTML, _ t: Rows, _ rows: [[String]], columns: [String]) {
        let cols = columns.filter { t.table.column($0) != nil }
        h.raw("<div class=\"wrap\"><table><thead><tr>")
        for c in cols { h.element("th", c) }
        h.raw("</tr></thead><tbody>\n")
        for r in rows {
            h.raw("<tr>")
            for c in cols {
                let v = t.value(r, c)
                h.element("td", v, cls: Double(v) != nil || v == Suppression.marker ? "num" : nil)
            }
            h.raw("</tr>\n")
        }
        h.raw("</tbody></table></div>\n")
    }

    // MARK: helpers

    static func pctText(_ s: String) -> String {
        if s.isEmpty { return "–" }
        if s == Suppression.marker { return "S" }
        return s + " %"
    }

    static func periodLabel(_ p: String) -> String {
        p == "latest" ? "pengukuran terakhir tiap anak / each child's latest measurement" : p
    }

    static let reasonText: [String: String] = [
        "MALFORMED_ROW": "baris rusak / malformed row",
        "DATE_INVALID": "tanggal tidak valid / invalid date",
        "BIRTH_DATE_MISSING": "tanggal lahir kosong / birth date missing",
        "MEASURE_DATE_MISSING": "tanggal ukur kosong / measurement date missing",
        "FUTURE_DATE": "tanggal di masa depan / date after as-of",
        "MEAS_BEFORE_BIRTH": "diukur sebelum lahir / measured before birth",
        "AGE_OVER_60": "umur lebih dari 60 bulan / older than 60 months",
        "SEX_MISSING": "jenis kelamin kosong / sex missing",
        "SEX_INVALID": "jenis kelamin tidak dikenal / sex not recognised",
        "MISSING_MEASUREMENTS": "tanpa BB dan TB / no weight or height",
        "WEIGHT_NONPOSITIVE": "BB nol atau negatif / weight ≤ 0",
        "WEIGHT_IMPLAUSIBLE": "BB tidak masuk akal / implausible weight",
        "HEIGHT_IMPLAUSIBLE": "TB tidak masuk akal / implausible height",
        "WEIGHT_HEIGHT_SWAPPED": "BB dan TB tertukar / weight and height swapped",
        "NUMBER_INVALID": "angka tidak terbaca / unreadable number",
        "NIK_INVALID": "NIK tidak valid / invalid NIK",
        "UNIT_MISSING": "posyandu/desa kosong / no unit",
        "DUPLICATE": "catatan ganda / duplicate",
    ]

    static let css = """
    body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#222;font-size:14px;line-height:1.4}
    header{border-bottom:3px solid #1a5276;margin-bottom:12px}
    h1{margin:0;font-size:26px;color:#1a5276}
    h2{font-size:20px;color:#1a5276;border-bottom:1px solid #ccc;margin-top:28px}
    h2 .en,h1 .en{font-weight:normal}
    h3{font-size:16px;margin:18px 0 6px}
    .en{color:#666;font-style:italic}
    .meta{color:#444;margin:4px 0 8px}
    .cards{display:flex;flex-wrap:wrap;gap:12px}
    .card{border-left:6px solid #888;background:#f6f8fa;padding:10px 14px;min-width:250px;flex:1}
    .card .label{font-weight:bold}
    .card .big{font-size:30px;font-weight:bold;margin-top:4px}
    .nd{color:#555;font-size:12px}
    .wrap{overflow-x:auto}
    table{border-collapse:collapse;margin:8px 0;font-size:13px}
    th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
    th{background:#eaf0f6}
    td.num{text-align:right;font-variant-numeric:tabular-nums}
    td.code{font-family:"DejaVu Sans Mono",monospace}
    table.kv th{width:260px}
    .legend{font-size:12px;color:#333}
    .swatch{display:inline-block;width:12px;height:12px;margin:0 4px -1px 0;border:1px solid #999}
    .swatch.hatch{background:repeating-linear-gradient(45deg,#ddd 0,#ddd 3px,#fff 3px,#fff 6px)}
    .gap{display:inline-block;width:18px}
    .none{color:#777}
    .zgrid{display:flex;flex-wrap:wrap;gap:8px}
    figure{margin:0}
    figcaption{font-size:12px;text-align:center;color:#333}
    svg text{font-family:"DejaVu Sans",Arial,sans-serif}
    @media print{body{max-width:none}section{break-inside:avoid-page}}

    """
}

extension ReportHTML {
    /// The restricted page's banner: fixed at the top of the screen, and repeated on every
    /// printed page (a fixed element prints on each page).
    static let restrictedCSS = """
    .restricted{position:fixed;top:0;left:0;right:0;z-index:10;background:#922b21;color:#fff;font-weight:bold;
      text-align:center;padding:6px 8px;font-size:13px}
    body{padding-top:44px}
    @media print{.restricted{position:fixed;top:0}}

    """
}

/// Rows of a table looked up by column name.
struct Rows {
    var table: Table
    func value(_ row: [String], _ column: String) -> String {
        table.column(column).map { row[$0] } ?? ""
    }

    /// Rows at `level` (any when nil) for `period` (any when nil), with `sex` and `age_group`
    /// at `all` when the table has them.
    /// The top level of the table's units: `provinsi` in a merged archive (its tables have a
    /// `kabupaten` column), else `kabupaten`.
    var topLevel: String { table.column("kabupaten") != nil ? "provinsi" : "kabupaten" }

    func rows(level: String?, period: String?) -> [[String]] {
        let lc = table.column("level"), pc = table.column("period")
        let sc = table.column("sex"), ac = table.column("age_group")
        return table.rows.filter { r in
            (level == nil || lc.map { r[$0] == level } ?? true)
                && (period == nil || pc.map { r[$0] == period } ?? true)
                && (sc.map { r[$0] == "all" } ?? true) && (ac.map { r[$0] == "all" } ?? true)
        }
    }

    /// `latest` when the table has it, else the last month.
    func mainPeriod() -> String? {
        guard let pc = table.column("period") else { return nil }
        let periods = Set(table.rows.map { $0[pc] })
        if periods.contains("latest") { return "latest" }
        return periods.max()
    }
}

/// Accumulates markup; `text` escapes, `raw` does not.
struct HTML {
    var out = ""
    mutating func raw(_ s: String) { out += s }
    mutating func text(_ s: String) { out += escapeXML(s) }
    mutating func element(_ tag: String, _ text: String, cls: String? = nil) {
        out += cls.map { "<\(tag) class=\"\($0)\">" } ?? "<\(tag)>"
        out += escapeXML(text)
        out += "</\(tag)>"
    }
    mutating func section(_ id: String, _ title: String, _ english: String) {
        out += "<section id=\"\(id)\"><h2>"
        out += escapeXML(title)
        out += " <span class=\"en\">/ "
        out += escapeXML(english)
        out += "</span></h2>\n"
    }
}
