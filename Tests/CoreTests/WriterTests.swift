import Foundation
import Testing
@testable import TimbangCore

/// Pseudo-random CSV-like text of about `bytes` bytes (a fixed LCG, so every run is the same).
func csvLikeText(_ bytes: Int) -> [UInt8] {
    var text: [UInt8] = []
    var n: UInt64 = 11
    while text.count < bytes {
        n = n &* 6364136223846793005 &+ 1442695040888963407
        text += Array("\(n >> 40),POSYANDU \(n % 97),2024-0\(n % 9 + 1)-1\(n % 10),\(Double(n % 2000) / 100)\n".utf8)
    }
    return text
}

/// `gzip -dc` of a file: the system's zlib reading what timbang wrote.
func systemGunzip(_ bytes: [UInt8]) throws -> [UInt8]? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip") else { return nil }
    let path = NSTemporaryDirectory() + "timbang-gzip-\(getpid())-\(bytes.count).gz"
    try AtomicFile.write(bytes, to: path)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
    p.arguments = ["-dc", path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return [] }
    return [UInt8](data)
}

@Suite struct GzipWriterTests {
    @Test func theBytesDependOnTheInputOnlyNotOnTheThreads() throws {
        // 3.4 blocks, so the cut falls inside a block and the last block is short
        let text = csvLikeText(Gzip.blockSize * 17 / 5)
        let one = try Gzip.compress(text, threads: 1)
        for threads in [2, 3, 8] { #expect(try Gzip.compress(text, threads: threads) == one, "\(threads) threads") }
        #expect(try Gzip.compress(text) == one)
        #expect(try Gzip.decompress(one) == text)
        #expect(one.count < text.count / 2)
        // the system gzip (zlib) reads it back as one member with a good CRC and length
        if let back = try systemGunzip(one) { #expect(back == text) }
    }

    @Test func smallInputsAreOneBlock() throws {
        let text = csvLikeText(100_000)
        let z = try Gzip.compress(text, threads: 4)
        #expect(Array(z[0..<10]) == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])
        if let back = try systemGunzip(z) { #expect(back == text) }
        #expect(try Gzip.compress([]) == Gzip.compress([], threads: 1))
        #expect(try Gzip.decompress(try Gzip.compress([])) == [])
    }
}

@Suite struct CSVWriterTests {
    @Test func cellsAreQuotedOnlyWhenTheyMustBe() {
        var w = CSVRowBytes()
        w.row(["plain", "with \"quote\"", " lead", "trail ", "a,b", "multi\nline", "cr\r", "", "ñandú é"])
        w.cell(-120); w.cell(0); w.emptyCell(); w.endRow()
        #expect(String(decoding: w.bytes, as: UTF8.self) ==
            "plain,\"with \"\"quote\"\"\",\" lead\",\"trail \",\"a,b\",\"multi\nline\",\"cr\r\",,ñandú é\n-120,0,\n")
        #expect(csvEscape("x\"y") == "\"x\"\"y\"" && csvEscape("ok") == "ok" && csvEscape(" ") == "\" \"")
    }

    @Test func aLargeTableIsWrittenInPiecesThatJoinToTheSameBytes() throws {
        let n = Table.csvPieceRows * 2 + 17
        let t = Table(name: "t", columns: ["id", "name", "note"], rows: (0..<n).map {
            [String($0), $0 % 3 == 0 ? "A, \"B\"" : "C", $0 % 5 == 0 ? " x" : ""]
        })
        var w = CSVRowBytes()
        w.row(t.columns)
        for r in t.rows { w.row(r) }
        #expect(t.csvBytes() == w.bytes)
        #expect(t.csv() == String(decoding: w.bytes, as: UTF8.self))
        #expect(try Table(name: "t", csv: t.csv()) == t)
    }

    /// The rows of rendered CSV are counted without parsing it: a line feed inside quotes is
    /// no row end; an open quote or a missing last line feed is refused.
    @Test func theRowsOfRenderedCSVAreCountedPastQuotedLineFeeds() {
        let t = Table(name: "t", columns: ["a", "b"], rows: [["1", "multi\nline \"q\""], ["2", ""], ["", "x,\n"]])
        #expect(RenderedTable.rowCount(t.csvBytes()) == 3)
        #expect(RenderedTable.rowCount(Table(name: "e", columns: ["a"]).csvBytes()) == 0)
        #expect(RenderedTable.rowCount([]) == 0)
        #expect(RenderedTable.rowCount(Array("a\n\"open\n".utf8)) == nil)
        #expect(RenderedTable.rowCount(Array("a\n1".utf8)) == nil)
    }
}
