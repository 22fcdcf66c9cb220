#if canImport(Glibc)
import Glibc
#endif
/// A calendar day as a count of days since 1970-01-01 (proleptic Gregorian).
///
/// Dates in timbang are civil days, never instants: no time zone, no locale,
/// no Foundation formatter. `Day(year:month:day:)` refuses impossible dates
/// (`31/04/2024`, `30 Februari 2024`) instead of rolling them over.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var ordinal: Int32

    public init(ordinal: Int32) { self.ordinal = ordinal }

    /// Returns nil for a date that does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 1800, year <= 2200, month >= 1, month <= 12, day >= 1,
              day <= Day.daysInMonth(year: year, month: month) else { return nil }
        self.ordinal = Int32(Day.daysFromCivil(year, month, day))
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeap(year) ? 29 : 28
        default: return 0
        }
    }

    // Howard Hinnant's days_from_civil.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// (year, month, day) of this day.
    public var civil: (year: Int, month: Int, day: Int) {
        let z = Int(ordinal) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    public var year: Int { civil.year }
    public var month: Int { civil.month }
    public var day: Int { civil.day }

    /// The calendar month this day falls in.
    public var yearMonth: YearMonth { let c = civil; return YearMonth(year: c.year, month: c.month) }

    /// ISO 8601 `YYYY-MM-DD`.
    public var iso: String {
        let c = civil
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    public var description: String { iso }

    /// Parses strict ISO `YYYY-MM-DD` (used for our own tables and config).
    public init?(iso s: String) {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45,
              let y = digits(u[0..<4]), let m = digits(u[5..<7]), let d = digits(u[8..<10]),
              let day = Day(year: y, month: m, day: d) else { return nil }
        self = day
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }
    public static func - (a: Day, b: Day) -> Int { Int(a.ordinal) - Int(b.ordinal) }
    public static func + (a: Day, n: Int) -> Day { Day(ordinal: a.ordinal + Int32(n)) }
}

/// A calendar month, `YYYY-MM`.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public init(year: Int, month: Int) { self.year = year; self.month = month }
    public init?(_ s: String) {
        let u = Array(s.utf8)
        guard u.count == 7, u[4] == 45, let y = digits(u[0..<4]), let m = digits(u[5..<7]), (1...12).contains(m) else { return nil }
        self.init(year: y, month: m)
    }
    public var index: Int { year * 12 + (month - 1) }
    public init(index: Int) { self.init(year: index / 12, month: index % 12 + 1) }
    public var next: YearMonth { YearMonth(index: index + 1) }
    public var previous: YearMonth { YearMonth(index: index - 1) }
    public var description: String { pad(year, 4) + "-" + pad(month, 2) }
    public static func < (a: YearMonth, b: YearMonth) -> Bool { a.index < b.index }
}

@inline(__always)
func digits(_ s: ArraySlice<UInt8>) -> Int? {
    var v = 0
    for c in s {
        guard c >= 48, c <= 57 else { return nil }
        v = v * 10 + Int(c - 48)
    }
    return v
}

/// Zero-padded decimal, no locale.
public func pad(_ v: Int, _ width: Int) -> String {
    var s = String(v)
    if s.count < width { s = String(repeating: "0", count: width - s.count) + s }
    return s
}

/// The current time in UTC, `2026-12-02T01:00:00Z`, or `20261202T010000Z` when `compact` (for
/// file names). For logs and lock files only: nothing in an archive depends on the clock.
public func utcTimestamp(compact: Bool = false) -> String {
    var now = time(nil), t = tm()
    gmtime_r(&now, &t)
    let d = pad(Int(t.tm_year) + 1900, 4) + (compact ? "" : "-") + pad(Int(t.tm_mon) + 1, 2) + (compact ? "" : "-") + pad(Int(t.tm_mday), 2)
    let h = pad(Int(t.tm_hour), 2) + (compact ? "" : ":") + pad(Int(t.tm_min), 2) + (compact ? "" : ":") + pad(Int(t.tm_sec), 2)
    return d + "T" + h + "Z"
}
