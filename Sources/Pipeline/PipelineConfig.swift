import Ingest
import Link
import Report
import TimbangCore
import TOMLKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A mistake in the pipeline file or the command line: the run stops before any output is
/// touched, with this one line and exit code 78 (EX_CONFIG).
public struct ConfigError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A pipeline definition (`pipelines/*.toml`), resolved: paths are absolute or relative to
/// the current folder, values checked.
///
/// ```toml
/// name = "demo"
/// as_of = 2024-03-31
/// [input]
/// paths = ["demo-data"]          # folders (recursive), files or globs; .csv, .csv.gz, .xlsx
/// xlsx_shared_strings_mb = 256   # optional: largest shared strings table of a workbook
/// max_inflated_mb = 4096         # optional: most a compressed file may inflate to (MiB)
/// max_record_kb = 1024           # optional: longest record (KiB)
/// max_field_kb = 64              # optional: longest field (KiB)
/// max_columns = 512              # optional: most fields in a record
/// unit_pattern = "lokasi/{kecamatan}/{puskesmas}/{desa}/{posyandu}/*.csv"   # optional
/// units_table = "units.csv"      # optional: file,kecamatan,puskesmas,desa,posyandu
/// [output]
/// folder = "../output"
/// [link]
/// key_file = "demo.key"          # HMAC-SHA256 key for child keys (never written out)
/// decisions = "decisions.csv"    # optional: officer's same/different pairs (record_a,record_b,decision)
/// [monitor]
/// kbm_edition = "kia2023"
/// [aggregate]
/// sasaran = "sasaran.csv"        # optional
/// [report]
/// min_cell = 5
/// ```
public struct PipelineConfig: Sendable {
    public var name: String
    /// The pipeline file as given.
    public var file: String
    public var inputs: [String]
    public var outputFolder: String
    public var asOf: Day
    public var keyFile: String
    /// `link.decisions`: the officer's decisions file (resolved path), if any, and its decisions.
    public var decisionsFile: String?
    public var decisions: [LinkDecision] = []
    /// SHA-256 (hex) of the decisions file as read.
    public var decisionsSHA256: String?
    public var kabupaten: String?
    public var kbmEdition: String
    public var bgmCutoff: Double
    public var sasaranFile: String?
    public var minCell: Int
    public var byName: Bool
    public var includeRunTime: Bool
    /// `report.compression_level`: zlib's level (1–9) of the archive and its workbooks.
    public var compressionLevel = ReportInput.defaultCompressionLevel
    public var referenceFolder: String
    /// The bounds of reading one input file (`input.max_inflated_mb`, `max_record_kb`,
    /// `max_field_kb`, `max_columns`, `xlsx_shared_strings_mb`).
    public var limits = IngestLimits()
    /// Most MiB a workbook's shared strings table may take (`input.xlsx_shared_strings_mb`).
    public var xlsxSharedStringsMB: Int {
        get { limits.sharedStringBytes >> 20 }
        set { limits.sharedStringBytes = newValue << 20 }
    }
    static let defaultSharedStringsMB = IngestLimits.defaultSharedStringBytes >> 20

    /// The `[input]` keys of `IngestLimits`: key, unit (bits of the shift to bytes), the
    /// limit's key path, the largest value allowed.
    static let limitKeys: [(key: String, shift: Int, path: WritableKeyPath<IngestLimits, Int> & Sendable, max: Int)] = [
        ("max_inflated_mb", 20, \.inflatedBytes, 1 << 30),
        ("max_record_kb", 10, \.recordBytes, 1 << 30),
        ("max_field_kb", 10, \.fieldBytes, 1 << 30),
        ("max_columns", 0, \.columns, 1 << 20),
    ]
    /// `input.unit_pattern`: units of files without location columns, from their path.
    public var unitPattern: UnitPattern?
    /// `input.units_table`: units of files without location columns, from a table.
    public var unitsTable: UnitsTable?
    /// The units table's path as given (for the manifest).
    public var unitsTableFile: String?

    /// Where this pipeline's runs live: `<output folder>/<name>`.
    public var runFolder: String { outputFolder + "/" + name }

    /// Keys the pipeline file may use, per table ("" = top level).
    static let allowed: [String: Set<String>] = [
        "": ["name", "as_of", "kabupaten", "input", "output", "link", "growth", "monitor", "aggregate", "report", "reference"],
        "input": ["paths", "xlsx_shared_strings_mb", "max_inflated_mb", "max_record_kb", "max_field_kb", "max_columns",
                  "unit_pattern", "units_table"],
        "output": ["folder"],
        "link": ["key_file", "decisions"],
        "growth": [],
        "monitor": ["kbm_edition", "bgm_cutoff"],
        "aggregate": ["sasaran"],
        "report": ["min_cell", "by_name", "include_run_time", "compression_level"],
        "reference": ["folder"],
    ]

