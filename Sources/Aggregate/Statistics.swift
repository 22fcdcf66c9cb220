import TimbangCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Running sums of a z-score: count, mean, SD, skewness, kurtosis in one pass.
struct Moments: Sendable {
    var n = 0
    var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0

    @inline(__always) mutating func add(_ x: Double) {
        n += 1
        let x2 = x * x
        s1 += x; s2 += x2; s3 += x2 * x; s4 += x2 * x2
    }

    mutating func merge(_ o: Moments) { n += o.n; s1 += o.s1; s2 += o.s2; s3 += o.s3; s4 += o.s4 }

    var mean: Double? { n > 0 ? s1 / Double(n) : nil }

    /// Sample SD (n − 1 denominator); nil below 2 values.
    var sd: Double? {
        guard n >= 2 else { return nil }
        let m = s1 / Double(n)
        let v = (s2 - Double(n) * m * m) / Double(n - 1)
        return v > 0 ? v.squareRoot() : 0
    }

    /// Central moments m2, m3, m4 (population, 1/n).
    var central: (m2: Double, m3: Double, m4: Double)? {
        guard n >= 3 else { return nil }
        let nn = Double(n)
        let m = s1 / nn, e2 = s2 / nn, e3 = s3 / nn, e4 = s4 / nn
        let m2 = e2 - m * m
        let m3 = e3 - 3 * m * e2 + 2 * m * m * m
        let m4 = e4 - 4 * m * e3 + 6 * m * m * e2 - 3 * m * m * m * m
        return m2 > 1e-12 ? (m2, m3, m4) : nil
    }

    /// Moment skewness g1 = m3 / m2^1.5 (0 for a normal distribution); nil below 3 values.
    var skewness: Double? { central.map { $0.m3 / ($0.m2 * $0.m2.squareRoot()) } }

    /// Pearson kurtosis b2 = m4 / m2² (3 for a normal distribution); nil below 3 values.
    var kurtosis: Double? { central.map { $0.m4 / ($0.m2 * $0.m2) } }
}

/// Digit preference score (Kuulasmaa, WHO MONICA): 100·√(χ² / (N·df)), df = 9, over the
/// counts of terminal digits 0–9; 0 = no preference, 100 = every value ends in one digit.
/// nil without values.
func digitPreferenceScore(_ counts: [Int]) -> Double? {
    let n = counts.reduce(0, +)
    guard n > 0 else { return nil }
    let e = Double(n) / 10
    var chi2 = 0.0
    for c in counts { let d = Double(c) - e; chi2 += d * d / e }
    return 100 * (chi2 / (Double(n) * 9)).squareRoot()
}

/// Two-sided p of a binomial count `a` out of `n` against proportion `p0` (χ² test, 1 df).
func proportionTestP(_ a: Int, of n: Int, expected p0: Double) -> Double? {
    guard n > 0 else { return nil }
    let e = Double(n) * p0
    let chi2 = (Double(a) - e) * (Double(a) - e) / (Double(n) * p0 * (1 - p0))
    return erfc((chi2 / 2).squareRoot())
}

/// The terminal (first decimal) digit of a measurement written to 0.1.
@inline(__always) func terminalDigit(_ v: Double) -> Int {
    let t = Int((v * 10).rounded(.toNearestOrAwayFromZero))
    return ((t % 10) + 10) % 10
}

/// `100·n/d` with one decimal; empty when `d` = 0.
@inline(__always) func pct(_ n: Int, _ d: Int) -> String {
    d > 0 ? formatFixedOne(100 * Double(n) / Double(d)) : ""
}

@inline(__always) func formatFixedOne(_ v: Double) -> String { formatFixed(v, decimals: 1) }
@inline(__always) func fmt2(_ v: Double?) -> String { formatFixed(v, decimals: 2) }
