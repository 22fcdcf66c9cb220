/// The NIK (Nomor Induk Kependudukan) as written in a dump, checked.
///
/// Layout `PP KK CC DD MM YY SSSS` (domain.md §4.1): province, kabupaten/kota, kecamatan of first
/// registration, day of birth (+40 for girls), month, 2-digit year, serial. Shared by validate
/// (the `NIK_INVALID` verdict) and link (which NIKs may link records).
public enum NIKCheck: Sendable, Equatable {
    /// Nothing written: many children have no NIK yet. Not an error.
    case blank
    /// 16 digits with a possible date and region; the digits only.
    case valid(String)
    /// 16 digits that are a known placeholder (all one digit, `1234567890123456`, zero
    /// region and date): the record may stand, but the NIK never links children.
    case placeholder(String)
    /// Written, but not a NIK: wrong length (15/17), letters (`O` for 0), Excel's `3.30101E+15`,
    /// impossible day/month, region `00`, serial `0000` (Excel's lost 16th digit).
    case invalid

    /// Checks what a dump wrote in the NIK column.
    ///
    /// Spaces, `-` and `.` between digit groups and a leading `'` (Excel's text marker) are
    /// ignored; anything else that is not a digit makes the NIK invalid.
    public init(_ raw: String) {
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        var sawAny = false
        var sawOther = false
        for (i, b) in raw.utf8.enumerated() {
            switch b {
            case 48...57: digits.append(b); sawAny = true
            case 32, 9, 45, 46: continue
            case 39 where i == 0: continue
            default: sawOther = true; sawAny = true
            }
        }
        guard sawAny else { self = .blank; return }
        guard !sawOther, digits.count == 16 else { self = .invalid; return }
        let s = String(decoding: digits, as: UTF8.self)
        if NIKCheck.isPlaceholder(digits) { self = .placeholder(s); return }
        guard NIKParts(digits: digits) != nil else { self = .invalid; return }
        self = .valid(s)
    }

    static func isPlaceholder(_ d: [UInt8]) -> Bool {
        if d.allSatisfy({ $0 == d[0] }) { return true }
        let ascending = Array("1234567890123456".utf8), zeroFirst = Array("0123456789012345".utf8)
        if d == ascending || d == zeroFirst { return true }
        // Region and date all zero: a number made up to fill the column.
        return d[0..<12].allSatisfy { $0 == 48 }
    }

    /// The digits of a valid NIK, else nil.
    public var digits: String? {
        if case .valid(let s) = self { return s }
        return nil
    }
}

/// The date part of a valid NIK.
public struct NIKParts: Sendable, Equatable {
    /// Day of birth as a calendar day (girls' +40 removed).
    public var day: Int
    public var month: Int
    /// Two-digit year.
    public var yy: Int
    /// True when the day was written +40 (a girl).
    public var female: Bool

    /// Reads the parts; nil when the region is `00`, the day or month impossible, or the serial `0000`.
    public init?(digits d: [UInt8]) {
        guard d.count == 16 else { return nil }
        func num(_ i: Int) -> Int { Int(d[i] - 48) * 10 + Int(d[i + 1] - 48) }
        let province = num(0), kab = num(2), dd = num(6), mm = num(8), yy = num(10)
        let serial = num(12) * 100 + num(14)
        guard province >= 11, kab >= 1, (1...12).contains(mm), serial > 0 else { return nil }
        switch dd {
        case 1...31: day = dd; female = false
        case 41...71: day = dd - 40; female = true
        default: return nil
        }
        month = mm; self.yy = yy
    }

    public init?(_ nik: String) { self.init(digits: Array(nik.utf8)) }

    /// True when the NIK's DDMMYY is this birth date.
    public func matches(_ birth: Day) -> Bool {
        let c = birth.civil
        return c.day == day && c.month == month && c.year % 100 == yy
    }

    /// True when the NIK's two-digit year is more than `years` away from the birth year:
    /// the NIK of a parent (or a No KK) typed into the child's NIK column.
    public func isOfSomeoneElse(birth: Day, years: Int = 2) -> Bool {
        let diff = abs(birth.year % 100 - yy)
        return min(diff, 100 - diff) > years
    }
}
