import TimbangCore

/// Which part of a `p/q/yyyy` date is the day.
enum DateOrder: Sendable, Equatable {
    /// D/M/Y, the Indonesian convention.
    case dayFirst
    /// M/D/Y, what an English-locale spreadsheet writes.
    case monthFirst

    var label: String { self == .dayFirst ? "D/M/Y" : "M/D/Y" }
    var other: DateOrder { self == .dayFirst ? .monthFirst : .dayFirst }
}

/// What a date cell says before the file's day/month order is known (`FieldParser.dateReading`).
enum DateReading: Equatable {
    case unreadable
    /// A date whose reading does not depend on the order: ISO, a month name, `yyyymmdd`, an
    /// Excel serial.
    case fixed(Day)
    /// `p/q/yyyy`: which of `first` and `second` is the day depends on the file.
    case numeric(first: Int, second: Int, year: Int)

    /// The date under `order`, nil when it does not exist.
    func day(_ order: DateOrder) -> Day? {
        switch self {
        case .unreadable: return nil
        case .fixed(let d): return d
        case .numeric(let p, let q, let y):
            return order == .dayFirst ? Day(year: y, month: q, day: p) : Day(year: y, month: p, day: q)
        }
    }

    /// The order this value alone proves: a first part above 12 cannot be a month (D/M), a
    /// second part above 12 cannot be one either (M/D). Nil when both parts are ≤ 12 or both > 12.
    var settles: DateOrder? {
        guard case .numeric(let p, let q, _) = self else { return nil }
        if p > 12 && q <= 12 { return .dayFirst }
        if q > 12 && p <= 12 { return .monthFirst }
        return nil
    }

    /// Both parts ≤ 12 and different: the two orders give two different, possible dates.
    var isAmbiguous: Bool {
        guard case .numeric(let p, let q, _) = self else { return false }
        return p != q && p >= 1 && q >= 1 && p <= 12 && q <= 12
    }
}

extension FieldParser {
    /// `dateReading` of a stored text (the fix-up at end of file reads the raw text again).
    static func dateReading(_ s: String) -> DateReading {
        var t = s
        return t.withUTF8 { dateReading(Bytes(UnsafeRawBufferPointer($0))) }
    }
}

/// One date column's evidence about the day/month order, gathered while the file streams.
struct DateColumnEvidence {
    /// Values whose first part is above 12 (only D/M reads them), and the line of the first one
    /// (findings name lines, never a value: a birth date is personal data).
    var dayFirst = 0
    var dayFirstLine = 0
    /// Values whose second part is above 12 (only M/D reads them), and the line of the first one.
    var monthFirst = 0
    var monthFirstLine = 0
    /// Values both orders read, differently.
    var ambiguous = 0
    /// Rows whose `Usia Saat Ukur` fits only the D/M (M/D) reading of this column's value.
    var ageDayFirst = 0
    var ageMonthFirst = 0

    @inline(__always)
    mutating func add(_ r: DateReading, line: Int) {
        guard case .numeric = r else { return }
        switch r.settles {
        case .dayFirst?:
            if dayFirst == 0 { dayFirstLine = line }
            dayFirst += 1
        case .monthFirst?:
            if monthFirst == 0 { monthFirstLine = line }
            monthFirst += 1
        case nil:
            if r.isAmbiguous { ambiguous += 1 }
        }
    }
}

/// How one date column of a file is read.
enum ColumnOrder: Equatable {
    /// No value depends on the order (ISO, names, serials, `5/5/2023`, or no values).
    case none
    /// One order for the whole column, and what settled it.
    case settled(DateOrder, Basis)
    /// The column holds values only D/M reads and values only M/D reads: each value is read as
    /// it says, an ambiguous one only when its own row's `Usia Saat Ukur` settles it.
    case mixed

    enum Basis: Equatable {
        /// Its own values (a part above 12).
        case values
        /// Rows' `Usia Saat Ukur`.
        case age
        /// The file's other date column (a spreadsheet converts a whole file).
        case otherColumn
        /// Nothing settled it: D/M/Y, the Indonesian convention.
        case assumed
    }

