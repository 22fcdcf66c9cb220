/// One input record as it flows through the stages.
///
/// Ingest fills the provenance, the raw text of each known column and the parsed values;
/// validate sets `status`/`reason`; link sets duplicates, the child key and the reconciled
/// birth date; growth adds age, z-scores, flags and categories. Each stage persists the whole
/// record table, so any stage can be rerun from the one before it.
///
/// Raw text is kept exactly as written (trimmed of surrounding spaces): the NIK in particular
/// is never converted to a number.
public struct Record: Sendable, Equatable {
    // MARK: provenance
    public var ref: RowRef
    /// Set by ingest when the record could not be parsed as a row (cut, wrong field count).
    public var malformed: String = ""

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
        "file", "record", "line", "malformed",
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

    public func cells() -> [String] {
        [
            ref.file, String(ref.record), String(ref.line), malformed,
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
        w.cell(ref.file); w.cell(ref.record); w.cell(ref.line); w.cell(malformed)
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
        malformed = c[3]
        no = c[4]; nik = c[5]; name = c[6]; sexRaw = c[7]; birthDateRaw = c[8]; parentName = c[9]
        province = c[10]; kabupaten = c[11]; kecamatan = c[12]; puskesmas = c[13]; desa = c[14]
        posyandu = c[15]; rt = c[16]; rw = c[17]; address = c[18]; ageText = c[19]
        measureDateRaw = c[20]; weightRaw = c[21]; heightRaw = c[22]; methodRaw = c[23]
        muacRaw = c[24]; oedemaRaw = c[25]
        sourceZWei = c[26]; sourceZLen = c[27]; sourceZWfl = c[28]; sourceCatWei = c[29]
        sourceCatLen = c[30]; sourceCatWfl = c[31]; sourceGrowth = c[32]
        sex = Int(c[33]).flatMap(Sex.init(rawValue:))
        birthDate = Day(iso: c[34]); measureDate = Day(iso: c[35])
        weightKg = parseNumber(c[36]); heightCm = parseNumber(c[37]); muacCm = parseNumber(c[38])
        measure = Measure(rawValue: c[39])
        oedema = c[40] == "y" ? true : (c[40] == "n" ? false : nil)
        status = Status(rawValue: c[41]) ?? .pending
        reason = c[42]; notes = c[43]
        duplicateOf = c[44]; childKey = c[45]; birthDateReconciled = Day(iso: c[46])
        ageDays = Int(c[47]); clenhei = parseNumber(c[48]); cmeasure = Measure(rawValue: c[49])
        c9mo = c[50] == "1"; cbmi = parseNumber(c[51])
        zlen = parseNumber(c[52]); flen = unflag(c[53]); zwei = parseNumber(c[54]); fwei = unflag(c[55])
        zwfl = parseNumber(c[56]); fwfl = unflag(c[57]); zbmi = parseNumber(c[58]); fbmi = unflag(c[59])
        zac = parseNumber(c[60]); fac = unflag(c[61])
        catWei = c[62]; catLen = c[63]; catWfl = c[64]; catBmi = c[65]
    }
}

@inline(__always) func flag(_ f: Bool?) -> String { f.map { $0 ? "1" : "0" } ?? "" }
@inline(__always) func unflag(_ s: String) -> Bool? { s == "1" ? true : (s == "0" ? false : nil) }
