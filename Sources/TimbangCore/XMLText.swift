/// Escapes text for XML and HTML, in content and in attribute values: `& < > " '` as
/// entities, CR as `&#13;` (so that it survives an XML parser's line-end normalisation),
/// other control characters dropped (XML 1.0 does not allow them), LF and tab kept.
/// timbang's one XML escape: the report's HTML and SVG, the Excel workbooks, synth's workbooks.
public func escapeXML(_ s: String) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count)
    appendEscapedXML(s, to: &out)
    return String(decoding: out, as: UTF8.self)
}

/// `escapeXML(s)` appended to `out` as UTF-8 (for writers of large documents).
public func appendEscapedXML(_ s: String, to out: inout [UInt8]) {
    var s = s
    s.withUTF8 { u in
        var start = 0
        for (i, b) in u.enumerated() where b < 0x20 || b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 {
            if b == 0x0A || b == 0x09 { continue }   // LF and tab as they are
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[start..<i]))
            start = i + 1
            switch b {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x27: out += Array("&#39;".utf8)
            case 0x0D: out += Array("&#13;".utf8)
            default: break                          // another control character: dropped
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: u[start...]))
    }
}