    /// As the `files` table's `date_order` shows it.
    var label: String {
        switch self {
        case .none: return "n/a"
        case .mixed: return "mixed"
        case .settled(let o, .values): return o.label
        case .settled(let o, .age): return o.label + " (from age)"
        case .settled(let o, .otherColumn): return o.label + " (from other date)"
        case .settled(let o, .assumed): return o.label + " (assumed)"
        }
    }

    /// The order values are read in when the column has one.
    var order: DateOrder? {
        if case .settled(let o, _) = self { return o }
        return nil
    }
}

/// Age at measurement as `Usia Saat Ukur` writes it: `4 Tahun - 2 Bulan - 22 Hari`,
/// `1 Tahun 2 Bulan 5 Hari`, `2 thn 3 bln 1 hr`, `26 Bulan`, `3 Tahun`, or a bare number under a
/// header that says months (`Usia (Bulan)`). Any run of characters that are not letters or
/// digits separates parts (spaces of any kind, `-`, `,`).
struct AgeText: Equatable {
    var years: Int?
    var months: Int?
    var days: Int?

    /// Years, months and days all given: the exact age e-PPGBM computed.
    var isExact: Bool { years != nil && months != nil && days != nil }

    /// Parses an age text; nil when it is not one of the forms above (a decimal, a number
    /// without a unit, a unit twice).
    /// - Parameter bareNumberIsMonths: the column header says months (`Usia (Bulan)`).
    static func parse(_ s: String, bareNumberIsMonths: Bool) -> AgeText? {
        var t = s
        return t.withUTF8 { parse(UnsafeRawBufferPointer($0), bareNumberIsMonths: bareNumberIsMonths) }
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, bareNumberIsMonths: Bool) -> AgeText? {
        var out = AgeText()
        var number = -1            // a number waiting for its unit
        var digits = -1            // the number being read
        var word: UInt64 = 0, wordLength = 0
        var any = false
        func flushWord() -> Bool {
            guard wordLength > 0 else { return true }
            defer { word = 0; wordLength = 0 }
            guard number >= 0, let u = unit(word) else { return false }
            switch u {
            case 0: if out.years != nil { return false }; out.years = number
            case 1: if out.months != nil { return false }; out.months = number
            default: if out.days != nil { return false }; out.days = number
            }
            number = -1
            any = true
            return true
        }
        var i = 0
        let n = bytes.count
        while i < n {
            let u = bytes[i]
            i += 1
            if u >= 48 && u <= 57 {
                guard flushWord() else { return nil }
                digits = max(digits, 0) * 10 + Int(u - 48)
                if digits > 100_000 { return nil }
                continue
            }
            if digits >= 0 {
                // a second number before a unit: `26,5 Bulan`, `4 2 22`
                if number >= 0 { return nil }
                number = digits; digits = -1
            }
            let l = u | 0x20
            if l >= 97 && l <= 122 {
                if number < 0 && wordLength == 0 { return nil }   // a word without a number
                wordLength += 1
                if wordLength > 8 { return nil }
                word = word << 8 | UInt64(l)
            } else {
                guard flushWord() else { return nil }
            }
        }
        if digits >= 0 {
            if number >= 0 { return nil }
            number = digits
        }
        guard flushWord() else { return nil }
        if number >= 0 {
            guard !any, bareNumberIsMonths else { return nil }
            out.months = number
            any = true
        }
        return any ? out : nil
    }

    /// Unit words (lower case, packed one byte each into a UInt64) → 0 years, 1 months, 2 days.
    private static let units: [(UInt64, Int)] = {
        let table: [(String, Int)] = [
            ("tahun", 0), ("thn", 0), ("th", 0), ("thun", 0), ("tahn", 0), ("year", 0), ("years", 0), ("yr", 0), ("yrs", 0), ("y", 0), ("t", 0),
            ("bulan", 1), ("bln", 1), ("bl", 1), ("bul", 1), ("month", 1), ("months", 1), ("mo", 1), ("mos", 1), ("m", 1), ("b", 1),
            ("hari", 2), ("hr", 2), ("h", 2), ("day", 2), ("days", 2), ("d", 2),
        ]
        return table.map { w, u in (w.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, u) }
    }()

    @inline(__always)
    private static func unit(_ packed: UInt64) -> Int? {
        var i = 0
        while i < units.count {
            if units[i].0 == packed { return units[i].1 }
            i += 1
        }
        return nil
    }

