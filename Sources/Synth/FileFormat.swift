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
    static func draw(_ rng: inout Rng, messiness x: Double) -> FileFormat {
        var f = FileFormat()
        guard x > 0 else { return f }
        for (_, kp, rate) in forced where rng.chance(min(0.9, rate * x)) { f[keyPath: kp] = true }
        if f.semicolon { f.quotedDecimalComma = false }
        if f.cp1252 { f.bom = false }
        if !f.mixedDates && rng.chance(min(0.9, 0.4 * x)) { f.dateStyle = UInt8(rng.int(in: 1...7)) }
        if rng.chance(min(0.9, 0.2 * x)) { f.methodVariant = UInt8(rng.int(in: 1...3)) }
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
        default: return pad(d, 2) + "/" + pad(m, 2) + "/" + pad(y, 4)
        }
    }
}

/// The e-PPGBM long-export columns, in canonical order, with the header spellings used.
enum Column: Int, CaseIterable {
    case no, nik, name, sex, birthDate, parent, province, kabupaten, kecamatan, puskesmas, desa
    case posyandu, rt, rw, address, age, measureDate, weight, height, method, muac
    case catWei, zWei, catLen, zLen, catWfl, zWfl

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
        ["ZS BB/U", "ZS BB/U", "ZS BB / U"],
        ["TB/U", "TB/U", "TB / U"],
        ["ZS TB/U", "ZS TB/U", "ZS TB / U"],
        ["BB/TB", "BB/TB", "BB / TB"],
        ["ZS BB/TB", "ZS BB/TB", "ZS BB / TB"],
    ]

    static let base: [Column] = Array(allCases[0...Column.muac.rawValue])
    static let reordered: [Column] = [.no, .nik, .name, .sex, .birthDate, .measureDate, .age, .weight,
                                       .height, .method, .muac, .parent, .province, .kabupaten, .kecamatan,
                                       .puskesmas, .desa, .posyandu, .rt, .rw, .address]
    static let zColumns: [Column] = [.catWei, .zWei, .catLen, .zLen, .catWfl, .zWfl]

    static func order(_ f: FileFormat) -> [Column] { (f.reordered ? reordered : base) + (f.sourceZScores ? zColumns : []) }
}
