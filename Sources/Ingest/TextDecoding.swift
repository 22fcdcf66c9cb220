/// Turns field bytes into text. Dumps come as UTF-8 (with or without BOM) or as
/// Windows-1252 (Excel's "CSV" on Indonesian Windows). The encoding is decided per field
/// that holds non-ASCII bytes: valid UTF-8 is read as UTF-8, anything else as Windows-1252.
/// For a file that is entirely one or the other this is the same as transcoding the whole
/// file; the file's label (`TextDecoder.label`) says which it was, or `mixed`.
struct TextDecoder {
    /// Fields with non-ASCII bytes that were valid UTF-8.
    private(set) var utf8Fields = 0
    /// Fields with non-ASCII bytes that were not valid UTF-8 (read as Windows-1252).
    private(set) var cp1252Fields = 0
    var sawBOM = false

    /// The file's encoding as the `files` table reports it.
    var label: String {
        if cp1252Fields > 0 && utf8Fields > 0 { return "mixed" }
        if cp1252Fields > 0 { return "windows-1252" }
        return sawBOM ? "utf-8-bom" : "utf-8"
    }

    /// The text of `b` (already trimmed by the caller).
    @inline(__always)
    mutating func string(_ b: Bytes) -> String {
        if b.count == 0 { return "" }
        if b.isASCII { return String(decoding: b.buffer, as: UTF8.self) }
        if let s = String(validating: b.buffer, as: UTF8.self) {
            utf8Fields += 1
            return s
        }
        cp1252Fields += 1
        return windows1252String(b)
    }
}

/// Decodes Windows-1252 bytes. 0x80–0x9F use the Windows table (`’` = 0x92, `€` = 0x80);
/// the five unassigned bytes map to the C1 control of the same value, as Windows does.
func windows1252String(_ b: Bytes) -> String {
    var out = String()
    out.reserveCapacity(b.count + 8)
    var scalars = out.unicodeScalars
    for i in 0..<b.count {
        let c = b[i]
        let v: UInt32 = c >= 0x80 && c < 0xA0 ? UInt32(cp1252High[Int(c - 0x80)]) : UInt32(c)
        scalars.append(Unicode.Scalar(v)!)
    }
    out.unicodeScalars = scalars
    return out
}

private let cp1252High: [UInt16] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
]
