/// One input record as it flows through the stages.
///
/// Ingest fills the provenance, the raw text of each known column and the parsed values;
/// validate sets `status`/`reason`; link sets duplicates, the child key and the reconciled
/// birth date; growth adds age, z-scores, flags and categories. Each stage persists the whole
/// record table, so any stage can be rerun from the one before it.
///
/// Raw text is kept as written (trimmed of surrounding spaces; every Unicode space made a
/// plain space; a cell of only dashes, `-`, read as empty): the NIK in particular is never
/// converted to a number.
public struct Record: Sendable, Equatable {
    // MARK: provenance
    public var ref: RowRef
    /// Set by ingest when the record could not be parsed as a row (cut, wrong field count).
    public var malformed: String = ""
    /// What ingest noticed while reading the record, `;`-separated `CODE` or `CODE:detail`
    /// items. A code that is a `Reason` raw value (`SUMMARY_ROW`, `DATE_ORDER_AMBIGUOUS`,
    /// `EXCEL_DAMAGED`) is a failure validate applies; any other code is a remark validate
    /// copies into `notes` (`DATE_ORDER_FROM_AGE`, `EXCEL_DAMAGE_REPAIRED:…`, `UNIT_FROM_PATH`).
    public var ingestNotes: String = ""

    // MARK: raw text (as written)
    public var no = ""
    public var nik = ""
    public var name = ""
    public var sexRaw = ""
    public var birthDateRaw = ""
    public var parentName = ""
    public var province = ""
    public var kabupaten = ""
    public var kecamatan = ""
    public var puskesmas = ""
    public var desa = ""
    public var posyandu = ""
    public var rt = ""
    public var rw = ""
    public var address = ""
    public var ageText = ""
    public var measureDateRaw = ""
    public var weightRaw = ""
    public var heightRaw = ""
    public var methodRaw = ""
    public var muacRaw = ""
    public var oedemaRaw = ""
    /// What the dump itself says (e-PPGBM computes its own): z-scores and category labels.
    public var sourceZWei = ""
    public var sourceZLen = ""
    public var sourceZWfl = ""
    public var sourceCatWei = ""
    public var sourceCatLen = ""
    public var sourceCatWfl = ""
    public var sourceGrowth = ""

    // MARK: parsed (nil = missing or unreadable; compare with the raw text to tell which)
    public var sex: Sex?
    public var birthDate: Day?
    public var measureDate: Day?
    public var weightKg: Double?
    public var heightCm: Double?
    public var muacCm: Double?
    public var measure: Measure?
    public var oedema: Bool?

    // MARK: validate
    public var status: Status = .pending
    /// Primary reason (invalid records), empty otherwise.
    public var reason = ""
    /// Secondary reasons and warnings, `;`-separated.
    public var notes = ""

    // MARK: link
    /// For a duplicate: the `file#record` of the record kept.
    public var duplicateOf = ""
    /// Pseudonymous child key (HMAC-SHA256, hex), for valid records.
    public var childKey = ""
    /// The child's reconciled birth date (used by later stages instead of `birthDate`).
    public var birthDateReconciled: Day?

    // MARK: growth
    public var ageDays: Int?
    public var clenhei: Double?
    public var cmeasure: Measure?
    public var c9mo = false
    public var cbmi: Double?
    public var zlen: Double?
    public var flen: Bool?
    public var zwei: Double?
    public var fwei: Bool?
    public var zwfl: Double?
    public var fwfl: Bool?
    public var zbmi: Double?
    public var fbmi: Bool?
    public var zac: Double?
    public var fac: Bool?
    /// Permenkes 2/2020 category codes (see Growth), empty when no z.
    public var catWei = ""
    public var catLen = ""
    public var catWfl = ""
    public var catBmi = ""

    public init(ref: RowRef) { self.ref = ref }

    /// The units this record counts in.
    public var unit: UnitKey {
        UnitKey(kecamatan: normalizedPlace(kecamatan), puskesmas: normalizedPlace(puskesmas),
                desa: normalizedPlace(desa), posyandu: normalizedPlace(posyandu))
    }

    /// Birth date later stages should use: reconciled when link set one.
    public var effectiveBirthDate: Day? { birthDateReconciled ?? birthDate }
}

