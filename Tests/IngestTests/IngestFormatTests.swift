import Testing
@testable import Ingest
import TimbangCore

@Test func eppgbmExportIsReadWithEveryColumnInPlace() {
    let d = Dumps()
    let f = d.write("a.csv", eppgbmHeader + "\n"
        + "1,3301010101200001,Budi Santoso,L,03/08/2021,3.1,Siti,JAWA TENGAH,CILACAP,KEDUNGREJA,KEDUNGREJA,TAMBAKREJA,MAWAR 1,001,002,Jl. Melati 5,2 Tahun - 0 Bulan - 0 Hari,3 Agt 2023,12.5,85.0,Berdiri,14.2,Normal,-0.5,Pendek,-2.1,Gizi Baik,0.3,N,1\n")
    let r = ingest(f)
    #expect(r.records.count == 1)
    let x = r.records[0]
    #expect(x.ref == RowRef(file: "a.csv", record: 1, line: 2))
    #expect(x.ref.line == 2)
    #expect(x.malformed == "")
    #expect(x.no == "1")
    #expect(x.nik == "3301010101200001")
    #expect(x.name == "Budi Santoso")
    #expect(x.sexRaw == "L" && x.sex == .male)
    #expect(x.birthDateRaw == "03/08/2021" && x.birthDate == day(2021, 8, 3))
    #expect(x.parentName == "Siti")
    #expect(x.province == "JAWA TENGAH" && x.kabupaten == "CILACAP" && x.kecamatan == "KEDUNGREJA")
    #expect(x.puskesmas == "KEDUNGREJA" && x.desa == "TAMBAKREJA" && x.posyandu == "MAWAR 1")
    #expect(x.rt == "001" && x.rw == "002" && x.address == "Jl. Melati 5")
    #expect(x.ageText == "2 Tahun - 0 Bulan - 0 Hari")
    #expect(x.measureDateRaw == "3 Agt 2023" && x.measureDate == day(2023, 8, 3))
    #expect(x.weightRaw == "12.5" && x.weightKg == 12.5)
    #expect(x.heightRaw == "85.0" && x.heightCm == 85)
    #expect(x.methodRaw == "Berdiri" && x.measure == .standing)
    #expect(x.muacCm == 14.2)
    #expect(x.sourceCatWei == "Normal" && x.sourceZWei == "-0.5")
    #expect(x.sourceCatLen == "Pendek" && x.sourceZLen == "-2.1")
    #expect(x.sourceCatWfl == "Gizi Baik" && x.sourceZWfl == "0.3")
    #expect(x.sourceGrowth == "N")
    #expect(x.status == .pending)
    // BB Lahir and Jml Vit A are known columns timbang does not use: no finding.
    #expect(r.findings.isEmpty)
    let row = r.fileRow("a.csv")
    #expect(row["records"] == "1" && row["malformed"] == "0" && row["delimiter"] == ","
            && row["encoding"] == "utf-8" && row["compressed"] == "" && row["unknown_columns"] == "")
    #expect(row["sha256"]?.count == 64)
}

@Test func headerAliasesMatchInAnyOrderCaseAndSpacing() {
    let d = Dumps()
    let f = d.write("b.csv", "tinggi,  NAMA , jenis kelamin,TGL LAHIR,Tgl Ukur,Desa/Kel,Kecamatan,Puskesmas,berat (kg),Catatan Kader,LILA (cm),Tinggi (cm)\n"
        + "80,Ani,p,2022-01-31,2023-02-01,SUKAMAJU,KEC A,PKM A,10,baik,13,81\n")
    let r = ingest(f)
    let x = r.records[0]
    #expect(x.name == "Ani" && x.sex == .female && x.birthDate == day(2022, 1, 31))
    #expect(x.measureDate == day(2023, 2, 1) && x.desa == "SUKAMAJU" && x.kecamatan == "KEC A")
    #expect(x.puskesmas == "PKM A" && x.weightKg == 10 && x.muacCm == 13)
    // `Tinggi` and `Tinggi (cm)` both name the height: the better spelling (the first alias) wins.
    #expect(x.heightCm == 80)
    #expect(r.codes.contains("UNKNOWN_COLUMN"))
    #expect(r.findings.first { $0.code == "UNKNOWN_COLUMN" }?.message.contains("Catatan Kader") == true)
    #expect(r.findings.first { $0.code == "UNKNOWN_COLUMN" }?.severity == .info)
    #expect(r.fileRow("b.csv")["unknown_columns"] == "Catatan Kader")
    // Posyandu, cara ukur... are missing: a warning names the important one.
    #expect(r.findings.contains { $0.code == "COLUMN_MISSING" && $0.message.contains("Posyandu") })
}

