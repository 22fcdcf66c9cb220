/// Name lists for the fictional kabupaten: children, parents, places.
/// Common Javanese/Sundanese/Islamic given names as seen on posyandu registers; a few carry
/// `’` or `é` so the encodings (UTF-8 vs Windows-1252) matter.
enum Names {
    /// Name prefixes written before a child's given name (index 0 = none).
    static let prefixes = ["", "Muhammad", "Ahmad", "Siti", "Nur"]
    static let boyPrefixes: [UInt8] = [0, 0, 0, 0, 1, 1, 1, 2]
    static let girlPrefixes: [UInt8] = [0, 0, 0, 0, 0, 3, 3, 4]

    static let boys = [
        "Rizky", "Fajar", "Dimas", "Raka", "Arya", "Bima", "Galih", "Yoga", "Aditya", "Bagas",
        "Dafa", "Farel", "Rafi", "Alif", "Ilham", "Zaki", "Hafiz", "Fikri", "Rehan", "Naufal",
        "Arkan", "Abizar", "Kenzo", "Rayyan", "Azka", "Athar", "Gibran", "Satria", "Wahyu", "Dani",
        "Rendi", "Akbar", "Iqbal", "Haikal", "Fathan", "Ma’ruf", "Nu’man", "Syafi’i", "René", "Daffa",
    ]
    static let boyLast = [
        "Pratama", "Saputra", "Ramadhan", "Maulana", "Hidayat", "Firmansyah", "Setiawan", "Nugroho",
        "Wijaya", "Kurniawan", "Santoso", "Prasetyo", "Alfarizi", "Hakim", "Ardiansyah", "Putra",
        "Rizky", "Al Fatih",
    ]
    static let girls = [
        "Aisyah", "Putri", "Dewi", "Ayu", "Anisa", "Nabila", "Zahra", "Salsabila", "Aqila", "Azzahra",
        "Keisha", "Naura", "Alya", "Kirana", "Citra", "Intan", "Rara", "Nayla", "Khansa", "Adiba",
        "Hana", "Shakila", "Syifa", "Fatimah", "Khadijah", "Mutia", "Zoé", "Chloé", "Renée", "Jum’ati",
    ]
    static let girlLast = [
        "Rahmawati", "Lestari", "Maharani", "Puspita", "Safitri", "Wulandari", "Anggraini", "Permata",
        "Ramadhani", "Aulia", "Khairunnisa", "Febriani", "Oktaviani", "Kusuma", "Sari", "Amelia",
        "Nuraini", "Azzahra",
    ]
    static let motherFirst = [
        "Sri", "Siti", "Dewi", "Rina", "Nurul", "Yuli", "Eka", "Tri", "Ani", "Lilis", "Neneng",
        "Ratna", "Endang", "Wulan", "Umi", "Nining", "Fitri", "Indah", "Desi", "Yati", "Sumarni",
        "Suparti", "Ida", "Rohmah", "Ma’rifah", "Mu’awanah",
    ]
    static let motherLast = [
        "Wahyuni", "Aminah", "Sartika", "Marlina", "Hidayah", "Astuti", "Susanti", "Handayani",
        "Suryani", "Hasanah", "Sari", "Lestari", "Kalsum", "Kurniasih", "Yani", "Permatasari",
        "Ratnasari", "Rahayu", "Fatimah", "Mulyani", "",
    ]
    static let fatherFirst = [
        "Budi", "Agus", "Slamet", "Joko", "Eko", "Dwi", "Bambang", "Hendra", "Andi", "Rudi", "Heru",
        "Wawan", "Asep", "Dedi", "Yusuf", "Ahmad", "Muhammad", "Taufik", "Arif", "Irfan", "Sugeng",
        "Suparman",
    ]
    static let fatherLast = [
        "Santoso", "Setiawan", "Prasetyo", "Hidayat", "Susanto", "Wibowo", "Gunawan", "Saputra",
        "Nugroho", "Kurniawan", "Hermawan", "Firmansyah", "Supriyadi", "Rahman", "Hakim", "Sutrisno", "",
    ]

