import TimbangCore

/// How one dump file is written: the format variants the ingest stage must read.
/// `FileFormat()` is the clean canonical e-PPGBM export (UTF-8, `,`, LF, DD/MM/YYYY).
struct FileFormat: Sendable, Equatable {
    var semicolon = false           // `;` delimiter with decimal commas
    var quotedDecimalComma = false  // `,` file with decimals written `"12,5"`
    var cp1252 = false
    var bom = false
    var crlf = false
    var gzip = false
    var quoteAll = false
    var headerVariant = false       // header spelling/capitalisation variants
    var upperCase = false           // names and places in capitals
    var mixedDates = false          // date style changes row to row
    var dateStyle: UInt8 = 0        // file's date style when not mixed
    var sourceZScores = false       // e-PPGBM's own ZS BB/U etc. columns
    var reordered = false           // measurement columns before the places
    var trailingBlankLines = false  // blank and delimiter-only lines at the end
    var sexWords = false            // `Laki-laki` / `Perempuan`, stray spaces, lower case
    var methodVariant: UInt8 = 0    // 0 Terlentang, 1 Telentang, 2 upper, 3 lower
    var fixedDecimals = false       // `9.80`, `87.0` instead of `9.8`, `87`
    var headerOnly = false
    var truncated = false
    // Real-world quirks of e-PPGBM exports (issue 11).
    var macRoman = false            // Mac Roman bytes, `;`, every field followed by 0xCA (no-break space)
    var preamble = false            // `Data Tanggal : 2023-10-10 12:04:23;;;;` before the header (Mac Roman files)
    var nbsp = false                // U+00A0 after values and alone in empty cells; `No` as `1.` / `1 .`
    var monthFirst = false          // both date columns M/D/YYYY
    var usiaOnly = false            // a split-off file whose every date has day ≤ 12 (only Usia Saat Ukur settles M/D)
    var excelDamage = false         // opened and saved by Excel in an Indonesian locale: `7.7` → `7:07`
    var excelBare = false           // Excel damage in a file without e-PPGBM's z columns (nothing to repair by)
    var blankRows = false           // hundreds of rows of only delimiters or only no-break spaces
    var summaryRows = false         // Excel summary rows at the end (`Total data gizi kurang`, a lone count)
    var headerAbbrev = false        // `jk`, `tgl_lahir`, `bb`, `tb`, snake_case, `zscore_bb_u`, `z_bbtb`
    var vintage2023 = false         // 2023 column set: no Cara Ukur, ends at LiLA
    var vintage2024 = false         // 2024 column set: no Puskesmas, Posyandu, Cara Ukur; `PMT Diterima (kg)`
    var vintage2025 = false         // 2025 column set: `Kelas Ibu Balita`, `MBG`, `Detail`
    var locationLess = false        // no location columns: `lokasi/<Kec>/<Pusk>/<Desa>/<Posyandu>/<YYYY-MM>.csv`
    var serialDates = false         // some birth dates as Excel serial day numbers (`44078`)
    var dashMissing = false         // `-` in empty cells
    var lilaZero = false            // LiLA `0` = not measured
    var zSentinel = false           // `999.99` and label `Outlier` in e-PPGBM's own z columns where it has no z

    /// Written in the `lokasi/…` layout (the unit comes from the path).
    var inLokasi: Bool { locationLess || vintage2024 }
    /// The file has a `Cara Ukur` column.
    var hasMethod: Bool { !vintage2023 && !vintage2024 }
    /// Text encoding as the `files` table names it.
    var encoding: String { macRoman ? "mac-roman" : cp1252 ? "windows-1252" : bom ? "utf-8-bom" : "utf-8" }