@Test func semicolonFileWithDecimalCommaBOMAndCRLF() {
    let d = Dumps()
    let text = "NIK;Nama;JK;Tgl Lahir;Tanggal Pengukuran;Berat;Tinggi;Posyandu\r\n"
        + "3301010101200001;Ani;P;3/8/2021;03-08-2023;12,5;85,3;MELATI\r\n"
        + "3301010101200002;Budi;L ;1 Pebruari 2021;30 Nopember 2023;9,75;77;MELATI\r\n"
    let f = d.write("c.csv", [0xEF, 0xBB, 0xBF] + Array(text.utf8))
    let r = ingest(f)
    #expect(r.records.count == 2)
    #expect(r.records[0].nik == "3301010101200001") // BOM not glued to the first header
    #expect(r.records[0].weightRaw == "12,5" && r.records[0].weightKg == 12.5)
    #expect(r.records[0].heightCm == 85.3)
    #expect(r.records[0].birthDate == day(2021, 8, 3) && r.records[0].measureDate == day(2023, 8, 3))
    #expect(r.records[1].sex == .male && r.records[1].sexRaw == "L")
    #expect(r.records[1].birthDate == day(2021, 2, 1) && r.records[1].measureDate == day(2023, 11, 30))
    #expect(r.records[1].weightKg == 9.75 && r.records[1].posyandu == "MELATI")
    #expect(r.records.map(\.ref.line) == [2, 3])
    let row = r.fileRow("c.csv")
    #expect(row["delimiter"] == ";" && row["encoding"] == "utf-8-bom")
}

@Test func quotedFieldsKeepEmbeddedNewlinesDelimitersAndQuotes() {
    let d = Dumps()
    let f = d.write("q.csv", "No,Nama,JK,Tgl Lahir,Alamat,Berat\n"
        + "1,\"Putri, Ayu\",P,01/01/2022,\"Jl. Kenanga\nRT 1 \"\"Gang Buntu\"\"\",\"12,5\"\n"
        + "2,Dimas,L,02/01/2022,\"Dusun A\n\nDusun B\",\"  8.4 \"\n"
        + "3,Eka,P,03/01/2022,Jl. Mawar,7\n")
    let r = ingest(f)
    #expect(r.records.count == 3)
    #expect(r.records[0].name == "Putri, Ayu")
    #expect(r.records[0].address == "Jl. Kenanga\nRT 1 \"Gang Buntu\"")
    #expect(r.records[0].weightKg == 12.5)
    #expect(r.records[1].address == "Dusun A\n\nDusun B" && r.records[1].weightRaw == "8.4")
    // Records count CSV records, lines count physical lines.
    #expect(r.records.map(\.ref.record) == [1, 2, 3])
    #expect(r.records.map(\.ref.line) == [2, 4, 7])
    #expect(r.records.allSatisfy { $0.malformed.isEmpty })
}

@Test func windows1252TextIsTranscoded() {
    let d = Dumps()
    // "Ma’ruf" with cp1252 right quote 0x92, "André" with é = 0xE9.
    var bytes = Array("NIK,Nama,JK,Tgl Lahir,Nama Ortu\n1,Ma".utf8) + [0x92] + Array("ruf,L,01/01/2022,Andr".utf8) + [0xE9]
    bytes += Array("\n".utf8)
    let f = d.write("w.csv", bytes)
    let r = ingest(f)
    #expect(r.records[0].name == "Ma’ruf")
    #expect(r.records[0].parentName == "André")
    #expect(r.fileRow("w.csv")["encoding"] == "windows-1252")
    #expect(!r.codes.contains("ENCODING_MIXED"))
}

@Test func utf8TextStaysUTF8() {
    let d = Dumps()
    let f = d.write("u.csv", "NIK,Nama,JK,Tgl Lahir,Nama Ortu\n1,Ma’ruf André,L,01/01/2022,\u{A0}Dà\u{A0}\n")
    let r = ingest(f)
    #expect(r.records[0].name == "Ma’ruf André")
    #expect(r.records[0].parentName == "Dà") // no-break spaces trimmed, the à kept
    #expect(r.fileRow("u.csv")["encoding"] == "utf-8")
}

