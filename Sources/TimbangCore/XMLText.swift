/// Escapes text for XML and HTML, in content and in attribute values: `& < > " '` as
/// entities, CR as `&#13;` (so that it survives an XML parser's line-end normalisation),
/// other control characters dropped (XML 1.0 does not allow them), LF and tab kept.
/// timbang's one XML escape: the report's HTML and SVG, synth's workbooks.
public func escapeXML(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\r": out += "&#13;"
        default:
            if u.value < 0x20 && u != "\n" && u != "\t" { continue }
            out.unicodeScalars.append(u)
        }
    }
    return out
}
