#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TimbangCore

/// One input file of the run, as the manifest lists it.
public struct ManifestInput: Sendable, Equatable {
    /// The file name as the pipeline names it (relative to the input folder).
    public var name: String
    /// Size in bytes.
    public var bytes: Int
    /// SHA-256 of the file's bytes, lower-case hex.
    public var sha256: String
    public init(name: String, bytes: Int, sha256: String) {
        self.name = name; self.bytes = bytes; self.sha256 = sha256
    }
}

/// One archive a merged archive was made from.
public struct MergeSource: Sendable, Equatable {
    /// The archive's file name.
    public var archive: String
    public var bytes: Int
    /// SHA-256 of the archive file, lower-case hex.
    public var sha256: String
    public var kabupaten: String
    public var pipeline: String
    public var period: String
    public init(archive: String, bytes: Int, sha256: String, kabupaten: String, pipeline: String, period: String) {
        self.archive = archive; self.bytes = bytes; self.sha256 = sha256
        self.kabupaten = kabupaten; self.pipeline = pipeline; self.period = period
    }
}

/// One reference table the run used (WHO LMS, KBM edition, category cut-offs).
public struct ManifestReference: Sendable, Equatable {
    public var name: String
    public var version: String
    public var sha256: String
    public init(name: String, version: String, sha256: String) {
        self.name = name; self.version = version; self.sha256 = sha256
    }
}

/// Row counts of one stage, e.g. `("validate", ["valid": 900, "invalid": 100])`.
public struct StageCount: Sendable, Equatable {
    public var stage: String
    /// Count per fate or kind of row; written with sorted keys.
    public var counts: [String: Int]
    public init(stage: String, counts: [String: Int]) { self.stage = stage; self.counts = counts }
}

/// Everything the report stage needs: the manifest facts and the tables of the earlier stages.
public struct ReportInput: Sendable {
    public var pipelineName: String
    /// The kabupaten's name as the config gives it (e.g. `KABUPATEN CONTOH`).
    public var kabupaten: String
    /// The run's period label, e.g. `2024-01_2024-12`.
    public var period: String
    public var asOf: Day
    public var timbangVersion: String
    /// The pipeline config as used (TOML text), stored verbatim in the manifest.
    public var configText: String
    public var inputs: [ManifestInput]
    public var references: [ManifestReference]
    /// The id of the HMAC key that made the child keys (never the key itself).
    public var hmacKeyID: String
    /// Row counts per stage and per fate, in stage order.
    public var stageCounts: [StageCount]
    /// Counts 1…k−1 are suppressed in `public/`.
    public var suppressionK: Int
    /// zlib's compression level (1–9) of the archive and of the workbooks in it
    /// (`report.compression_level`).
    public var compressionLevel = ReportInput.defaultCompressionLevel
    /// The fastest: at a million rows level 6 makes the archive about a fifth smaller (188
    /// against 234 MB) and costs about 35 CPU seconds more (README, "Performance").
    public static let defaultCompressionLevel = 1
    public static let compressionLevels = 1...9
    /// When false (default) no wall-clock time enters the archive.
    public var includeRunTime: Bool
    /// Aggregate tables (`prevalence`, `categories`, `skdn`, `quality`, `zdist`, `rejections`, …).
    public var aggregate: [Table]
    /// Monitor tables (`child_months`, `followup`), restricted.
    public var monitor: [Table]
    /// Restricted tables already rendered as CSV (a run's `child_months`, written once by the
    /// monitor stage); archived as they are, next to `monitor`.
    public var rendered: [RenderedTable]
    /// The row ledger (`file, record, line, status, reason, duplicate_of, child_key, notes`),
    /// rendered by link (`Link.renderedLedger`) or from a table (`Ledger(_:)`).
    public var ledger: Ledger
    /// Link's clerical-review pairs (`link_review`), restricted; nil when there is none.
    public var linkReview: Table?
    /// Link's decisions read from `link.decisions` and their outcomes (`link_decisions`):
    /// counted in the manifest, written under `restricted/`.
    public var linkDecisions: Table?
    public var findings: [Finding]
    /// By-name lists, only when the pipeline asks for them; written under `restricted/` only.
    public var byName: [Table]?
    /// What a merge of archives needs (the aggregate cube's tables as CSV,
    /// `AggregateCube.renderedTables`, named without their prefix: `archiveNamed`), written unsuppressed under `restricted/merge/` and named
    /// in the manifest's `merge` object with `mergeFormat`.
    public var merge: [RenderedTable] = []
    public var mergeFormat = ""
    /// A merged archive's sources (`timbang merge`), listed in the manifest's `merged_from`.
    public var mergedFrom: [MergeSource] = []