    /// Makes the drawn and forced variants consistent (one owner for every exclusion).
    mutating func settle() {
        if macRoman { cp1252 = false; bom = false; quoteAll = false; nbsp = false; semicolon = true; quotedDecimalComma = false; excelDamage = false }
        if excelBare { excelDamage = true; sourceZScores = false }
        if excelDamage { semicolon = false; quotedDecimalComma = false }
        if semicolon { quotedDecimalComma = false }
        if cp1252 { bom = false }
        if !macRoman { preamble = false }
        if monthFirst { mixedDates = false; dateStyle = 0 }
        if vintage2024 { vintage2023 = false; vintage2025 = false }
        if vintage2023 { vintage2025 = false; sourceZScores = false; if excelDamage && !excelBare { excelDamage = false } }
        if locationLess { vintage2024 = false }
        if !sourceZScores { zSentinel = false }
        if inLokasi { gzip = false }    // the layout names `<YYYY-MM>.csv` (the unit pattern's `*.csv`)
    }
    var xlsx = false                // written as a workbook (`DumpFormat.xlsx`)

    /// Names of the format variants present, for the truth's files table.
    var codes: String {
        var c: [String] = []
        if semicolon { c.append("semicolon_decimal_comma") }
        if quotedDecimalComma { c.append("quoted_decimal_comma") }
        if cp1252 { c.append("cp1252") }
        if bom { c.append("bom") }
        if crlf { c.append("crlf") }
        if gzip { c.append("gzip") }
        if quoteAll { c.append("quote_all") }
        if headerVariant { c.append("header_variant") }
        if upperCase { c.append("upper_case") }
        if mixedDates { c.append("mixed_dates") } else if dateStyle != 0 { c.append("date_style_\(dateStyle)") }
        if sourceZScores { c.append("source_zscores") }
        if reordered { c.append("column_order") }
        if trailingBlankLines { c.append("trailing_blank_lines") }
        if sexWords { c.append("sex_words") }
        if methodVariant != 0 { c.append("method_variant_\(methodVariant)") }
        if fixedDecimals { c.append("fixed_decimals") }
        if headerOnly { c.append("header_only") }
        if truncated { c.append("truncated") }
        for (code, kp, _) in FileFormat.quirks where self[keyPath: kp] { c.append(code) }
        if usiaOnly { c.append("usia_only") }
        if xlsx { c.append("xlsx") }
        return c.joined(separator: ";")
    }

    /// The file-level variants forced to occur at least once (by key path into the format).
    static var forced: [(String, WritableKeyPath<FileFormat, Bool>, Double)] { [
        ("semicolon_decimal_comma", \.semicolon, 0.2),
        ("quoted_decimal_comma", \.quotedDecimalComma, 0.08),
        ("cp1252", \.cp1252, 0.1),
        ("bom", \.bom, 0.15),
        ("crlf", \.crlf, 0.3),
        ("gzip", \.gzip, 0.1),
        ("quote_all", \.quoteAll, 0.1),
        ("header_variant", \.headerVariant, 0.3),
        ("upper_case", \.upperCase, 0.3),
        ("mixed_dates", \.mixedDates, 0.25),
        ("source_zscores", \.sourceZScores, 0.3),
        ("column_order", \.reordered, 0.1),
        ("trailing_blank_lines", \.trailingBlankLines, 0.1),
        ("sex_words", \.sexWords, 0.1),
        ("fixed_decimals", \.fixedDecimals, 0.2),
    ] + quirks }

    /// The real-export quirks (issue 11), in the order they are forced; rates at messiness 1.
    static var quirks: [(String, WritableKeyPath<FileFormat, Bool>, Double)] { [
        ("mac_roman", \.macRoman, 0.03),
        ("preamble", \.preamble, 0.5),         // of the Mac Roman files
        ("nbsp", \.nbsp, 0.06),
        ("month_first", \.monthFirst, 0.05),
        ("excel_damage", \.excelDamage, 0.03),
        ("excel_damage_bare", \.excelBare, 0.01),
        ("blank_rows", \.blankRows, 0.03),
        ("summary_rows", \.summaryRows, 0.04),
        ("header_abbrev", \.headerAbbrev, 0.08),
        ("vintage_2023", \.vintage2023, 0.04),
        ("vintage_2024", \.vintage2024, 0.03),
        ("vintage_2025", \.vintage2025, 0.04),
        ("location_less", \.locationLess, 0.03),
        ("serial_dates", \.serialDates, 0.03),
        ("dash_missing", \.dashMissing, 0.05),
        ("lila_zero", \.lilaZero, 0.05),
        ("z_sentinel", \.zSentinel, 0.5),      // of the files with e-PPGBM's z columns
    ] }

