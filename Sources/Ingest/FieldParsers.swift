import TimbangCore

/// Parsers for the typed columns, reading trimmed field bytes directly (no `String`, no
/// Foundation). Each returns nil for text it cannot read; the caller keeps the raw text, so
/// validate can tell "missing" (raw empty) from "unreadable" (raw non-empty, value nil).
enum FieldParser {
    // MARK: numbers

    /// A decimal number written with a decimal point or a decimal comma: `12.5`, `12,5`,
    /// `-0,25`, `85`, `85.0`. Thousands separators are not accepted (`1.234,5` → nil).
    /// Up to 15 significant digits are read exactly (see `parseDecimal`), so `12.5` gives the
    /// same Double as `Double("12.5")`.
    static func number(_ b: Bytes) -> Double? {
        parseDecimal(b.base, count: b.count, decimalComma: true)
    }

    // MARK: dates

    /// Excel serial day numbers accepted as dates: 1980-01-01 … 2099-12-31.
    static let excelSerialRange = 29221...73050
    /// Day ordinal of Excel's day 0 (1899-12-30, which absorbs Excel's 1900 leap-year bug
    /// for every serial after 60).
    private static let excelEpoch = Day(year: 1899, month: 12, day: 30)!

    /// A date read day before month (the Indonesian order); see `dateReading` for the forms.
    /// An impossible date (`31/04/2024`, `30 Februari 2024`) is nil, never rolled over.
    static func date(_ b: Bytes) -> Day? { dateReading(b).day(.dayFirst) }

    /// What a date cell says, before the file's day/month order is known:
    /// `03/08/2023`, `3/8/2023`, `03-08-2023`, `3.8.2023`, `03/08/23` (→ 2023) are `numeric`
    /// (which part is the day depends on the file, see `ParseState.resolveDateOrder`); ISO `2023-08-03`
    /// (also `2023/08/03`), `3 Agustus 2023`, `3 Agu 2023`, `3-AGT-2023`, `30 - Oktober - 2014`,
    /// `Agustus 3, 2023`, `20230803` and an Excel serial (`45141`, `44078.5`) are `fixed`. Any of
    /// them may be followed by a time of day (`2023-08-03 00:00:00.000`, `2023-08-03T07:15:00Z`);
    /// a date ending in a four-digit year (or ISO) may also be followed by up to 3 stray bytes
    /// that are neither letters nor digits (`2023-08-21.`, a lone `0xCA`).
    static func dateReading(_ b: Bytes) -> DateReading {
        var tokens = DateTokens()
        guard tokens.scan(b) else { return .unreadable }
        switch tokens.count {
        case 1:
            guard tokens.kind.0 == .number else { return .unreadable }
            let v = tokens.value.0, len = tokens.length.0
            if len == 8 {
                return fixed(Day(year: v / 10000, month: v / 100 % 100, day: v % 100))
            }
            if (4...5).contains(len), excelSerialRange.contains(v) {
                return .fixed(excelEpoch + v)
            }
            return .unreadable
        case 2:
            // An Excel serial with a time of day as its fraction: `44078.5`, `44078,25`.
            guard tokens.kind.0 == .number, tokens.kind.1 == .number, tokens.fractionSeparator,
                  (4...5).contains(tokens.length.0), excelSerialRange.contains(tokens.value.0) else { return .unreadable }
            return .fixed(excelEpoch + tokens.value.0)
        case 3:
            switch (tokens.kind.0, tokens.kind.1, tokens.kind.2) {
            case (.number, .number, .number):
                if tokens.length.0 == 4 {
                    guard tokens.length.1 <= 2, tokens.length.2 <= 2 else { return .unreadable }
                    return fixed(Day(year: tokens.value.0, month: tokens.value.1, day: tokens.value.2))
                }
                guard tokens.length.0 <= 2, tokens.length.1 <= 2,
                      let y = year(tokens.value.2, tokens.length.2) else { return .unreadable }
                return .numeric(first: tokens.value.0, second: tokens.value.1, year: y)
            case (.number, .month, .number):
                guard tokens.length.0 <= 2, let y = year(tokens.value.2, tokens.length.2) else { return .unreadable }
                return fixed(Day(year: y, month: tokens.value.1, day: tokens.value.0))
            case (.month, .number, .number):
                guard tokens.length.1 <= 2, let y = year(tokens.value.2, tokens.length.2) else { return .unreadable }
                return fixed(Day(year: y, month: tokens.value.0, day: tokens.value.1))
            default:
                return .unreadable
            }
        default:
            return .unreadable
        }
    }

