/// A single-byte character set a dump can be written in besides UTF-8.
///
/// ISO-8859-1 is not a separate choice: for bytes A0–FF it decodes exactly as Windows-1252,
/// and its bytes 80–9F are C1 control characters that never occur in text, where
/// Windows-1252's reading (quotes, dashes, `€`) is always the more plausible one. A Latin-1
/// file is therefore read and reported as `windows-1252`.
enum SingleByteEncoding: Sendable, Equatable {
    /// Excel's "CSV" on Windows. 0xA0 is a no-break space.
    case windows1252
    /// Excel's "CSV" on a Mac (e-PPGBM's raw export). 0xCA is a no-break space.
    case macRoman

    /// The `files` table's `encoding` value.
    var label: String { self == .windows1252 ? "windows-1252" : "mac-roman" }

    /// The Unicode scalar value of byte `c`.
    @inline(__always)
    func scalar(_ c: UInt8) -> UInt32 {
        if c < 0x80 { return UInt32(c) }
        switch self {
        case .windows1252: return c < 0xA0 ? UInt32(cp1252High[Int(c - 0x80)]) : UInt32(c)
        case .macRoman: return UInt32(macRomanHigh[Int(c - 0x80)])
        }
    }
}

/// What a file's bytes say about its encoding, gathered in one streaming pass over its
/// (inflated) content before any field is parsed.
///
/// The rule (docs/ingest.md, "Encodings"):
/// 1. No byte ≥ 0x80, or every such byte part of a well-formed UTF-8 sequence: UTF-8.
/// 2. Otherwise every byte ≥ 0x80 is scored under Windows-1252 and under Mac Roman by how
///    plausible the character it decodes to is between its two neighbours (see `score`):
///    a no-break space next to a delimiter or a digit is plausible, a letter between a digit
///    and a delimiter (`21Ê;`) is not, a C1 control or an unassigned byte never is. The
///    higher total wins; a tie goes to Windows-1252.
/// 3. When the file also holds well-formed UTF-8 sequences of plausible characters
///    (`isPlausibleUTF8`), it is read field by field: a field that is valid UTF-8 is UTF-8,
///    any other field uses the encoding of step 2 (the file is then `mixed`). Sequences that
///    decode to anything else are coincidences of single-byte text and count for nothing.
struct EncodingEvidence: Sendable {
    /// Well-formed UTF-8 multi-byte sequences that decode to a character text in these dumps
    /// uses (`isPlausibleUTF8`: Latin letters, punctuation, spaces, `€`, BOM).
    private(set) var utf8Sequences = 0
    /// Well-formed UTF-8 sequences that decode to anything else (`CA 8E`, a Mac Roman no-break
    /// space before `é`, is U+028E, an IPA letter): no evidence for UTF-8.
    private(set) var oddUTF8Sequences = 0
    /// Bytes ≥ 0x80 that are not part of a well-formed UTF-8 sequence.
    private(set) var invalidUTF8 = 0
    /// Plausibility totals of every byte ≥ 0x80, read as Windows-1252 and as Mac Roman.
    private(set) var cp1252Score = 0
    private(set) var macRomanScore = 0

    // Streaming state.
    private var need = 0
    private var scalar: UInt32 = 0
    private var prevClass = ByteClass.separator
    private var pending: (byte: UInt8, prev: ByteClass)?

    /// The encoding decision the evidence supports.
    var decision: EncodingDecision {
        if invalidUTF8 == 0 { return EncodingDecision(utf8First: true, fallback: .windows1252) }
        let single: SingleByteEncoding = macRomanScore > cp1252Score ? .macRoman : .windows1252
        return EncodingDecision(utf8First: utf8Sequences > 0, fallback: single)
    }