    /// `birth` plus `years` years and `months` months (the day clamped to the month's end),
    /// plus `days` days.
    static func adding(years: Int, months: Int, days: Int, to birth: Day) -> Day? {
        let c = birth.civil
        let total = c.month - 1 + months + 12 * years
        let q = total >= 0 ? total / 12 : -((-total + 11) / 12)   // floor division
        let y = c.year + q, m = total - 12 * q + 1
        guard let base = Day(year: y, month: m, day: min(c.day, Day.daysInMonth(year: y, month: m))) else { return nil }
        return base + days
    }

    /// Whole calendar months from `birth` to `measure` (the largest k with birth + k months ≤ measure).
    static func wholeMonths(from birth: Day, to measure: Day) -> Int {
        let b = birth.civil, m = measure.civil
        var k = (m.year - b.year) * 12 + (m.month - b.month)
        while k > 0, let d = adding(years: 0, months: k, days: 0, to: birth), d > measure { k -= 1 }
        return max(0, k)
    }

    /// Years, months and days from `birth` to `measure` as e-PPGBM (PHP's date difference)
    /// counts them: whole months, then the days left, borrowing the length of the month before
    /// the measurement month when the day of the month went back (`2023-01-30` → `2023-03-05`
    /// is 1 month 3 days). Nil when `measure` is before `birth`.
    static func parts(from birth: Day, to measure: Day) -> (years: Int, months: Int, days: Int)? {
        let b = birth.civil, m = measure.civil
        var months = (m.year - b.year) * 12 + (m.month - b.month)
        var days = m.day - b.day
        if days < 0 {
            months -= 1
            let prev = YearMonth(year: m.year, month: m.month).previous
            days += Day.daysInMonth(year: prev.year, month: prev.month)
        }
        guard months >= 0, days >= 0 else { return nil }
        return (months / 12, months % 12, days)
    }

    /// Days of difference an exact age may have from the dates and still agree when it is not
    /// e-PPGBM's own count (`parts`): another calendar convention for months counted from the
    /// 29th–31st (birth + years + months, day clamped to the month's end, + days).
    static let dayTolerance = 2

    /// Whether this age agrees with the two dates.
    ///
    /// Years, months and days: they are `parts(from:to:)` of the dates, or birth + age (day
    /// clamped) is within `dayTolerance` days of the measurement date. Otherwise the whole months
    /// (or years) from birth to measurement, as a calendar counts them or as days / 30.4375,
    /// equal the text's.
    func agrees(birth: Day, measure: Day) -> Bool {
        guard measure >= birth else { return false }
        if isExact {
            if let p = AgeText.parts(from: birth, to: measure), p.years == years!, p.months == months!, p.days == days! { return true }
            guard let d = AgeText.adding(years: years!, months: months!, days: days!, to: birth) else { return false }
            return abs(d - measure) <= AgeText.dayTolerance
        }
        let k = AgeText.wholeMonths(from: birth, to: measure)
        let approx = Int(Double(measure - birth) / 30.4375)
        let total = (years ?? 0) * 12 + (months ?? 0)
        if months == nil, let y = years, days == nil { return k / 12 == y || approx / 12 == y }
        if days != nil { return false }   // days without years or months: not a form e-PPGBM writes
        return k == total || approx == total
    }

    /// The one birth date that gives exactly this age at `measure`, or nil: not exact, no such
    /// date, or more than one. Both ways of counting are tried (`parts`, and birth + age with the
    /// day clamped); a date either way counts, so `1 Bulan 3 Hari` at 5 March, which is 30 January
    /// one way and 2 February the other, gives nothing.
    func birthDate(measuredOn measure: Day) -> Day? {
        guard isExact, let y = years, let m = months, let d = days else { return nil }
        guard let est = AgeText.adding(years: -y, months: -m, days: -d, to: measure) else { return nil }
        var hits: [Day] = []
        for delta in -40...40 {
            let b = est + delta
            guard b <= measure else { continue }
            let p = AgeText.parts(from: b, to: measure)
            if (p.map { $0.years == y && $0.months == m && $0.days == d } ?? false)
                || AgeText.adding(years: y, months: m, days: d, to: b) == measure { hits.append(b) }
        }
        return hits.count == 1 ? hits[0] : nil
    }
}
