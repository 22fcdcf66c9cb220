/// Name normalisation for linking children's records.
///
/// `canonicalTokens("Muhammad Rizky")`, `("M. Rizki")`, `("MUHAMAD  RIZKI")` and
/// `("Moh. Riski")` all give `["MUHAMAD", "RISKI"]`: a spelling skeleton, not a display form.
/// Steps, per token (in this order):
/// 1. upper case; apostrophes (`'`, `’`, `‘`, `` ` ``) removed inside the word (`Nur'aini` = `Nuraini`);
///    any other punctuation separates words;
/// 2. the many ways of writing Muhammad (`Muhamad`, `Mohammad`, `Mochamad`, `Moh`, `Muh`,
///    `Mhd`, `Mohd`, and `M` as the first word) become one word;
/// 3. old and variant spellings fold together: `OE`→`U`, `DJ`→`J`, `TJ`→`C`, `SJ`→`SY`,
///    `CH`→`KH`, `KH`→`H`, `PH`→`F`, `TH`→`T`, `DH`→`D`, `Q`→`K`, `V`→`F`, `Z`→`S`, `Y`→`I`
///    (Rizky/Rizki/Riski, Ramadhan/Ramadan, Fathir/Fatir, Novi/Nofi);
/// 4. doubled letters become one (`Muhammad`/`Muhamad`, `Annisa`/`Anisa`);
/// 5. a final `H` after a vowel is dropped (`Fatimah`/`Fatima`, `Aisyah`/`Aisya`).
/// Leading `An.`/`Anak` ("child") is dropped when more words follow.
enum Names {
    /// The canonical words of a name (see the type's documentation).
    static func canonicalTokens(_ raw: String) -> [String] {
        var words: [[UInt8]] = []
        var cur: [UInt8] = []
        func flush() { if !cur.isEmpty { words.append(cur); cur = [] } }
        for s in raw.unicodeScalars {
            switch s.value {
            case 65...90: cur.append(UInt8(s.value))
            case 97...122: cur.append(UInt8(s.value - 32))
            case 48...57: cur.append(UInt8(s.value))
            case 39, 96, 0x2018, 0x2019, 0x02BC, 0xB4: continue // apostrophes join
            case 0..<128: flush()
            default:
                // Accented Latin letters fold to their base letter in either case (`Zoé` =
                // `ZOÉ` = `Zoe`: the same name typed in another file); other letters are kept,
                // upper-cased, as their UTF-8 bytes.
                if let base = latinBase(s) { cur.append(base) } else {
                    cur.append(contentsOf: Array(String(s).uppercased().utf8))
                }
            }
        }
        flush()
        if words.count > 1, words[0] == Array("AN".utf8) || words[0] == Array("ANAK".utf8) {
            words.removeFirst()
        }
        var out: [String] = []
        out.reserveCapacity(words.count)
        for (i, w) in words.enumerated() {
            if muhammad.contains(w) || (i == 0 && words.count > 1 && w == [77]) {
                out.append("MUHAMAD")
            } else {
                out.append(skeleton(w))
            }
        }
        return out
    }

    /// The upper-case ASCII base letter of an accented Latin-1 letter, or nil.
    static func latinBase(_ s: Unicode.Scalar) -> UInt8? {
        switch s.value {
        case 0xC0...0xC5, 0xE0...0xE5: return 65  // A
        case 0xC7, 0xE7: return 67                 // C
        case 0xC8...0xCB, 0xE8...0xEB: return 69  // E
        case 0xCC...0xCF, 0xEC...0xEF: return 73  // I
        case 0xD1, 0xF1: return 78                 // N
        case 0xD2...0xD6, 0xD8, 0xF2...0xF6, 0xF8: return 79  // O
        case 0xD9...0xDC, 0xF9...0xFC: return 85  // U
        case 0xDD, 0xFD, 0xFF: return 89           // Y
        default: return nil
        }
    }

    /// Ways of writing Muhammad (upper case), abbreviations included.
    static let muhammad: Set<[UInt8]> = Set([
        "MUHAMMAD", "MUHAMAD", "MUHAMMED", "MUHAMED", "MUHAMMAT", "MUHAMAT", "MOHAMMAD", "MOHAMAD",
        "MOHAMMED", "MOHAMED", "MOCHAMMAD", "MOCHAMAD", "MOCHAMED", "MUCHAMMAD", "MUCHAMAD",
        "MOHAMMAT", "MUHHAMAD", "MUHAMMMAD", "MOH", "MUH", "MHD", "MOHD", "MOCH", "MUCH", "MHMD", "MUHD",
    ].map { Array($0.utf8) })