    /// The forced variants that only a text file can show.
    static let textOnly: Set<String> = ["semicolon_decimal_comma", "quoted_decimal_comma", "cp1252", "bom",
                                        "crlf", "gzip", "quote_all"]

    /// A workbook's format: the drawn one without the variants only a text file has.
    func asWorkbook() -> FileFormat {
        var f = self
        for (name, kp, _) in FileFormat.forced where FileFormat.textOnly.contains(name) { f[keyPath: kp] = false }
        f.xlsx = true
        return f
    }

    /// Draws a file's format at messiness `x` (0 = canonical).
    static func draw(_ rng: inout Rng, messiness x: Double, quirks: Bool = true) -> FileFormat {
        var f = FileFormat()
        guard x > 0 else { return f }
        for (_, kp, rate) in quirks ? forced : Array(forced.prefix(forced.count - FileFormat.quirks.count))
        where rng.chance(min(0.9, rate * x)) { f[keyPath: kp] = true }
        let style = UInt8(rng.int(in: 1...7))
        if !f.mixedDates && rng.chance(min(0.9, 0.4 * x)) { f.dateStyle = style }
        if rng.chance(min(0.9, 0.2 * x)) { f.methodVariant = UInt8(rng.int(in: 1...3)) }
        f.settle()
        return f
    }
}

/// Date styles seen in dumps. `styleCount` styles; bit 0x80 = old month spelling
/// (Pebruari, Nopember) in the named styles.
enum DateStyle {
    static let count: UInt8 = 8
    static let oldSpelling: UInt8 = 0x80
    static let names = ["dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy", "yyyy-mm-dd", "d Bulan yyyy",
                        "d Agu yyyy", "d Agt yyyy", "d BULAN yyyy"]
    /// Month first, as an English-locale spreadsheet writes it: `1/24/2025` (never drawn at random).
    static let monthFirst: UInt8 = 8

    /// Writes year/month/day (which may be an impossible date) in a style.
    static func write(_ y: Int, _ m: Int, _ d: Int, style: UInt8) -> String {
        let old = style & oldSpelling != 0
        switch style & 0x7F {
        case 1: return "\(d)/\(m)/\(y)"
        case 2: return pad(d, 2) + "-" + pad(m, 2) + "-" + pad(y, 4)
        case 3: return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        case 4: return "\(d) " + (old ? MonthNames.longVariant : MonthNames.long)[m - 1] + " \(y)"
        case 5: return "\(d) " + MonthNames.shortAgu[m - 1] + " \(y)"
        case 6: return "\(d) " + MonthNames.shortAgt[m - 1] + " \(y)"
        case 7: return "\(d) " + (old ? MonthNames.longVariant : MonthNames.long)[m - 1].uppercased() + " \(y)"
        case 8: return "\(m)/\(d)/\(y)"
        default: return pad(d, 2) + "/" + pad(m, 2) + "/" + pad(y, 4)
        }
    }
}

/// The e-PPGBM long-export columns, in canonical order, with the header spellings used.
enum Column: Int, CaseIterable {
    case no, nik, name, sex, birthDate, parent, province, kabupaten, kecamatan, puskesmas, desa
    case posyandu, rt, rw, address, age, measureDate, weight, height, method, muac
    case catWei, zWei, catLen, zLen, catWfl, zWfl
    case pmt, kelasIbu, mbg, detail

    /// Canonical header (domain.md §1.2; `Pukesmas` is the source's own spelling).
    var header: String { Column.headers[rawValue][0] }

