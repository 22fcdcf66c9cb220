import TimbangCore
import Aggregate
import Report
import Link

/// `timbang merge`: one province (or national) archive from district archives (README
/// "Merging archives").
///
/// Each archive's `restricted/merge/` tables (the aggregate cube, unsuppressed) are read back,
/// put under the archive's kabupaten and added (`AggregateCube.merge`); the merged tables are
/// made by the same code as a district's (`Aggregate.tables`) with a `provinsi` level on top
/// and a `kabupaten` key column, then suppressed and archived as a run's report is.
public enum ArchiveMerge {
    /// Archives that cannot be merged (no merge tables, another format, other reference
    /// tables, KBM edition or HMAC key): nothing is written.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// One source archive, read: its manifest and what the merge takes of it.
    struct Source {
        var path: String
        var name: String
        var bytes: Int
        var sha256: String
        var manifest: JSON
        var cube: AggregateCube
        var findings: [Finding]
        var kabupaten: String { manifest["kabupaten"]?.string ?? "" }
    }

    /// What the merged archive is called and how it is suppressed.
    public struct Settings: Sendable {
        /// The top unit's name (e.g. `PROVINSI JAWA TENGAH`): titles, the archive's `kabupaten`
        /// field. Empty: `PROVINSI`.
        public var name: String
        /// Suppression k; nil: the largest of the sources'.
        public var minCell: Int?
        public var timbangVersion: String
        public init(name: String = "", minCell: Int? = nil, timbangVersion: String) {
            self.name = name; self.minCell = minCell; self.timbangVersion = timbangVersion
        }
    }