    /// Spelling skeleton of one upper-case word.
    static func skeleton(_ w: [UInt8]) -> String {
        let pairs: [([UInt8], [UInt8])] = [
            (Array("OE".utf8), Array("U".utf8)), (Array("DJ".utf8), Array("J".utf8)),
            (Array("TJ".utf8), Array("C".utf8)), (Array("SJ".utf8), Array("SY".utf8)),
            (Array("CH".utf8), Array("KH".utf8)), (Array("KH".utf8), Array("H".utf8)),
            (Array("PH".utf8), Array("F".utf8)), (Array("TH".utf8), Array("T".utf8)),
            (Array("DH".utf8), Array("D".utf8)),
        ]
        var s = w
        for (from, to) in pairs { s = replace(s, from, to) }
        for i in s.indices {
            switch s[i] {
            case 81: s[i] = 75  // Q → K
            case 86: s[i] = 70  // V → F
            case 90: s[i] = 83  // Z → S
            case 89: s[i] = 73  // Y → I
            default: break
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        for b in s where out.last != b { out.append(b) }
        if out.count > 2, out.last == 72, let v = out.dropLast().last, isVowel(v) { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    static func isVowel(_ b: UInt8) -> Bool { b == 65 || b == 69 || b == 73 || b == 79 || b == 85 }

    static func replace(_ s: [UInt8], _ from: [UInt8], _ to: [UInt8]) -> [UInt8] {
        guard s.count >= from.count else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if i + from.count <= s.count, s[i..<(i + from.count)].elementsEqual(from) {
                out += to; i += from.count
            } else {
                out.append(s[i]); i += 1
            }
        }
        return out
    }

    /// Words too common to identify a child on their own (a name reduced to one of these
    /// never links by the dropped-last-name rule).
    static let generic: Set<String> = [
        "MUHAMAD", "AHMAD", "SITI", "NUR", "NURUL", "PUTRI", "PUTRA", "DEWI", "SRI", "AGUS", "ABDUL",
        "BI", "BAI", "BAII", "BABI", "NI", "I", "NIS", "RATU", "DAENG", "ANDI", "INDAH",
    ]

    /// Titles dropped from parent names (`Ibu`, `Bpk.`, `Ny.`, `Tn.`, `Alm.`).
    static let parentTitles: Set<String> = ["IBU", "BU", "BPK", "BAPAK", "PAK", "NI", "NY", "NYONYA", "TN", "TUAN", "ALM", "ALMH", "SDR", "SDRI"]

    /// The persons in a parent-name cell: split at `/`, `&`, `,`, `+`, `;` and the word `DAN`
    /// ("and"), each person's canonical words without titles. Empty persons are dropped.
    static func parentPersons(_ raw: String) -> [[String]] {
        var persons: [[String]] = []
        var cur = ""
        for ch in raw.unicodeScalars {
            if ch == "/" || ch == "&" || ch == "," || ch == "+" || ch == ";" || ch == "|" {
                persons.append(contentsOf: splitDan(cur)); cur = ""
            } else {
                cur.unicodeScalars.append(ch)
            }
        }
        persons.append(contentsOf: splitDan(cur))
        return persons
            .map { $0.filter { !parentTitles.contains($0) } }
            .filter { !$0.isEmpty }
    }

    private static func splitDan(_ s: String) -> [[String]] {
        let t = canonicalTokens(s)
        var out: [[String]] = [[]]
        for w in t { if w == "DAN" { out.append([]) } else { out[out.count - 1].append(w) } }
        return out
    }

    /// How two names relate.
    enum Relation {
        /// Equal canonical words.
        case same
        /// One name is the other with the last name(s) dropped.
        case prefix
        /// As `prefix`, but what is left is one common word (`Muhammad`, `Putri`, `Dewi`):
        /// weak evidence on its own.
        case genericPrefix
        case none
    }

    /// How two names (canonical word ids) relate; `generic` tells the common words.
    static func relation(_ a: [Int], _ b: [Int], generic: (Int) -> Bool) -> Relation {
        if a == b { return a.isEmpty ? .none : .same }
        let (s, l) = a.count < b.count ? (a, b) : (b, a)
        guard !s.isEmpty, s.count < l.count, l.starts(with: s) else { return .none }
        return s.count == 1 && generic(s[0]) ? .genericPrefix : .prefix
    }
}
