#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a file's field bytes into canonical bytes: UTF-8 in which every Unicode space
/// (`isUnicodeSpace`: U+00A0, U+2000–U+200A, …, and the single bytes 0xA0 of Windows-1252 and
/// 0xCA of Mac Roman) is a plain ASCII space. Trimming, the field parsers and the text of
/// every field all read these canonical bytes, so `2023-08-21<NBSP>` is a date and a cell of
/// only no-break spaces is empty, in any encoding.
///
/// The file's encoding is decided before its first field from `EncodingEvidence`; a field
/// that holds only ASCII bytes is used as it is.
struct TextDecoder {
    var decision = EncodingDecision(utf8First: true, fallback: .windows1252)
    /// Fields with non-ASCII bytes that were valid UTF-8.
    private(set) var utf8Fields = 0
    /// Fields with non-ASCII bytes read with the single-byte encoding.
    private(set) var singleByteFields = 0
    var sawBOM = false
    /// Where canonical bytes of the current field are written (grows to the longest field).
    private let scratch = ScratchBuffer()

    /// The file's encoding as the `files` table reports it.
    var label: String {
        if singleByteFields > 0 && utf8Fields > 0 { return "mixed" }
        if singleByteFields > 0 || !decision.utf8First { return decision.fallback.label }
        return sawBOM ? "utf-8-bom" : "utf-8"
    }

    /// The canonical bytes of `raw`: `raw` itself when it is ASCII, else a transcoded copy in
    /// the scratch buffer, valid until the next call.
    @inline(__always)
    mutating func canonical(_ raw: Bytes) -> Bytes {
        if raw.isASCII { return raw }
        if decision.utf8First, let out = utf8Canonical(raw) {
            utf8Fields += 1
            return out
        }
        singleByteFields += 1
        return singleByteCanonical(raw, decision.fallback)
    }

    /// The text of canonical bytes `b` (already trimmed by the caller).
    @inline(__always)
    func string(_ b: Bytes) -> String {
        b.count == 0 ? "" : String(decoding: b.buffer, as: UTF8.self)
    }

    /// `raw` copied with its Unicode spaces made ASCII spaces, or nil when it is not valid UTF-8.
    private func utf8Canonical(_ raw: Bytes) -> Bytes? {
        let out = scratch.reserve(raw.count)
        var o = 0
        var it = raw.buffer.makeIterator()
        var decoder = UTF8()
        var i = 0
        loop: while true {
            switch decoder.decode(&it) {
            case .scalarValue(let s):
                let len = UTF8.width(s)
                if isUnicodeSpace(s.value) {
                    out[o] = 32; o += 1
                } else {
                    for k in 0..<len { out[o + k] = raw[i + k] }
                    o += len
                }
                i += len
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        return Bytes(base: UnsafePointer(out), count: o)
    }

    /// `raw` decoded with `enc` and written as UTF-8, its no-break spaces as ASCII spaces.
    private func singleByteCanonical(_ raw: Bytes, _ enc: SingleByteEncoding) -> Bytes {
        let out = scratch.reserve(raw.count * 3)
        var o = 0
        for i in 0..<raw.count {
            let u = enc.scalar(raw[i])
            if u < 0x80 {
                out[o] = UInt8(u); o += 1
            } else if isUnicodeSpace(u) {
                out[o] = 32; o += 1
            } else if u < 0x800 {
                out[o] = UInt8(0xC0 | (u >> 6)); out[o + 1] = UInt8(0x80 | (u & 0x3F)); o += 2
            } else {
                out[o] = UInt8(0xE0 | (u >> 12)); out[o + 1] = UInt8(0x80 | ((u >> 6) & 0x3F))
                out[o + 2] = UInt8(0x80 | (u & 0x3F)); o += 3
            }
        }
        return Bytes(base: UnsafePointer(out), count: o)
    }
}

/// A growable byte buffer owned by one file's reader (freed with it).
final class ScratchBuffer {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    init() {
        capacity = 256
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Room for `n` bytes; the previous content is not kept.
    func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if n > capacity {
            base.deallocate()
            capacity = max(n, capacity * 2)
            base = .allocate(capacity: capacity)
        }
        return base
    }
}
