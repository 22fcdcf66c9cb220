/// The `Record` fields a dump column can fill, and the header spellings that name them.
enum Field: Int, CaseIterable, Sendable {
    case no, nik, name, sex, birthDate, parentName, province, kabupaten, kecamatan, puskesmas
    case desa, posyandu, rt, rw, address, ageText, measureDate, weight, height, method, muac
    case oedema, zWei, zLen, zWfl, catWei, catLen, catWfl, growth

    /// Header spellings, normalised by `headerKey` (lower case, letters and digits only),
    /// best first: when two columns name the same field, the better spelling wins.
    var aliases: [String] {
        switch self {
        case .no: return ["no", "nomor", "nourut"]
        case .nik: return ["nik", "nikanak", "nikbalita"]
        case .name: return ["namaanak", "namabalita", "nama"]
        case .sex: return ["jk", "jeniskelamin", "kelamin", "lp", "sex", "jeniskel", "jkel", "gender"]
        case .birthDate: return ["tgllahir", "tanggallahir", "tgllhr", "tgllahiranak", "tanggallahiranak",
                                 "tgllahirbalita", "tanggallahirbalita"]
        case .parentName: return ["namaortu", "namaorangtua", "ortu", "orangtua", "namaibu", "namaayahibu"]
        case .province: return ["prov", "provinsi", "propinsi"]
        case .kabupaten: return ["kabkota", "kabupatenkota", "kabkot", "kabupaten", "kab", "kota"]
        case .kecamatan: return ["kec", "kecamatan", "namakecamatan"]
        case .puskesmas: return ["puskesmas", "pukesmas", "pkm", "namapuskesmas"]
        case .desa: return ["desakel", "desakelurahan", "desa", "kelurahan", "kel", "namadesa", "namakelurahan"]
        case .posyandu: return ["posyandu", "namaposyandu"]
        case .rt: return ["rt"]
        case .rw: return ["rw"]
        case .address: return ["alamat", "alamatlengkap"]
        case .ageText: return ["usiasaatukur", "umursaatukur", "usia", "umur", "usiabulan", "umurbulan", "usiasaatukurbulan"]
        case .measureDate: return ["tanggalpengukuran", "tglpengukuran", "tglukur", "tanggalukur",
                                   "tanggalpenimbangan", "tglpenimbangan", "tgltimbang", "tanggaltimbang"]
        case .weight: return ["berat", "beratkg", "beratbadan", "beratbadankg", "bb", "bbkg"]
        case .height: return ["tinggi", "tinggicm", "tinggibadan", "tinggibadancm", "tb", "tbcm",
                              "panjangtinggi", "panjangtinggicm", "pbtb", "tbpb", "pbtbcm", "tbpbcm",
                              "panjangbadan", "pb"]
        case .method: return ["caraukur", "caraukurtb", "caraukurtinggi", "posisiukur", "posisi"]
        case .muac: return ["lila", "lilacm", "lingkarlenganatas", "lingkarlenganatascm"]
        case .oedema: return ["edema", "oedema", "udema", "edemabilateral"]
        // e-PPGBM's own z-scores: `ZS BB/U`, `ZS_BB_U`, `z-core bb/u` (sic), `zscore_bb_u`, `z_bbtb`…
        case .zWei: return ["zsbbu", "zbbu", "zscorebbu", "zcorebbu", "zsbbumur", "zscorebbumur"]
        case .zLen: return ["zstbu", "zspbu", "zspbtbu", "zstbpbu", "ztbu", "zscoretbu", "zpbu", "zpbtbu", "ztbpbu",
                            "zscorepbu", "zscorepbtbu", "zscoretbpbu", "zcoretbu", "zcorepbu", "zcorepbtbu", "zcoretbpbu"]
        case .zWfl: return ["zsbbtb", "zsbbpb", "zsbbpbtb", "zsbbtbpb", "zbbtb", "zscorebbtb", "zbbpb", "zbbpbtb",
                            "zbbtbpb", "zscorebbpb", "zscorebbpbtb", "zscorebbtbpb", "zcorebbtb", "zcorebbpb",
                            "zcorebbpbtb", "zcorebbtbpb"]
        case .catWei: return ["bbu", "statusbbu"]
        case .catLen: return ["tbu", "pbu", "pbtbu", "tbpbu", "statustbu"]
        case .catWfl: return ["bbtb", "bbpb", "bbpbtb", "bbtbpb", "statusbbtb"]
        case .growth: return ["naikberatbadan", "naikbb", "statusnaik", "statuspertumbuhan"]
        }
    }

    /// The header spelling used in messages.
    var displayName: String {
        switch self {
        case .no: "No"
        case .nik: "NIK"
        case .name: "Nama Anak"
        case .sex: "JK"
        case .birthDate: "Tgl Lahir"
        case .parentName: "Nama Ortu"
        case .province: "Prov"
        case .kabupaten: "Kab/Kota"
        case .kecamatan: "Kecamatan"
        case .puskesmas: "Puskesmas"
        case .desa: "Desa/Kel"
        case .posyandu: "Posyandu"
        case .rt: "RT"
        case .rw: "RW"
        case .address: "Alamat"
        case .ageText: "Usia Saat Ukur"
        case .measureDate: "Tanggal Pengukuran"
        case .weight: "Berat (kg)"
        case .height: "Tinggi (cm)"
        case .method: "Cara Ukur"
        case .muac: "LiLA (cm)"
        case .oedema: "Edema"
        case .zWei: "ZS BB/U"
        case .zLen: "ZS TB/U"
        case .zWfl: "ZS BB/TB"
        case .catWei: "BB/U"
        case .catLen: "TB/U"
        case .catWfl: "BB/TB"
        case .growth: "Naik Berat Badan"
        }
    }

