import Foundation
import Testing
@testable import Pipeline
import Aggregate
import Growth
import Report
import Synth
import TimbangCore

/// A clean synthetic district of four kecamatan whose children move between them, its dump
/// files split by kecamatan into two "kabupaten" (A: the first two kecamatan by name, B: the
/// others). A single run over all the files is what merging A's and B's archives must give.
struct SplitDistrict: Sendable {
    let folder: String
    /// Children who moved from a kecamatan of one half to one of the other (the truth's), and
    /// those of them without a NIK (keyed by name, birth and place: another key in each half).
    let crossMovers: Int
    let crossMoversWithoutNIK: Int

    var data: String { folder + "/data" }

    static let shared: SplitDistrict = {
        let folder = makeTempFolder("split")
        var s = SynthSettings()
        s.seed = 5; s.children = 400; s.months = 6; s.messiness = 0; s.kecamatan = 4
        let standards = try! GrowthStandards(directory: referenceFolder + "/who-growth-standards")
        _ = try! Synth.run(s, standards: standards, dataDir: folder + "/data", truthDir: folder + "/truth")
        let files = try! RecordTable.readTable(name: "files", from: folder + "/truth/files.csv")
        let fc = files.column("file")!, kc = files.column("kecamatan")!
        let kecamatan = Set(files.rows.map { $0[kc] }).sorted()
        let half = Set(kecamatan.prefix(2))
        for row in files.rows {
            let to = folder + "/" + (half.contains(row[kc]) ? "a" : "b") + "/" + row[fc]
            try! AtomicFile.makeDirectories(AtomicFile.parentDirectory(of: to))
            try! FileManager.default.copyItem(atPath: folder + "/data/" + row[fc], toPath: to)
        }
        let children = try! RecordTable.readTable(name: "children", from: folder + "/truth/children.csv")
        let home = children.column("kecamatan")!, moved = children.column("moved_to_kecamatan")!
        let crossing = children.rows.filter { !$0[moved].isEmpty && half.contains($0[home]) != half.contains($0[moved]) }
        let nik = children.column("nik")!
        return SplitDistrict(folder: folder, crossMovers: crossing.count, crossMoversWithoutNIK: crossing.filter { $0[nik].isEmpty }.count)
    }()

    /// Runs a pipeline named `name` over `inputs`; its archive's path and its run folder.
    func run(_ name: String, inputs: [String], kabupaten: String, keyText: String = "0123456789abcdef0123456789abcdef\n",
             extra: String = "") throws -> (archive: String, runFolder: String) {
        let dir = makeTempFolder("merge-" + name)
        let path = writePipeline(in: dir, name: name, extra: "kabupaten = \"\(kabupaten)\"\n" + extra, asOf: "2024-07-31", inputs: inputs)
        write(keyText, to: dir + "/test.key")
        let config = try PipelineConfig.load(path: path)
        let runner = PipelineRunner(config: config, options: RunOptions(threads: 2))
        runner.timbangVersion = "test"
        let summary = try runner.run()
        return (try #require(summary.archive), config.runFolder)
    }

    static let runs: (single: (archive: String, runFolder: String), a: String, b: String) = {
        let d = SplitDistrict.shared
        return (try! d.run("single", inputs: [d.folder + "/a", d.folder + "/b"], kabupaten: "KAB SATU"),
                try! d.run("kab-a", inputs: [d.folder + "/a"], kabupaten: "KAB A").archive,
                try! d.run("kab-b", inputs: [d.folder + "/b"], kabupaten: "KAB B").archive)
    }()
}

@Suite(.serialized) struct MergeTests {
    let district = SplitDistrict.shared

    /// The merged table's rows as the single run writes them: the kabupaten rows of A and B
    /// left out, `provinsi` written `kabupaten`, no kabupaten column.
    func asSingleRun(_ t: Table) -> [[String]] {
        guard let kc = t.column("kabupaten"), let lc = t.column("level") else { return t.rows }
        return t.rows.filter { $0[lc] != "kabupaten" }.map { row in
            var r = row
            if r[lc] == "provinsi" { r[lc] = "kabupaten" }
            r.remove(at: kc)
            return r
        }
    }