    public init(pipelineName: String, kabupaten: String, period: String, asOf: Day,
                timbangVersion: String, configText: String, inputs: [ManifestInput],
                references: [ManifestReference], hmacKeyID: String, stageCounts: [StageCount],
                suppressionK: Int = 5, includeRunTime: Bool = false, aggregate: [Table],
                monitor: [Table], rendered: [RenderedTable] = [], ledger: Ledger, findings: [Finding], byName: [Table]? = nil,
                linkReview: Table? = nil, linkDecisions: Table? = nil) {
        self.pipelineName = pipelineName; self.kabupaten = kabupaten; self.period = period
        self.asOf = asOf; self.timbangVersion = timbangVersion; self.configText = configText
        self.inputs = inputs; self.references = references; self.hmacKeyID = hmacKeyID
        self.stageCounts = stageCounts; self.suppressionK = suppressionK
        self.includeRunTime = includeRunTime; self.aggregate = aggregate; self.monitor = monitor
        self.rendered = rendered
        self.ledger = ledger; self.findings = findings; self.byName = byName
        self.linkReview = linkReview; self.linkDecisions = linkDecisions
    }
}

/// A failure of the report stage (not of a record).
public enum ReportError: Error, CustomStringConvertible {
    case badSetting(String)
    case cannotWrite(path: String, why: String)
    case cannotRead(path: String, why: String)
    /// Not a whole, safe timbang archive (damaged, or an entry that could point outside the
    /// folder it is read into): refused unread. `why` names the entry and the reason.
    case refused(path: String, why: String)

    public var description: String {
        switch self {
        case .badSetting(let s): return s
        case .cannotWrite(let p, let why): return "cannot write \(p): \(why)"
        case .cannotRead(let p, let why): return "cannot read \(p): \(why)"
        case .refused(let p, let why): return "refused \(p): \(why)"
        }
    }
}

/// The report stage: one deterministic compressed archive per run.
///
/// Layout (fixed order): `manifest.json`, `public/` (suppressed aggregate tables,
/// `findings.csv`, `report.html`), `restricted/` (by-name lists when asked, `child_months.csv`,
/// `findings.csv`, `followup.csv`, `ledger.csv`, `link_review.csv`, `link_decisions.csv` when
/// decisions were read). See `docs/report.md`.
public enum Report {
    /// Format tag written into every manifest.
    public static let format = "timbang-report-archive/1"

    /// Columns that must never reach `public/`; a public table that has one loses it.
    static let personalColumns: Set<String> = [
        "nik", "name", "nama", "parent_name", "nama_ortu", "address", "alamat", "birth_date",
        "birth_date_raw", "birth_date_reconciled", "tgl_lahir", "child_key", "rt", "rw", "no_kk", "phone",
    ]

    /// Builds the archive bytes (`.tar.gz`). Same input → same bytes, on any machine, in any
    /// time zone or locale (nothing here reads the environment or the clock unless
    /// `includeRunTime`).
    /// - Throws: `ReportError.badSetting` for k < 1 or a table name that is not a plain file name.
    public static func buildArchive(_ input: ReportInput) throws -> [UInt8] {
        var out: [UInt8] = []
        try writeArchive(input) { out.append(contentsOf: $0) }
        return out
    }

    /// The archive bytes handed to `sink` in order as they are compressed: the entries are
    /// streamed into the tar and the gzip writer, so neither the tar nor the whole compressed
    /// archive is held next to the entries (`Gzip.Writer` gives the bytes `Gzip.compress` would).
    public static func writeArchive(_ input: ReportInput, to sink: @escaping ([UInt8]) throws -> Void) throws {
        let entries = try entries(input)
        var gzip = try Gzip.Writer(level: Int32(input.compressionLevel), sink: sink)
        try Tar.write(entries) { try gzip.write($0) }
        try gzip.finish()
    }

