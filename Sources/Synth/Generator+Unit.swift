#if canImport(Glibc)
import Glibc
#endif
import TimbangCore

/// One dump file being built: its posyandu, format, name and records.
struct DumpFile {
    var posyandu: Int
    var format: FileFormat
    var name: String
    var rows: [Row]
    var month = YearMonth(year: 2024, month: 1)
    /// Excel summary rows written after the records (0 or 2): records `SUMMARY_ROW`.
    var summaryRows = 0
    /// Rows of only delimiters or only no-break spaces after the records (not records).
    var blankRows = 0
}

extension Generator {
    /// Generates, plants, numbers and writes the files of one kecamatan for one month.
    /// Duplicates entered at two posyandu stay inside the kecamatan, so a unit is self-contained.
    mutating func unit(kecamatan k: Int, month m: Int, ym: YearMonth, buckets: [[Int32]],
                       records: StreamFile, files: StreamFile, spool: LokasiSpool) throws {
        let posyandu = kabupaten.posyanduOfKecamatan[k]
        // Phase 1 (parallel): clean records with random defects and variants.
        // (`me` is scoped so that no copy of `self` is alive when `tally` mutates the
        // per-child arrays, which would copy them.)
        let rows: [[Row]]
        do {
            let me = self
            rows = parallelMap(posyandu.count, threads: settings.threads) { j in
                let p = posyandu[j]
                return buckets[p].map { i in
                    me.measure(Int(i), posyandu: p, date: me.visit(Int(i), month: m, ym: ym)!, month: m)
                }
            }
        }
        // Phase 2 (sequential): formats, forced items, duplicates, cut files, date styles, numbers.
        var unit = posyandu.enumerated().map { j, p in DumpFile(posyandu: p, format: FileFormat(), name: "", rows: rows[j], month: ym) }
        var rng = Rng(seed: seed, .file, k, m)
        drawFormats(&unit, &rng, ym: ym)
        forceRecords(&unit, lastMonth: m == settings.months - 1)
        splitUsiaOnly(&unit, &rng, ym: ym)
        duplicate(&unit, &rng, month: m)
        cut(&unit, &rng)
        plantQuirks(&unit, &rng)
        dateStyles(&unit)
        settleDateOrder(&unit)
        number(&unit)

        // Phase 3 (parallel): bytes of each file and its truth lines.
        let done = unit
        let dir = dataDir
        for f in done where f.name.contains("/") {
            try AtomicFile.makeDirectories(dir + "/" + AtomicFile.parentDirectory(of: f.name))
        }
        let out: [Result<[UInt8], SynthError>]
        do {
            let me = self
            out = parallelMap(done.count, threads: settings.threads) { j in
                let f = done[j]
                do {
                    try Bytes.write(f.format.xlsx ? me.workbookBytes(f) : me.fileBytes(f), to: dir + "/" + f.name)
                    return .success(me.truthLines(f, month: ym))
                } catch let e as SynthError { return .failure(e) } catch { return .failure(.cannotWrite(f.name)) }
            }
        }
        for (j, r) in out.enumerated() {
            let f = done[j]
            let d = kabupaten.desa[kabupaten.posyandu[f.posyandu].desa]
            var line: [UInt8] = []
            appendCSVRow([f.name, ym.description, kabupaten.kecamatan[d.kecamatan].name, kabupaten.puskesmas[d.puskesmas].name,
                          d.name, kabupaten.posyandu[f.posyandu].name, String(f.rows.count + f.summaryRows), f.format.codes,
                          f.format.encoding, f.format.monthFirst ? "mdy" : "dmy"], to: &line)
            if f.format.inLokasi {
                // `lokasi/…` sorts after the flat names: spooled and appended in name order at the end.
                try spool.add(name: f.name, records: try r.get(), file: line)
            } else {
                try records.append(try r.get())
                try files.append(line)
            }
        }
        tally(done)
    }