@Test func blankAndDelimiterOnlyLinesAreNotRecords() {
    let d = Dumps()
    let f = d.write("e.csv", "\n\nNIK,Nama,JK,Tgl Lahir\n1,A,L,01/01/2022\n\n,,,\n2,B,P,01/01/2022\n , \n,,,\n\n")
    let r = ingest(f)
    #expect(r.records.map(\.name) == ["A", "B"])
    #expect(r.records.map(\.ref.record) == [1, 2])
    #expect(r.records.map(\.ref.line) == [4, 7])
}

@Test func wrongFieldCountsAreMalformedButKept() {
    let d = Dumps()
    let f = d.write("m.csv", "NIK,Nama,JK,Tgl Lahir\n1,A,L\n2,B,P,01/01/2022,extra\n3,C,P,01/01/2022,,\n4,D,L,01/01/2022\n")
    let r = ingest(f)
    #expect(r.records.count == 4)
    #expect(r.records[0].malformed.contains("too few fields"))
    #expect(r.records[0].nik == "1" && r.records[0].sex == .male)
    #expect(r.records[1].malformed.contains("too many fields"))
    #expect(r.records[2].malformed.isEmpty) // trailing empty fields are padding, not data
    #expect(r.records[3].malformed.isEmpty)
    #expect(r.fileRow("m.csv")["malformed"] == "2")
}

@Test func fileCutMidRecordKeepsCompleteRecordsAndMarksTheLast() {
    let d = Dumps()
    let f = d.write("t.csv", "NIK,Nama,JK,Tgl Lahir,Berat\n1,A,L,01/01/2022,10\n2,B,P,01/0")
    let r = ingest(f)
    #expect(r.records.count == 2)
    #expect(r.records[0].malformed.isEmpty && r.records[0].weightKg == 10)
    let last = r.records[1]
    #expect(last.ref == RowRef(file: "t.csv", record: 2, line: 3))
    #expect(last.ref.line == 3)
    #expect(last.malformed.contains("cut off at end of file"))
    #expect(last.nik == "2" && last.name == "B" && last.birthDateRaw == "01/0" && last.birthDate == nil)

    // A complete last record without a final newline is fine.
    let g = d.write("t2.csv", "NIK,Nama,JK,Tgl Lahir\n1,A,L,01/01/2022")
    #expect(ingest(g).records.first?.malformed == "")

    // An unterminated quote at the end of the file is a cut record.
    let h = d.write("t3.csv", "NIK,Nama,JK,Tgl Lahir,Alamat\n1,A,L,01/01/2022,\"Jl. Mawar\nno 3")
    let rh = ingest(h)
    #expect(rh.records.count == 1)
    #expect(rh.records[0].malformed.contains("inside a quoted field"))
}

@Test func gzipFilesAreReadAndCutOnesKeepWhatCameBefore() {
    let d = Dumps()
    var text = "NIK,Nama,JK,Tgl Lahir,Tanggal Pengukuran,Berat\n"
    for i in 1...2000 { text += "\(3301010101200000 + i),Anak \(i),\(i % 2 == 0 ? "P" : "L"),13/01/2022,13/08/2023,\(i % 20).5\n" }
    let f = d.writeGzip("g.csv.gz", text)
    let r = ingest(f)
    #expect(r.records.count == 2000)
    #expect(r.records[1999].name == "Anak 2000" && r.records[1999].weightKg == 0.5)
    #expect(r.records[6].weightKg == 7.5 && r.records[6].ref.line == 8)
    #expect(r.codes == ["COLUMN_MISSING", "COLUMN_MISSING"]) // no height, no posyandu
    let row = r.fileRow("g.csv.gz")
    #expect(row["compressed"] == "gzip" && row["records"] == "2000")
    #expect(row["bytes"] == String(gzip(Array(text.utf8)).count))

    // The same stream cut in the middle.
    let whole = gzip(Array(text.utf8))
    let cut = d.write("h.csv.gz", Array(whole[0..<(whole.count / 2)]))
    let rc = ingest(cut)
    #expect(rc.codes.contains("GZIP_TRUNCATED"))
    #expect(rc.findings.first { $0.code == "GZIP_TRUNCATED" }?.severity == .error)
    #expect(rc.records.count > 100 && rc.records.count < 2000)
    #expect(rc.records.dropLast().allSatisfy { $0.malformed.isEmpty })
    #expect(rc.records[0].name == "Anak 1")
    #expect(rc.records.last!.malformed.contains("cut off"))
}

