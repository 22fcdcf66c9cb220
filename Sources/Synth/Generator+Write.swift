import TimbangCore

extension Generator {
    /// The bytes of one dump file, in its format.
    func fileBytes(_ f: DumpFile) -> [UInt8] {
        let fmt = f.format
        let text = RowText(kabupaten: kabupaten, format: fmt)
        let columns = Column.order(fmt)
        let delimiter: UInt8 = fmt.semicolon ? 59 : 44
        let eol: [UInt8] = fmt.crlf ? [13, 10] : [10]
        var out: [UInt8] = []
        out.reserveCapacity(256 * (f.rows.count + 1))

        func field(_ s: String) {
            var needs = fmt.quoteAll
            if !needs {
                for b in s.utf8 where b == delimiter || b == 34 || b == 10 || b == 13 { needs = true; break }
            }
            guard needs else { out.append(contentsOf: s.utf8); return }
            out.append(34)
            for b in s.utf8 { if b == 34 { out.append(34) }; out.append(b) }
            out.append(34)
        }
        if fmt.preamble {
            // The raw export's first line: `Data Tanggal : 2023-10-10 12:04:23;;;;…`.
            let m = YearMonth(index: f.month.index + 1)
            out.append(contentsOf: "Data Tanggal : \(m)-\(pad(1 + f.posyandu % 9, 2)) 12:04:23".utf8)
            out += [UInt8](repeating: delimiter, count: columns.count - 1) + eol
        }
        var hrng = Rng(seed: seed, .header, f.posyandu, Int(bitPattern: UInt(f.name.utf8.count)))
        let nb = fmt.macRoman ? "\u{A0}" : ""
        for (i, c) in columns.enumerated() {
            if i > 0 { out.append(delimiter) }
            let spellings = Column.headers[c.rawValue]
            let h = fmt.headerVariant ? spellings[hrng.int(spellings.count)] : spellings[0]
            field((fmt.headerAbbrev ? Column.abbreviated[c.rawValue] : h) + nb)
        }
        out += eol
        for (n, r) in f.rows.enumerated() {
            let cells = text.cells(r, child: population.children[Int(r.child)], no: n + 1)
            if r.defect == .truncatedRecord {
                // Cut inside the 4th to 9th field; no final newline.
                let stop = 3 + Int(r.bits % 6)
                for (i, c) in columns.enumerated() {
                    if i > 0 { out.append(delimiter) }
                    if i == stop { out.append(contentsOf: cells[c.rawValue].utf8.prefix(2)); break }
                    field(cells[c.rawValue])
                }
                break
            }
            for (i, c) in columns.enumerated() {
                if i > 0 { out.append(delimiter) }
                field(cells[c.rawValue])
            }
            out += eol
        }
        if fmt.trailingBlankLines {
            out += eol
            out += [UInt8](repeating: delimiter, count: columns.count - 1) + eol
            out += eol
        }
        for k in 0..<f.blankRows {
            // Excel's used range: rows of only delimiters, or only no-break spaces.
            for i in columns.indices {
                if i > 0 { out.append(delimiter) }
                if k % 3 != 0 || fmt.macRoman { out.append(contentsOf: "\u{A0}".utf8) }
            }
            out += eol
        }
        if f.summaryRows > 0 {
            // Excel summary rows under the data: a labelled count, and a lone total.
            let kurang = f.rows.filter { ($0.zwfl ?? 0) < -2 }.count
            var a = [String](repeating: "", count: columns.count)
            a[min(4, a.count - 2)] = "Total data gizi kurang"
            a[min(5, a.count - 1)] = String(kurang)
            var b = [String](repeating: "", count: columns.count)
            b[0] = String(f.rows.count)
            for cells in [a, b].prefix(f.summaryRows) {
                for (i, c) in cells.enumerated() {
                    if i > 0 { out.append(delimiter) }
                    field(c)
                }
                out += eol
            }
        }
        if fmt.macRoman { out = Bytes.macRoman(out) } else if fmt.cp1252 { out = Bytes.cp1252(out) } else if fmt.bom { out = [0xEF, 0xBB, 0xBF] + out }
        return fmt.gzip ? Bytes.gzip(out) : out
    }