extension Record: TableRow {
    public static let columns: [String] = [
        "file", "record", "line", "malformed", "ingest_notes",
        "no", "nik", "name", "sex_raw", "birth_date_raw", "parent_name", "province", "kabupaten",
        "kecamatan", "puskesmas", "desa", "posyandu", "rt", "rw", "address", "age_text",
        "measure_date_raw", "weight_raw", "height_raw", "method_raw", "muac_raw", "oedema_raw",
        "source_zwei", "source_zlen", "source_zwfl", "source_cat_wei", "source_cat_len",
        "source_cat_wfl", "source_growth",
        "sex", "birth_date", "measure_date", "weight_kg", "height_cm", "muac_cm", "measure", "oedema",
        "status", "reason", "notes",
        "duplicate_of", "child_key", "birth_date_reconciled",
        "age_days", "clenhei", "cmeasure", "c9mo_flag", "cbmi",
        "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi", "zac", "fac",
        "cat_wei", "cat_len", "cat_wfl", "cat_bmi",
    ]

    /// Which stage writes which of `columns`: the stage store persists, per stage, only these
    /// columns (ingest every column it fills, a later stage only the ones it changes), and
    /// reassembles a stage's records by overlaying the columns of ingest … that stage. A stage
    /// that changes a column not listed here fails `StageOwnershipTests`.
    public static let writers: [(stage: RecordStage, columns: [String])] = [
        (.ingest, Array(columns[..<columns.firstIndex(of: "status")!])),
        // validate clears impossible measurements and repairs Excel-damaged ones.
        (.validate, ["weight_kg", "height_cm", "muac_cm", "status", "reason", "notes"]),
        // link marks duplicates (a note says which kind) and keys the children.
        (.link, ["status", "notes", "duplicate_of", "child_key", "birth_date_reconciled"]),
        (.growth, Array(columns[columns.firstIndex(of: "age_days")!...])),
    ]

    public func cells() -> [String] {
        [
            ref.file, String(ref.record), String(ref.line), malformed, ingestNotes,
            no, nik, name, sexRaw, birthDateRaw, parentName, province, kabupaten,
            kecamatan, puskesmas, desa, posyandu, rt, rw, address, ageText,
            measureDateRaw, weightRaw, heightRaw, methodRaw, muacRaw, oedemaRaw,
            sourceZWei, sourceZLen, sourceZWfl, sourceCatWei, sourceCatLen, sourceCatWfl, sourceGrowth,
            sex.map { String($0.rawValue) } ?? "", birthDate?.iso ?? "", measureDate?.iso ?? "",
            formatNumber(weightKg), formatNumber(heightCm), formatNumber(muacCm),
            measure?.rawValue ?? "", oedema.map { $0 ? "y" : "n" } ?? "",
            status.rawValue, reason, notes,
            duplicateOf, childKey, birthDateReconciled?.iso ?? "",
            ageDays.map(String.init) ?? "", formatNumber(clenhei), cmeasure?.rawValue ?? "",
            c9mo ? "1" : "0", formatNumber(cbmi),
            formatNumber(zlen), flag(flen), formatNumber(zwei), flag(fwei), formatNumber(zwfl), flag(fwfl),
            formatNumber(zbmi), flag(fbmi), formatNumber(zac), flag(fac),
            catWei, catLen, catWfl, catBmi,
        ]
    }