    /// Reads the archives and makes the merged archive's report input.
    /// - Throws: `Refusal` for archives that cannot be merged, `ReportError` for an archive
    ///   that cannot be read or is refused as unsafe, `AggregateError` for damaged merge tables.
    public static func input(archives: [String], settings: Settings) throws -> ReportInput {
        guard !archives.isEmpty else { throw Refusal("no archives to merge") }
        // Each archive is streamed and only its manifest, merge tables and findings are kept
        // (Archive.readFile(path:keeping:)); its cube is made at once and its tables let go, so
        // that memory is the cubes, not the archives.
        var sources: [Source] = []
        for path in archives {
            let (entries, bytes, sha) = try Archive.readFile(path: path) {
                $0.hasPrefix("restricted/merge/") || $0 == "restricted/findings.csv"
            }
            let name = lastPathComponent(path)
            let manifest = try Archive.manifest(entries)
            try checkCompatible(name: name, manifest: manifest, with: sources)
            var tables: [Table] = []
            for table in manifest["merge"]?["tables"]?.array?.compactMap(\.string) ?? [] {
                guard let e = entries.first(where: { $0.path == "restricted/merge/\(table).csv" }) else {
                    throw Refusal("\(name): the manifest lists restricted/merge/\(table).csv but the archive has no such entry")
                }
                do { tables.append(try Table(name: table, csv: e.text)) } catch {
                    throw AggregateError.cubeMalformed(why: "\(name): restricted/merge/\(table).csv: \(error)")
                }
            }
            let cube: AggregateCube
            do { cube = try AggregateCube(tables: tables, merged: manifest["merged_from"] != nil) } catch let e as AggregateError {
                throw AggregateError.cubeMalformed(why: "\(name): \(e)")
            }
            let kabupaten = manifest["kabupaten"]?.string ?? ""
            var findings: [Finding] = []
            if let e = entries.first(where: { $0.path == "restricted/findings.csv" }), let t = try? Table(name: "findings", csv: e.text) {
                for row in t.rows {
                    guard var f = try? Finding(cells: row) else { continue }
                    f.file = kabupaten + "/" + f.file
                    findings.append(f)
                }
            }
            sources.append(Source(path: path, name: name, bytes: bytes, sha256: sha, manifest: manifest, cube: cube, findings: findings))
        }
        // the sources in a fixed order (by kabupaten, then file name): the same bytes out
        // whatever order they are given in
        sources.sort { a, b in
            [a.kabupaten, a.name, a.sha256].lexicographicallyPrecedes([b.kabupaten, b.name, b.sha256]) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        var parts: [AggregateCube.Part] = []
        for i in sources.indices {
            parts.append(AggregateCube.Part(kabupaten: sources[i].kabupaten, cube: sources[i].cube))
            sources[i].cube = AggregateCube()
        }
        let cube = try AggregateCube.merge(consume parts)
        let tables = Aggregate.tables(cube, settings: AggregateSettings())

        let first = sources[0].manifest
        let references = (first["references"]?.array ?? []).map {
            ManifestReference(name: $0["name"]?.string ?? "", version: $0["version"]?.string ?? "", sha256: $0["sha256"]?.string ?? "")
        }
        // counts of the sources, added
        var stageOrder: [String] = []
        var stageCounts: [String: [String: Int]] = [:]
        var fates: [String: Int] = [:], reasons: [String: Int] = [:]
        var findings: [Finding] = []
        var periods: [String] = []
        var asOf = Day(ordinal: 0)
        var k = 1
        for s in sources {
            for sc in s.manifest["stage_counts"]?.array ?? [] {
                guard let stage = sc["stage"]?.string else { continue }
                if stageCounts[stage] == nil { stageOrder.append(stage) }
                for (c, v) in sc["counts"]?.object ?? [:] { stageCounts[stage, default: [:]][c, default: 0] += v.int ?? 0 }
            }
            for (f, v) in s.manifest["ledger_fates"]?.object ?? [:] where f != "invalid_by_reason" && f != "records" {
                fates[f, default: 0] += v.int ?? 0
            }
            for (r, v) in s.manifest["ledger_fates"]?["invalid_by_reason"]?.object ?? [:] { reasons[r, default: 0] += v.int ?? 0 }
            findings += s.findings
            if let p = s.manifest["period"]?.string { periods += p.split(separator: "_").map(String.init) }
            if let d = s.manifest["as_of"]?.string.flatMap(Day.init(iso:)), d > asOf { asOf = d }
            k = max(k, s.manifest["suppression"]?["k"]?.int ?? 1)
        }
        periods.sort()
        let period = periods.first.map { "\($0)_\(periods.last!)" } ?? asOf.yearMonth.description
        let name = settings.name.isEmpty ? "PROVINSI" : settings.name
        let config = (["# timbang merge", "name = \"\(name)\"", "archives = ["]
                      + sources.map { "  \"\($0.name)\",  # \($0.kabupaten), sha256 \($0.sha256)" } + ["]"]).joined(separator: "\n") + "\n"
        let ledgerHeader = Array((Link.ledgerColumns.joined(separator: ",") + "\n").utf8)
        var input = ReportInput(
            pipelineName: "merge", kabupaten: name, period: period, asOf: asOf, timbangVersion: settings.timbangVersion,
            configText: config, inputs: sources.map { ManifestInput(name: $0.name, bytes: $0.bytes, sha256: $0.sha256) },
            references: references, hmacKeyID: first["hmac_key_id"]?.string ?? "",
            stageCounts: stageOrder.map { StageCount(stage: $0, counts: stageCounts[$0]!) },
            suppressionK: settings.minCell ?? k, aggregate: tables, monitor: [],
            ledger: Ledger(csv: RenderedTable(name: "ledger", rowCount: 0, csv: ledgerHeader), fates: fates, invalidByReason: reasons),
            findings: findings)
        input.merge = AggregateCube.archiveNamed(cube.renderedTables())
        input.mergeFormat = AggregateCube.format
        input.mergedFrom = sources.map {
            MergeSource(archive: $0.name, bytes: $0.bytes, sha256: $0.sha256, kabupaten: $0.kabupaten,
                        pipeline: $0.manifest["pipeline"]?.string ?? "", period: $0.manifest["period"]?.string ?? "")
        }
        return input
    }

    /// Refuses an archive that cannot be added to those read before it: another archive
    /// format, no merge tables or another merge format, other reference tables (WHO standards,
    /// KBM edition, Permenkes cut-offs: names, versions and SHA-256) or another HMAC key id than
    /// the first's (a child would get two keys), or the kabupaten of one before it.
    static func checkCompatible(name: String, manifest m: JSON, with before: [Source]) throws {
        func refs(_ m: JSON) -> [String] {
            (m["references"]?.array ?? []).map { "\($0["name"]?.string ?? "") \($0["version"]?.string ?? "") \($0["sha256"]?.string ?? "")" }.sorted()
        }
        guard m["format"]?.string == Report.format else {
            throw Refusal("\(name): not a timbang report archive of format \(Report.format)")
        }
        guard let f = m["merge"]?["format"]?.string else {
            throw Refusal("\(name): the archive has no merge tables (restricted/merge/; made by a timbang before \(AggregateCube.format)): rerun its pipeline's report")
        }
        guard f == AggregateCube.format else { throw Refusal("\(name): merge tables of format \(f), this timbang reads \(AggregateCube.format)") }
        guard let first = before.first else { return }
        if m["hmac_key_id"]?.string != first.manifest["hmac_key_id"]?.string {
            throw Refusal("\(name): HMAC key \(m["hmac_key_id"]?.string ?? "?") differs from \(first.name)'s \(first.manifest["hmac_key_id"]?.string ?? "?"): the districts of a merge share one key (README \"Merging archives\")")
        }
        let a = refs(first.manifest), b = refs(m)
        if a != b {
            let diff = Set(a).symmetricDifference(b).sorted().first ?? ""
            throw Refusal("\(name): its reference tables differ from \(first.name)'s (\(diff))")
        }
        let kabupaten = m["kabupaten"]?.string ?? ""
        if let other = before.first(where: { $0.kabupaten == kabupaten }) {
            throw Refusal("\(other.name) and \(name) are both of kabupaten \(kabupaten)")
        }
    }
}