    /// Command-line overrides for a one-off run.
    public struct Overrides: Sendable {
        public var input: String?
        public var output: String?
        public var asOf: String?
        /// `--set KEY=VALUE`: any pipeline key (`report.min_cell=10`, `kabupaten=Wanasari`),
        /// the value typed as the file types it (TOML: `10`, `true`, `2024-03-31`, `"text"`;
        /// a bare word is a string).
        public var settings: [String]
        public init(input: String? = nil, output: String? = nil, asOf: String? = nil, settings: [String] = []) {
            self.input = input; self.output = output; self.asOf = asOf; self.settings = settings
        }
    }

    /// `--set` overrides as applied, `key = value` in TOML, in the order given (the manifest's
    /// `[overrides]`).
    public var settings: [String] = []

    /// Every key a pipeline file may set, dotted (`report.min_cell`), sorted.
    static var allKeys: [String] {
        allowed.flatMap { table, keys in
            table.isEmpty ? keys.filter { allowed[$0] == nil }.map { $0 } : keys.map { table + "." + $0 }
        }.sorted()
    }

    /// Applies `--set KEY=VALUE` overrides to the parsed file, before it is checked.
    /// - Returns: the overrides as `key = value` TOML lines.
    /// - Throws: `ConfigError` for a setting without `=`, or a key the pipeline file does not
    ///   know (with the closest known key).
    static func apply(settings: [String], to root: TOMLTable) throws -> [String] {
        var out: [String] = []
        for setting in settings {
            guard let eq = setting.firstIndex(of: "="), eq != setting.startIndex else {
                throw ConfigError("--set '\(setting)': expected KEY=VALUE (e.g. --set report.min_cell=10)")
            }
            let key = String(setting[..<eq]).trimmingCharacters(in: .whitespaces)
            let raw = String(setting[setting.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            guard allKeys.contains(key) else {
                // The closest key, by its last part first (`min_cell` → `report.min_cell`).
                func distance(_ k: String) -> (Int, Int) {
                    (editDistance(Array((key.split(separator: ".").last ?? "").utf8), Array((k.split(separator: ".").last ?? "").utf8)),
                     editDistance(Array(key.utf8), Array(k.utf8)))
                }
                let near = allKeys.min { distance($0) < distance($1) }!
                throw ConfigError("--set: unknown pipeline key '\(key)' (did you mean '\(near)'?)")
            }
            // The value as TOML types it; a bare word that is not TOML is a string.
            let value: TOMLValueConvertible
            let text: String
            if let parsed = try? TOMLTable(string: "v = " + raw), let v = parsed["v"] {
                value = v; text = raw
            } else {
                value = raw; text = "\"" + raw.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            }
            let parts = key.split(separator: ".").map(String.init)
            if parts.count == 1 {
                root[parts[0]] = value
            } else {
                let sub = root[parts[0]]?.table ?? TOMLTable()
                sub[parts[1]] = value
                root[parts[0]] = sub
            }
            out.append("\"\(key)\" = \(text)")
        }
        return out
    }

    /// Reads and checks a pipeline file.
    /// - Throws: `ConfigError` with one line naming the file, the key and what to do.
    public static func load(path: String, overrides: Overrides = Overrides()) throws -> PipelineConfig {
        guard let bytes = readFileBytes(path) else {
            throw ConfigError("\(path): cannot read the pipeline file")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw ConfigError("\(path):\(e.source.begin.line): \(e.description)")
        } catch {
            throw ConfigError("\(path): not a valid TOML file (\(error))")
        }
        let settings = try apply(settings: overrides.settings, to: root)
        for key in root.keys where !(allowed[""]!.contains(key)) {
            throw ConfigError("\(path): unknown key '\(key)' (allowed: \(allowed[""]!.sorted().joined(separator: ", ")))")
        }
        for key in root.keys where allowed[key] != nil && !allowed[key]!.isEmpty || ["growth"].contains(key) {
            guard let sub = root[key]?.table else { throw ConfigError("\(path): '\(key)' must be a table ([\(key)])") }
            for k in sub.keys where !(allowed[key]!.contains(k)) {
                throw ConfigError("\(path): unknown key '\(key).\(k)' (allowed: \(allowed[key]!.sorted().joined(separator: ", ")))")
            }
        }
        let base = AtomicFile.parentDirectory(of: path)
        func resolve(_ p: String) -> String { normalizePath(p.hasPrefix("/") ? p : (base == "." ? p : base + "/" + p)) }
        func string(_ table: String?, _ key: String) throws -> String? {
            let t = table.map { root[$0]?.table } ?? root
            guard let v = t?[key] else { return nil }
            guard let s = v.string else { throw ConfigError("\(path): '\(table.map { $0 + "." } ?? "")\(key)' must be a string") }
            return s
        }

        guard let name = try string(nil, "name"), !name.isEmpty else {
            throw ConfigError("\(path): missing 'name' (e.g. name = \"demo\")")
        }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ConfigError("\(path): name '\(name)' may hold only letters, digits, '-' and '_'")
        }

        var inputs: [String] = []
        if let o = overrides.input {
            inputs = [o]
        } else {
            guard let arr = root["input"]?.table?["paths"]?.array else {
                throw ConfigError("\(path): missing [input] paths = [\"folder\", ...]")
            }
            for v in arr {
                guard let s = v.string else { throw ConfigError("\(path): input.paths must hold strings") }
                inputs.append(resolve(s))
            }
        }
        for i in inputs where !i.contains("*") && !i.contains("?") {
            var st = stat()
            guard stat(i, &st) == 0 else { throw InputError("input '\(i)' does not exist") }
        }

        var unitPattern: UnitPattern?
        if let p = try string("input", "unit_pattern") {
            do { unitPattern = try UnitPattern(p) } catch let e as ConfigError {
                throw ConfigError("\(path): input.unit_pattern \(e.description)")
            }
        }
        let unitsTableFile = try string("input", "units_table")
        let unitsTable = try unitsTableFile.map { try UnitsTable.load(path: resolve($0)) }

        let outputFromFile = try string("output", "folder")
        let output = overrides.output ?? outputFromFile.map(resolve) ?? resolve("../output")

        let asOfText: String
        if let o = overrides.asOf { asOfText = o } else if let d = root["as_of"]?.date {
            asOfText = pad(d.year, 4) + "-" + pad(d.month, 2) + "-" + pad(d.day, 2)
        } else if let s = try string(nil, "as_of") { asOfText = s } else {
            throw ConfigError("\(path): missing 'as_of' (the run's reference date, e.g. as_of = 2024-03-31)")
        }
        guard let asOf = Day(iso: asOfText) else {
            throw ConfigError("as-of date '\(asOfText)' is not a valid YYYY-MM-DD date")
        }

        guard let key = try string("link", "key_file") else {
            throw ConfigError("\(path): missing [link] key_file (the HMAC key for child keys)")
        }
        let keyFile = resolve(key)
        guard let keyBytes = readFileBytes(keyFile), keyBytes.count >= 16 else {
            throw ConfigError("key file '\(keyFile)' is missing or shorter than 16 bytes")
        }
        _ = keyBytes

        let decisionsFile = try string("link", "decisions").map(resolve)
        var decisions: [LinkDecision] = []
        var decisionsSHA: String?
        if let d = decisionsFile {
            guard let bytes = readFileBytes(d) else { throw ConfigError("decisions file '\(d)' cannot be read") }
            do { decisions = try LinkDecision.parse(String(decoding: bytes, as: UTF8.self), name: d) } catch let e as TableError {
                throw ConfigError("link.decisions: \(e)")
            }
            decisionsSHA = sha256Hex(bytes)
        }

        let kbm = try string("monitor", "kbm_edition") ?? "kia2023"
        var bgm = -3.0
        if let v = root["monitor"]?.table?["bgm_cutoff"] {
            guard let d = v.double ?? v.int.map(Double.init) else { throw ConfigError("\(path): monitor.bgm_cutoff must be a number") }
            bgm = d
        }
        let sasaran = try string("aggregate", "sasaran").map(resolve)
        if let s = sasaran, readFileBytes(s) == nil { throw ConfigError("sasaran file '\(s)' cannot be read") }

        var minCell = 5
        if let v = root["report"]?.table?["min_cell"] {
            guard let i = v.int, i >= 1 else { throw ConfigError("\(path): report.min_cell must be a whole number ≥ 1") }
            minCell = i
        }
        var compressionLevel = ReportInput.defaultCompressionLevel
        if let v = root["report"]?.table?["compression_level"] {
            guard let i = v.int, ReportInput.compressionLevels.contains(i) else {
                throw ConfigError("\(path): report.compression_level must be a whole number from 1 (fastest) to 9 (smallest)")
            }
            compressionLevel = i
        }
        func bool(_ t: String, _ k: String) throws -> Bool {
            guard let v = root[t]?.table?[k] else { return false }
            guard let b = v.bool else { throw ConfigError("\(path): \(t).\(k) must be true or false") }
            return b
        }
        var sharedStringsMB = PipelineConfig.defaultSharedStringsMB
        if let v = root["input"]?.table?["xlsx_shared_strings_mb"] {
            guard let i = v.int, i >= 1, i <= 1 << 20 else {
                throw ConfigError("\(path): input.xlsx_shared_strings_mb must be a whole number of MiB from 1 to 1048576")
            }
            sharedStringsMB = i
        }
        var limits = IngestLimits()
        for l in limitKeys {
            guard let v = root["input"]?.table?[l.key] else { continue }
            guard let i = v.int, i >= 1, i <= l.max else {
                let unit = l.shift == 20 ? " of MiB" : l.shift == 10 ? " of KiB" : ""
                throw ConfigError("\(path): input.\(l.key) must be a whole number\(unit) from 1 to \(l.max)")
            }
            limits[keyPath: l.path] = i << l.shift
        }
        let reference: String
        if let r = try string("reference", "folder") { reference = resolve(r) } else {
            guard let found = ReferenceLocator.find(start: path) else {
                throw ConfigError("cannot find the reference/ folder (set [reference] folder or TIMBANG_REFERENCE)")
            }
            reference = found
        }

        var config = PipelineConfig(
            name: name, file: path, inputs: inputs, outputFolder: output, asOf: asOf, keyFile: keyFile,
            decisionsFile: decisionsFile, decisions: decisions, decisionsSHA256: decisionsSHA,
            kabupaten: try string(nil, "kabupaten"), kbmEdition: kbm, bgmCutoff: bgm, sasaranFile: sasaran,
            minCell: minCell, byName: try bool("report", "by_name"),
            includeRunTime: try bool("report", "include_run_time"), referenceFolder: reference,
            limits: limits,
            unitPattern: unitPattern, unitsTable: unitsTable, unitsTableFile: unitsTableFile)
        config.xlsxSharedStringsMB = sharedStringsMB
        config.compressionLevel = compressionLevel
        config.settings = settings
        return config
    }

    /// The configuration as used, as canonical TOML text (for the archive manifest): values
    /// after overrides, paths as given relative names where possible, never the key itself.
    public func canonicalText(inputNames: [String]) -> String {
        var s = "name = \"\(name)\"\n"
        s += "as_of = \(asOf.iso)\n"
        if let kabupaten { s += "kabupaten = \"\(kabupaten)\"\n" }
        s += "\n[input]\nfiles = \(inputNames.count)\n"
        if xlsxSharedStringsMB != PipelineConfig.defaultSharedStringsMB { s += "xlsx_shared_strings_mb = \(xlsxSharedStringsMB)\n" }
        for l in PipelineConfig.limitKeys where limits[keyPath: l.path] != IngestLimits()[keyPath: l.path] {
            s += "\(l.key) = \(limits[keyPath: l.path] >> l.shift)\n"
        }
        if let unitPattern { s += "unit_pattern = \"\(unitPattern.text)\"\n" }
        if let unitsTableFile, let unitsTable {
            s += "units_table = \"\(unitsTableFile)\"\nunits_table_sha256 = \"\(unitsTable.sha256)\"\n"
        }
        s += "\n[link]\nkey_id = \"\(keyID)\"\n"
        if let decisionsSHA256 { s += "decisions = \(decisions.count)\ndecisions_sha256 = \"\(decisionsSHA256)\"\n" }
        s += "\n[monitor]\nkbm_edition = \"\(kbmEdition)\"\nbgm_cutoff = \(formatNumber(bgmCutoff))\n"
        s += "\n[aggregate]\nsasaran = \(sasaranFile == nil ? "false" : "true")\n"
        s += "\n[report]\nmin_cell = \(minCell)\nby_name = \(byName)\ninclude_run_time = \(includeRunTime)\n"
        if compressionLevel != ReportInput.defaultCompressionLevel { s += "compression_level = \(compressionLevel)\n" }
        if !settings.isEmpty { s += "\n[overrides]\n" + settings.map { $0 + "\n" }.joined() }
        return s
    }

    /// The HMAC key (file content, trailing newline trimmed).
    public var key: [UInt8] {
        var k = readFileBytes(keyFile) ?? []
        while let l = k.last, l == 10 || l == 13 { k.removeLast() }
        return k
    }

    /// A public identifier of the key: the first 16 hex digits of its SHA-256.
    public var keyID: String { String(sha256Hex(key).prefix(16)) }
}

/// Collapses `.` and `dir/..` in a path, lexically (`pipelines/../output` → `output`).
public func normalizePath(_ p: String) -> String {
    let absolute = p.hasPrefix("/")
    var parts: [Substring] = []
    for c in p.split(separator: "/", omittingEmptySubsequences: true) {
        if c == "." { continue }
        if c == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
        if c == "..", absolute, parts.isEmpty { continue }
        parts.append(c)
    }
    let joined = parts.joined(separator: "/")
    return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
}