    mutating func drawFormats(_ unit: inout [DumpFile], _ rng: inout Rng, ym: YearMonth) {
        for j in unit.indices {
            unit[j].format = FileFormat.draw(&rng, messiness: x, quirks: settings.writesQuirks)
            if unit[j].rows.isEmpty || (x > 0 && rng.chance(min(0.5, 0.003 * x))) {
                unit[j].rows = []
                unit[j].format.headerOnly = true
            }
        }
        if forcing.headerOnly && unit.count >= 2 {
            // The posyandu with fewest visitors did not send its children's rows: header only.
            var j = unit.count - 1
            for i in unit.indices where unit[i].rows.count < unit[j].rows.count { j = i }
            unit[j].rows = []
            unit[j].format.headerOnly = true
        }
        if unit.contains(where: { $0.format.headerOnly }) { forcing.headerOnly = false }
        // Forced format variants go to the first files that can show them.
        var owed: [String] = []
        for name in forcing.formats {
            guard let (_, kp, _) = FileFormat.forced.first(where: { $0.0 == name }) else { continue }
            let children = population.children
            let dateOrder = settings.dateOrder
            let fits: (DumpFile) -> Bool = { f in
                guard !f.format.headerOnly else { return false }
                let g = f.format
                switch name {
                case "cp1252":
                    guard !g.bom && !g.macRoman else { return false }
                    return f.rows.contains { r in
                        let c = children[Int(r.child)]
                        return (c.name + c.mother + c.father).utf8.contains { $0 >= 0x80 }
                    }
                case "quoted_decimal_comma": return !g.semicolon && !g.macRoman && !g.excelDamage
                case "semicolon_decimal_comma": return !g.quotedDecimalComma && !g.excelDamage
                case "bom": return !g.cp1252 && !g.macRoman
                case "gzip": return !g.inLokasi
                case "mac_roman": return !g.cp1252 && !g.bom && !g.quotedDecimalComma && !g.excelDamage
                case "preamble": return g.macRoman
                case "nbsp": return !g.macRoman
                case "month_first": return dateOrder != .dmy
                case "excel_damage": return !g.macRoman && !g.semicolon && !g.quotedDecimalComma && !g.vintage2023 && !g.excelBare
                case "excel_damage_bare": return !g.macRoman && !g.semicolon && !g.quotedDecimalComma && !g.excelDamage
                case "vintage_2023": return !g.sourceZScores && !g.excelDamage && !g.vintage2024 && !g.vintage2025 && !g.locationLess
                case "vintage_2025": return !g.vintage2023 && !g.vintage2024 && !g.vintage2025 && !g.locationLess
                case "vintage_2024", "location_less":
                    return !g.vintage2023 && !g.vintage2024 && !g.vintage2025 && !g.locationLess && !g.gzip
                case "z_sentinel": return g.sourceZScores
                default: break
                }
                return true
            }
            if unit.contains(where: { $0.format[keyPath: kp] && !$0.format.headerOnly && (name != "cp1252" || fits($0)) }) { continue }
            if let j = unit.firstIndex(where: fits) {
                unit[j].format[keyPath: kp] = true
                // Repairs need e-PPGBM's z, and one-decimal weights (`7.7` → `7:07`) to repair.
                if name == "excel_damage" { unit[j].format.sourceZScores = true; unit[j].format.fixedDecimals = false }
                // Fixed decimals (`9.50`, `87.0`) give times with one reading (`9:50`, `87:00:00`).
                if name == "excel_damage_bare" { unit[j].format.excelDamage = true; unit[j].format.fixedDecimals = true }
                if name == "vintage_2023" { unit[j].format.excelDamage = false }
            } else { owed.append(name) }
            // The exclusions of `settle` may undo a forced variant: then it stays owed.
            if let j = unit.indices.first(where: { unit[$0].format[keyPath: kp] }) {
                unit[j].format.settle()
                if !unit[j].format[keyPath: kp] && !owed.contains(name) { owed.append(name) }
            }
        }
        forcing.formats = owed
        for j in unit.indices {
            switch settings.dateOrder {
            case .mdy: unit[j].format.monthFirst = true
            case .dmy: unit[j].format.monthFirst = false
            case .drawn: break
            }
            if settings.format == .xlsx { unit[j].format = unit[j].format.asWorkbook() }
            unit[j].format.settle()
            unit[j].name = fileName(unit[j], ym: ym)
        }
        unit.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// Plants each still-owed defect and variant on a clean record that can carry it.
    mutating func forceRecords(_ unit: inout [DumpFile], lastMonth: Bool) {
        // The q-th owed item starts its search at file q, and a file takes at most a sixth of
        // its records (at least 2) before the last month, so forced items spread over files
        // and months.
        var taken = [Int](repeating: 0, count: unit.count)
        let cap = unit.map { lastMonth ? Int.max : max(2, $0.rows.count / 6) }
        var owedDefects: [Defect] = []
        for (q, d) in forcing.defects.enumerated() {
            if unit.contains(where: { $0.rows.contains { $0.defect == d } }) { continue }
            var placed = false
            search: for jj in unit.indices {
                let j = (q + jj) % unit.count
                guard taken[j] < cap[j] else { continue }
                for i in unit[j].rows.indices where unit[j].rows[i].defect == .none && unit[j].rows[i].variants.isEmpty
                    && d.fits(unit[j].rows[i]) {
                    plant(d, in: &unit[j].rows[i])
                    taken[j] += 1
                    score(&unit[j].rows[i])
                    placed = true
                    break search
                }
            }
            if !placed { owedDefects.append(d) }
        }
        forcing.defects = owedDefects
        var owedVariants: [Variants] = []
        for (q, v) in forcing.variants.enumerated() {
            if unit.contains(where: { $0.rows.contains { $0.variants.contains(v) } }) { continue }
            var placed = false
            search: for jj in unit.indices {
                let j = (q + jj) % unit.count
                guard taken[j] < cap[j] else { continue }
                for i in unit[j].rows.indices where unit[j].rows[i].defect == .none && unit[j].rows[i].variants.isEmpty
                    && Variants.fits(v, unit[j].rows[i], population.children[Int(unit[j].rows[i].child)]) {
                    unit[j].rows[i].variants.insert(v)
                    taken[j] += 1
                    if v == .heightMissing { unit[j].rows[i].height = nil; score(&unit[j].rows[i]) }
                    placed = true
                    break search
                }
            }
            if !placed { owedVariants.append(v) }
        }
        forcing.variants = owedVariants
    }

    /// The same record twice in a file (another `No`), and the same measurement entered at a
    /// second posyandu of the kecamatan in the same month. Only clean records are copied.
    mutating func duplicate(_ unit: inout [DumpFile], _ rng: inout Rng, month m: Int) {
        guard x > 0 else { return }
        var group: Int32 = 0
        var toPartner: [[Row]] = Array(repeating: [], count: unit.count)
        for j in unit.indices where !unit[j].format.headerOnly {
            var rows: [Row] = []
            rows.reserveCapacity(unit[j].rows.count + 2)
            var atEnd: [Row] = []
            for var r in unit[j].rows {
                guard r.defect == .none else { rows.append(r); continue }
                let inFile = rng.chance(min(0.2, 0.008 * x)) || forcing.inFileDuplicate
                let partner = unit.count >= 2 ? (j + 1) % unit.count : -1
                let double = !inFile && partner >= 0 && !unit[partner].format.headerOnly && !unit[partner].format.usiaOnly
                    && (rng.chance(min(0.2, 0.005 * x)) || forcing.doubleEntry)
                if inFile || double { r.group = group; group += 1 }
                rows.append(r)
                if inFile {
                    forcing.inFileDuplicate = false
                    if rng.chance(0.5) { rows.append(r) } else { atEnd.append(r) }
                } else if double {
                    forcing.doubleEntry = false
                    var copy = r
                    copy.posyandu = Int32(unit[partner].posyandu)
                    copy.isCopy = true
                    toPartner[partner].append(copy)
                }
            }
            unit[j].rows = rows + atEnd
        }
        for j in unit.indices { unit[j].rows += toPartner[j] }
    }

    /// Cuts a file off in its last record (no final newline): that record is malformed.
    mutating func cut(_ unit: inout [DumpFile], _ rng: inout Rng) {
        // A workbook's rows are whole (a damaged workbook is a file finding, not a cut record).
        guard x > 0, settings.format == .csv else { return }
        for j in unit.indices where unit[j].rows.count >= 2 && !unit[j].format.headerOnly {
            // The cut record ends the file: never in a file that has rows after its records.
            guard let last = unit[j].rows.last, last.isClean, last.variants.isEmpty,
                  !unit[j].format.summaryRows, !unit[j].format.blankRows else { continue }
            if rng.chance(min(0.2, 0.003 * x)) || forcing.truncated {
                forcing.truncated = false
                unit[j].rows[unit[j].rows.count - 1].defect = .truncatedRecord
                unit[j].format.truncated = true
                unit[j].format.gzip = false
                unit[j].format.trailingBlankLines = false
                unit[j].name = String(unit[j].name.dropLast(unit[j].name.hasSuffix(".gz") ? 3 : 0))
            }
        }
    }

    /// Date styles per record: the file's style, or row by row in mixed files; the owed styles
    /// (every style, `Pebruari`, `Nopember`, `Agt`) on the first records that can show them.
    mutating func dateStyles(_ unit: inout [DumpFile]) {
        for j in unit.indices {
            let f = unit[j].format
            for i in unit[j].rows.indices {
                // Drawn from the record's own bits, so a duplicated record is written alike.
                let bits = mix64(unit[j].rows[i].bits)
                var b = f.mixedDates ? UInt8(bits % 8) : f.dateStyle
                var s = f.mixedDates ? UInt8((bits >> 8) % 8) : f.dateStyle
                if (b == 4 || b == 7) && (bits >> 16) & 1 == 1 { b |= DateStyle.oldSpelling }
                if (s == 4 || s == 7) && (bits >> 17) & 1 == 1 { s |= DateStyle.oldSpelling }
                unit[j].rows[i].birthStyle = f.monthFirst ? DateStyle.monthFirst : b
                unit[j].rows[i].measStyle = f.monthFirst ? DateStyle.monthFirst : s
            }
        }
        guard !forcing.dateTokens.isEmpty else { return }
        var owed: [Int] = []
        var used = Set<Int>()   // one token per record: j << 32 | i
        for token in forcing.dateTokens {
            var placed = false
            search: for j in unit.indices where !unit[j].format.monthFirst {
                for i in unit[j].rows.indices where unit[j].rows[i].isClean && !used.contains(j << 32 | i) {
                    let birthMonth = population.children[Int(unit[j].rows[i].child)].birth.month
                    switch token {
                    case 1...7: unit[j].rows[i].birthStyle = UInt8(token)
                    case 100 where birthMonth == 2: unit[j].rows[i].birthStyle = 4 | DateStyle.oldSpelling
                    case 101 where birthMonth == 11: unit[j].rows[i].birthStyle = 4 | DateStyle.oldSpelling
                    case 102 where birthMonth == 8: unit[j].rows[i].birthStyle = 6
                    default: continue
                    }
                    unit[j].format.mixedDates = true
                    used.insert(j << 32 | i)
                    placed = true
                    break search
                }
            }
            if !placed { owed.append(token) }
        }
        forcing.dateTokens = owed
    }

    /// Record numbers (1-based, after the header) and, per duplicate group, the record kept:
    /// for a double entry the original at the child's own posyandu (a double entry counts where
    /// the child lives), else the lowest `file#record` (file name in byte order, then record).
    func number(_ unit: inout [DumpFile]) {
        var kept: [Int32: (name: String, record: Int32)] = [:]
        for j in unit.indices {
            for i in unit[j].rows.indices {
                unit[j].rows[i].record = Int32(i + 1)
                let g = unit[j].rows[i].group
                guard g >= 0 else { continue }
                let me = (name: unit[j].name, record: Int32(i + 1))
                if unit[j].rows[i].isCopy { continue }
                if let k = kept[g], !(me.name.utf8.lexicographicallyPrecedes(k.name.utf8)) { continue }
                kept[g] = me
            }
        }
        for j in unit.indices {
            for i in unit[j].rows.indices {
                let g = unit[j].rows[i].group
                guard g >= 0, let k = kept[g] else { continue }
                if k.name != unit[j].name || k.record != Int32(i + 1) {
                    unit[j].rows[i].duplicateOf = k.name + "#" + String(k.record)
                }
            }
        }
    }

    /// Counts what was written and updates each child's latest valid measurement.
    mutating func tally(_ unit: [DumpFile]) {
        for f in unit {
            summary.files += 1
            if f.format.inLokasi { summary.lokasiFiles += 1 }
            if f.summaryRows > 0 {
                summary.rows += f.summaryRows
                summary.fates["invalid", default: 0] += f.summaryRows
                summary.reasons[Reason.summaryRow.rawValue, default: 0] += f.summaryRows
                summary.planted["quirk.summary_row", default: 0] += f.summaryRows
            }
            for code in f.format.codes.split(separator: ";") { summary.planted["format." + code, default: 0] += 1 }
            for r in f.rows {
                summary.rows += 1
                summary.fates[r.fate, default: 0] += 1
                if let reason = r.reason { summary.reasons[reason.rawValue, default: 0] += 1 }
                for q in quirkCodes(f, r) { summary.planted["quirk." + q, default: 0] += 1 }
                if !r.measureNote.isEmpty { summary.planted["measure_note." + r.measureNote, default: 0] += 1 }
                if r.defect != .none { summary.planted["defect." + r.defect.code, default: 0] += 1 }
                for (v, code, _) in Variants.all where r.variants.contains(v) { summary.planted["variant." + code, default: 0] += 1 }
                if r.group >= 0 && r.isDuplicate {
                    let kind = r.duplicateOf.hasPrefix(f.name + "#") ? "duplicate.in_file" : "duplicate.double_entry"
                    summary.planted[kind, default: 0] += 1
                }
                guard !r.isInvalid, !r.isDuplicate else { continue }
                let c = Int(r.child)
                childRecords[c] += 1
                guard r.date.ordinal >= latest[c].day else { continue }
                // A measurement the pipeline must drop (metres or millimetres for a height, an
                // impossible weight) gives no z-score: the prevalence a district can compute.
                let heightDropped = r.dropsOneMeasurement && (r.defect == .heightMetres || r.defect == .heightMillimetres)
                let weightDropped = r.dropsOneMeasurement && !heightDropped
                var mask: UInt8 = 0
                if let z = r.zlen, !heightDropped { mask |= 1; if z < -2 { mask |= 2 } }
                if let z = r.zwfl, !heightDropped, !weightDropped { mask |= 4; if z < -2 { mask |= 8 } }
                if let z = r.zwei, !weightDropped { mask |= 16; if z < -2 { mask |= 32 } }
                latest[c] = Latest(day: r.date.ordinal, posyandu: r.posyandu, mask: mask)
            }
        }
    }
}

extension Generator {
    /// The file's path under the data folder: `<YYYY-MM>_<slug>.csv[.gz]`, or for a file
    /// without location columns `lokasi/<Kecamatan>/<Puskesmas>/<Desa>/<Posyandu>/<YYYY-MM>.csv`.
    func fileName(_ f: DumpFile, ym: YearMonth, suffix: String = "") -> String {
        let ext = f.format.xlsx ? ".xlsx" : f.format.gzip ? ".csv.gz" : ".csv"
        let p = kabupaten.posyandu[f.posyandu]
        guard f.format.inLokasi else { return ym.description + "_" + p.slug + suffix + ext }
        let d = kabupaten.desa[p.desa]
        return "lokasi/" + [kabupaten.kecamatan[d.kecamatan].name, kabupaten.puskesmas[d.puskesmas].name, d.name, p.name]
            .joined(separator: "/") + "/" + ym.description + suffix + ext
    }