    static let headers: [[String]] = [
        ["No", "NO", "no"],
        ["NIK", "Nik", "nik"],
        ["Nama Anak", "NAMA ANAK", "Nama"],
        ["JK", "jk", " JK "],
        ["Tgl Lahir", "TGL LAHIR", "Tgl  Lahir"],
        ["Nama Ortu", "NAMA ORTU", "Nama  Ortu"],
        ["Prov", " Prov ", "PROV"],
        ["Kab/Kota", "KAB/KOTA", "Kab / Kota"],
        ["Kecamatan", "Kec", "KECAMATAN"],
        ["Pukesmas", "Puskesmas", "PUSKESMAS"],
        ["Desa/Kel", "Desa / Kel", "DESA/KEL"],
        ["Posyandu", "POSYANDU", " Posyandu"],
        ["RT", "rt", " RT"],
        ["RW", "rw", " RW"],
        ["Alamat", "ALAMAT", "alamat"],
        ["Usia Saat Ukur", "USIA SAAT UKUR", "Usia saat ukur"],
        ["Tanggal Pengukuran", "TANGGAL PENGUKURAN", "Tanggal  Pengukuran"],
        ["Berat (kg)", "Berat", "BERAT (KG)", "Berat(kg)"],
        ["Tinggi (cm)", "Tinggi(cm)", "Tinggi", "TINGGI (CM)"],
        ["Cara Ukur", "CARA UKUR", "cara ukur"],
        ["LiLA (cm)", "LiLA", "LILA (CM)"],
        ["BB/U", "BB/U", "BB / U"],
        ["ZS BB/U", "ZS BB/U", "ZS BB / U", "ZS_BB_U", "z-core bb/u", "zscore_bb_u"],
        ["TB/U", "TB/U", "TB / U"],
        ["ZS TB/U", "ZS TB/U", "ZS TB / U", "ZS_TB_U", "z-core tb/u", "zscore_tb_u"],
        ["BB/TB", "BB/TB", "BB / TB"],
        ["ZS BB/TB", "ZS BB/TB", "ZS BB / TB", "ZS_BB_TB", "z-core bb/tb", "z_bbtb"],
        ["PMT Diterima (kg)"],
        ["Kelas Ibu Balita"],
        ["MBG"],
        ["Detail"],
    ]

    /// Abbreviated snake_case headers of re-typed exports (`header_abbrev`).
    static let abbreviated = [
        "no", "nik", "nama_anak", "jk", "tgl_lahir", "nama_ortu", "prov", "kab_kota", "kec", "puskesmas",
        "desa_kel", "posyandu", "rt", "rw", "alamat", "usia_saat_ukur", "tgl_ukur", "bb", "tb", "cara_ukur",
        "lila", "bb_u", "zscore_bb_u", "tb_u", "zscore_tb_u", "bb_tb", "z_bbtb",
        "pmt_diterima_kg", "kelas_ibu_balita", "mbg", "detail",
    ]
    static let locations: Set<Column> = [.province, .kabupaten, .kecamatan, .puskesmas, .desa, .posyandu]

    static let base: [Column] = Array(allCases[0...Column.muac.rawValue])
    static let reordered: [Column] = [.no, .nik, .name, .sex, .birthDate, .measureDate, .age, .weight,
                                       .height, .method, .muac, .parent, .province, .kabupaten, .kecamatan,
                                       .puskesmas, .desa, .posyandu, .rt, .rw, .address]
    static let zColumns: [Column] = [.catWei, .zWei, .catLen, .zLen, .catWfl, .zWfl]

    /// The columns of a file in its order: the vintage's set, without the location columns in a
    /// location-less file.
    static func order(_ f: FileFormat) -> [Column] {
        var cols = (f.reordered ? reordered : base) + (f.sourceZScores ? zColumns : [])
        if !f.hasMethod { cols.removeAll { $0 == .method } }
        if f.vintage2024 { cols.removeAll { $0 == .puskesmas || $0 == .posyandu }; cols.append(.pmt) }
        if f.vintage2025 { cols += [.kelasIbu, .mbg, .detail] }
        if f.locationLess { cols.removeAll { locations.contains($0) } }
        return cols
    }
}
