import TimbangCore

/// Turns a `Row` into the cells of a dump file, planting its defects and variants.
struct RowText {
    let kabupaten: Kabupaten
    let format: FileFormat

    /// Cells indexed by `Column.rawValue`.
    func cells(_ r: Row, child c: Child, no: Int) -> [String] {
        var bits = r.bits
        func choose(_ n: Int) -> Int { let v = Int(bits % UInt64(n)); bits /= UInt64(n) &+ 1; bits = mix64(bits); return v }
        let p = kabupaten.posyandu[Int(r.posyandu)]
        let d = kabupaten.desa[p.desa]
        var out = [String](repeating: "", count: Column.allCases.count)
        out[Column.no.rawValue] = String(no)
        out[Column.nik.rawValue] = nikText(r, c, choose)
        out[Column.name.rawValue] = cased(nameText(r, c, choose))
        out[Column.sex.rawValue] = sexText(r, c, choose)
        out[Column.birthDate.rawValue] = birthText(r, c, choose)
        out[Column.parent.rawValue] = cased(r.variants.contains(.parentFather) ? c.father : c.mother)
        out[Column.province.rawValue] = Kabupaten.province
        out[Column.kabupaten.rawValue] = Kabupaten.name
        out[Column.kecamatan.rawValue] = cased(kabupaten.kecamatan[d.kecamatan].name)
        out[Column.puskesmas.rawValue] = cased(kabupaten.puskesmas[d.puskesmas].name)
        out[Column.desa.rawValue] = cased(d.name)
        out[Column.posyandu.rawValue] = cased(p.name)
        out[Column.rt.rawValue] = pad(Int(c.rt), 3)
        out[Column.rw.rawValue] = pad(Int(c.rw), 3)
        out[Column.address.rawValue] = cased(address(c, newline: r.variants.contains(.addressNewline)))
        // e-PPGBM computes Usia Saat Ukur from the birth date: none without one (and ingest would
        // otherwise take the birth date back from it, see docs/ingest.md)
        out[Column.age.rawValue] = r.defect == .birthDateBlank ? "" : RowText.ageText(birth: c.birth, at: r.date)
        out[Column.measureDate.rawValue] = measureText(r, c, choose)
        let (w, h) = measurementTexts(r)
        out[Column.weight.rawValue] = w
        out[Column.height.rawValue] = h
        if r.height != nil && r.defect != .measurementsBlank {
            out[Column.method.rawValue] = methodText(r.measure)
        }
        out[Column.muac.rawValue] = r.muac.map { number($0, 1) } ?? ""
        if format.sourceZScores && r.defect == .none {
            if let z = r.zwei { out[Column.zWei.rawValue] = number(z, 2, fixed: true); out[Column.catWei.rawValue] = RowText.catWei(z) }
            if let z = r.zlen { out[Column.zLen.rawValue] = number(z, 2, fixed: true); out[Column.catLen.rawValue] = RowText.catLen(z) }
            if let z = r.zwfl { out[Column.zWfl.rawValue] = number(z, 2, fixed: true); out[Column.catWfl.rawValue] = RowText.catWfl(z) }
        }
        return out
    }

    func cased(_ s: String) -> String { format.upperCase ? s.uppercased() : s }

    /// A number with at most `decimals` places (`.` or `,` as the file writes them).
    func number(_ v: Double, _ decimals: Int, fixed: Bool = false) -> String {
        var s = formatFixed(v, decimals: decimals)
        if fixed || format.fixedDecimals {
            let dot = s.firstIndex(of: ".")
            let have = dot.map { s.distance(from: $0, to: s.endIndex) - 1 } ?? 0
            if dot == nil { s += "." }
            s += String(repeating: "0", count: decimals - have)
        }
        if format.semicolon || format.quotedDecimalComma {
            s = String(s.map { $0 == "." ? "," : $0 })
        }
        return s
    }

