/// Number formatting for outputs: `.` decimals, no locale, no Foundation.

/// Shortest text that reads back as the same Double; whole numbers without `.0`.
/// nil → empty (missing).
public func formatNumber(_ v: Double?) -> String {
    guard let v else { return "" }
    guard v.isFinite else { return "" }
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return v.description
}

/// Rounds half away from zero to `decimals` places (as R's `round` does on the
/// values WHO anthro returns; `Double.rounded()` is half away from zero).
@inline(__always)
public func roundHalfAway(_ v: Double, decimals: Int) -> Double {
    var p = 1.0
    for _ in 0..<decimals { p *= 10 }
    return (v * p).rounded(.toNearestOrAwayFromZero) / p
}

/// Fixed-point text with at most `decimals` places, trailing zeros stripped
/// (`-1.50` → `-1.5`, `2.00` → `2`), half away from zero. nil/non-finite → empty.
public func formatFixed(_ v: Double?, decimals: Int) -> String {
    guard let v, v.isFinite else { return "" }
    var p: Int64 = 1
    for _ in 0..<decimals { p *= 10 }
    let scaled = (v * Double(p)).rounded(.toNearestOrAwayFromZero)
    guard abs(scaled) < 9e17 else { return v.description }
    var n = Int64(scaled)
    if n == 0 { return "0" }
    let neg = n < 0
    if neg { n = -n }
    var whole = String(n / p)
    var frac = n % p
    var fracDigits = decimals
    while fracDigits > 0 && frac % 10 == 0 { frac /= 10; fracDigits -= 1 }
    if fracDigits > 0 {
        whole += "." + pad(Int(frac), fracDigits)
    }
    return neg ? "-" + whole : whole
}

/// Parses a plain decimal written with `.` (our own tables). Empty → nil.
public func parseNumber(_ s: String) -> Double? {
    if s.isEmpty { return nil }
    return Double(s)
}
