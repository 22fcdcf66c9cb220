#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator whose streams are
/// derived from the run's seed and a purpose, so every draw is reproducible whatever the
/// order or thread it is made in. The system RNG is never used.
struct Rng {
    var state: UInt64

    init(_ seed: UInt64) { state = seed }

    /// A stream for one purpose: the run's seed mixed with a tag and up to three indices.
    init(seed: UInt64, _ tag: Stream, _ a: Int = 0, _ b: Int = 0, _ c: Int = 0) {
        var h = mix64(seed ^ 0x5EED_0000_0000_0000)
        h = mix64(h ^ UInt64(tag.rawValue))
        h = mix64(h ^ UInt64(bitPattern: Int64(a)))
        h = mix64(h ^ UInt64(bitPattern: Int64(b)) &* 0x9E37_79B9_7F4A_7C15)
        h = mix64(h ^ UInt64(bitPattern: Int64(c)) &* 0xC2B2_AE3D_27D4_EB4F)
        state = h
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix64(state)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// True with probability `p`.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// Uniform integer in `0..<n` (n > 0).
    @inline(__always)
    mutating func int(_ n: Int) -> Int { Int((next() >> 1) % UInt64(n)) }

    /// Uniform integer in a closed range.
    @inline(__always)
    mutating func int(in r: ClosedRange<Int>) -> Int { r.lowerBound + int(r.upperBound - r.lowerBound + 1) }

    /// Standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
}

/// The purposes random streams are drawn for (part of the stream's seed).
enum Stream: UInt32 {
    // Raw values are part of every stream's seed: never renumber them.
    case geography = 1, child = 2, visit = 4, measure = 5, defect = 6, file = 7, header = 8, names = 10
}

/// SplitMix64's output function: a strong 64-bit mixer.
@inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
