/// A borrowed run of bytes (one CSV field as libcsv hands it over), valid only during the
/// callback that received it. All the field parsers read from this, never from a `String`.
struct Bytes {
    let base: UnsafePointer<UInt8>
    let count: Int

    init(base: UnsafePointer<UInt8>, count: Int) { self.base = base; self.count = count }

    init(_ buf: UnsafeRawBufferPointer) {
        if let b = buf.baseAddress, buf.count > 0 {
            base = b.assumingMemoryBound(to: UInt8.self); count = buf.count
        } else {
            base = Bytes.emptyBase; count = 0
        }
    }

    /// A non-null address for the empty run; never read (count is 0).
    private static var emptyBase: UnsafePointer<UInt8> { UnsafePointer(bitPattern: 1)! }

    @inline(__always) subscript(i: Int) -> UInt8 { base[i] }
    var isEmpty: Bool { count == 0 }
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Without surrounding ASCII white space (space, tab, CR, LF). Applied to canonical bytes
    /// (`TextDecoder.canonical`), in which every Unicode space is already an ASCII space.
    func trimmed() -> Bytes {
        var s = 0, e = count
        while s < e, Bytes.isSpace(base[s]) { s += 1 }
        while e > s, Bytes.isSpace(base[e - 1]) { e -= 1 }
        return Bytes(base: base + s, count: e - s)
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }

    /// True for a cell that says "no value" with dashes only: `-`, `--`, `—` (U+2014),
    /// `–` (U+2013), in any number (the e-PPGBM and spreadsheet convention for missing).
    var isDashesOnly: Bool {
        guard count > 0 else { return false }
        var i = 0
        while i < count {
            if base[i] == 45 { i += 1; continue }
            // E2 80 93 (–) or E2 80 94 (—).
            if base[i] == 0xE2, i + 2 < count, base[i + 1] == 0x80, base[i + 2] == 0x93 || base[i + 2] == 0x94 {
                i += 3; continue
            }
            return false
        }
        return true
    }

    /// The bytes as a non-negative decimal integer (nil when empty, not all digits, or too long).
    var asInt: Int? {
        guard count > 0, count <= 18 else { return nil }
        var v = 0
        for i in 0..<count {
            let c = base[i]
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    /// True when every byte is below 0x80.
    var isASCII: Bool {
        var acc: UInt8 = 0
        for i in 0..<count { acc |= base[i] }
        return acc < 0x80
    }

    /// Byte-wise equality with a stored copy.
    func equals(_ other: [UInt8]) -> Bool {
        guard other.count == count else { return false }
        return other.withUnsafeBufferPointer { o in
            count == 0 || memcmp(o.baseAddress!, base, count) == 0
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
