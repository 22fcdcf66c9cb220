import TimbangCore
import Ingest

/// `input.unit_pattern`: a path pattern that names the units of files without location columns,
/// e.g. `lokasi/{kecamatan}/{puskesmas}/{desa}/{posyandu}/*.csv`.
///
/// It is matched against a file's provenance name (its path relative to the input folder),
/// segment by segment: a placeholder `{kabupaten}` `{kecamatan}` `{puskesmas}` `{desa}`
/// `{posyandu}` matches non-empty text within one segment and captures it, `*` matches any
/// text within a segment, `**` (a whole segment) any number of segments, anything else
/// itself. The first way to match (placeholders and `*` as short as possible) is the one used.
public struct UnitPattern: Sendable {
    enum Token: Sendable, Equatable { case literal(Character), star, placeholder(Int) }
    enum Segment: Sendable, Equatable { case anySegments, tokens([Token]) }

    /// The pattern as written.
    public let text: String
    let segments: [Segment]
    /// Placeholder names in `UnitPattern.placeholders` order.
    static let placeholders = ["kabupaten", "kecamatan", "puskesmas", "desa", "posyandu"]

    /// Parses a pattern.
    /// - Parameter needsPlaceholder: a unit pattern must capture at least one unit; a units
    ///   table's `file` glob need not.
    /// - Throws: `ConfigError` saying what is wrong (the caller adds the file and key).
    public init(_ text: String, needsPlaceholder: Bool = true) throws {
        self.text = text
        var segs: [Segment] = []
        var seen = Set<Int>()
        for part in text.split(separator: "/", omittingEmptySubsequences: false) {
            if part == "**" { segs.append(.anySegments); continue }
            if part.isEmpty { throw ConfigError("'\(text)' has an empty path segment") }
            if part.contains("**") { throw ConfigError("'\(text)': '**' must be a whole path segment") }
            var tokens: [Token] = []
            var rest = Substring(part)
            while let c = rest.first {
                if c == "{" {
                    guard let close = rest.firstIndex(of: "}") else { throw ConfigError("'\(text)' has a '{' without '}'") }
                    let name = String(rest[rest.index(after: rest.startIndex)..<close])
                    guard let i = UnitPattern.placeholders.firstIndex(of: name) else {
                        throw ConfigError("'\(text)': unknown placeholder {\(name)} (use {kabupaten}, {kecamatan}, {puskesmas}, {desa}, {posyandu})")
                    }
                    guard seen.insert(i).inserted else { throw ConfigError("'\(text)': {\(name)} appears twice") }
                    if case .placeholder = tokens.last { throw ConfigError("'\(text)': two placeholders must be separated by text") }
                    tokens.append(.placeholder(i))
                    rest = rest[rest.index(after: close)...]
                } else if c == "}" {
                    throw ConfigError("'\(text)' has a '}' without '{'")
                } else {
                    tokens.append(c == "*" ? .star : .literal(c))
                    rest = rest.dropFirst()
                }
            }
            segs.append(.tokens(tokens))
        }
        if needsPlaceholder && seen.isEmpty {
            throw ConfigError("'\(text)' names no unit (use {kecamatan}, {desa}, {posyandu}, ...)")
        }
        segments = segs
    }

    /// The units `name` gives, or nil when it does not match.
    public func match(_ name: String) -> UnitDefaults.Cells? {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map { Array($0) }
        var captures = [String](repeating: "", count: 5)
        guard matchSegments(0, parts, 0, &captures) else { return nil }
        return UnitDefaults.Cells(kabupaten: captures[0], kecamatan: captures[1], puskesmas: captures[2],
                                  desa: captures[3], posyandu: captures[4])
    }

    private func matchSegments(_ si: Int, _ parts: [[Character]], _ pi: Int, _ captures: inout [String]) -> Bool {
        if si == segments.count { return pi == parts.count }
        switch segments[si] {
        case .anySegments:
            for skip in 0...(parts.count - pi) where matchSegments(si + 1, parts, pi + skip, &captures) { return true }
            return false
        case .tokens(let tokens):
            guard pi < parts.count else { return false }
            let saved = captures
            if matchTokens(tokens, 0, parts[pi], 0, &captures), matchSegments(si + 1, parts, pi + 1, &captures) { return true }
            captures = saved
            return false
        }
    }