    @inline(__always)
    private static func fixed(_ d: Day?) -> DateReading { d.map { .fixed($0) } ?? .unreadable }

    /// A four-digit year, or a two-digit one read as 20yy.
    @inline(__always)
    private static func year(_ v: Int, _ length: Int) -> Int? {
        if length == 4 { return v }
        if length == 2 { return 2000 + v }
        return nil
    }

    /// Day names that may precede a date (Indonesian and English).
    static let weekdays: Set<String> = ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad",
                                        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday",
                                        "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Month number of an Indonesian (or English) month name or abbreviation, any case:
    /// Januari, Februari/Pebruari, Maret, April, Mei, Juni, Juli, Agustus (Agu, Agt, Ags),
    /// September (Sep, Sept), Oktober (Okt), November/Nopember (Nov, Nop), Desember (Des).
    static func month(_ lower: String) -> Int? {
        switch lower {
        case "jan", "januari", "january": return 1
        case "feb", "peb", "febr", "pebr", "februari", "pebruari", "february", "febuari": return 2
        case "mar", "mrt", "maret", "march": return 3
        case "apr", "april": return 4
        case "mei", "may": return 5
        case "jun", "juni", "june": return 6
        case "jul", "juli", "july": return 7
        case "agu", "agt", "ags", "agst", "agus", "agustus", "aug", "august": return 8
        case "sep", "sept", "september": return 9
        case "okt", "oct", "oktober", "october": return 10
        case "nov", "nop", "november", "nopember": return 11
        case "des", "dec", "desember", "december": return 12
        default: return nil
        }
    }

    // MARK: codes

    /// `L`/`P` in any case with stray spaces, `Laki-laki`, `Laki laki`, `LK`, `Pria`,
    /// `Perempuan`, `PR`, `Wanita`, and the WHO codes `1`/`2`.
    static func sex(_ b: Bytes) -> Sex? {
        if b.count == 1 {
            switch b[0] | 0x20 {
            case 108, 49: return .male   // l, 1
            case 112, 50: return .female // p, 2
            default: return nil
            }
        }
        switch letters(b, max: 12) {
        case "L", "LK", "LAKILAKI", "LAKI", "PRIA", "MALE", "1": return .male
        case "P", "PR", "PEREMPUAN", "WANITA", "FEMALE", "2": return .female
        default: return nil
        }
    }

    /// `Terlentang`/`Telentang` (lying, also `Berbaring`, `PB`) or `Berdiri` (standing, also
    /// `TB`), any case and spacing.
    static func measure(_ b: Bytes) -> Measure? {
        let w = letters(b, max: 20)
        if w.hasPrefix("TERLENTANG") || w.hasPrefix("TELENTANG") || w.hasPrefix("TERLENTAN")
            || w.hasPrefix("BERBARING") || w == "PB" || w == "LYING" || w == "RECUMBENT" {
            return .lying
        }
        if w.hasPrefix("BERDIRI") || w == "TB" || w == "STANDING" { return .standing }
        return nil
    }

    /// Oedema (bilateral pitting): `Ya`/`Y`/`Ada`/`1` → true, `Tidak`/`T`/`Tidak Ada`/`0` → false.
    static func oedema(_ b: Bytes) -> Bool? {
        switch letters(b, max: 12) {
        case "YA", "Y", "ADA", "YES", "1", "TRUE": return true
        case "TIDAK", "T", "TDK", "TIDAKADA", "N", "NO", "0", "FALSE": return false
        default: return nil
        }
    }

