/// Child's sex as the WHO tables code it: 1 = male (laki-laki, `L`), 2 = female (perempuan, `P`).
public enum Sex: Int, Sendable, Hashable, CaseIterable {
    case male = 1
    case female = 2

    /// `L` or `P`, as Indonesian forms write it.
    public var code: String { self == .male ? "L" : "P" }

    public init?(code: String) {
        switch code {
        case "L", "1": self = .male
        case "P", "2": self = .female
        default: return nil
        }
    }
}

/// How length/height was measured: lying (`Terlentang`, WHO `l`) or standing (`Berdiri`, WHO `h`).
public enum Measure: String, Sendable, Hashable {
    case lying = "l"
    case standing = "h"
}

/// Where a record came from: `file#record`, plus the physical line it starts on.
///
/// `record` is the 1-based CSV record number after the header; `line` the 1-based
/// physical line of the file where the record starts.
public struct RowRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var file: String
    public var record: Int
    public var line: Int

    public init(file: String, record: Int, line: Int) {
        self.file = file; self.record = record; self.line = line
    }

    public var description: String { "\(file)#\(record)" }

    /// Parses `file#record` (line unknown → 0).
    public init?(_ s: String) {
        guard let i = s.lastIndex(of: "#"), let r = Int(s[s.index(after: i)...]) else { return nil }
        self.init(file: String(s[..<i]), record: r, line: 0)
    }

    public static func < (a: RowRef, b: RowRef) -> Bool {
        a.file != b.file ? a.file.utf8.lexicographicallyPrecedes(b.file.utf8) : a.record < b.record
    }
}

/// The fate of a record in the row ledger.
public enum Status: String, Sendable, Hashable {
    /// Not yet judged (ingest output before validation).
    case pending = ""
    case valid
    case invalid
    case duplicate
}

/// The administrative units a record belongs to. A desa is keyed by kecamatan **and** desa
/// name: the same desa name exists in two kecamatan.
public struct UnitKey: Hashable, Comparable, Sendable {
    public var kecamatan: String
    public var puskesmas: String
    public var desa: String
    public var posyandu: String
    public init(kecamatan: String, puskesmas: String, desa: String, posyandu: String) {
        self.kecamatan = kecamatan; self.puskesmas = puskesmas; self.desa = desa; self.posyandu = posyandu
    }
    public static func < (a: UnitKey, b: UnitKey) -> Bool {
        (a.kecamatan, a.desa, a.posyandu, a.puskesmas) < (b.kecamatan, b.desa, b.posyandu, b.puskesmas)
    }
}

/// Normalises a place name for keying: trimmed, inner whitespace collapsed, upper case (ASCII).
/// Whitespace is ASCII space, tab, CR, LF and the Unicode spaces U+00A0, U+2000–U+200A,
/// U+202F, U+205F, U+3000 and U+FEFF.
public func normalizedPlace(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    var pendingSpace = false
    for ch in s.unicodeScalars {
        let v = ch.value
        if ch == " " || ch == "\t" || ch == "\n" || ch == "\r" || v == 0xA0 || (0x2000...0x200A).contains(v)
            || v == 0x202F || v == 0x205F || v == 0x3000 || v == 0xFEFF {
            pendingSpace = !out.isEmpty
            continue
        }
        if pendingSpace { out.unicodeScalars.append(" "); pendingSpace = false }
        if ch.value >= 97 && ch.value <= 122 {
            out.unicodeScalars.append(Unicode.Scalar(ch.value - 32)!)
        } else {
            out.unicodeScalars.append(ch)
        }
    }
    return out
}