    func nikText(_ r: Row, _ c: Child, _ choose: (Int) -> Int) -> String {
        guard r.nikKnown else { return r.variants.contains(.nikPlaceholder) ? "0000000000000000" : "" }
        var nik = Array(c.nik.utf8)
        if r.variants.contains(.nikTypo) {
            // One digit of the serial's hundreds mistyped: still a well-formed NIK.
            let old = nik[13]
            nik[13] = 48 + UInt8((Int(old - 48) + 1 + choose(8)) % 10)
        }
        switch r.defect {
        case .nik15Digits: nik.removeLast()
        case .nik17Digits: nik.insert(48 + UInt8(choose(10)), at: 6 + choose(10))
        case .nikLetterO:
            if let i = nik.lastIndex(of: 48) { nik[i] = 79 } else { nik[4] = 79 }
        case .nikExcel:
            // Excel's display of a 16-digit number: 6 significant digits, `E+15`.
            var mant = [nik[0], 46] + nik[1...5]
            while mant.last == 48 { mant.removeLast() }
            if mant.last == 46 { mant.removeLast() }
            return String(decoding: mant, as: UTF8.self) + "E+15"
        default: break
        }
        return String(decoding: nik, as: UTF8.self)
    }

    func nameText(_ r: Row, _ c: Child, _ choose: (Int) -> Int) -> String {
        var words = c.name.split(separator: " ").map(String.init)
        if r.variants.contains(.nameDroppedLast) && words.count > 1 { words.removeLast() }
        if r.variants.contains(.nameMuhammad), let i = words.firstIndex(of: "Muhammad") {
            words[i] = ["Muhamad", "M.", "Moh.", "Mochammad", "Muh."][choose(5)]
        }
        if r.variants.contains(.nameRizky), let i = words.firstIndex(of: "Rizky") {
            words[i] = ["Rizki", "Risky", "Rizqi"][choose(3)]
        }
        if r.variants.contains(.nameSpelling) { words = NameVariants.respell(words, choose) }
        if r.variants.contains(.nameCompound), let w = NameVariants.compound(words) { words = w }
        if r.variants.contains(.nameInitial) { words = NameVariants.initial(words, choose) }
        var name = words.joined(separator: " ")
        if r.variants.contains(.nameApostrophe) {
            let with = ["'", "", "`"][choose(3)]
            name = name.split(separator: "\u{2019}", omittingEmptySubsequences: false).joined(separator: with)
        }
        return name
    }

    func sexText(_ r: Row, _ c: Child, _ choose: (Int) -> Int) -> String {
        switch r.defect {
        case .sexBlank: return ""
        case .sexInvalid: return ["X", "?", "0", "LP", "L/P"][choose(5)]
        default:
            guard format.sexWords else { return c.sex.code }
            switch choose(3) {
            case 0: return c.sex == .male ? "Laki-laki" : "Perempuan"
            case 1: return c.sex == .male ? " l " : "p "
            default: return c.sex == .male ? "LAKI-LAKI" : "PEREMPUAN"
            }
        }
    }

    func birthText(_ r: Row, _ c: Child, _ choose: (Int) -> Int) -> String {
        var b = c.birth
        if r.variants.contains(.birthDayMonthSwapped), let s = Variants.swappedBirth(b, measured: r.date) { b = s }
        let v = b.civil
        switch r.defect {
        case .birthDateBlank: return ""
        case .birthDateImpossible: return impossible(v.year, choose)
        case .ageOver60:
            // A year typed five or six years too early.
            let y = v.year - 5 - choose(2)
            return DateStyle.write(y, v.month, min(v.day, Day.daysInMonth(year: y, month: v.month)), style: r.birthStyle)
        default: return DateStyle.write(v.year, v.month, v.day, style: r.birthStyle)
        }
    }

    func measureText(_ r: Row, _ c: Child, _ choose: (Int) -> Int) -> String {
        let v = r.date.civil
        switch r.defect {
        case .measureDateBlank: return ""
        case .measureDateImpossible: return impossible(v.year, choose)
        case .measureDateFuture:
            let y = v.year + 10
            return DateStyle.write(y, v.month, min(v.day, 28), style: r.measStyle)
        case .measureBeforeBirth:
            let e = (c.birth + -(20 + choose(300))).civil
            return DateStyle.write(e.year, e.month, e.day, style: r.measStyle)
        default: return DateStyle.write(v.year, v.month, v.day, style: r.measStyle)
        }
    }