    /// Columns whose absence is worth a warning: without them few records can be used.
    static let essential: [Field] = [.sex, .birthDate, .measureDate, .weight, .height, .posyandu]
}

/// Columns e-PPGBM and posyandu exports carry that timbang does not use: read past silently.
let knownUnusedColumns: Set<String> = [
    "bblahir", "tblahir", "pblahir", "beratlahir", "panjanglahir", "bbl", "pbl",
    "bulanpengukuran", "bulanukur", "statusbulan", "statustahun", "tahunpengukuran",
    "pmtditerima", "pmtditerimakg", "jmlvita", "jumlahvita", "vita", "vitamina",
    "kpsp", "kia", "bukukia", "kelasibubalita", "mbg", "detail", "detailstatus", "statusdesa",
    "nokk", "nikortu", "nikibu", "nikayah", "nohp", "nohportu", "imd", "anakke",
    "namaayah", "lingkarkepala", "lk", "asieksklusif", "asi", "imtu", "zsimtu", "bbtbu",
    "tinggilahir", "rtrw", "kodewilayah", "kodedesa", "kodeposyandu", "id", "idanak",
    "tanggalinput", "tglinput", "petugas", "namapetugas", "keterangan", "ket", "catatan",
]

/// A header cell normalised for alias lookup: ASCII letters and digits, lower case.
/// `" Tinggi (cm) "` → `tinggicm`, `Desa / Kel` → `desakel`, `ZS BB/U` → `zsbbu`.
func headerKey(_ s: String, droppingParentheses: Bool = false) -> String {
    var out: [UInt8] = []
    var depth = 0
    for var c in s.utf8 {
        if droppingParentheses {
            if c == 40 { depth += 1; continue }
            if c == 41 { depth = max(0, depth - 1); continue }
            if depth > 0 { continue }
        }
        if c >= 65 && c <= 90 { c += 32 }
        if (c >= 97 && c <= 122) || (c >= 48 && c <= 57) { out.append(c) }
    }
    return String(decoding: out, as: UTF8.self)
}

/// How one file's header maps CSV columns to `Record` fields.
struct HeaderMap {
    /// Per CSV column: the `Field` raw value it fills, or -1 (ignored).
    var slots: [Int8]
    /// Number of header cells (fields a complete record has).
    var width: Int
    /// Number of columns up to the last one with a name: trailing unnamed columns may be
    /// missing from data rows without making them malformed.
    var namedWidth: Int
    /// Header cells that are neither a field nor a known unused column, as written.
    var unknown: [String] = []
    /// Columns ignored because an equally good spelling of the same field came earlier.
    var duplicates: [(column: String, field: Field)] = []
    /// Fields found.
    var found: Set<Field> = []

    private static let lookup: [String: (Field, Int)] = {
        var d: [String: (Field, Int)] = [:]
        for f in Field.allCases {
            for (rank, a) in f.aliases.enumerated() where d[a] == nil { d[a] = (f, rank) }
        }
        return d
    }()

    /// Which field a header cell names (with its alias rank), or nil; `known` tells whether
    /// an unmapped cell is a known unused column.
    static func classify(_ cell: String) -> (field: (Field, Int)?, known: Bool) {
        let full = headerKey(cell)
        if full.isEmpty { return (nil, true) }
        if let hit = lookup[full] { return (hit, true) }
        let bare = headerKey(cell, droppingParentheses: true)
        if let hit = lookup[bare] { return (hit, true) }
        return (nil, knownUnusedColumns.contains(full) || knownUnusedColumns.contains(bare))
    }

    /// Number of distinct fields a row would map if it were the header.
    static func score(_ cells: [String]) -> Int {
        var seen = Set<Field>()
        for c in cells { if let f = classify(c).field { seen.insert(f.0) } }
        return seen.count
    }

    init(header cells: [String]) {
        width = cells.count
        namedWidth = 0
        for (i, c) in cells.enumerated() where !headerKey(c).isEmpty { namedWidth = i + 1 }
        slots = Array(repeating: -1, count: cells.count)
        var best: [Field: (column: Int, rank: Int)] = [:]
        for (i, cell) in cells.enumerated() {
            let (hit, known) = HeaderMap.classify(cell)
            guard let (field, rank) = hit else {
                if !known { unknown.append(cell) }
                continue
            }
            if let prev = best[field] {
                if rank < prev.rank {
                    best[field] = (i, rank)
                } else if rank == prev.rank {
                    duplicates.append((cell, field))
                }
            } else {
                best[field] = (i, rank)
            }
        }
        for (field, pick) in best { slots[pick.column] = Int8(field.rawValue) }
        found = Set(best.keys)
    }
}