    @Test func mergingTwoHalvesEqualsOneRunOverAllTheirFiles() throws {
        let runs = SplitDistrict.runs
        #expect(district.crossMovers > 0, "the synthetic district has children who move between the halves")
        let merged = try ArchiveMerge.input(archives: [runs.a, runs.b], settings: .init(name: "PROVINSI UJI", timbangVersion: "test"))
        let store = StageStore(runFolder: runs.single.runFolder)
        // every month of every unit: the same rows, cell for cell
        for name in ["prevalence", "categories", "categories_sex_age", "quality"] {
            let single = try store.readTable(.aggregate, name)
            let m = try #require(merged.aggregate.first { $0.name == name })
            #expect(m.columns.filter { $0 != "kabupaten" } == single.columns, "\(name): the same columns but kabupaten")
            let pc = single.column("period")!
            let monthly = { (rows: [[String]]) in rows.filter { YearMonth($0[pc]) != nil } }
            let a = monthly(asSingleRun(m)), b = monthly(single.rows)
            #expect(a.count == b.count && !a.isEmpty, "\(name): \(a.count) monthly rows merged, \(b.count) in the single run")
            let differing = zip(a, b).filter { $0 != $1 }
            #expect(differing.isEmpty, "\(name): \(differing.count) rows differ, first \(differing.first.map { "\($0.0) vs \($0.1)" } ?? "")")
        }
        // SKDN adds up per district: D is the districts' own
        let skdn = try #require(merged.aggregate.first { $0.name == "skdn" })
        let (lc, dc) = (skdn.column("level")!, skdn.column("d_n")!)
        let single = try store.readTable(.aggregate, "skdn")
        let sd = single.rows.filter { $0[single.column("level")!] == "kabupaten" }.map { Int($0[single.column("d_n")!])! }.reduce(0, +)
        #expect(skdn.rows.filter { $0[lc] == "provinsi" }.map { Int($0[dc])! }.reduce(0, +) == sd)
    }

    /// The children of the top unit in period `latest` (sex all, age all) of a prevalence table.
    func latestChildren(_ t: Table, level: String) throws -> Int {
        let (lc, pc, sc, ac, nc) = (t.column("level")!, t.column("period")!, t.column("sex")!, t.column("age_group")!, t.column("children_n")!)
        let row = try #require(t.rows.first { $0[lc] == level && $0[pc] == "latest" && $0[sc] == "all" && $0[ac] == "all" })
        return Int(row[nc])!
    }

    @Test func aChildInBothArchivesCountsOnceInLatest() throws {
        let runs = SplitDistrict.runs
        let merged = try ArchiveMerge.input(archives: [runs.a, runs.b], settings: .init(timbangVersion: "test"))
        let p = try #require(merged.aggregate.first { $0.name == "prevalence" })
        // children in both archives' latest tables: movers with a NIK
        func latestKeys(_ archive: String) throws -> Set<String> {
            let e = try #require(try Archive.read(path: archive).first { $0.path == "restricted/merge/latest.csv" })
            return Set(try Table(name: "latest", csv: e.text).rows.map { $0[0] })
        }
        let (ka, kb) = (try latestKeys(runs.a), try latestKeys(runs.b))
        let both = ka.intersection(kb).count
        #expect(both > 0, "some children are in both archives")
        #expect(try latestChildren(p, level: "provinsi") == ka.count + kb.count - both, "each child counted once")
        // one run over all the files links the movers without a NIK too (by name, birth date
        // and parent across places); the archives key them by place, so each half counts them
        let single = try StageStore(runFolder: runs.single.runFolder).readTable(.aggregate, "prevalence")
        #expect(try latestChildren(p, level: "provinsi") == latestChildren(single, level: "kabupaten") + district.crossMoversWithoutNIK)
    }