    /// Adds the next run of content bytes.
    mutating func scan(_ b: UnsafeRawBufferPointer) {
        let n = b.count
        var i = 0
        while i < n {
            // ASCII runs with nothing pending: only the last byte's class matters.
            if need == 0, pending == nil, i + 32 <= n,
               (b.loadUnaligned(fromByteOffset: i, as: UInt64.self) | b.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                | b.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | b.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
                & 0x8080_8080_8080_8080 == 0 {
                prevClass = ByteClass(b[i + 31])
                i += 32
                continue
            }
            if need == 0, pending == nil, i + 8 <= n,
               b.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                prevClass = ByteClass(b[i + 7])
                i += 8
                continue
            }
            step(b[i])
            i += 1
        }
    }

    /// Closes the stream (a sequence or a high byte at the very end).
    mutating func finish() {
        if need > 0 { invalidUTF8 += 1; need = 0 }
        if let p = pending { add(p.byte, p.prev, .separator); pending = nil }
    }

    @inline(__always)
    private mutating func step(_ c: UInt8) {
        let cls = ByteClass(c)
        if let p = pending { add(p.byte, p.prev, cls); pending = nil }
        if c >= 0x80 { pending = (c, prevClass) }
        prevClass = cls
        // UTF-8 well-formedness (lead byte, then the continuation bytes it announces).
        if need > 0 {
            if c & 0xC0 == 0x80 {
                need -= 1
                scalar = scalar << 6 | UInt32(c & 0x3F)
                if need == 0 {
                    if EncodingEvidence.isPlausibleUTF8(scalar) { utf8Sequences += 1 } else { oddUTF8Sequences += 1 }
                }
                return
            }
            invalidUTF8 += 1
            need = 0
        }
        switch c {
        case 0..<0x80: break
        case 0xC2...0xDF: need = 1; scalar = UInt32(c & 0x1F)
        case 0xE0...0xEF: need = 2; scalar = UInt32(c & 0x0F)
        case 0xF0...0xF4: need = 3; scalar = UInt32(c & 0x07)
        default: invalidUTF8 += 1
        }
    }

    /// Characters a UTF-8 dump's text holds: Latin-1 Supplement and Latin Extended-A/B
    /// (U+00A0–U+024F), General Punctuation (U+2000–U+206F), `€`, U+3000, U+FEFF.
    static func isPlausibleUTF8(_ u: UInt32) -> Bool {
        (0xA0...0x24F).contains(u) || (0x2000...0x206F).contains(u) || u == 0x20AC || u == 0x3000 || u == 0xFEFF
    }

    @inline(__always)
    private mutating func add(_ c: UInt8, _ p: ByteClass, _ n: ByteClass) {
        let i = EncodingEvidence.tableIndex(c, p, n)
        cp1252Score += Int(EncodingEvidence.cp1252Table[i])
        macRomanScore += Int(EncodingEvidence.macRomanTable[i])
    }

    /// `score` of every high byte between every pair of neighbour classes, per encoding
    /// (computed once: the Unicode property lookups are too slow per byte).
    private static let cp1252Table = table(.windows1252)
    private static let macRomanTable = table(.macRoman)

    @inline(__always)
    private static func tableIndex(_ c: UInt8, _ p: ByteClass, _ n: ByteClass) -> Int {
        (Int(c & 0x7F) * ByteClass.count + Int(p.rawValue)) * ByteClass.count + Int(n.rawValue)
    }

    private static func table(_ enc: SingleByteEncoding) -> [Int8] {
        var t = [Int8](repeating: 0, count: 128 * ByteClass.count * ByteClass.count)
        for c in UInt8(0x80)...UInt8(0xFF) {
            for p in ByteClass.allCases {
                for n in ByteClass.allCases { t[tableIndex(c, p, n)] = Int8(score(enc.scalar(c), p, n)) }
            }
        }
        return t
    }

