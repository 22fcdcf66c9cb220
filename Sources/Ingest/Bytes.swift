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

    /// Without surrounding ASCII white space (space, tab, CR, LF) and no-break spaces
    /// (`C2 A0` in UTF-8, a lone `A0` byte in Windows-1252).
    func trimmed() -> Bytes {
        var s = 0, e = count
        while s < e {
            let c = base[s]
            if c == 32 || c == 9 || c == 13 || c == 10 { s += 1 }
            else if c == 0xC2, s + 1 < e, base[s + 1] == 0xA0 { s += 2 }
            else if c == 0xA0 { s += 1 }
            else { break }
        }
        while e > s {
            let c = base[e - 1]
            if c == 32 || c == 9 || c == 13 || c == 10 { e -= 1 }
            else if c == 0xA0, e - 2 >= s, base[e - 2] == 0xC2 { e -= 2 }
            // A lone A0 is a Windows-1252 no-break space, unless it ends a UTF-8 letter (`à` = C3 A0).
            else if c == 0xA0, e - 2 < s || base[e - 2] < 0x80 { e -= 1 }
            else { break }
        }
        return Bytes(base: base + s, count: e - s)
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
