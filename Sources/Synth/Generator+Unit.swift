import TimbangCore

/// One dump file being built: its posyandu, format, name and records.
struct DumpFile {
    var posyandu: Int
    var format: FileFormat
    var name: String
    var rows: [Row]
}

extension Generator {
    /// Generates, plants, numbers and writes the files of one kecamatan for one month.
    /// Duplicates entered at two posyandu stay inside the kecamatan, so a unit is self-contained.
    mutating func unit(kecamatan k: Int, month m: Int, ym: YearMonth, buckets: [[Int32]],
                       records: StreamFile, files: StreamFile) throws {
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
        var unit = posyandu.enumerated().map { j, p in DumpFile(posyandu: p, format: FileFormat(), name: "", rows: rows[j]) }
        var rng = Rng(seed: seed, .file, k, m)
        drawFormats(&unit, &rng, ym: ym)
        forceRecords(&unit, lastMonth: m == settings.months - 1)
        duplicate(&unit, &rng, month: m)
        cut(&unit, &rng)
        dateStyles(&unit)
        number(&unit)

        // Phase 3 (parallel): bytes of each file and its truth lines.
        let done = unit
        let dir = dataDir
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
            try records.append(try r.get())
            let f = done[j]
            let d = kabupaten.desa[kabupaten.posyandu[f.posyandu].desa]
            var line: [UInt8] = []
            appendCSVRow([f.name, ym.description, kabupaten.kecamatan[d.kecamatan].name, kabupaten.puskesmas[d.puskesmas].name,
                          d.name, kabupaten.posyandu[f.posyandu].name, String(f.rows.count), f.format.codes], to: &line)
            try files.append(line)
        }
        tally(done)
    }

    mutating func drawFormats(_ unit: inout [DumpFile], _ rng: inout Rng, ym: YearMonth) {
        for j in unit.indices {
            unit[j].format = FileFormat.draw(&rng, messiness: x)
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
            let fits: (DumpFile) -> Bool = { f in
                guard !f.format.headerOnly else { return false }
                if name == "cp1252" {
                    guard !f.format.bom else { return false }
                    return f.rows.contains { r in
                        let c = children[Int(r.child)]
                        return (c.name + c.mother + c.father).utf8.contains { $0 >= 0x80 }
                    }
                }
                if name == "quoted_decimal_comma" { return !f.format.semicolon }
                if name == "semicolon_decimal_comma" { return !f.format.quotedDecimalComma }
                if name == "bom" { return !f.format.cp1252 }
                return true
            }
            if unit.contains(where: { $0.format[keyPath: kp] && fits($0) }) { continue }
            if let j = unit.firstIndex(where: fits) { unit[j].format[keyPath: kp] = true } else { owed.append(name) }
        }
        forcing.formats = owed
        for j in unit.indices {
            let stem = ym.description + "_" + kabupaten.posyandu[unit[j].posyandu].slug
            if settings.format == .xlsx { unit[j].format = unit[j].format.asWorkbook() }
            unit[j].name = stem + (unit[j].format.xlsx ? ".xlsx" : unit[j].format.gzip ? ".csv.gz" : ".csv")
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
                let double = !inFile && partner >= 0 && !unit[partner].format.headerOnly
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
            guard let last = unit[j].rows.last, last.isClean, last.variants.isEmpty else { continue }
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
                unit[j].rows[i].birthStyle = b
                unit[j].rows[i].measStyle = s
            }
        }
        guard !forcing.dateTokens.isEmpty else { return }
        var owed: [Int] = []
        var used = Set<Int>()   // one token per record: j << 32 | i
        for token in forcing.dateTokens {
            var placed = false
            search: for j in unit.indices {
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
            for code in f.format.codes.split(separator: ";") { summary.planted["format." + code, default: 0] += 1 }
            for r in f.rows {
                summary.rows += 1
                summary.fates[r.fate, default: 0] += 1
                if r.isInvalid, let reason = r.defect.reason { summary.reasons[reason.rawValue, default: 0] += 1 }
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
                var mask: UInt8 = 0
                if let z = r.zlen { mask |= 1; if z < -2 { mask |= 2 } }
                if let z = r.zwfl { mask |= 4; if z < -2 { mask |= 8 } }
                if let z = r.zwei { mask |= 16; if z < -2 { mask |= 32 } }
                latest[c] = Latest(day: r.date.ordinal, posyandu: r.posyandu, mask: mask)
            }
        }
    }
}