    /// How plausible character `u` is between neighbours `p` and `n` (a high neighbour counts
    /// as a letter):
    /// - a no-break space: +3 next to a delimiter, space or digit, +1 between letters;
    /// - a Latin-1 letter (`À`–`ÿ`): −3 with no letter beside it; else +2 when its case
    ///   matches the ASCII letters beside it (or only high bytes are beside it: +1), 0 when
    ///   not; letters outside Latin-1 (`Ž`, `Œ`, `ƒ`, `π`) 2 less;
    /// - a quote (`’`, `“`): +2 between letters, else −1; a dash (`–`, `—`): +1 next to a
    ///   space or digit, else −1;
    /// - any other symbol (`†`, `≤`, `¬`): −2; a C1 control or unassigned byte: −8.
    static func score(_ u: UInt32, _ p: ByteClass, _ n: ByteClass) -> Int {
        if u == 0xA0 {
            return p.isSpaceLike || n.isSpaceLike || p == .digit || n == .digit ? 3 : 1
        }
        if u < 0xA0 || u == 0xF8FF { return -8 }
        switch u {
        case 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x00B4:
            return p.isLetter && n.isLetter ? 2 : -1
        case 0x2013, 0x2014:
            return p.isSpaceLike || n.isSpaceLike || p == .digit || n == .digit ? 1 : -1
        default: break
        }
        guard let scalar = Unicode.Scalar(u), scalar.properties.isAlphabetic else { return -2 }
        let latin1 = (0xC0...0xFF).contains(u) && u != 0xD7 && u != 0xF7
        let lower = scalar.properties.isLowercase
        var s: Int
        if !p.isLetter && !n.isLetter {
            s = -3
        } else {
            let ascii = [p, n].filter { $0 == .lower || $0 == .upper }
            if ascii.isEmpty { s = 1 } else { s = ascii.contains(lower ? .lower : .upper) ? 2 : 0 }
        }
        return latin1 ? s : s - 2
    }
}

/// How a file's fields are turned into text.
struct EncodingDecision: Sendable, Equatable {
    /// Try UTF-8 first for each field with high bytes (a UTF-8 or mixed file).
    var utf8First: Bool
    /// The single-byte encoding of a field that is not UTF-8 (all fields when `utf8First`
    /// is false).
    var fallback: SingleByteEncoding
}

/// The class of a neighbouring byte, for `EncodingEvidence.score`.
enum ByteClass: UInt8, Sendable, Equatable, CaseIterable {
    /// A delimiter, quote, line end or field edge.
    case separator
    case space, digit, lower, upper
    /// Another byte ≥ 0x80 (taken as part of a word).
    case high
    case other

    @inline(__always)
    init(_ c: UInt8) {
        switch c {
        case 44, 59, 9, 34, 10, 13: self = .separator
        case 32: self = .space
        case 48...57: self = .digit
        case 97...122: self = .lower
        case 65...90: self = .upper
        case 0x80...: self = .high
        default: self = .other
        }
    }

    static let count = allCases.count

    var isSpaceLike: Bool { self == .separator || self == .space }
    var isLetter: Bool { self == .lower || self == .upper || self == .high }
}

/// Windows-1252 0x80–0x9F; the five unassigned bytes map to the C1 control of the same value,
/// as Windows does.
let cp1252High: [UInt16] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
]

/// Mac Roman 0x80–0xFF (Apple's ROMAN.TXT; 0xDB is `€`, 0xF0 the Apple logo U+F8FF).
let macRomanHigh: [UInt16] = [
    0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1, 0x00E0, 0x00E2, 0x00E4, 0x00E3, 0x00E5, 0x00E7, 0x00E9, 0x00E8,
    0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3, 0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC,
    0x2020, 0x00B0, 0x00A2, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x00DF, 0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,
    0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211, 0x220F, 0x03C0, 0x222B, 0x00AA, 0x00BA, 0x03A9, 0x00E6, 0x00F8,
    0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB, 0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153,
    0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x25CA, 0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,
    0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1, 0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF, 0x00CC, 0x00D3, 0x00D4,
    0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC, 0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7,
]

/// True for the Unicode spaces ingest reads as a plain space: U+00A0, U+2000–U+200A,
/// U+202F, U+205F, U+3000 and U+FEFF (a stray BOM or zero-width no-break space).
@inline(__always)
func isUnicodeSpace(_ u: UInt32) -> Bool {
    u == 0xA0 || (0x2000...0x200A).contains(u) || u == 0x202F || u == 0x205F || u == 0x3000 || u == 0xFEFF
}