    private func matchTokens(_ t: [Token], _ ti: Int, _ s: [Character], _ i: Int, _ captures: inout [String]) -> Bool {
        if ti == t.count { return i == s.count }
        switch t[ti] {
        case .literal(let c):
            return i < s.count && s[i] == c && matchTokens(t, ti + 1, s, i + 1, &captures)
        case .star:
            for j in i...s.count where matchTokens(t, ti + 1, s, j, &captures) { return true }
            return false
        case .placeholder(let k):
            guard i < s.count else { return false }
            for j in (i + 1)...s.count {
                let saved = captures[k]
                captures[k] = String(s[i..<j])
                if matchTokens(t, ti + 1, s, j, &captures) { return true }
                captures[k] = saved
            }
            return false
        }
    }
}

/// `input.units_table`: a CSV with columns `file` (a provenance name or a glob, as in
/// `UnitPattern` without placeholders) and any of `kabupaten`, `kecamatan`, `puskesmas`,
/// `desa`, `posyandu`. The first row whose `file` matches gives the file's units.
public struct UnitsTable: Sendable {
    public var rows: [(file: UnitPattern, cells: UnitDefaults.Cells)]
    /// SHA-256 of the table's bytes (for the manifest: a changed table changes the archive).
    public var sha256: String

    /// Reads the table.
    /// - Throws: `ConfigError` (one line) when it cannot be read or has a bad column or glob.
    public static func load(path: String) throws -> UnitsTable {
        guard let bytes = readFileBytes(path) else { throw ConfigError("units table '\(path)' cannot be read") }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let t: Table
        do { t = try Table(name: "units", csv: text) } catch {
            throw ConfigError("units table '\(path)' is not a CSV table (\(error))")
        }
        let header = t.columns.map { normalizedPlace($0).lowercased() }
        let allowed = ["file"] + UnitPattern.placeholders
        for h in header where !allowed.contains(h) {
            throw ConfigError("units table '\(path)': unknown column '\(h)' (allowed: \(allowed.joined(separator: ", ")))")
        }
        guard let fc = header.firstIndex(of: "file") else {
            throw ConfigError("units table '\(path)' needs a 'file' column")
        }
        func cell(_ r: [String], _ name: String) -> String {
            header.firstIndex(of: name).map { r[$0].unitCellTrimmed } ?? ""
        }
        var rows: [(UnitPattern, UnitDefaults.Cells)] = []
        for (i, r) in t.rows.enumerated() {
            let glob = r[fc].unitCellTrimmed
            guard !glob.isEmpty else { throw ConfigError("units table '\(path)' row \(i + 1): 'file' is empty") }
            let pattern: UnitPattern
            do { pattern = try UnitPattern(glob, needsPlaceholder: false) } catch let e as ConfigError {
                throw ConfigError("units table '\(path)' row \(i + 1): \(e.description)")
            }
            rows.append((pattern, UnitDefaults.Cells(kabupaten: cell(r, "kabupaten"), kecamatan: cell(r, "kecamatan"),
                                                     puskesmas: cell(r, "puskesmas"), desa: cell(r, "desa"),
                                                     posyandu: cell(r, "posyandu"))))
        }
        return UnitsTable(rows: rows, sha256: sha256Hex(bytes))
    }

    /// The units of the first row whose `file` matches `name`.
    public func match(_ name: String) -> UnitDefaults.Cells? {
        rows.first { $0.file.match(name) != nil }?.cells
    }
}

extension String {
    /// Without surrounding spaces and tabs.
    fileprivate var unitCellTrimmed: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}

extension PipelineConfig {
    /// `file` with the units the pipeline gives it (table row first, then the pattern), if any.
    public func withUnits(_ file: InputFile) -> InputFile {
        var f = file
        let table = unitsTable?.match(file.name)
        let path = unitPattern?.match(file.name)
        if table != nil || path != nil { f.units = UnitDefaults(table: table, path: path) }
        return f
    }
}