    @Test func theMergedArchiveVerifiesListsItsSourcesAndDoesNotDependOnTheirOrder() throws {
        let runs = SplitDistrict.runs
        let dir = makeTempFolder("merged")
        let ab = try ArchiveMerge.input(archives: [runs.a, runs.b], settings: .init(name: "PROVINSI UJI", timbangVersion: "test"))
        let ba = try ArchiveMerge.input(archives: [runs.b, runs.a], settings: .init(name: "PROVINSI UJI", timbangVersion: "test"))
        let one = try Report.write(ab, to: dir + "/ab.tar.gz"), two = try Report.write(ba, to: dir + "/ba.tar.gz")
        #expect(one.sha256 == two.sha256, "the archives' order does not change the bytes")
        let v = Archive.verify(path: dir + "/ab.tar.gz")
        #expect(v.ok, "verify: \(v.problems) \(v.refused ?? "")")
        let manifest = try Archive.manifest(try Archive.read(path: dir + "/ab.tar.gz"))
        let sources = try #require(manifest["merged_from"]?.array)
        let sha = [runs.a, runs.b].map { sha256Hex(readFileBytes($0)!) }
        #expect(Set(sources.compactMap { $0["sha256"]?.string }) == Set(sha))
        #expect(Set(sources.compactMap { $0["kabupaten"]?.string }) == ["KAB A", "KAB B"])
        #expect(manifest["merge"]?["format"]?.string == AggregateCube.format)
        // a diff of the archive against itself finds nothing; a merged archive can be merged again
        #expect(try ArchiveDiff.diff(old: dir + "/ab.tar.gz", new: dir + "/ba.tar.gz").identical)
        let again = try ArchiveMerge.input(archives: [dir + "/ab.tar.gz"], settings: .init(name: "PROVINSI UJI", timbangVersion: "test"))
        #expect(again.aggregate.map(\.rows) == ab.aggregate.map(\.rows))
    }

    @Test func aRunsOwnCubeGivesItsOwnTables() throws {
        // the tables of a district's archive equal those made again from its merge tables
        let runs = SplitDistrict.runs
        let entries = try Archive.read(path: runs.single.archive)
        let tables = try entries.filter { $0.path.hasPrefix("restricted/merge/") }.map {
            try Table(name: String($0.path.dropFirst("restricted/merge/".count).dropLast(4)), csv: $0.text)
        }
        let cube = try AggregateCube(tables: tables)
        let again = Aggregate.tables(cube, settings: AggregateSettings())
        let store = StageStore(runFolder: runs.single.runFolder)
        for t in again { #expect(t.rows == (try store.readTable(.aggregate, t.name)).rows, "\(t.name)") }
        // nothing of the cube is public
        #expect(!entries.contains { $0.path.hasPrefix("public/") && $0.path.contains("merge") })
    }

    @Test func archivesThatCannotBeMergedAreRefused() throws {
        let runs = SplitDistrict.runs
        let d = district
        let otherKey = try d.run("kab-c", inputs: [d.folder + "/b"], kabupaten: "KAB C", keyText: "fedcba9876543210fedcba9876543210\n").archive
        #expect(throws: ArchiveMerge.Refusal.self) { try ArchiveMerge.input(archives: [runs.a, otherKey], settings: .init(timbangVersion: "test")) }
        let otherKBM = try d.run("kab-d", inputs: [d.folder + "/b"], kabupaten: "KAB D", extra: "[monitor]\nkbm_edition = \"kms2010\"\n").archive
        do {
            _ = try ArchiveMerge.input(archives: [runs.a, otherKBM], settings: .init(timbangVersion: "test"))
            Issue.record("archives of two KBM editions were merged")
        } catch let e as ArchiveMerge.Refusal {
            #expect(e.description.contains("reference tables differ"), "\(e)")
        }
        do {
            _ = try ArchiveMerge.input(archives: [runs.a, runs.a], settings: .init(timbangVersion: "test"))
            Issue.record("one kabupaten merged twice")
        } catch let e as ArchiveMerge.Refusal {
            #expect(e.description.contains("both of kabupaten KAB A"), "\(e)")
        }
    }
}
