import Foundation
import Testing
import TimbangCore

/// The binary column file: every type round-trips, and a file that is not what was written
/// is refused with a clear error.
@Suite struct ColumnFileTests {
    func temp(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "timbang-col-\(UUID().uuidString)"
        try! AtomicFile.makeDirectories(dir)
        return dir + "/" + name
    }

    func write(_ b: ColumnBuilder) -> String {
        let p = temp("c.col")
        try! AtomicFile.write(b.fileBytes(), to: p)
        return p
    }

    @Test func everyTypeRoundTrips() throws {
        var u8 = ColumnBuilder(.uint8), i32 = ColumnBuilder(.int32), i64 = ColumnBuilder(.int64)
        var f64 = ColumnBuilder(.double), ob = ColumnBuilder(.optionalBool)
        var s = ColumnBuilder(.string), d = ColumnBuilder(.dictionary)
        let texts = ["", "Siti Aminah", "ÇİĞ “quoted”, with comma", "", "Siti Aminah", "a\nb"]
        let doubles: [Double?] = [nil, 12.5, -0.0, .infinity, 1e-300, nil]
        let bools: [Bool?] = [true, nil, false, false, true, nil]
        for k in texts.indices {
            u8.append(UInt8(k * 40)); i32.append(Int32(k) - 3); i64.append(Int64.min + Int64(k))
            f64.append(doubles[k]); ob.append(bools[k]); s.append(texts[k]); d.append(texts[k])
        }
        let (pu8, pi32, pi64, pf, pb, ps, pd) = (write(u8), write(i32), write(i64), write(f64), write(ob), write(s), write(d))
        let mu8 = try MappedColumn(path: pu8, expect: .uint8), mi32 = try MappedColumn(path: pi32, expect: .int32)
        let mi64 = try MappedColumn(path: pi64, expect: .int64), mf = try MappedColumn(path: pf, expect: .double)
        let mb = try MappedColumn(path: pb, expect: .optionalBool), ms = try MappedColumn(path: ps, expect: .string)
        let md = try MappedColumn(path: pd, expect: .dictionary)
        #expect(md.pool() == ["", "Siti Aminah", "ÇİĞ “quoted”, with comma", "a\nb"], "each distinct value once, in first-use order")
        let pool = md.pool()
        for k in texts.indices {
            #expect(mu8.uint8(k) == UInt8(k * 40))
            #expect(mi32.int32(k) == Int32(k) - 3)
            #expect(mi64.int64(k) == Int64.min + Int64(k))
            #expect(mf.double(k)?.bitPattern == doubles[k]?.bitPattern)
            #expect(mb.optionalBool(k) == bools[k])
            #expect(ms.string(k, pool: []) == texts[k])
            #expect(md.string(k, pool: pool) == texts[k])
        }
        #expect(ms.rows == texts.count)
        // Little-endian on disk: the Int32 -3 is FD FF FF FF right after the header.
        let raw = try #require(readFileBytes(pi32))
        #expect(Array(raw[ColumnFile.headerSize..<(ColumnFile.headerSize + 4)]) == [0xFD, 0xFF, 0xFF, 0xFF])
    }

    func expectRefused(_ bytes: [UInt8], _ words: String, expect: ColumnType? = nil) {
        let p = temp("bad.col")
        try! AtomicFile.write(bytes, to: p)
        do {
            _ = try MappedColumn(path: p, expect: expect)
            Issue.record("a damaged file was read (\(words))")
        } catch let e as TableError {
            #expect(e.description.contains(words), "\(e.description)")
            #expect(e.description.contains(p))
        } catch { Issue.record("\(error)") }
    }

    @Test func aDamagedFileIsRefused() {
        var b = ColumnBuilder(.string)
        for t in ["3201010101010001", "Budi", "Ani"] { b.append(t) }
        let good = b.fileBytes()
        var magic = good; magic[0] = 0x58
        expectRefused(magic, "bad magic")
        var version = good; version[8] = 9
        expectRefused(version, "format version 9")
        var flipped = good; flipped[flipped.count - 1] ^= 0x20
        expectRefused(flipped, "checksum mismatch")
        expectRefused(Array(good.dropLast(2)), "payload length")
        expectRefused(good + [0], "payload length")
        expectRefused(Array(good.prefix(20)), "shorter than its header")
        expectRefused(good, "expected int64", expect: .int64)
    }

    @Test func everyRecordColumnIsStoredAndWrittenByAStage() {
        #expect(Record.storedColumns.map(\.name) == Record.columns)
        let written = Set(Record.writers.flatMap(\.columns))
        #expect(written == Set(Record.columns), "every column has a writer")
        for w in Record.writers { #expect(Set(w.columns).isSubset(of: Record.columns)) }
        // Personal data is stored once, by ingest.
        for c in ["nik", "name", "parent_name", "address"] {
            #expect(Record.writers.filter { $0.columns.contains(c) }.map(\.stage) == [.ingest])
        }
    }

    @Test func recordsRoundTripThroughTheirColumns() throws {
        var a = Record(ref: RowRef(file: "b.csv", record: 2, line: 3))
        a.nik = "3201010101010001"; a.name = "Siti"; a.sex = .female; a.birthDate = Day(iso: "2022-01-05")
        a.weightKg = 9.75; a.oedema = false; a.status = .duplicate; a.notes = "X;Y"; a.ageDays = 700
        a.c9mo = true; a.fwei = true; a.cmeasure = .lying; a.catWei = "bbu_normal"
        let b = Record(ref: RowRef(file: "a.csv", record: 1, line: 2))
        let recs = [a, b, a]
        let dir = temp("records")
        var cols: [String: MappedColumn] = [:]
        for (name, bytes) in Record.encodeColumns(Record.columns, of: recs) {
            try AtomicFile.write(bytes, to: dir + "/" + name + ".col")
            cols[name] = try MappedColumn(path: dir + "/" + name + ".col")
        }
        #expect(try Record.assemble(rows: 3, layers: [Record.Layer(columns: cols, position: nil)]) == recs)
        #expect(try Record.assemble(rows: 3, layers: [Record.Layer(columns: cols, position: [2, 0, 1])]) == [b, a, a], "row k goes to position[k]")
    }
}
