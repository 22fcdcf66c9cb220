import Foundation
import Testing
@testable import Pipeline
import Synth
import TimbangCore

extension CommandLineTests {
    /// The nightly case of issue 14: files added, changed and removed since the last run.
    @Test func anIncrementalRunPublishesTheArchiveOfAFullRun() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first")
        let dir = makeTempFolder("incremental")
        let synth = try timbang(["synth", "--seed", "5", "--children", "150", "--months", "4", "--out", dir + "/synth"])
        #expect(synth.code == 0, "\(synth.err)")
        let asOf = try #require(synth.out.firstMatch(of: /as-of ([0-9-]+)/)).1
        let data = dir + "/synth/data"
        let fm = FileManager.default
        let dumps = try dumpNames(data)
        #expect(dumps.count > 6)
        // Held back from the first run, then added; one plain CSV changed; one file removed.
        let added = dumps[0], removed = dumps[1]
        let changed = try #require(dumps.dropFirst(2).first { $0.hasSuffix(".csv") })
        try fm.moveItem(atPath: data + "/" + added, toPath: dir + "/" + added)

        let path = writePipeline(in: dir, name: "nightly", asOf: String(asOf), inputs: [data],
                                 input: "unit_pattern = \"lokasi/{kecamatan}/{puskesmas}/{desa}/{posyandu}/*.csv\"")
        let logs = dir + "/out/nightly/logs"
        /// Runs timbang and returns its archive's bytes, its closing line and the lines of its log file.
        func run(_ extra: [String]) throws -> (archive: [UInt8], out: String, log: [Substring]) {
            let before = Set((try? fm.contentsOfDirectory(atPath: logs)) ?? [])
            let r = try timbang(["run", path] + extra)
            #expect(r.code == 0, "\(extra): \(r.err)")
            let archive = try #require(archivePath(r.out), "\(r.out)")
            let new = try fm.contentsOfDirectory(atPath: logs).filter { !before.contains($0) }
            let log = new.count == 1 ? String(decoding: readFileBytes(logs + "/" + new[0]) ?? [], as: UTF8.self) : ""
            return (try #require(readFileBytes(archive)), r.out, log.split(separator: "\n"))
        }
        func ingestLine(_ log: [Substring]) -> Substring? { log.first { $0.contains(" info ingest: ") && $0.contains(" files (") } }

        let first = try run([])
        let total = dumps.count - 1
        #expect(ingestLine(first.log)?.hasSuffix("ingest: \(total) files (\(total) added, 0 changed, 0 removed, 0 unchanged since the last ingest): 0 reused, reading \(total)") == true,
                "\(first.log)")

        try fm.moveItem(atPath: dir + "/" + added, toPath: data + "/" + added)
        try fm.removeItem(atPath: data + "/" + removed)
        var lines = String(decoding: try #require(readFileBytes(data + "/" + changed)), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let cut = lines.lastIndex { !$0.isEmpty }!
        lines.remove(at: cut)   // the last record taken out, as a re-export would
        try AtomicFile.write(text: lines.joined(separator: "\n"), to: data + "/" + changed)

        let incremental = try run([])
        let unchanged = total - 2
        #expect(ingestLine(incremental.log)?.hasSuffix("ingest: \(total) files (1 added, 1 changed, 1 removed, \(unchanged) unchanged since the last ingest): \(unchanged) reused, reading 2") == true,
                "\(incremental.log)")
        #expect(incremental.out.contains("; 2 files parsed, \(unchanged) reused; "), "\(incremental.out)")
        #expect(incremental.log.contains { $0.contains("stage finished") && $0.contains("stage=ingest") && $0.contains("added=1 ")
            && $0.contains("changed=1 ") && $0.contains("removed=1 ") && $0.contains("reused=\(unchanged) ") }, "\(incremental.log)")
        let full = try run(["--full", "--output", dir + "/full-out"])
        #expect(incremental.archive == full.archive, "an incremental run publishes the bytes of a full run")
        #expect(incremental.archive != first.archive, "the inputs did change")

        let again = try run([])
        #expect(ingestLine(again.log)?.hasSuffix("ingest: \(total) files (0 added, 0 changed, 0 removed, \(total) unchanged since the last ingest): \(total) reused, reading 0") == true,
                "\(again.log)")
        #expect(again.archive == full.archive)
        #expect(again.out.contains("; 0 files parsed, \(total) reused; "), "\(again.out)")
        let cache = IngestCache(store: StageStore(runFolder: dir + "/out/nightly"), build: "", limits: .init())
        #expect(cache.storedKeys().count == total, "one entry per input, the removed file's pruned")
    }

    @Test func aFullRunReadsEveryFileAndSaysSo() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first")
        let dir = makeTempFolder("full")
        let path = writePipeline(in: dir, name: "full", asOf: "2024-06-30", inputs: [District.shared.data],
                                 input: "unit_pattern = \"\(SynthSummary.unitPattern)\"")
        #expect(try timbang(["run", path]).code == 0)
        let r = try timbang(["run", path, "--full", "--verbose"])
        #expect(r.code == 0, "\(r.err)")
        let n = try dumpNames(District.shared.data).count
        #expect(r.err.contains("ingest: \(n) files (0 added, 0 changed, 0 removed, \(n) unchanged since the last ingest): reading all (--full)"), "\(r.err)")
    }
}

/// The files under `folder` (recursively), as paths relative to it, sorted.
func dumpNames(_ folder: String) throws -> [String] {
    try FileManager.default.subpathsOfDirectory(atPath: folder).filter { !isDirectory(folder + "/" + $0) }.sorted()
}
