import Foundation
import Testing
@testable import Pipeline
import Ingest
import TimbangCore

/// The per-file ingest cache: what it gives back, and every way an entry is a miss.
@Suite struct IngestCacheTests {
    /// Three dumps in a fresh folder (one with a finding), and a cache beside them.
    struct Fixture {
        let dir = makeTempFolder("cache")
        var files: [InputFile] = []
        let cache: IngestCache

        init(build: String = "build-1") {
            write(smallDump, to: dir + "/a.csv")
            write(smallDump.replacingOccurrences(of: "Melati", with: "Mawar"), to: dir + "/b.csv")
            write("No,Nama Anak,Warna\n1,Siti,biru\n", to: dir + "/c.csv")   // no header timbang knows: a finding, no records
            let dir = self.dir
            files = ["a.csv", "b.csv", "c.csv"].map { InputFile(path: dir + "/" + $0, name: $0) }
            cache = IngestCache(folder: dir + "/cache", build: build, limits: IngestLimits())
        }

        func print(_ f: InputFile) -> FileFingerprint { Ingest.fingerprints([f], threads: 1)[0]! }

        /// Reads `files` with nothing reused and stores each file's output; returns the result.
        func fill() throws -> IngestResult {
            let result = Ingest.run(files: files, threads: 2)
            for (i, f) in files.enumerated() {
                try cache.write(cache.entry(result.output(ofFile: i), of: f, print(f)), key: cache.key(of: f, print(f)))
            }
            return result
        }
    }

    @Test func aStoredEntryGivesBackExactlyWhatReadingTheFileGave() throws {
        let fx = Fixture()
        let result = try fx.fill()
        for (i, f) in fx.files.enumerated() {
            let hit = try #require(fx.cache.read(f, fx.print(f)), "\(f.name)")
            #expect(hit == result.output(ofFile: i), "\(f.name)")
            #expect(hit.records.isEmpty == (f.name == "c.csv"), "\(f.name)")
        }
        #expect(!result.findings.isEmpty, "c.csv has a finding, so findings go through the cache too")
    }

    @Test func fingerprintsAreTheFilesTablesSizeAndHash() throws {
        let fx = Fixture()
        let result = Ingest.run(files: fx.files, threads: 1)
        for (i, f) in fx.files.enumerated() {
            let p = fx.print(f)
            #expect([String(p.bytes), p.sha256] == [result.files.rows[i][1], result.files.rows[i][2]], "\(f.name)")
        }
        #expect(Ingest.fingerprints([InputFile(path: fx.dir + "/missing.csv", name: "missing.csv")], threads: 1) == [nil])
    }

    @Test func changedBytesAreAMiss() throws {
        let fx = Fixture()
        _ = try fx.fill()
        write(smallDump.replacingOccurrences(of: "7.5", with: "7.6"), to: fx.files[0].path)
        #expect(fx.cache.read(fx.files[0], fx.print(fx.files[0])) == nil)
    }

    @Test func theSameBytesUnderAnotherNameAreAMiss() throws {
        let fx = Fixture()
        _ = try fx.fill()
        let renamed = InputFile(path: fx.files[0].path, name: "renamed.csv")
        #expect(fx.cache.read(renamed, fx.print(renamed)) == nil, "the name is in every record's file#record")
        let withUnits = InputFile(path: fx.files[0].path, name: "a.csv",
                                  units: UnitDefaults(path: .init(desa: "Mergawati")))
        #expect(fx.cache.read(withUnits, fx.print(withUnits)) == nil, "other unit defaults")
    }

    @Test func anotherBuildOrOtherIngestLimitsAreAMiss() throws {
        let fx = Fixture()
        _ = try fx.fill()
        let f = fx.files[0]
        #expect(fx.cache.read(f, fx.print(f)) != nil)
        #expect(IngestCache(folder: fx.cache.folder, build: "build-2", limits: IngestLimits()).read(f, fx.print(f)) == nil)
        #expect(IngestCache(folder: fx.cache.folder, build: "build-1", limits: IngestLimits(sharedStringBytes: 1 << 20))
            .read(f, fx.print(f)) == nil)
    }

    @Test func aDamagedCutOrEmptyEntryIsAMissNeverAFailure() throws {
        let fx = Fixture()
        _ = try fx.fill()
        let f = fx.files[0]
        let path = fx.cache.folder + "/" + fx.cache.key(of: f, fx.print(f)) + ".pack"
        let good = try #require(readFileBytes(path))
        var flipped = good
        flipped[good.count - 3] ^= 0x20
        for (label, bytes) in [("flipped byte", flipped), ("cut", Array(good.prefix(good.count / 2))),
                               ("grown", good + [0]), ("empty", [])] {
            try AtomicFile.write(bytes, to: path)
            #expect(fx.cache.read(f, fx.print(f)) == nil, "\(label)")
        }
        try AtomicFile.write(good, to: path)
        #expect(fx.cache.read(f, fx.print(f)) != nil, "the same bytes back: a hit again")
    }

    @Test func pruningKeepsOnlyTheEntriesNamed() throws {
        let fx = Fixture()
        _ = try fx.fill()
        let keys = fx.files.map { fx.cache.key(of: $0, fx.print($0)) }
        #expect(fx.cache.storedKeys() == Set(keys))
        write("left by a killed run", to: fx.cache.folder + "/.tmp-x-1")
        #expect(fx.cache.prune(keeping: [keys[0], keys[2]]) == 1)
        #expect(fx.cache.storedKeys() == [keys[0], keys[2]])
        #expect(!FileManager.default.fileExists(atPath: fx.cache.folder + "/.tmp-x-1"))
        #expect(fx.cache.read(fx.files[1], fx.print(fx.files[1])) == nil)
    }

    @Test func reusedOutputsTakeTheirFilesPlaceInTheResult() throws {
        let fx = Fixture()
        let full = try fx.fill()
        // Given in another order, with the middle file reused and the others read.
        let given = [fx.files[2], fx.files[1], fx.files[0]]
        let reused = given.map { $0.name == "b.csv" ? fx.cache.read($0, fx.print($0)) : nil }
        #expect(reused.compactMap { $0 }.count == 1)
        for threads in [1, 2] {
            let mixed = Ingest.run(files: given, threads: threads, reused: reused)
            #expect(mixed.records == full.records, "threads \(threads)")
            #expect(mixed.files.rows == full.files.rows)
            #expect(mixed.findings == full.findings)
            #expect(mixed.spans == full.spans)
        }
        let allReused = Ingest.run(files: fx.files, threads: 2, reused: fx.files.map { fx.cache.read($0, fx.print($0)) })
        #expect(allReused.records == full.records && allReused.files.rows == full.files.rows)
    }
}