    // Places: names built from Javanese/Sundanese stems.
    static let placeStems = [
        "Sumber", "Karang", "Sido", "Tegal", "Wono", "Kali", "Mulyo", "Jati", "Banyu", "Kedung",
        "Pandan", "Gedong", "Ngadi", "Purwo", "Suka", "Tanjung", "Cipta", "Harjo", "Krajan", "Watu",
    ]
    static let placeEnds = [
        "rejo", "mulyo", "sari", "agung", "makmur", "harjo", "asri", "jaya", "wetan", "kulon",
        "maju", "luhur", "anyar", "manis", "dadi", "kerto",
    ]
    static let posyanduNames = [
        "Melati", "Mawar", "Anggrek", "Dahlia", "Kenanga", "Flamboyan", "Cempaka", "Teratai",
        "Kamboja", "Seruni", "Bougenville", "Nusa Indah", "Asoka", "Edelweis", "Matahari",
        "Kasih Ibu", "Harapan Bunda", "Sehat Sejahtera", "Tunas Harapan", "Bina Sehat",
    ]
    static let streets = [
        "Melati", "Kenanga", "Mawar", "Pahlawan", "Merdeka", "Diponegoro", "Kartini", "Sudirman",
        "Pemuda", "Veteran", "Masjid", "Raya",
    ]
    static let dusun = ["Krajan", "Ngemplak", "Karanglo", "Sidomukti", "Gondang", "Tegalrejo", "Sumberjo", "Wetan"]
}

/// Indonesian month names as the dumps write them.
enum MonthNames {
    static let long = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                       "September", "Oktober", "November", "Desember"]
    /// Older spellings still typed: Pebruari, Nopember.
    static let longVariant = ["Januari", "Pebruari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                              "September", "Oktober", "Nopember", "Desember"]
    static let shortAgu = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    static let shortAgt = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nop", "Des"]
}

extension Variants {
    /// A word of the child's name respelled by one rule of `NameVariants.spellings`.
    static let nameSpelling = Variants(rawValue: 1 << 15)
    /// A word other than the first written as its initial (`Arga G. Wibowo`).
    static let nameInitial = Variants(rawValue: 1 << 14)
    /// A compound split or joined (`Syahputra` / `Syah Putra`, `Nur Aini` / `Nuraini`).
    static let nameCompound = Variants(rawValue: 1 << 13)
    /// The name variants of `NameVariants` with their truth codes and rates per record.
    static let nameSpellings: [(Variants, String, Double)] = [
        (.nameSpelling, "name_spelling", 0.04),
        (.nameInitial, "name_initial", 0.015),
        (.nameCompound, "name_compound", 0.25),
    ]
}

/// How cadres write a child's name differently from one month to the next (the name
/// variants `name_spelling`, `name_initial`, `name_compound` of the truth's `variants`).
/// Each is a rule of the families seen in real registers, not a list of examples.
enum NameVariants {
    /// Compounds written as one word or two: split ↔ joined (both directions are planted).
    static let compounds: [(String, String)] = [
        ("Syahputra", "Syah Putra"), ("Nuraini", "Nur Aini"), ("Azzahra", "Az Zahra"),
        ("Firmansyah", "Firman Syah"), ("Ardiansyah", "Ardian Syah"), ("Alfarizi", "Al Farizi"),
        ("Alfatih", "Al Fatih"), ("Khairunnisa", "Khairun Nisa"), ("Salsabila", "Salsa Bila"),
    ]

    /// True when the variant can change this child's name.
    static func fits(_ v: Variants, _ c: Child) -> Bool {
        let words = c.name.split(separator: " ").map(String.init)
        switch v {
        case .nameSpelling: return words.indices.contains { !spellings(words[$0], first: $0 == 0).isEmpty && !isPrefix(words[$0]) }
        case .nameInitial: return words.count >= 2
        case .nameCompound: return compound(words) != nil
        default: return false
        }
    }

    static func isPrefix(_ w: String) -> Bool { Names.prefixes.contains(w) }

    /// The name with one word respelled (`choose` picks the word and the rule).
    static func respell(_ words: [String], _ choose: (Int) -> Int) -> [String] {
        let candidates = words.indices.filter { !isPrefix(words[$0]) && !spellings(words[$0], first: $0 == 0).isEmpty }
        guard !candidates.isEmpty else { return words }
        let i = candidates[choose(candidates.count)]
        let options = spellings(words[i], first: i == 0)
        var out = words
        out[i] = options[choose(options.count)]
        return out
    }

    /// A word of two or more: replaced by its initial and a full stop (`Galih` → `G.`); never the
    /// first word.
    static func initial(_ words: [String], _ choose: (Int) -> Int) -> [String] {
        guard words.count >= 2 else { return words }
        let i = 1 + choose(words.count - 1)
        var out = words
        out[i] = String(words[i].prefix(1)) + "."
        return out
    }