@Test func badFilesGiveFindingsAndTheRunGoesOn() {
    let d = Dumps()
    var junk: [UInt8] = []
    var x: UInt32 = 12345
    for _ in 0..<5000 { x = x &* 1103515245 &+ 12345; junk.append(UInt8(truncatingIfNeeded: x >> 16)) }
    let files = [
        d.write("1-junk.csv", junk),
        d.write("2-empty.csv", []),
        d.write("3-header.csv", "NIK,Nama,JK,Tgl Lahir\n"),
        d.write("4-noheader.csv", "foo,bar\n1,2\n"),
        d.write("5-good.csv", "NIK,Nama,JK,Tgl Lahir\n1,A,L,01/01/2022\n"),
        d.write("6-gzjunk.csv.gz", [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFF, 0x00]),
    ]
    let r = Ingest.run(files: files, threads: 3)
    func codes(_ f: String) -> [String] { r.findings.filter { $0.file == f && $0.code != "COLUMN_MISSING" }.map(\.code) }
    #expect(codes("1-junk.csv") == ["NOT_CSV"])
    #expect(codes("2-empty.csv") == ["FILE_EMPTY"])
    #expect(codes("3-header.csv") == ["HEADER_ONLY"])
    #expect(r.findings.first { $0.file == "3-header.csv" }?.severity == .warning)
    #expect(codes("4-noheader.csv") == ["NO_HEADER"])
    #expect(codes("5-good.csv") == [])
    #expect(codes("6-gzjunk.csv.gz").contains("GZIP_TRUNCATED") || codes("6-gzjunk.csv.gz").contains("GZIP_CORRUPT"))
    #expect(r.records.map(\.ref.description) == ["5-good.csv#1"])
    #expect(r.files.rows.map { $0[0] } == files.map(\.name))
    #expect(r.fileRow("1-junk.csv")["bytes"] == "5000")
    #expect(r.fileRow("2-empty.csv")["sha256"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

    let missing = Ingest.run(files: [InputFile(path: d.dir + "/nope.csv", name: "nope.csv")], threads: 1)
    #expect(missing.codes == ["FILE_UNREADABLE"])
}

@Test func nikIsKeptExactlyAsWritten() {
    let d = Dumps()
    let f = d.write("n.csv", "NIK,Nama,JK,Tgl Lahir\n3.30101E+15,A,L,01/01/2022\n0012345678901234,B,P,01/01/2022\n\" 3301010101200001\",C,P,01/01/2022\n")
    let r = ingest(f)
    #expect(r.records.map(\.nik) == ["3.30101E+15", "0012345678901234", "3301010101200001"])
}

@Test func outputIsTheSameForAnyThreadCountAndFileOrder() {
    let d = Dumps()
    var files: [InputFile] = []
    for k in 0..<7 {
        var text = "NIK,Nama,JK,Tgl Lahir,Berat\n"
        for i in 0..<(50 + k * 13) { text += "\(k)\(i),Anak \(k)-\(i),L,01/0\(1 + i % 9)/2022,\(i).\(k)\n" }
        files.append(k % 2 == 0 ? d.write("f\(k).csv", text) : d.writeGzip("f\(k).csv.gz", text))
    }
    let one = Ingest.run(files: files, threads: 1)
    let four = Ingest.run(files: files.reversed(), threads: 4)
    #expect(one.records == four.records)
    #expect(one.files == four.files)
    #expect(one.findings == four.findings)
    #expect(one.records.first?.ref.file == "f0.csv")
    #expect(one.records.map(\.ref).sorted() == one.records.map(\.ref))
}

@Test func titleRowsBeforeTheHeaderAreSkipped() {
    let d = Dumps()
    let f = d.write("p.csv", "DATA PENGUKURAN BALITA;;;;\nKABUPATEN CILACAP;;;;\n;;;;\nNIK;Nama;JK;Tgl Lahir;Berat\n1;A;L;01/01/2022;7,2\n;;;;\n")
    let r = ingest(f)
    #expect(r.records.count == 1)
    #expect(r.records[0].ref == RowRef(file: "p.csv", record: 1, line: 5))
    #expect(r.records[0].ref.line == 5)
    #expect(r.records[0].weightKg == 7.2)
    #expect(r.findings.first { $0.code == "PREAMBLE_SKIPPED" }?.message.hasPrefix("2 row(s)") == true)
}