    /// `31/04/2024` or `30 Februari 2024`: a day the month does not have.
    func impossible(_ year: Int, _ choose: (Int) -> Int) -> String {
        let k = choose(5)
        let style = format.mixedDates ? UInt8(choose(Int(DateStyle.count))) : format.dateStyle
        if k == 4 { return DateStyle.write(year, 2, Day.isLeap(year) ? 30 : 29 + choose(2), style: style) }
        return DateStyle.write(year, [4, 6, 9, 11][k], 31, style: style)
    }

    func measurementTexts(_ r: Row) -> (String, String) {
        let w = r.weight.map { number($0, 2) } ?? ""
        let h = r.height.map { number($0, 1) } ?? ""
        switch r.defect {
        case .measurementsBlank: return ("", "")
        case .weightZero: return ("0", h)
        case .weightGrams: return (formatFixed(r.weight! * 1000, decimals: 0), h)
        case .weightLostDecimal:
            // The decimal point dropped: 9.8 → 98, 9.85 → 985 (weights of 5 kg or more only).
            let w100 = Int((r.weight! * 100).rounded())
            return (String(w100 % 10 == 0 ? w100 / 10 : w100), h)
        case .heightMetres: return (w, number(r.height! / 100, 3))
        case .heightMillimetres: return (w, formatFixed(r.height! * 10, decimals: 0))
        case .weightHeightSwapped: return (h, w)
        default: return (w, h)
        }
    }

    func methodText(_ m: Measure) -> String {
        let lying = ["Terlentang", "Telentang", "TERLENTANG", "terlentang"]
        let standing = ["Berdiri", "Berdiri", "BERDIRI", "berdiri"]
        return (m == .lying ? lying : standing)[Int(format.methodVariant)]
    }

    func address(_ c: Child, newline: Bool) -> String {
        let s = Int(c.street)
        let n = Int(c.houseNo)
        let dusun = Names.dusun[(s + n) % Names.dusun.count]
        if s >= Names.streets.count { return newline ? "Dusun " + dusun + "\nRT " + pad(Int(c.rt), 2) : "Dusun " + dusun }
        let street = "Jl. " + Names.streets[s] + " No. " + String(n)
        if newline { return street + "\nDusun " + dusun }
        if n % 17 == 0 { return "Perum \"Griya Asri\" Blok C-" + String(n % 9 + 1) }
        if n % 5 == 0 { return street + ", Dusun " + dusun }
        return street
    }

    /// e-PPGBM's age text: `1 Tahun 2 Bulan 5 Hari`.
    static func ageText(birth: Day, at date: Day) -> String {
        let b = birth.civil, m = date.civil
        var months = (m.year - b.year) * 12 + (m.month - b.month)
        var days = m.day - b.day
        if days < 0 {
            months -= 1
            let prev = YearMonth(year: m.year, month: m.month).previous
            days += Day.daysInMonth(year: prev.year, month: prev.month)
        }
        guard months >= 0 else { return "" }
        return "\(months / 12) Tahun \(months % 12) Bulan \(days) Hari"
    }

    // e-PPGBM's category labels (domain.md §1.2 vocabulary).
    static func catWei(_ z: Double) -> String { z < -3 ? "Sangat Kurang" : z < -2 ? "Kurang" : z <= 1 ? "Normal" : "Risiko Lebih" }
    static func catLen(_ z: Double) -> String { z < -3 ? "Sangat Pendek" : z < -2 ? "Pendek" : z <= 3 ? "Normal" : "Tinggi" }
    static func catWfl(_ z: Double) -> String {
        z < -3 ? "Gizi Buruk" : z < -2 ? "Gizi Kurang" : z <= 1 ? "Gizi Baik" : z <= 2 ? "Risiko Gizi Lebih" : z <= 3 ? "Gizi Lebih" : "Obesitas"
    }
}