    /// A compound split or joined (`Nuraini` ↔ `Nur Aini`), or a leading `Nur` joined to the next
    /// word (`Nur Aisyah` → `Nuraisyah`); nil when the name has none.
    static func compound(_ words: [String]) -> [String]? {
        for (joined, split) in compounds {
            let parts = split.split(separator: " ").map(String.init)
            if let i = words.firstIndex(of: joined) { return Array(words[..<i]) + parts + words[(i + 1)...] }
            for i in words.indices.dropLast() where words[i] == parts[0] && words[i + 1] == parts[1] {
                return Array(words[..<i]) + [joined] + words[(i + 2)...]
            }
        }
        if words.count >= 2 && words[0] == "Nur" {
            return ["Nur" + words[1].lowercased()] + words.dropFirst(2)
        }
        return nil
    }

    /// The other spellings one rule gives a word (empty when no rule applies):
    /// `i`→`ie` before a consonant (`Alif`/`Alief`), `k`→`kh` before a vowel (`Arkan`/`Arkhan`),
    /// a final `a`→`o` (`Zahra`/`Zahro`), `ay`/`ai`→`ey`/`ei` (`Kayla`/`Keyla`), a final `e`
    /// after `n` (`Zidan`/`Zidane`), an epenthetic `e` in `tr pr br gr dr kr` (`Putri`/`Puteri`),
    /// `y`→`i` after a vowel (`Nayla`/`Naila`), old spellings `j`→`dj`, `c`→`tj`, `u`→`oe`,
    /// `sy`→`s`, `d`→`dh`, `dh`/`th`→`d`/`t`, a letter doubled or undoubled (`Dafa`/`Daffa`),
    /// `z`/`s`, `q`/`k`, a final `h` dropped (`Fatimah`/`Fatima`).
    static func spellings(_ word: String, first: Bool) -> [String] {
        let w = Array(word.unicodeScalars)
        guard w.count >= 3, w.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic }) else { return [] }
        let lower = w.map { Character($0).lowercased().first! }
        func vowel(_ c: Character) -> Bool { "aeiou".contains(c) }
        func text(_ cs: [Character]) -> String {
            var s = String(cs)
            if let f = s.first, Character(String(w[0])).isUppercase { s = f.uppercased() + s.dropFirst() }
            return s
        }
        var out: [String] = []
        let n = lower.count
        for i in 0..<n {
            let c = lower[i]
            let next: Character? = i + 1 < n ? lower[i + 1] : nil
            let prev: Character? = i > 0 ? lower[i - 1] : nil
            var v = lower
            if c == "i", i > 0, let nx = next, !vowel(nx), nx != "y" { v.insert("e", at: i + 1); out.append(text(v)) }
            v = lower
            if c == "k", i > 0, let nx = next, vowel(nx) { v.insert("h", at: i + 1); out.append(text(v)) }
            v = lower
            if c == "a", i == n - 1, n >= 5, let p = prev, !vowel(p) { v[i] = "o"; out.append(text(v)) }
            v = lower
            if c == "a", i > 0, next == "y" || next == "i" { v[i] = "e"; out.append(text(v)) }
            v = lower
            if c == "n", i == n - 1, n >= 4, let p = prev, vowel(p) { v.append("e"); out.append(text(v)) }
            v = lower
            if c == "r", let p = prev, i >= 2, "tpbgdk".contains(p), let nx = next, vowel(nx) { v.insert("e", at: i); out.append(text(v)) }
            v = lower
            if c == "y", let p = prev, vowel(p) { v[i] = "i"; out.append(text(v)) }
            v = lower
            if c == "j" { v.insert("d", at: i); out.append(text(v)) }
            v = lower
            if c == "c" && next != "h" { v[i] = "t"; v.insert("j", at: i + 1); out.append(text(v)) }
            v = lower
            if c == "u", prev != "o" { v[i] = "o"; v.insert("e", at: i + 1); out.append(text(v)) }
            v = lower
            if c == "s", next == "y" { v.remove(at: i + 1); out.append(text(v)) }
            v = lower
            if c == "d", next != "h", i > 0 { v.insert("h", at: i + 1); out.append(text(v)) }
            v = lower
            if (c == "d" || c == "t"), next == "h" { v.remove(at: i + 1); out.append(text(v)) }
            v = lower
            if !vowel(c), c != "h", c != "y", let p = prev, vowel(p), let nx = next, vowel(nx) { v.insert(c, at: i); out.append(text(v)) }
            v = lower
            if let nx = next, nx == c, !vowel(c) { v.remove(at: i); out.append(text(v)) }
            v = lower
            if c == "z" { v[i] = "s"; out.append(text(v)) }
            v = lower
            if c == "q" { v[i] = "k"; out.append(text(v)) }
            v = lower
            if c == "h", i == n - 1, let p = prev, vowel(p) { v.removeLast(); out.append(text(v)) }
        }
        _ = first
        return Array(Set(out)).filter { $0 != word }.sorted()
    }
}