    /// Moves a posyandu's records whose two dates all have a day of 12 or less into a file of
    /// their own (`…_b.csv`, a second export of the month): written month-first, only its
    /// `Usia Saat Ukur` column can settle the order.
    mutating func splitUsiaOnly(_ unit: inout [DumpFile], _ rng: inout Rng, ym: YearMonth) {
        guard x > 0, settings.writesQuirks else { return }
        var added: [DumpFile] = []
        for j in unit.indices where !unit[j].format.headerOnly && unit[j].rows.count >= 3 {
            guard forcing.usiaOnly || rng.chance(min(0.5, 0.02 * x)) else { continue }
            var rows = unit[j].rows
            // Records born on a day ≤ 12, at most half the file; a second session of the month
            // (a sweeping visit) measured them on a day ≤ 12 too.
            var pick: [Int] = []
            for i in rows.indices where pick.count < rows.count / 2 {
                let r = rows[i]
                let b = population.children[Int(r.child)].birth
                guard r.isClean, !r.variants.contains(.birthDayMonthSwapped), b.civil.day <= 12 else { continue }
                let v = r.date.civil
                let date = v.day <= 12 ? r.date : Day(year: v.year, month: v.month, day: 1 + (v.day - 1) % 12)!
                guard date - b >= 1 else { continue }
                if date != r.date {
                    rows[i].date = date
                    rows[i].ageDays = Int32(date - b)
                    score(&rows[i])
                }
                pick.append(i)
            }
            guard !pick.isEmpty, pick.contains(where: { usiaSettles(rows[$0]) }) else { continue }
            var f = unit[j]
            f.rows = pick.map { rows[$0] }
            f.format.usiaOnly = true
            f.format.monthFirst = settings.dateOrder != .dmy
            f.format.serialDates = false
            f.format.summaryRows = false
            f.name = fileName(f, ym: ym, suffix: "_b")
            let picked = Set(pick)
            unit[j].rows = rows.indices.filter { !picked.contains($0) }.map { rows[$0] }
            added.append(f)
            forcing.usiaOnly = false
        }
        unit += added
        unit.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// Day and month exchanged when the day is 12 or less (a D/M reading of an M/D date).
    static func swapped(_ d: Day) -> Day {
        let c = d.civil
        return c.day <= 12 ? Day(year: c.year, month: c.day, day: c.month)! : d
    }

    /// True when the record's `Usia Saat Ukur` tells its M/D dates from a D/M reading of them.
    func usiaSettles(_ r: Row) -> Bool {
        guard !r.serialBirth, !r.birthFromAge, !r.variants.contains(.birthDayMonthSwapped), !Generator.datesDefects.contains(r.defect) else { return false }
        let b = population.children[Int(r.child)].birth
        let sb = Generator.swapped(b), sm = Generator.swapped(r.date)
        guard sb != b || sm != r.date else { return false }
        return RowText.ageText(birth: b, at: r.date) != RowText.ageText(birth: sb, at: sm)
    }

    /// True when `Usia Saat Ukur` alone gives this record's birth date beyond doubt: no
    /// borrowing across a month end (birth day 5–24, measured on a later day of the month up
    /// to the 28th), so no neighbouring day has the same age text.
    static func ageGivesBirth(_ r: Row, _ birth: Day) -> Bool {
        let b = birth.civil, m = r.date.civil
        return (5...24).contains(b.day) && m.day >= b.day && m.day <= 28 && r.date - birth >= 1
    }

    static let datesDefects: Set<Defect> = [.birthDateImpossible, .measureDateImpossible, .birthDateBlank, .measureDateBlank,
                                            .measureDateFuture, .measureBeforeBirth, .ageOver60, .truncatedRecord]

    /// A month-first file must be settled by its own values: in each date column a day above
    /// 12, or a record whose `Usia Saat Ukur` settles it, or no date that reads differently.
    /// A file that is not is written day-first instead (synth never writes an unsettleable one).
    func settleDateOrder(_ unit: inout [DumpFile]) {
        for j in unit.indices where unit[j].format.monthFirst {
            var needs = [false, false], above12 = [false, false], usia = false
            for r in unit[j].rows {
                if usiaSettles(r) { usia = true }
                let c = population.children[Int(r.child)]
                var birth: Day? = r.variants.contains(.birthDayMonthSwapped) ? Variants.swappedBirth(c.birth, measured: r.date) ?? c.birth : c.birth
                if r.serialBirth || r.birthFromAge || r.defect == .birthDateBlank { birth = nil }
                if r.defect == .birthDateImpossible { above12[0] = true; birth = nil }
                var measured: Day? = r.date
                if r.defect == .measureDateBlank { measured = nil }
                if r.defect == .measureDateImpossible { above12[1] = true; measured = nil }
                if r.defect == .measureBeforeBirth { needs[1] = true; measured = nil }   // its day is drawn later
                for (k, d) in [birth, measured].enumerated() {
                    guard let d else { continue }
                    let v = d.civil
                    if v.day > 12 { above12[k] = true } else if v.day != v.month { needs[k] = true }
                }
            }
            let settled = (0..<2).allSatisfy { !needs[$0] || above12[$0] || usia }
            guard !settled else { continue }
            unit[j].format.monthFirst = false
            for i in unit[j].rows.indices { unit[j].rows[i].birthStyle = 0; unit[j].rows[i].measStyle = 0 }
        }
    }

    /// Plants the record-level quirks of real exports on the files that have them: Excel's
    /// time damage, serial birth dates, short NIKs in raw (Mac Roman) exports, summary and
    /// blank rows; in files without `Cara Ukur` each length is the one the age calls for.
    mutating func plantQuirks(_ unit: inout [DumpFile], _ rng: inout Rng) {
        guard x > 0, settings.writesQuirks else { return }
        for j in unit.indices where !unit[j].format.headerOnly {
            let fmt = unit[j].format
            let text = RowText(kabupaten: kabupaten, format: fmt)
            if fmt.summaryRows && !fmt.truncated { unit[j].summaryRows = 2 }
            if fmt.blankRows && !fmt.truncated { unit[j].blankRows = 100 + rng.int(200) }
            for i in unit[j].rows.indices {
                var r = unit[j].rows[i]
                let solo = r.group < 0 && r.defect == .none
                if !fmt.hasMethod, r.group < 0, r.height != nil, r.defect != .truncatedRecord {
                    // No `Cara Ukur` column: the length is taken as the age calls for.
                    if r.ageDays < 731 && r.measure == .standing { r.height = roundHalfAway(r.height! + 0.7, decimals: 1); r.measure = .lying; score(&r) }
                    if r.ageDays >= 731 && r.measure == .lying { r.height = roundHalfAway(r.height! - 0.7, decimals: 1); r.measure = .standing; score(&r) }
                }
                if fmt.macRoman && solo && r.nikKnown && !r.variants.contains(.nikTypo) && rng.chance(min(0.5, 0.04 * x)) {
                    plant(.nikShort, in: &r)
                }
                if fmt.serialDates && r.group < 0 && !fmt.usiaOnly && ![.birthDateImpossible, .birthDateBlank, .ageOver60].contains(r.defect)
                    && !r.variants.contains(.birthDayMonthSwapped) && rng.chance(0.4) {
                    r.serialBirth = true
                }
                if fmt.excelDamage && solo && r.defect == .none { excelDamage(&r, text: text, sourceZ: fmt.sourceZScores) }
                if solo && !r.serialBirth && !r.variants.contains(.birthDayMonthSwapped) && Generator.ageGivesBirth(r, population.children[Int(r.child)].birth)
                    && (rng.chance(min(0.5, 0.003 * x)) || forcing.birthFromAge) {
                    r.birthFromAge = true
                    forcing.birthFromAge = false
                }
                unit[j].rows[i] = r
            }
        }
    }

    /// Decides what Excel did to a record's weight, length and z-scores (see `Excel`). A value
    /// with two readings is damaged only when the truth stays certain: with e-PPGBM's own z in
    /// the row, only when the two readings' z differ by more than 0.5 (else it is left as
    /// typed); without it, the record is `EXCEL_DAMAGED`.
    func excelDamage(_ r: inout Row, text: RowText, sourceZ: Bool) {
        let c = population.children[Int(r.child)]
        func other(_ truth: Double, _ cands: [Double]) -> Double? { cands.first { abs($0 - truth) > 1e-9 } }
        if let w = r.weight, let t = RowText.excelTime(text.number(w, 2)) {
            if t.candidates.count == 1 { r.excelWeight = .unique }
            else if !sourceZ { r.excelWeight = .ambiguous }
            else if let z = r.zwei, let o = other(w, t.candidates),
                    let zo = anthro.scores(sex: c.sex, ageDays: Int(r.ageDays), weight: o, height: r.height, measure: r.measure).zwei,
                    abs(z - zo) > 0.5 {
                r.excelWeight = .repaired
            }
        }
        if let h = r.height, r.excelWeight != .repaired, let t = RowText.excelTime(text.number(h, 1)) {
            if t.candidates.count == 1 { r.excelHeight = .unique }
            else if !sourceZ { r.excelHeight = .ambiguous }
            else if let z = r.zlen, let o = other(h, t.candidates),
                    let zo = anthro.scores(sex: c.sex, ageDays: Int(r.ageDays), weight: r.weight, height: o, measure: r.measure).zlen,
                    abs(z - zo) > 0.5 {
                r.excelHeight = .repaired
            }
        }
        if sourceZ && r.excelWeight != .repaired && r.excelHeight != .repaired {
            r.excelZ = [r.zwei, r.zlen, r.zwfl].contains { z in z.map { RowText.excelFraction(text.number($0, 2, fixed: true)) != nil } ?? false }
        }
    }
}

/// Truth lines of `lokasi/…` files, which sort after the flat names: kept in a spool file and
/// appended to the truth in name order at the end (memory: one index entry per file).
final class LokasiSpool {
    let path: String
    private let file: StreamFile
    private var offset = 0
    private var index: [(name: String, offset: Int, count: Int, fileLine: [UInt8])] = []

    init(path: String) throws { self.path = path; file = try StreamFile(path: path) }

    func add(name: String, records: [UInt8], file line: [UInt8]) throws {
        try file.append(records)
        index.append((name, offset, records.count, line))
        offset += records.count
    }

    /// Appends the spooled lines in file-name order and removes the spool.
    func drain(records: StreamFile, files: StreamFile) throws {
        try file.close()
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SynthError.cannotWrite(path) }
        defer { Glibc.close(fd); unlink(path) }
        for e in index.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            var buf = [UInt8](repeating: 0, count: e.count)
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, e.count, off_t(e.offset)) }
            guard n == e.count else { throw SynthError.cannotWrite(path) }
            try records.append(buf)
            try files.append(e.fileLine)
        }
    }
}