@Test func unreadableValuesKeepTheirRawText() {
    let d = Dumps()
    let f = d.write("v.csv", "NIK,Nama,JK,Tgl Lahir,Tanggal Pengukuran,Berat,Tinggi,Cara Ukur\n"
        + "1,A,X,31/04/2024,30 Februari 2024,12 kg,?,duduk\n"
        + "2,B,,,,,,\n")
    let r = ingest(f)
    let bad = r.records[0]
    #expect(bad.sexRaw == "X" && bad.sex == nil)
    #expect(bad.birthDateRaw == "31/04/2024" && bad.birthDate == nil)
    #expect(bad.measureDateRaw == "30 Februari 2024" && bad.measureDate == nil)
    #expect(bad.weightRaw == "12 kg" && bad.weightKg == nil)
    #expect(bad.heightRaw == "?" && bad.heightCm == nil)
    #expect(bad.methodRaw == "duduk" && bad.measure == nil)
    #expect(bad.malformed.isEmpty && bad.status == .pending)
    let empty = r.records[1]
    #expect(empty.sexRaw == "" && empty.sex == nil && empty.birthDateRaw == "" && empty.weightKg == nil)
}

@Test func concatenatedGzipMembersAreAllRead() {
    let d = Dumps()
    let a = gzip(Array("NIK,Nama,JK,Tgl Lahir\n1,A,L,21/01/2022\n".utf8))
    let b = gzip(Array("2,B,P,02/01/2022\n".utf8))
    let r = ingest(d.write("cat.csv.gz", a + b))
    #expect(r.records.map(\.name) == ["A", "B"])
    #expect(r.records[1].birthDate == day(2022, 1, 2))
    #expect(r.codes.filter { $0 != "COLUMN_MISSING" }.isEmpty)
}

@Test func recordsSpanningChunkBoundariesAreWhole() {
    let d = Dumps()
    var text = "NIK,Nama,JK,Tgl Lahir,Alamat\n"
    for i in 1...300 { text += "\(i),Anak \(i),L,01/01/2022,\"Jl. \(i)\nRT \(i % 7)\"\n" }
    let f = d.write("k.csv", text)
    let small = readFile(f, chunkSize: 7) // tiny chunks cut fields and lines everywhere
    let big = readFile(f)
    #expect(small.records.array == big.records.array)
    #expect(small.records.count == 300)
    #expect(small.records.array[299].ref.line == 2 + 299 * 2)
    #expect(small.records.array[10].address == "Jl. 11\nRT 4")
}

@Test func aStrayQuoteCannotSwallowTheRestOfTheDump() {
    let d = Dumps()
    var text = "NIK,Nama,JK,Tgl Lahir,Alamat\n1,A,L,01/01/2022,\"Jl. Mawar\n"
    for i in 2...400 { text += "\(i),Anak \(i),P,01/01/2022,Jl. \(i)\n" }
    let r = ingest(d.write("s.csv", text))
    #expect(r.codes.contains("QUOTE_RUNAWAY"))
    #expect(r.records[0].malformed.hasPrefix("unterminated quote"))
    #expect(r.records[0].nik == "1" && r.records[0].ref.line == 2)
    // Reading resumes after the abandoned lines.
    #expect(r.records.count == 1 + (401 - 101))
    #expect(r.records[1].ref.line == 102 && r.records[1].nik == "101" && r.records[1].malformed.isEmpty)
    #expect(r.records.last?.nik == "400")
}

@Test func oldMacLineEndsCountLines() {
    let d = Dumps()
    let r = ingest(d.write("cr.csv", "NIK,Nama,JK,Tgl Lahir\r1,A,L,01/01/2022\r2,B,P,02/01/2022\r"))
    #expect(r.records.map(\.name) == ["A", "B"])
    #expect(r.records.map(\.ref.line) == [2, 3])
}