    /// Writes the cells straight into the byte buffer (same text as `cells()`), without an
    /// array of Strings per record: the record tables of a district-year are a million rows.
    public func appendCells(to w: inout CSVRowBytes) {
        w.cell(ref.file); w.cell(ref.record); w.cell(ref.line); w.cell(malformed); w.cell(ingestNotes)
        for t in [no, nik, name, sexRaw, birthDateRaw, parentName, province, kabupaten,
                  kecamatan, puskesmas, desa, posyandu, rt, rw, address, ageText,
                  measureDateRaw, weightRaw, heightRaw, methodRaw, muacRaw, oedemaRaw,
                  sourceZWei, sourceZLen, sourceZWfl, sourceCatWei, sourceCatLen, sourceCatWfl, sourceGrowth] {
            w.cell(t)
        }
        if let sex { w.cell(sex.rawValue) } else { w.cell("") }
        w.cell(birthDate?.iso ?? ""); w.cell(measureDate?.iso ?? "")
        w.cell(formatNumber(weightKg)); w.cell(formatNumber(heightCm)); w.cell(formatNumber(muacCm))
        w.cell(measure?.rawValue ?? ""); w.cell(oedema.map { $0 ? "y" : "n" } ?? "")
        w.cell(status.rawValue); w.cell(reason); w.cell(notes)
        w.cell(duplicateOf); w.cell(childKey); w.cell(birthDateReconciled?.iso ?? "")
        if let ageDays { w.cell(ageDays) } else { w.cell("") }
        w.cell(formatNumber(clenhei)); w.cell(cmeasure?.rawValue ?? ""); w.cell(c9mo ? "1" : "0"); w.cell(formatNumber(cbmi))
        w.cell(formatNumber(zlen)); w.cell(flag(flen)); w.cell(formatNumber(zwei)); w.cell(flag(fwei))
        w.cell(formatNumber(zwfl)); w.cell(flag(fwfl)); w.cell(formatNumber(zbmi)); w.cell(flag(fbmi))
        w.cell(formatNumber(zac)); w.cell(flag(fac))
        w.cell(catWei); w.cell(catLen); w.cell(catWfl); w.cell(catBmi)
    }

    public init(cells c: [String]) throws {
        guard c.count == Record.columns.count else {
            throw TableError("record row has \(c.count) cells, expected \(Record.columns.count)")
        }
        guard let record = Int(c[1]), let line = Int(c[2]) else {
            throw TableError("record row: bad record/line '\(c[1])'/'\(c[2])'")
        }
        self.init(ref: RowRef(file: c[0], record: record, line: line))
        malformed = c[3]; ingestNotes = c[4]
        no = c[5]; nik = c[6]; name = c[7]; sexRaw = c[8]; birthDateRaw = c[9]; parentName = c[10]
        province = c[11]; kabupaten = c[12]; kecamatan = c[13]; puskesmas = c[14]; desa = c[15]
        posyandu = c[16]; rt = c[17]; rw = c[18]; address = c[19]; ageText = c[20]
        measureDateRaw = c[21]; weightRaw = c[22]; heightRaw = c[23]; methodRaw = c[24]
        muacRaw = c[25]; oedemaRaw = c[26]
        sourceZWei = c[27]; sourceZLen = c[28]; sourceZWfl = c[29]; sourceCatWei = c[30]
        sourceCatLen = c[31]; sourceCatWfl = c[32]; sourceGrowth = c[33]
        sex = Int(c[34]).flatMap(Sex.init(rawValue:))
        birthDate = Day(iso: c[35]); measureDate = Day(iso: c[36])
        weightKg = parseNumber(c[37]); heightCm = parseNumber(c[38]); muacCm = parseNumber(c[39])
        measure = Measure(rawValue: c[40])
        oedema = c[41] == "y" ? true : (c[41] == "n" ? false : nil)
        status = Status(rawValue: c[42]) ?? .pending
        reason = c[43]; notes = c[44]
        duplicateOf = c[45]; childKey = c[46]; birthDateReconciled = Day(iso: c[47])
        ageDays = Int(c[48]); clenhei = parseNumber(c[49]); cmeasure = Measure(rawValue: c[50])
        c9mo = c[51] == "1"; cbmi = parseNumber(c[52])
        zlen = parseNumber(c[53]); flen = unflag(c[54]); zwei = parseNumber(c[55]); fwei = unflag(c[56])
        zwfl = parseNumber(c[57]); fwfl = unflag(c[58]); zbmi = parseNumber(c[59]); fbmi = unflag(c[60])
        zac = parseNumber(c[61]); fac = unflag(c[62])
        catWei = c[63]; catLen = c[64]; catWfl = c[65]; catBmi = c[66]
    }
}

/// The stages whose output is a record table, in order (the stage store keeps their columns).
public enum RecordStage: String, CaseIterable, Sendable, Comparable {
    case ingest, validate, link, growth

    public static func < (a: RecordStage, b: RecordStage) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The columns this stage writes (see `Record.writers`).
    public var columns: [String] { Record.writers.first { $0.stage == self }!.columns }
}

@inline(__always) func flag(_ f: Bool?) -> String { f.map { $0 ? "1" : "0" } ?? "" }
@inline(__always) func unflag(_ s: String) -> Bool? { s == "1" ? true : (s == "0" ? false : nil) }