    /// The archive's tar entries, manifest first.
    static func entries(_ input: ReportInput) throws -> [Tar.Entry] {
        guard input.suppressionK >= 1 else {
            throw ReportError.badSetting("suppression k must be 1 or more (got \(input.suppressionK)).")
        }
        guard ReportInput.compressionLevels.contains(input.compressionLevel) else {
            throw ReportError.badSetting("the compression level must be 1 to 9 (got \(input.compressionLevel)).")
        }
        let level = Int32(input.compressionLevel)
        let mtime = Int(input.asOf.ordinal) * 86_400
        let runTime = input.includeRunTime ? wallClockUTC() : nil

        // public/
        var suppression = (primary: 0, complementary: 0, statistics: 0)
        var publicTables: [Table] = []
        let aggregate = input.aggregate.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) })
        for t in aggregate { try checkName(t.name) }
        // each table on its own (a table's result does not depend on the others)
        let k = input.suppressionK
        // largest first, so that the threads finish together
        let bySize = aggregate.indices.sorted { aggregate[$0].rows.count * aggregate[$0].columns.count
            > aggregate[$1].rows.count * aggregate[$1].columns.count }
        for r in parallelMap(aggregate.count, order: bySize, { DisclosurePolicy.apply(withoutPersonalColumns(aggregate[$0]), k: k) }) {
            suppression.primary += r.primary
            suppression.complementary += r.complementary
            suppression.statistics += r.statistics
            publicTables.append(r.table)
        }
        let publicFindings = Table(name: "findings", columns: Finding.columns,
                                   rows: input.findings.sorted(by: findingOrder).map { f in
                                       [f.file, f.severity.rawValue, f.code, maskLongNumbers(f.message)]
                                   })
        let allFindings = Table(name: "findings", columns: Finding.columns,
                                rows: input.findings.sorted(by: findingOrder).map { $0.cells() })
        // The rendered entries (pages and workbooks) are independent of each other: built at once.
        let withFindings = publicTables + (publicTables.contains { $0.name == "findings" } ? [] : [publicFindings])
        let unsuppressed = aggregate.map(withoutPersonalColumns)
        let title = "\(input.kabupaten) \(input.period)"
        let renders: [() throws -> [UInt8]] = [
            { Array(ReportHTML.render(ReportHTML.Facts(input: input, tables: publicTables, findings: publicFindings, runTime: runTime)).utf8) },
            { try ExcelTables.workbook(withFindings.map(excelSheet), title: title + ": tabel publik", created: mtime, level: level) },
            { try ExcelTables.workbook(OfficialLayouts.sheets(byName(publicTables)), title: title + ": laporan", created: mtime, level: level) },
            // The same report unsuppressed, with what the office needs to act.
            { Array(ReportHTML.render(ReportHTML.Facts(input: input, tables: unsuppressed, findings: allFindings, runTime: runTime,
                                                      restricted: true)).utf8) },
            { try ExcelTables.workbook(OfficialLayouts.sheets(byName(unsuppressed)), title: title + ": laporan (TERBATAS / restricted)",
                                       created: mtime, level: level) },
        ]
        // largest first: the public tables' workbook
        let rendered = try parallelMap(renders.count, order: [1, 4, 3, 0, 2]) { i in Result { try renders[i]() } }.map { try $0.get() }

        var files: [(String, [UInt8], Int?)] = []
        for t in publicTables { files.append(("public/\(t.name).csv", t.csvBytes(), t.rows.count)) }
        if !publicTables.contains(where: { $0.name == "findings" }) {
            files.append(("public/findings.csv", publicFindings.csvBytes(), publicFindings.rows.count))
        }
        files.append(("public/report.html", rendered[0], nil))
        // Excel: every public table as a sheet, and the layouts districts hand on.
        files.append(("public/tables.xlsx", rendered[1], nil))
        files.append(("public/laporan.xlsx", rendered[2], nil))
        files.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }

        // restricted/
        var restricted: [(String, [UInt8], Int?)] = []
        func addRestricted(_ t: Table, prefix: String = "") throws {
            try checkName(t.name)
            restricted.append(("restricted/\(prefix)\(t.name).csv", t.csvBytes(), t.rows.count))
        }
        for t in input.monitor { try addRestricted(t) }
        for t in input.rendered {
            try checkName(t.name)
            restricted.append(("restricted/\(t.name).csv", t.csv, t.rowCount))
        }
        restricted.append(("restricted/ledger.csv", input.ledger.csv.csv, input.ledger.csv.rowCount))
        try addRestricted(allFindings)
        restricted.append(("restricted/report.html", rendered[3], nil))
        restricted.append(("restricted/laporan.xlsx", rendered[4], nil))
        for t in input.byName ?? [] { try addRestricted(t, prefix: "by_name_") }
        for t in input.merge {
            try checkName(t.name)
            restricted.append(("restricted/merge/\(t.name).csv", t.csv, t.rowCount))
        }
        if let t = input.linkReview { try addRestricted(t) }
        if let t = input.linkDecisions, !t.rows.isEmpty { try addRestricted(t) }
        restricted.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        for i in restricted.indices.dropFirst() where restricted[i].0 == restricted[i - 1].0 {
            throw ReportError.badSetting("two restricted tables are both named \(restricted[i].0).")
        }

        var entries: [Tar.Entry] = [.directory("public/", mtime: mtime)]
        entries += files.map { .file($0.0, $0.1, mtime: mtime) }
        entries.append(.directory("restricted/", mtime: mtime))
        // restricted/merge/ after the files directly under restricted/ (they sort before it)
        let (inMerge, direct) = (restricted.filter { $0.0.hasPrefix("restricted/merge/") }, restricted.filter { !$0.0.hasPrefix("restricted/merge/") })
        entries += direct.map { .file($0.0, $0.1, mtime: mtime) }
        if !inMerge.isEmpty {
            entries.append(.directory("restricted/merge/", mtime: mtime))
            entries += inMerge.map { .file($0.0, $0.1, mtime: mtime) }
        }

        let rows = Dictionary(uniqueKeysWithValues: (files + restricted).compactMap { f in f.2.map { (f.0, $0) } })
        let fileEntries = entries.filter { $0.kind == .file }
        let hashes = parallelMap(fileEntries.count) { sha256Hex(fileEntries[$0].bytes) }
        let manifest = manifestJSON(input, entries: fileEntries, hashes: hashes, rows: rows, suppression: suppression,
                                    runTime: runTime)
        return [.file("manifest.json", Array(manifest.rendered().utf8), mtime: mtime)] + entries
    }

    /// A table as a sheet of `tables.xlsx`: its dimensions always text.
    static func excelSheet(_ t: Table) -> ExcelTables.Sheet {
        ExcelTables.Sheet(name: t.name, columns: t.columns, rows: t.rows, textColumns: Suppression.dimensionColumns)
    }

    static func byName(_ tables: [Table]) -> [String: Table] {
        Dictionary(tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// - Parameters:
    ///   - entries: the file entries, in archive order, with their SHA-256 (`hashes`, hex).
    static func manifestJSON(_ input: ReportInput, entries: [Tar.Entry], hashes: [String], rows: [String: Int],
                             suppression: (primary: Int, complementary: Int, statistics: Int),
                             runTime: String?) -> JSON {
        var m: [String: JSON] = [
            "format": .string(format),
            "timbang_version": .string(input.timbangVersion),
            "pipeline": .string(input.pipelineName),
            "kabupaten": .string(input.kabupaten),
            "period": .string(input.period),
            "as_of": .string(input.asOf.iso),
            "config": .string(redactSecrets(input.configText)),
            "config_sha256": .string(sha256Hex(Array(input.configText.utf8))),
            "hmac_key_id": .string(input.hmacKeyID),
            "inputs": .array(input.inputs.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }.map {
                .object(["name": .string($0.name), "bytes": .int($0.bytes), "sha256": .string($0.sha256)])
            }),
            "references": .array(input.references.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }.map {
                .object(["name": .string($0.name), "version": .string($0.version), "sha256": .string($0.sha256)])
            }),
            "stage_counts": .array(input.stageCounts.map {
                .object(["stage": .string($0.stage), "counts": .object($0.counts.mapValues { .int($0) })])
            }),
            "ledger_fates": ledgerFates(input.ledger),
            "suppression": .object([
                "k": .int(input.suppressionK),
                "marker": .string(Suppression.marker),
                "primary_cells": .int(suppression.primary),
                "complementary_cells": .int(suppression.complementary),
                "statistic_cells": .int(suppression.statistics),
            ]),
            "by_name_lists": .bool(!(input.byName ?? []).isEmpty),
            "link_review_pairs": .int(input.linkReview?.rows.count ?? 0),
            "link_decisions": linkDecisionCounts(input.linkDecisions),
            "entries": .array(zip(entries, hashes).map { e, sha in
                var o: [String: JSON] = ["path": .string(e.path), "bytes": .int(e.bytes.count), "sha256": .string(sha)]
                if let n = rows[e.path] { o["rows"] = .int(n) }
                return .object(o)
            }),
        ]
        if !input.merge.isEmpty {
            m["merge"] = .object(["format": .string(input.mergeFormat),
                                  "tables": .array(input.merge.map { .string($0.name) })])
        }
        if !input.mergedFrom.isEmpty {
            m["merged_from"] = .array(input.mergedFrom.map {
                .object(["archive": .string($0.archive), "bytes": .int($0.bytes), "sha256": .string($0.sha256),
                         "kabupaten": .string($0.kabupaten), "pipeline": .string($0.pipeline), "period": .string($0.period)])
            })
        }
        if let runTime { m["run_time"] = .string(runTime) }
        return .object(m)
    }

    /// Decisions applied from `link.decisions`: how many were read, and per outcome.
    static func linkDecisionCounts(_ t: Table?) -> JSON {
        var o: [String: JSON] = ["decisions": .int(t?.rows.count ?? 0)]
        if let t, let c = t.column("outcome") {
            var n: [String: Int] = [:]
            for r in t.rows { n[r[c], default: 0] += 1 }
            o["outcomes"] = .object(n.mapValues { .int($0) })
        }
        return .object(o)
    }

    /// Ledger rows per fate, and invalid rows per reason.
    static func ledgerFates(_ ledger: Ledger) -> JSON {
        var o = ledger.fates.mapValues { JSON.int($0) }
        o["records"] = .int(ledger.csv.rowCount)
        o["invalid_by_reason"] = .object(ledger.invalidByReason.mapValues { .int($0) })
        return .object(o)
    }

    /// The config text with the value of every secret-looking setting replaced by
    /// `"<redacted>"`: a `name = value` line (commented out or not) whose name contains `key`, `secret`, `password` or
    /// `token`, unless the name ends in `_id`, `_file`, `_path` or `_env` (which name a secret
    /// without holding it). The manifest's `config_sha256` is of the text as used.
    static func redactSecrets(_ text: String) -> String {
        let words = ["key", "secret", "password", "token"]
        let safeEnds = ["_id", "_file", "_path", "_env"]
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let eq = line.firstIndex(of: "=") else { return String(line) }
            let name = line[..<eq].trimmingCharacters(in: " \t\"'").lowercased()
            guard words.contains(where: { name.contains($0) }), !safeEnds.contains(where: { name.hasSuffix($0) }) else {
                return String(line)
            }
            return String(line[..<eq]) + "= \"<redacted>\""
        }.joined(separator: "\n")
    }

    static func checkName(_ name: String) throws {
        let ok = !name.isEmpty && name.utf8.count <= 60 && name.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-"
        }
        guard ok else {
            throw ReportError.badSetting("table name '\(name)' must be 1–60 characters of a–z, 0–9, _ or -.")
        }
    }

    static func withoutPersonalColumns(_ t: Table) -> Table {
        let keep = t.columns.indices.filter { !personalColumns.contains(t.columns[$0].lowercased()) }
        guard keep.count != t.columns.count else { return t }
        return Table(name: t.name, columns: keep.map { t.columns[$0] }, rows: t.rows.map { r in keep.map { r[$0] } })
    }

    static func findingOrder(_ a: Finding, _ b: Finding) -> Bool {
        (a.file, a.code, a.message) < (b.file, b.code, b.message)
    }

    /// Replaces every run of 8 or more digits (a NIK, a No KK, a phone number) with `#`s, so a
    /// finding quoted in `public/` cannot carry one.
    static func maskLongNumbers(_ s: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            out += run.count >= 8 ? String(repeating: "#", count: run.count) : run
            run = ""
        }
        for ch in s {
            if ch.isASCII, ch.isNumber { run.append(ch) } else { flush(); out.append(ch) }
        }
        flush()
        return out
    }

    /// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (only when the config asks for it).
    static func wallClockUTC() -> String {
        let t = Int(time(nil))
        let day = Day(ordinal: Int32(t / 86_400))
        let s = t % 86_400
        return "\(day.iso)T\(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2))Z"
    }

    /// `<kabupaten>-<period>-<as-of>.tar.gz`, with the kabupaten folded to `a-z0-9-`.
    public static func archiveName(_ input: ReportInput) -> String {
        "\(slug(input.kabupaten))-\(slug(input.period, keep: "_"))-\(input.asOf.iso).tar.gz"
    }

    static func slug(_ s: String, keep: Character? = nil) -> String {
        var out = ""
        for ch in s.lowercased() {
            if (ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") || ch == keep {
                out.append(ch)
            } else if !out.isEmpty, out.last != "-" {
                out.append("-")
            }
        }
        while out.last == "-" { out.removeLast() }
        return out.isEmpty ? "run" : out
    }

    /// Writes the archive to `path` atomically (a temporary name, then a rename; nothing is
    /// left under `path` when writing fails): `timbang merge`'s output.
    /// - Returns: its size and SHA-256.
    public static func write(_ input: ReportInput, to path: String) throws -> (bytes: Int, sha256: String) {
        var size = 0
        var sha = SHA256Stream()
        do {
            let f = try AtomicFileWriter(path: path)
            try writeArchive(input) { bytes in
                bytes.withUnsafeBytes { f.append($0); sha.update($0) }
                size += bytes.count
            }
            try f.check()
            try f.commit()
        } catch let e as ReportError {
            throw e
        } catch let f as AtomicFile.Failure {
            throw ReportError.cannotWrite(path: f.path ?? path, why: f.reason ?? "\(f)")
        } catch {
            throw ReportError.cannotWrite(path: path, why: "\(error)")
        }
        return (size, sha.finalizeHex())
    }

    /// The name of the pointer to the newest archive in a folder (a relative symlink).
    public static let latestName = "latest.tar.gz"

    /// Writes the archive to `<folder>/<kabupaten>-<period>-<as-of>.tar.gz` atomically and
    /// points `latest.tar.gz` (a relative symlink) at it.
    ///
    /// Every step that needs space comes before anything final moves: the archive is written
    /// whole under `<name>.tmp-<pid>` and fsynced, the new symlink is made as
    /// `latest.tar.gz.tmp-<pid>`; only then is the archive renamed into place (and the folder
    /// fsynced) and the symlink renamed over `latest.tar.gz`. A write that fails (a full disk,
    /// a folder gone read-only) removes both temporary names and leaves the folder as it was:
    /// the last archive and `latest` untouched, nothing new under a final name.
    /// - Returns: the archive's path, size and SHA-256.
    /// - Throws: `ReportError.cannotWrite` naming the file and the system's reason.
    @discardableResult
    public static func publish(_ input: ReportInput, folder: String) throws -> Published {
        let name = archiveName(input)
        let path = folder + "/" + name
        let link = folder + "/" + latestName
        let tmp = link + ".tmp-\(getpid())"
        var size = 0, pieces = 0
        var sha = SHA256Stream()
        func cannotWrite(_ p: String, _ error: Error) -> ReportError {
            if let e = error as? ReportError { return e }
            if let f = error as? AtomicFile.Failure, let reason = f.reason { return .cannotWrite(path: f.path ?? p, why: reason) }
            return .cannotWrite(path: p, why: "\(error)")
        }
        let file: AtomicFileWriter
        do {
            let f = try AtomicFileWriter(path: path)
            file = f
            try writeArchive(input) { bytes in
                bytes.withUnsafeBytes { f.append($0); sha.update($0) }
                size += bytes.count
                pieces += 1
                // after the header and the first compressed block, so that a test can kill
                // the run with the archive half written (`Failpoint`)
                if pieces == 2 {
                    f.flushToDisk()
                    try Failpoint.hit("archive.write")
                }
            }
            try f.check()
            try Failpoint.hit("archive.latest")
        } catch {
            throw cannotWrite(path, error)
        }
        unlink(tmp)
        if let e = Failpoint.writeFault() { throw ReportError.cannotWrite(path: link, why: String(cString: strerror(e))) }
        guard symlink(name, tmp) == 0 else {
            throw ReportError.cannotWrite(path: link, why: String(cString: strerror(errno)))
        }
        do { try file.commit() } catch {
            unlink(tmp)
            throw cannotWrite(path, error)
        }
        guard rename(tmp, link) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw ReportError.cannotWrite(path: link, why: why)
        }
        let dfd = open(folder, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        return Published(path: path, bytes: size, sha256: sha.finalizeHex())
    }

    /// A published archive: its path, size and SHA-256 (counted as it was written).
    public struct Published: Sendable, Equatable {
        public var path: String
        public var bytes: Int
        public var sha256: String
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        let skip = Set(set)
        var s = self
        while let f = s.first, skip.contains(f) { s.removeFirst() }
        while let l = s.last, skip.contains(l) { s.removeLast() }
        return String(s)
    }
}