@Test func damagedGzipIsAFindingNotACrash() {
    let d = Dumps()
    var text = "NIK,Nama,JK,Tgl Lahir\n"
    for i in 1...3000 { text += "\(i),Anak \(i),L,01/01/2022\n" }
    var bytes = gzip(Array(text.utf8))
    for i in (bytes.count / 2)..<(bytes.count / 2 + 64) { bytes[i] ^= 0x5A }
    let trailing = gzip(Array(text.utf8)) + [1, 2, 3, 4]
    let r = Ingest.run(files: [d.write("bad.csv.gz", bytes), d.write("tail.csv.gz", trailing)], threads: 2)
    let bad = r.findings.filter { $0.file == "bad.csv.gz" }.map(\.code)
    #expect(bad.contains("GZIP_CORRUPT"))
    #expect(r.records.filter { $0.ref.file == "bad.csv.gz" }.first?.name == "Anak 1")
    #expect(r.findings.filter { $0.file == "tail.csv.gz" }.map(\.code).contains("GZIP_TRAILING_DATA"))
    #expect(r.records.filter { $0.ref.file == "tail.csv.gz" }.count == 3000)
}

@Test func lineEndsAreCountedExactly() {
    func ends(_ text: String, chunk: Int) -> Int {
        var c = LineEndCounter()
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { b in
            var i = 0
            while i < b.count { c.count(UnsafeRawBufferPointer(rebasing: b[i..<min(b.count, i + chunk)])); i += chunk }
        }
        return c.lineEnds
    }
    let text = "a\nb\r\nc\rdd,\"e\nf\"\r\n" + String(repeating: "A", count: 13) + "\r\n\r\n1234567\r\nx\r"
    for chunk in [1, 3, 7, 8, 9, 1000] {
        #expect(ends(text, chunk: chunk) == 9, "chunk \(chunk)")
    }
    #expect(ends(String(repeating: "abcdefg\r\n", count: 50), chunk: 64) == 50)
}

@Test func plainAndGzipRunsGiveTheSameRecords() {
    let d = Dumps()
    var texts: [String] = []
    for k in 0..<4 {
        var t = "NIK,Nama,JK,Tgl Lahir,Alamat\r\n\r\n"
        for i in 0..<(30 + 7 * k) { t += "\(k)-\(i),Anak \(i),P,0\(1 + i % 9)/01/2022,\"Jl. \(i)\r\nRT \(k)\"\r\n,,,,\r\n" }
        texts.append(t)
    }
    let plain = Ingest.run(files: texts.enumerated().map { d.write("p\($0.offset).csv", $0.element) }, threads: 3)
    let dir2 = Dumps()
    let mixed = Ingest.run(files: texts.enumerated().map {
        $0.offset == 2 ? dir2.writeGzip("p\($0.offset).csv", $0.element) : dir2.write("p\($0.offset).csv", $0.element)
    }, threads: 3)
    #expect(plain.records.count == 30 + 37 + 44 + 51)
    #expect(plain.records == mixed.records)
    #expect(plain.records[31].ref == RowRef(file: "p1.csv", record: 2, line: 6))
    #expect(plain.records[31].ref.line == 6)
}

@Test func aFileThatGrowsWhileReadStopsWithAFinding() {
    let d = Dumps()
    let f = d.write("grow.csv", "NIK,Nama,JK,Tgl Lahir\n1,A,L,01/01/2022\n2,B,P,01/01/2022\n3,C,P,01/01/2022\n")
    let region = UnsafeMutablePointer<Record>.allocate(capacity: 3)
    defer { region.deallocate() }
    let r = readFile(f, region: RecordRegion(base: region, slots: 3)) // room for 2 records
    #expect(r.records.count == 2)
    #expect(r.findings.map(\.code).contains("FILE_CHANGED"))
    #expect(region[1].name == "B")
    region.deinitialize(count: 2)
}

@Test func aStrayNULByteDoesNotLoseTheDump() {
    let d = Dumps()
    var text = Array("NIK,Nama,JK,Tgl Lahir,Berat\n".utf8)
    for i in 1...50 { text += Array("33010101012200\(pad(i, 2)),Anak \(i),L,01/01/2022,10.5\n".utf8) }
    let at = text.firstIndex(of: UInt8(ascii: "7"))!
    text.insert(0, at: at)  // one NUL inside a NIK
    let r = ingest(d.write("nul.csv", text))
    #expect(r.codes.filter { $0 != "COLUMN_MISSING" } == [])
    #expect(r.records.count == 50)
    #expect(r.records.filter { $0.nik.utf8.contains(0) }.count == 1)
    #expect(r.records[49].weightKg == 10.5)
}
