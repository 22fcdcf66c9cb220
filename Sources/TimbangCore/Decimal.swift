/// Exact powers of ten (10^0 … 10^22 are exact doubles).
@usableFromInline
let exactPowersOfTen: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { a, _ in a * 10 } }

/// Parses a decimal number from bytes (already trimmed) to the nearest Double, without a
/// String and without the C locale: `12.5`, `-0.25`, `85`, `.5`, and `12,5` when
/// `decimalComma` is true; exponent forms (`1.25E+01`) and numbers of more than 15 digits go
/// through the standard library. Returns nil for anything else (empty, `1.2.3`, `12 kg`).
///
/// Up to 15 significant digits are read exactly: an integer divided by an exact power of ten
/// is one correctly rounded operation, the Double `strtod` gives.
@inlinable
public func parseDecimal(_ p: UnsafePointer<UInt8>, count n: Int, decimalComma: Bool) -> Double? {
    guard n > 0 else { return nil }
    var i = 0
    var negative = false
    if p[0] == 45 || p[0] == 43 { negative = p[0] == 45; i = 1 }
    var mantissa: UInt64 = 0
    var digits = 0, fraction = 0
    var sawSeparator = false
    while i < n {
        let c = p[i]
        if c >= 48 && c <= 57 {
            mantissa = mantissa &* 10 &+ UInt64(c - 48)
            digits += 1
            if sawSeparator { fraction += 1 }
        } else if (c == 46 || (decimalComma && c == 44)) && !sawSeparator {
            sawSeparator = true
        } else {
            break
        }
        i += 1
    }
    if i == n && digits > 0 && digits <= 15 {
        let v = Double(mantissa) / exactPowersOfTen[fraction]
        return negative ? -v : v
    }
    return parseDecimalSlow(p, count: n, decimalComma: decimalComma)
}

/// The slow path of `parseDecimal`: exponent forms and long numbers; the whole text must be
/// one finite number with at most one decimal separator.
public func parseDecimalSlow(_ p: UnsafePointer<UInt8>, count n: Int, decimalComma: Bool) -> Double? {
    var text: [UInt8] = []
    text.reserveCapacity(n)
    var separators = 0
    for k in 0..<n {
        var c = p[k]
        if decimalComma && c == 44 { c = 46 }
        if c == 46 { separators += 1 }
        guard (c >= 48 && c <= 57) || c == 46 || c == 43 || c == 45 || c == 101 || c == 69 else { return nil }
        text.append(c)
    }
    guard separators <= 1, let v = Double(String(decoding: text, as: UTF8.self)), v.isFinite else { return nil }
    return v
}
