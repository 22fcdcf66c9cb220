import TimbangCore

/// Name normalisation and comparison for linking children's records, as Indonesian names.
///
/// `canonicalTokens("Muhammad Rizky")`, `("M. Rizki")`, `("MUHAMAD  RIZKI")` and
/// `("Moh. Riski")` all give `["MUHAMAD", "RISKI"]`: a spelling skeleton, not a display form.
/// Steps, per token (in this order):
/// 1. upper case, accents folded (`Zoé` = `ZOE`); apostrophes (`'`, `’`, `‘`, `` ` ``) removed
///    inside the word (`Nur'aini` = `Nuraini`); any other punctuation separates words;
/// 2. the many ways of writing Muhammad (`Muhamad`, `Mohammad`, `Mochamad`, `Moh`, `Muh`,
///    `Mhd`, `Mohd`, and `M` as the first word) become one word;
/// 3. old and variant spellings fold together (`skeleton`): `OE`→`U`, `DJ`→`J`, `TJ`→`C`,
///    `SJ`→`SY`, `CH`→`KH`, `PH`→`F`; `KH` before a vowel → `K` (`Arkhan`/`Arkan`,
///    `Khadijah`/`Kadijah`), else → `H` (`Akhmad`/`Ahmad`, `Ikhsan`/`Ihsan`); an `H` after
///    `B C D G J K P S T` is dropped (`Ramadhan`/`Ramadan`, `Fathir`/`Fatir`, `Shinta`/`Sinta`);
///    `SY`→`S` (`Syifa`/`Sifa`); `Q`→`K`, `V`→`F`, `Z`→`S`, `X`→`KS`, `Y`→`I`
///    (`Rizky`/`Rizki`/`Riski`, `Nayla`/`Naila`); `IE`→`I` after the first letter
///    (`Alief`/`Alif`); `EI`/`EY`→`AI` (`Keyla`/`Kayla`); an epenthetic `E` between a
///    consonant and `R` before a vowel is dropped (`Puteri`/`Putri`, `Saputera`/`Saputra`,
///    `Seri`/`Sri`; not before `L`: `Amelia` and `Aulia` stay apart);
/// 4. doubled letters become one (`Muhammad`/`Muhamad`, `Annisa`/`Anisa`, `Daffa`/`Dafa`);
/// 5. at the end of a word: `H` after a vowel is dropped (`Fatimah`/`Fatima`); in words of
///    four letters or more, a final `O` after a consonant (in five or more, after any
///    letter) becomes `A` (`Zahro`/`Zahra`, `Bimo`/`Bima`, `Prasetyo`/`Prasetya`) and a final `E` after a consonant is dropped (`Zidane`/`Zidan`).
///    (`Eko` and `Eka` stay apart: three-letter words keep their last vowel.)
/// Leading `An.`/`Anak` ("child") is dropped when more words follow.
///
/// Names are then compared word by word (`relation`): equal skeletons, a bounded edit
/// distance, initials (`G.` = `Galih`), compounds joined or split (`Syahputra` = `Syah Putra`,
/// `Nur Aini` = `Nuraini`), and words dropped from one of the two names.
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
            if muhammad.contains(w) || isMuhammad(w) || (i == 0 && words.count > 1 && w == [77]) {
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

    /// Whether an upper-case word is Muhammad written out in any of its spellings: `M`, `O`
    /// or `U`, an optional `C`, `H`, `A`, `M`, `A` or `E`, `D` or `T`, letters doubled
    /// anywhere and a final `H` allowed (`MOCHAMMADH`, `MUHHAMMAD`, `MUHAMMET`).
    static func isMuhammad(_ w: [UInt8]) -> Bool {
        var s: [UInt8] = []
        for b in w where s.last != b { s.append(b) }
        if s.count > 1 && s.last == 72 { s.removeLast() }   // a final H
        var i = 0
        func take(_ set: [UInt8], optional: Bool = false) -> Bool {
            if i < s.count, set.contains(s[i]) { i += 1; return true }
            return optional
        }
        return take([77]) && take([79, 85]) && take([67], optional: true) && take([72]) && take([65])
            && take([77]) && take([65, 69]) && take([68, 84]) && i == s.count
    }

    /// Spelling skeleton of one upper-case word (steps 3–5 of the type's documentation).
    static func skeleton(_ w: [UInt8]) -> String {
        let pairs: [([UInt8], [UInt8])] = [
            (Array("OE".utf8), Array("U".utf8)), (Array("DJ".utf8), Array("J".utf8)),
            (Array("TJ".utf8), Array("C".utf8)), (Array("SJ".utf8), Array("SY".utf8)),
            (Array("CH".utf8), Array("KH".utf8)), (Array("PH".utf8), Array("F".utf8)),
        ]
        var s = w
        for (from, to) in pairs { s = replace(s, from, to) }
        // KH: K before a vowel, else H; H dropped after a stop or S.
        var t: [UInt8] = []
        t.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let b = s[i]
            if b == 75, i + 1 < s.count, s[i + 1] == 72 {                  // KH
                if i + 2 < s.count, isVowel(s[i + 2]) { t.append(75) } else { t.append(72) }
                i += 2; continue
            }
            if b == 72, let p = t.last, hDropsAfter(p) { i += 1; continue }
            if b == 89, t.last == 83 { i += 1; continue }                   // SY → S
            t.append(b); i += 1
        }
        s = []
        s.reserveCapacity(t.count + 1)
        for b in t {
            switch b {
            case 81: s.append(75)  // Q → K
            case 86: s.append(70)  // V → F
            case 90: s.append(83)  // Z → S
            case 89: s.append(73)  // Y → I
            case 88: s.append(75); s.append(83)  // X → KS
            default: s.append(b)
            }
        }
        // IE → I (not at the start), EI → AI, epenthetic E dropped (doubled letters folded
        // first, so `Herru` meets `Heru`).
        t = []
        for b in s where t.last != b { t.append(b) }
        s = t
        t = []
        i = 0
        while i < s.count {
            let b = s[i]
            if b == 69 {
                let prev = t.last, next = i + 1 < s.count ? s[i + 1] : nil
                if let prev, prev == 73, t.count >= 2 { i += 1; continue }       // IE → I
                if next == 73 { t.append(65); i += 1; continue }                  // EI → AI
                if let prev, !isVowel(prev), let n = next, n == 82,
                   i + 2 < s.count, isVowel(s[i + 2]) { i += 1; continue }        // epenthetic E
            }
            t.append(b); i += 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(t.count)
        for b in t where out.last != b { out.append(b) }
        if out.count > 2, out.last == 72, let v = out.dropLast().last, isVowel(v) { out.removeLast() }
        if out.count >= 4, out.last == 79, let p = out.dropLast().last, !isVowel(p) || out.count >= 5 { out[out.count - 1] = 65 }
        if out.count >= 4, out.last == 69, let p = out.dropLast().last, !isVowel(p) { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// Letters after which an `H` is only a spelling mark (`DH`, `TH`, `SH`, `GH`, `BH`...).
    static func hDropsAfter(_ b: UInt8) -> Bool {
        b == 66 || b == 67 || b == 68 || b == 71 || b == 74 || b == 75 || b == 80 || b == 83 || b == 84
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

    /// How two names relate, strongest first.
    enum Relation: Int, Comparable {
        /// Equal canonical words.
        case same
        /// Every word of one name pairs with a word of the other, with at most two spelling
        /// differences: an edit within `wordMatch`'s bound, an initial (`G.` = `Galih`), or a
        /// compound joined or split (`Syahputra` = `Syah Putra`).
        case variant
        /// One name is the other with words dropped (`Arga Galih Wibowo` / `Arga Galih` /
        /// `Arga Wibowo`, a leading `Muhammad`/`Siti`/`Nur`...), the words left equal.
        case dropped
        /// Words dropped and one spelling difference (`Arga G. Wibowo` / `Arga Galih`): weak.
        case distant
        /// As `dropped` or `variant`, but the words that pair fully are only common words
        /// (`Muhammad`, `Putri`, `Dewi`) or initials: weak evidence on its own.
        case genericDropped
        case none

        static func < (a: Relation, b: Relation) -> Bool { a.rawValue < b.rawValue }
    }

    /// How two names (canonical word ids) relate; `text` gives a word's letters and `generic`
    /// tells the common words. Names of more than eight words compare by equality only.
    static func relation(_ a: [Int], _ b: [Int], text: (Int) -> [UInt8], generic: (Int) -> Bool) -> Relation {
        if a == b { return a.isEmpty ? .none : .same }
        guard !a.isEmpty, !b.isEmpty, a.count <= 8, b.count <= 8 else { return .none }
        let x = Aligner(words: a.map(text), generic: a.map(generic))
        let y = Aligner(words: b.map(text), generic: b.map(generic))
        // Both orientations, each aligned preferring fewer drops and preferring fewer
        // differences: the strongest relation found wins.
        // (Preferring fewer differences can only improve a result that has drops and
        // differences both, so it runs only then.)
        var best = Relation.none
        for diffsFirst in [false, true] {
            if diffsFirst && best <= .dropped { break }
            for (s, l) in [(x, y), (y, x)] {
                guard let p = s.align(to: l, diffsFirst: diffsFirst) else { continue }
                best = min(best, classify(p))
            }
        }
        return best
    }

    /// Whether every word of one name pairs with a word of the other (equal skeletons, a
    /// bounded edit, an initial, a compound) or is dropped, in either direction, whatever the
    /// number of such differences: names in which nothing contradicts (`Hasan` never pairs
    /// with `Husein`). Names of more than eight words: equality only.
    static func compatible(_ a: [Int], _ b: [Int], text: (Int) -> [UInt8], generic: (Int) -> Bool) -> Bool {
        if a == b { return true }
        guard !a.isEmpty, !b.isEmpty, a.count <= 8, b.count <= 8 else { return false }
        let x = Aligner(words: a.map(text), generic: a.map(generic))
        let y = Aligner(words: b.map(text), generic: b.map(generic))
        return x.align(to: y, diffsFirst: false) != nil || y.align(to: x, diffsFirst: false) != nil
    }

    static func classify(_ p: Aligner.Path) -> Relation {
        if p.strong == 0 { return p.drops > 0 || p.diffs > 0 ? .genericDropped : .none }
        if p.drops == 0 { return p.diffs == 0 ? .same : (p.diffs <= 2 ? .variant : .none) }
        return p.diffs == 0 ? .dropped : (p.diffs == 1 ? .distant : .none)
    }

    /// A compound cut after its first part (`AL` for `ALFATIH`, `NUR` for `NURAINI`): a word
    /// of two or three letters that begins a word at least three letters longer.
    static func truncatedCompound(_ x: [UInt8], _ y: [UInt8]) -> Bool {
        let (s, l) = x.count < y.count ? (x, y) : (y, x)
        return s.count >= 2 && s.count <= 3 && l.count >= s.count + 3 && l.starts(with: s)
    }

    /// How two words of names match: 0 equal, 1 an initial of the other (`G` / `GALIH`) or one
    /// edit (Damerau: insert, delete, substitute, swap two neighbours) in words of five letters
    /// or more, 2 two edits in words of nine or more; nil otherwise.
    static func wordMatch(_ x: [UInt8], _ y: [UInt8]) -> Int? {
        if x == y { return 0 }
        if x.count == 1 || y.count == 1 {
            return x.count != y.count && initialClass(x[0]) == initialClass(y[0]) ? 1 : nil
        }
        let m = min(x.count, y.count)
        let bound = m >= 9 ? 2 : (m >= 5 ? 1 : 0)
        guard bound > 0, abs(x.count - y.count) <= bound else { return nil }
        let d = editDistance(x, y, bound: bound)
        return d <= bound ? d : nil
    }

    /// The letters an initial may stand for once the full word is a skeleton (`C.` for
    /// `Chandra` = `HANDRA`, `T.` for `Tjahjo` = `CAHJO`, `D.` for `Djoko` = `JOKO`,
    /// `O.` for `Oetomo` = `UTOMO`, `E.` for `Eiko` = `AIKO`).
    static func initialClass(_ b: UInt8) -> UInt8 {
        switch b {
        case 67, 72, 75, 84: return 67   // C H K T
        case 68, 74: return 74           // D J
        case 79, 85: return 85           // O U
        case 65, 69: return 65           // A E
        default: return b
        }
    }

    /// Whether `word` is a compound whose second part is written as an initial
    /// (`ALFATIH` = `AL` + `F.`, `NURSAKILA` = `NUR` + `S.`), the double letter at the seam
    /// folded as `joined` folds it (`ASAHRA` = `AS` + `S.`, from `Azzahra` = `Az Z.`).
    static func compoundWithInitial(_ word: [UInt8], _ first: [UInt8], _ initial: [UInt8]) -> Bool {
        guard initial.count == 1, first.count >= 2, word.count > first.count + 1, word.starts(with: first) else { return false }
        let i = initialClass(initial[0])
        return initialClass(word[first.count]) == i || initialClass(first[first.count - 1]) == i
    }

    /// Two words written as one, double letters at the seam folded (`AS` + `SAHRA` = `ASAHRA`).
    static func joined(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        a.last == b.first ? a + b.dropFirst() : a + b
    }

    /// Word-by-word alignment of one name (`self`, every word used) to another (`to`, whose
    /// words may be dropped; a word dropped before the first pair must be a common word).
    struct Aligner {
        var words: [[UInt8]]
        var generic: [Bool]

        struct Path {
            var drops = 0, diffs = 0, strong = 0
            /// Fewer drops, then fewer differences (or the other way round), then more strong words.
            func rank(_ diffsFirst: Bool) -> (Int, Int, Int) { diffsFirst ? (diffs, drops, -strong) : (drops, diffs, -strong) }
        }

        func align(to other: Aligner, diffsFirst: Bool) -> Path? {
            let n = words.count, m = other.words.count
            // best[i][j]: the best path having used i words of self and j of other.
            var best = [[Path?]](repeating: [Path?](repeating: nil, count: m + 1), count: n + 1)
            best[0][0] = Path()
            func offer(_ i: Int, _ j: Int, _ p: Path) {
                if let q = best[i][j], !(p.rank(diffsFirst) < q.rank(diffsFirst)) { return }
                best[i][j] = p
            }
            for i in 0...n {
                for j in 0...m {
                    guard let p = best[i][j] else { continue }
                    if j < m && (i > 0 || other.generic[j]) {
                        var q = p; q.drops += 1; offer(i, j + 1, q)
                    }
                    guard i < n, j < m else { continue }
                    if let c = Names.wordMatch(words[i], other.words[j])
                        ?? (Names.truncatedCompound(words[i], other.words[j]) ? 2 : nil) {
                        var q = p; q.diffs += c
                        let full = words[i].count > 1 && other.words[j].count > 1
                        if full && !generic[i] && !other.generic[j] { q.strong += 1 }
                        offer(i + 1, j + 1, q)
                    }
                    if j + 1 < m {
                        let c = Names.compoundWithInitial(words[i], other.words[j], other.words[j + 1]) ? 1
                            : Names.wordMatch(words[i], Names.joined(other.words[j], other.words[j + 1]))
                        if let c { var q = p; q.diffs += 1 + c; q.strong += generic[i] ? 0 : 1; offer(i + 1, j + 2, q) }
                    }
                    if i + 1 < n {
                        let c = Names.compoundWithInitial(other.words[j], words[i], words[i + 1]) ? 1
                            : Names.wordMatch(Names.joined(words[i], words[i + 1]), other.words[j])
                        if let c { var q = p; q.diffs += 1 + c; q.strong += other.generic[j] ? 0 : 1; offer(i + 2, j + 1, q) }
                    }
                }
            }
            return best[n][m]
        }
    }
}
