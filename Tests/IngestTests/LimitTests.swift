import Foundation
import Testing
@testable import Ingest
import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

/// Bounded memory per input file (issue 16): each breached `IngestLimits` is a file-level
/// finding, the records before it are kept, the record at it is kept as malformed.
@Suite struct LimitTests {
    static let header = "NIK,Nama,JK,Tgl Lahir\n"
    static func rows(_ n: Int, from: Int = 1) -> String {
        (from..<(from + n)).map { "\($0),Anak \($0),L,01/01/2022\n" }.joined()
    }
    /// Small limits, so that each breach comes early.
    static let small = IngestLimits(inflatedBytes: 4 << 10, recordBytes: 1 << 10, fieldBytes: 100, columns: 8)

    /// Ingest of `f` under `limits`, without the findings of the columns these small dumps lack.
    func read(_ f: InputFile, _ limits: IngestLimits = small) -> IngestResult {
        var r = Ingest.run(files: [f], threads: 1, limits: limits)
        r.findings.removeAll { $0.code == "COLUMN_MISSING" }
        return r
    }

    @Test func sizesAreStatedInBinaryUnits() {
        #expect(IngestLimits.sizeText(4 << 30) == "4 GB")
        #expect(IngestLimits.sizeText(1 << 20) == "1 MB")
        #expect(IngestLimits.sizeText(64 << 10) == "64 KB")
        #expect(IngestLimits.sizeText(1536) == "1536 bytes")
        #expect(IngestLimits() == IngestLimits(inflatedBytes: 4 << 30, recordBytes: 1 << 20, fieldBytes: 64 << 10,
                                               columns: 512, sharedStringBytes: 256 << 20))
    }

    @Test func aGzipBombIsReadUpToItsLimitAndTheRecordsBeforeAreKept() {
        let d = Dumps()
        // 3 records, then blank lines far past the limit.
        let text = Self.header + Self.rows(3) + String(repeating: ",,,\n", count: 100_000)
        let r = read(d.writeGzip("bomb.csv.gz", text))
        #expect(r.findings.map(\.message) == ["inflates to more than 4 KB (the limit input.max_inflated_mb): the records in the first 4 KB are kept, the rest of the file is not read"])
        #expect(r.findings.first?.code == "INFLATE_LIMIT")
        #expect(r.records.map(\.name) == ["Anak 1", "Anak 2", "Anak 3"])
        #expect(r.fileRow("bomb.csv.gz")["records"] == "3")
        // the whole file is still hashed: its size and SHA-256 are the file's
        #expect(r.fileRow("bomb.csv.gz")["bytes"] == String(gzip(Array(text.utf8)).count))
    }

    @Test func aRecordCutAtTheInflateLimitIsMalformed() throws {
        let d = Dumps()
        let text = Self.header + Self.rows(400)
        let limits = IngestLimits(inflatedBytes: 1000)
        let r = read(d.writeGzip("cut.csv.gz", text), limits)
        #expect(r.findings.map(\.code) == ["INFLATE_LIMIT"])
        let last = try #require(r.records.last)
        #expect(last.malformed == "cut off where the file passes its inflate limit (1000 bytes)")
        #expect(r.records.dropLast().allSatisfy { $0.malformed.isEmpty })
        // every byte up to the limit is read: the rows that fit whole are records
        let whole = Array(text.utf8.prefix(1000)).split(separator: 10, omittingEmptySubsequences: false).count - 2
        #expect(r.records.count == whole + 1)
    }

    @Test func aRecordLongerThanTheLimitEndsTheFile() throws {
        let d = Dumps()
        // a line of 2000 bytes in fields of 50: no field is too long, the record is
        let long = "4,Anak 4,L,01/01/2022" + String(repeating: ",", count: 1) + String(repeating: "x", count: 50)
        let fields = (0..<40).map { _ in String(repeating: "y", count: 49) }.joined(separator: ",")
        let text = Self.header + Self.rows(3) + long + fields + "\n" + Self.rows(2, from: 5)
        let r = read(d.write("long.csv", text), IngestLimits(recordBytes: 1 << 10))
        #expect(r.findings.map(\.message) == ["a record longer than 1 KB at line 5 (the limit input.max_record_kb): the records before it are kept, that record is kept as malformed, the rest of the file is not read"])
        #expect(r.findings.first?.code == "RECORD_TOO_LONG")
        try #require(r.records.count == 4)
        #expect(r.records[3].malformed == "a record longer than 1 KB; the rest of the file is not read")
        #expect(r.records[3].ref.line == 5 && r.records[3].nik == "4")
        #expect(r.fileRow("long.csv")["malformed"] == "1")
    }

    @Test func aLineWithNoEndIsOneRecordTooLongWhateverTheChunks() {
        let d = Dumps()
        let text = Self.header + Self.rows(2) + String(repeating: "z", count: 5000)
        for chunk in [7, 1000, 1 << 20] {
            let r = readFile(d.write("noend.csv", text), chunkSize: chunk, limits: IngestLimits(recordBytes: 1 << 10, fieldBytes: 4 << 10))
            #expect(r.findings.map(\.code).filter { $0 != "COLUMN_MISSING" } == ["RECORD_TOO_LONG"], "chunk \(chunk)")
            #expect(r.records.count == 3)
        }
    }

    @Test func aRecordOfExactlyTheLimitIsRead() {
        let d = Dumps()
        let row = "4,Anak 4,L,01/01/2022,"
        let text = "NIK,Nama,JK,Tgl Lahir,Alamat\n" + row + String(repeating: "a", count: 100 - row.utf8.count - 1) + "\n"
        let r = read(d.write("exact.csv", text), IngestLimits(recordBytes: 100))
        #expect(r.findings.isEmpty, "\(r.findings)")
        #expect(r.records.count == 1 && r.records[0].address.utf8.count == 100 - row.utf8.count - 1)
    }

    @Test func aFieldLongerThanTheLimitEndsTheFileEvenInQuotes() throws {
        let d = Dumps()
        for (name, field) in [("plain.csv", String(repeating: "a", count: 101)),
                              ("quoted.csv", "\"" + String(repeating: "a\n", count: 60) + "\""),
                              ("open.csv", "\"" + String(repeating: "b", count: 5000))] {
            let text = "NIK,Nama,JK,Tgl Lahir,Alamat\n" + "1,A,L,01/01/2022,ok\n" + "2,B,L,01/01/2022," + field + "\n" + "3,C,L,01/01/2022,x\n"
            let r = read(d.write(name, text))
            #expect(r.findings.map(\.message) == ["a field longer than 100 bytes at line 3 (the limit input.max_field_kb): the records before it are kept, that record is kept as malformed, the rest of the file is not read"], "\(name)")
            #expect(r.records.map(\.nik) == ["1", "2"], "\(name)")
            guard r.records.count == 2 else { continue }
            #expect(r.records[1].malformed == "a field longer than 100 bytes; the rest of the file is not read")
        }
        // exactly the limit is a field
        let fits = read(d.write("fits.csv", "NIK,Nama,JK,Tgl Lahir,Alamat\n1,A,L,01/01/2022," + String(repeating: "a", count: 100) + "\n"))
        #expect(fits.findings.isEmpty && fits.records.count == 1)
    }

    @Test func moreColumnsThanTheLimitEndTheFile() {
        let d = Dumps()
        let text = Self.header + Self.rows(1) + "2,B,L,01/01/2022" + String(repeating: ",", count: 8) + "\n" + Self.rows(1, from: 3)
        let r = read(d.write("wide.csv", text))
        #expect(r.findings.map(\.message) == ["more than 8 columns at line 3 (the limit input.max_columns): the records before it are kept, that record is kept as malformed, the rest of the file is not read"])
        #expect(r.findings.first?.code == "TOO_MANY_COLUMNS")
        #expect(r.records.count == 2 && r.records.last?.malformed.hasPrefix("more than 8 columns") == true)
        // 8 columns are fine
        let ok = read(d.write("eight.csv", Self.header + "1,A,L,01/01/2022,,,,\n"))
        #expect(ok.findings.isEmpty && ok.records.count == 1)
    }

    @Test func aBreachBeforeTheHeaderSkipsTheFile() {
        let d = Dumps()
        let r = read(d.write("junk.csv", String(repeating: "q", count: 3000) + "\n" + Self.header + Self.rows(2)))
        #expect(r.findings.map(\.message) == ["a field longer than 100 bytes at line 1, before any header (the limit input.max_field_kb); file skipped"])
        #expect(r.records.isEmpty)
    }

    @Test func aFileChangedWhileItIsReadIsAFindingAndItsRecordsAreKeptAsRead() {
        let d = Dumps()
        let text = Self.header + Self.rows(300)
        let f = d.write("moving.csv", text)
        var calls = 0
        // cut the file to half after its first chunk is read
        let r = readFile(f, chunkSize: 1024, afterRawChunk: {
            calls += 1
            if calls == 1 { _ = truncate(f.path, off_t(text.utf8.count / 2)) }
        })
        #expect(r.findings.map(\.message).contains("changed while it was read (its size or modification time moved): the records read are kept as read, and may mix two versions of the file; its size and SHA-256 are those of the bytes read"), "\(r.findings)")
        #expect(r.findings.map(\.code).contains("FILE_CHANGED"))
        // what was read is what the records and the files row say
        #expect(r.row[1] == String(text.utf8.count / 2))
        #expect(r.records.count > 100 && r.records.count < 300)
        // an untouched file has no such finding
        let calm = readFile(d.write("calm.csv", text), chunkSize: 1024)
        #expect(!calm.findings.contains { $0.code == "FILE_CHANGED" } && calm.records.count == 300)
    }
}