    /// The truth lines of one file's records.
    func truthLines(_ f: DumpFile, month: YearMonth) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(200 * f.rows.count)
        for r in f.rows {
            let c = population.children[Int(r.child)]
            let p = kabupaten.posyandu[Int(r.posyandu)]
            let d = kabupaten.desa[p.desa]
            appendCSVRow([
                f.name, String(r.record), r.fate, r.reason?.rawValue ?? "", r.measureNote, r.duplicateOf,
                Generator.childID(Int(r.child)), r.defect.code, r.variants.codes,
                r.nikKnown ? c.nik : "", c.name, c.sex.code, c.birth.iso, r.date.iso, String(r.ageDays),
                formatNumber(r.weight), formatNumber(r.height), r.height == nil ? "" : r.measure.rawValue,
                formatNumber(r.muac),
                kabupaten.kecamatan[d.kecamatan].name, kabupaten.puskesmas[d.puskesmas].name, d.name, p.name,
                formatNumber(r.zlen), formatNumber(r.zwei), formatNumber(r.zwfl), quirkCodes(f, r).joined(separator: ";"),
            ], to: &out)
        }
        let p = kabupaten.posyandu[f.posyandu]
        let d = kabupaten.desa[p.desa]
        for k in 0..<f.summaryRows {
            // A summary row names no child: the file, its number, fate, reason and unit only.
            let known = ["file": f.name, "record": String(f.rows.count + k + 1), "fate": "invalid",
                         "reason": Reason.summaryRow.rawValue, "defect": "summary_row", "quirks": "summary_row",
                         "kecamatan": kabupaten.kecamatan[d.kecamatan].name, "puskesmas": kabupaten.puskesmas[d.puskesmas].name,
                         "desa": d.name, "posyandu": p.name]
            let cells = Generator.recordColumns.map { known[$0] ?? "" }
            appendCSVRow(cells, to: &out)
        }
        return out
    }

    /// The real-export quirks (issue 11) that touch a record, for the truth and the score's
    /// per-quirk table: the file's (every record of a Mac Roman file is touched) and the record's own.
    func quirkCodes(_ f: DumpFile, _ r: Row) -> [String] {
        let fmt = f.format
        var out: [String] = []
        for (code, kp, _) in FileFormat.quirks where fmt[keyPath: kp] {
            switch code {
            case "excel_damage", "excel_damage_bare", "serial_dates", "lila_zero", "z_sentinel", "summary_rows": continue
            default: out.append(code)
            }
        }
        if fmt.usiaOnly && fmt.monthFirst { out.append("month_first_usia_only") }
        for e in [r.excelWeight, r.excelHeight] {
            switch e {
            case .none: break
            case .unique: out.append("excel_time_unique")
            case .repaired: out.append("excel_time_repaired")
            case .ambiguous: out.append("excel_time_ambiguous")
            }
        }
        if fmt.excelDamage { out.append("excel_no") }
        if r.excelZ { out.append("excel_z_fraction") }
        if r.serialBirth { out.append("serial_date") }
        if r.birthFromAge { out.append("birth_from_age") }
        if fmt.lilaZero && r.muac == nil { out.append("lila_zero") }
        if fmt.zSentinel && r.defect == .none && (r.zwei == nil || r.zlen == nil || r.zwfl == nil) { out.append("z_sentinel") }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    static func childID(_ i: Int) -> String { "C" + pad(i + 1, 7) }

    static let childColumns = [
        "child_id", "nik", "nik_from_age_months", "name", "sex", "birth_date", "mother", "father",
        "kecamatan", "desa", "posyandu", "moved_to_kecamatan", "moved_to_desa", "moved_to_posyandu",
        "move_month", "born_elsewhere", "twin_of", "namesake_of", "records_n",
    ]

    /// One line per child: its identity (the NIK even where the dumps do not show it yet).
    func writeChildren() throws {
        let f = try StreamFile(path: truthDir + "/children.csv")
        var buf: [UInt8] = []
        appendCSVRow(Generator.childColumns, to: &buf)
        for (i, c) in population.children.enumerated() {
            func place(_ p: Int) -> [String] {
                let pos = kabupaten.posyandu[p]
                let d = kabupaten.desa[pos.desa]
                return [kabupaten.kecamatan[d.kecamatan].name, d.name, pos.name]
            }
            let moved = c.moveTo >= 0 ? place(Int(c.moveTo)) : ["", "", ""]
            appendCSVRow([Generator.childID(i), c.hasNIKEver ? c.nik : "", c.hasNIKEver ? String(c.nikAge) : "",
                          c.name, c.sex.code, c.birth.iso, c.mother, c.father] + place(Int(c.home)) + moved + [
                            c.moveTo >= 0 ? YearMonth(index: settings.start.index + Int(c.moveMonth)).description : "",
                            c.bornElsewhere ? "1" : "0",
                            c.twinOf >= 0 ? Generator.childID(Int(c.twinOf)) : "",
                            c.namesakeOf >= 0 ? Generator.childID(Int(c.namesakeOf)) : "",
                            String(childRecords[i])], to: &buf)
            if buf.count > 1 << 20 { try f.append(buf); buf.removeAll(keepingCapacity: true) }
        }
        try f.append(buf)
        try f.close()
    }

    /// Expected prevalence per desa, kecamatan and kabupaten (see `PrevalenceTable`).
    func writePrevalence() throws {
        var counts = PrevalenceCounts()
        for (i, l) in latest.enumerated() where l.posyandu >= 0 {
            _ = i
            let p = kabupaten.posyandu[Int(l.posyandu)]
            let d = kabupaten.desa[p.desa]
            counts.add(kecamatan: normalizedPlace(kabupaten.kecamatan[d.kecamatan].name),
                       desa: normalizedPlace(d.name),
                       haz: l.mask & 1 != 0 ? l.mask & 2 != 0 : nil,
                       whz: l.mask & 4 != 0 ? l.mask & 8 != 0 : nil,
                       waz: l.mask & 16 != 0 ? l.mask & 32 != 0 : nil)
        }
        try AtomicFile.write(text: counts.table().csv(), to: truthDir + "/prevalence.csv")
    }

    func writeManifest() throws {
        var t = Table(name: "manifest", columns: ["key", "value"])
        let s = settings
        t.rows.append(["seed", String(s.seed)])
        t.rows.append(["children", String(population.children.count)])
        t.rows.append(["months", String(s.months)])
        t.rows.append(["start", s.start.description])
        t.rows.append(["kecamatan", String(kabupaten.kecamatan.count)])
        t.rows.append(["posyandu", String(kabupaten.posyandu.count)])
        t.rows.append(["messiness", formatNumber(s.messiness)])
        t.rows.append(["files", String(summary.files)])
        t.rows.append(["rows", String(summary.rows)])
        t.rows.append(["as_of", last.iso])
        t.rows.append(["prevalence_rule", PrevalenceCounts.rule])
        t.rows.append(["duplicate_rule", "the record kept is the lowest file#record of its group (file name in byte order, then record)"])
        for (k, v) in summary.fates.sorted(by: { $0.key < $1.key }) { t.rows.append(["fate." + k, String(v)]) }
        for (k, v) in summary.reasons.sorted(by: { $0.key < $1.key }) { t.rows.append(["reason." + k, String(v)]) }
        for (k, v) in summary.planted.sorted(by: { $0.key < $1.key }) { t.rows.append([k, String(v)]) }
        try AtomicFile.write(text: t.csv(), to: truthDir + "/manifest.csv")
    }
}
