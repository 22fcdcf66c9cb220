#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LMS {
    /// LMS z-score, WHO 2006 methods ch. 7: `z = ((y / M)^L − 1) / (S · L)`; `y` in the table's unit.
    ///
    /// Same floating-point steps as anthro's `compute_zscore`. L = 1 (length-for-age) takes a
    /// shortcut that gives the same double (`pow(x, 1) == x`).
    @inline(__always)
    public func z(_ y: Double) -> Double {
        let ratio = y / m
        let p = l == 1 ? ratio : pow(ratio, l)
        return (p - 1) / (s * l)
    }

    /// The measurement at `k` standard deviations: `SDk = M · (1 + L · S · k)^(1/L)`.
    @inline(__always)
    func sd(_ k: Double) -> Double { m * pow(1 + l * s * k, 1 / l) }

    /// WHO's restricted z-score for the weight-based indicators (WHO 2006 ch. 7, anthro's
    /// `compute_zscore_adjusted`): beyond ±3 the distance is measured in units of the
    /// SD2–SD3 interval instead of following the LMS curve.
    @inline(__always)
    public func restrictedZ(_ y: Double) -> Double {
        let z = z(y)
        if z > 3 {
            let sd3 = sd(3)
            return 3 + (y - sd3) / (sd3 - sd(2))
        }
        if z < -3 {
            let sd3neg = sd(-3)
            return -3 + (y - sd3neg) / (sd(-2) - sd3neg)
        }
        return z
    }
}

/// Rounds to 2 decimals exactly as R ≥ 4.0 `round(x, 2)` does (R's `src/nmath/fround.c`),
/// which is what anthro returns.
///
/// This is rounding half away from zero for every value whose decimal text ends in 5 (those
/// are never exact ties in binary): of the two 2-decimal neighbours R takes the nearer one
/// in double arithmetic. Only an exact binary tie (such as 0.125) goes to the even
/// neighbour (0.12). Keeps the sign of zero (`-0.004` → `-0`).
@inline(__always)
public func roundLikeR(_ value: Double) -> Double {
    if value.isNaN || value.isInfinite || value == 0 { return value }
    var x = value
    var sign = 1.0
    if x < 0 { sign = -1; x = -x }
    // Rounding to so many digits that no rounding is needed.
    if 0.301029995663981195 * (0.5 + Double(x.exponent)) + 2 > 15 { return sign * x }
    let x10 = x * 100
    let i10 = x10.rounded(.down)
    // Far from a tie (the usual case) R's choice is the nearer of i10 and i10 + 1: the
    // rounding errors of du and dd below (~1e-16 · x) cannot reorder them.
    let frac = x10 - i10
    if abs(frac - 0.5) > 1e-6 && x < 1e6 { return sign * ((frac < 0.5 ? i10 : i10 + 1) / 100) }
    let xd = i10 / 100
    let xu = x10.rounded(.up) / 100
    let du = xu - x, dd = x - xd
    // i10 < 10^15 here (checked above), an exact integer: its parity is R's fmod(i10, 2) == 1.
    let odd = Int64(i10) & 1 == 1
    return sign * ((du < dd || (odd && du == dd)) ? xu : xd)
}