    /// The ASCII letters and digits of `b`, upper-cased (spaces, `-`, `.` dropped); empty when
    /// longer than `max` or when it holds non-ASCII bytes.
    private static func letters(_ b: Bytes, max: Int) -> String {
        guard b.count <= max * 2 else { return "" }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        for i in 0..<b.count {
            var c = b[i]
            if c >= 97 && c <= 122 { c -= 32 }
            if (c >= 65 && c <= 90) || (c >= 48 && c <= 57) { out.append(c) }
            else if c >= 0x80 { return "" }
        }
        guard out.count <= max else { return "" }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Up to three date parts: numbers (value and digit count) and month names.
private struct DateTokens {
    enum Kind { case number, month }
    var count = 0
    var kind: (Kind, Kind, Kind) = (.number, .number, .number)
    var value: (Int, Int, Int) = (0, 0, 0)
    var length: (Int, Int, Int) = (0, 0, 0)
    /// The only separator between the first two parts was one `.` or `,` (a decimal fraction).
    var fractionSeparator = false
    private var separators = 0
    private var lastSeparator: UInt8 = 0

    private mutating func add(_ k: Kind, _ v: Int, _ len: Int) -> Bool {
        switch count {
        case 0: kind.0 = k; value.0 = v; length.0 = len
        case 1: kind.1 = k; value.1 = v; length.1 = len
        case 2: kind.2 = k; value.2 = v; length.2 = len
        default: return false
        }
        if count == 1 { fractionSeparator = separators == 1 && (lastSeparator == 46 || lastSeparator == 44) }
        separators = 0
        count += 1
        return true
    }

    /// Splits on `/ - . , space`; after three parts only a time of day may follow.
    mutating func scan(_ b: Bytes) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if c >= 48 && c <= 57 {
                var v = 0, len = 0
                while i < n, b[i] >= 48, b[i] <= 57 {
                    if len < 9 { v = v * 10 + Int(b[i] - 48) }
                    len += 1; i += 1
                }
                // a long run only as a serial's fraction (`44078,291666667`)
                let fraction = count == 1 && separators == 1 && (lastSeparator == 46 || lastSeparator == 44)
                guard len <= 8 || (fraction && len <= 15), add(.number, v, len) else { return false }
            } else if (c | 0x20) >= 97 && (c | 0x20) <= 122 {
                var word: [UInt8] = []
                while i < n, (b[i] | 0x20) >= 97, (b[i] | 0x20) <= 122 {
                    word.append(b[i] | 0x20); i += 1
                    if word.count > 12 { return false }
                }
                if count == 3 && (word == [116] /* T */) { return timeOfDay(b, from: i) }
                let text = String(decoding: word, as: UTF8.self)
                if count == 0 && FieldParser.weekdays.contains(text) { continue } // "Kamis, 3 Agustus 2023"
                guard let m = FieldParser.month(text),
                      add(.month, m, word.count) else { return false }
            } else if c == 47 || c == 45 || c == 46 || c == 44 || c == 32 {
                if count == 3 && c == 32 { return timeOfDay(b, from: i + 1) || strayTail(b, from: i) }
                separators += 1; lastSeparator = c
                i += 1
            } else {
                return strayTail(b, from: i)
            }
        }
        return count > 0
    }

    /// Accepts up to 3 trailing bytes that are neither ASCII letters nor digits after a
    /// complete date that ends in a four-digit year or is ISO (`2023-08-21.`, a lone `0xCA`):
    /// nothing after the year can be part of the date.
    private func strayTail(_ b: Bytes, from start: Int) -> Bool {
        guard count == 3, kind.2 == .number, length.2 == 4 || length.0 == 4, b.count - start <= 3 else { return false }
        for i in start..<b.count {
            let c = b[i]
            if (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) { return false }
        }
        return true
    }

    /// Accepts `hh:mm[:ss[.fff]]` (and a trailing `Z`/`AM`/`PM`) after the date.
    private func timeOfDay(_ b: Bytes, from start: Int) -> Bool {
        var sawColon = false
        for i in start..<b.count {
            let c = b[i]
            if c == 58 { sawColon = true; continue }
            if (c >= 48 && c <= 57) || c == 46 || c == 32 { continue }
            let u = c & 0xDF
            if u == 90 || u == 65 || u == 80 || u == 77 { continue } // Z, A, P, M
            return false
        }
        return sawColon
    }
}
