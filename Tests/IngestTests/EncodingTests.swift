import Testing
@testable import Ingest
import TimbangCore

/// `text` as bytes, with `«XX»` standing for the single byte 0xXX (e.g. `«CA»`).
func bytes(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    var rest = Substring(text)
    while let open = rest.range(of: "«") {
        out += Array(rest[..<open.lowerBound].utf8)
        let close = rest[open.upperBound...].range(of: "»")!
        out.append(UInt8(rest[open.upperBound..<close.lowerBound], radix: 16)!)
        rest = rest[close.upperBound...]
    }
    return out + Array(rest.utf8)
}

/// A line whose every field ends in byte 0xCA, as e-PPGBM's raw (Mac Roman) export writes it.
func macRomanLine(_ fields: [String]) -> String {
    fields.map { $0 + "«CA»" }.joined(separator: ";") + "\r\n"
}

@Test func macRomanExportWithNoBreakSpaceAfterEveryFieldIsReadAsMacRoman() {
    let d = Dumps()
    let header = ["No", "NIK", "Nama", "JK", "Tgl Lahir", "Nama Ortu", "Desa/Kel", "Posyandu", "Alamat",
                  "Tanggal Pengukuran", "Berat", "Tinggi", "LiLA"]
    let text = "Data Tanggal : 2023-10-10 12:04:23;;;;;;;;;;;;\r\n" + macRomanLine(header)
        + macRomanLine(["1 .", "3301014508210001", "SITI AMINAH", "P", "2021-08-05", "SARI", "TAMBAKREJA", "MAWAR", "Jl. Ma«9D»la", "2023-08-21", "18,9", "85.5", "0"])
        + macRomanLine(["2.", "330101050822", "BUDI", "L", "2022-08-05", "SARI", "TAMBAKREJA", "MAWAR", "", "2023-08-21", "10.2", "80", ""])
    let r = ingest(d.write("raw.csv", bytes(text)))
    #expect(r.fileRow("raw.csv")["encoding"] == "mac-roman")
    #expect(r.codes.contains("PREAMBLE_SKIPPED"))
    #expect(!r.codes.contains("UNKNOWN_COLUMN") && !r.codes.contains("ENCODING_MIXED"))
    #expect(r.records.count == 2)
    let a = r.records[0], b = r.records[1]
    #expect(a.no == "1" && b.no == "2")
    #expect(a.nik == "3301014508210001" && a.name == "SITI AMINAH")
    #expect(a.sexRaw == "P" && a.sex == .female)
    #expect(a.birthDateRaw == "2021-08-05" && a.birthDate == day(2021, 8, 5))
    #expect(a.measureDate == day(2023, 8, 21))
    #expect(a.weightKg == 18.9 && a.heightCm == 85.5 && b.weightKg == 10.2)
    #expect(a.address == "Jl. Maùla")   // 0x9D is `ù` in Mac Roman (unassigned in Windows-1252)
    #expect(a.muacRaw == "0" && b.muacRaw == "")
    #expect(b.address == "" && b.nik == "330101050822")
}

@Test func gzipMacRomanFileIsSniffedOnItsInflatedContent() {
    let d = Dumps()
    let text = macRomanLine(["NIK", "JK", "Tgl Lahir", "Tanggal Pengukuran"])
        + macRomanLine(["3301014508210001", "L", "21/08/2021", "21/08/2023"])
    let r = ingest(d.write("raw.csv.gz", gzip(bytes(text))))
    #expect(r.fileRow("raw.csv.gz")["encoding"] == "mac-roman")
    #expect(r.records[0].sex == .male && r.records[0].birthDate == day(2021, 8, 21))
}

@Test func windows1252NoBreakSpacesAfterNIKsAndAloneInEmptyCellsAreSpaces() {
    let d = Dumps()
    let text = "NIK;Nama;JK;Tgl Lahir;Nama Ortu;Alamat\n"
        + "3301010503220001«A0»;Andr«E9»«A0»;L«A0»;15/03/2022«A0»;«A0»;«A0»«A0»\n"
    let r = ingest(d.write("w.csv", bytes(text)))
    #expect(r.fileRow("w.csv")["encoding"] == "windows-1252")
    let x = r.records[0]
    #expect(x.nik == "3301010503220001" && x.name == "André" && x.sex == .male)
    #expect(x.birthDate == day(2022, 3, 15))
    #expect(x.parentName == "" && x.address == "")
}

@Test func utf8UnicodeSpacesAreSpacesInsideAndAroundFields() {
    let d = Dumps()
    let text = "NIK,Nama,JK,Tgl Lahir,Usia Saat Ukur,Nama Ortu,Alamat\n"
        + "3301010503220001\u{A0},Siti\u{A0}Aminah,P\u{2007},15/03/2022\u{202F},4\u{A0}Tahun - 2 Bulan\u{A0}- 22 Hari,\u{3000},\u{FEFF}\u{205F}\n"
    let r = ingest(d.write("u.csv", text))
    #expect(r.fileRow("u.csv")["encoding"] == "utf-8")
    let x = r.records[0]
    #expect(x.nik == "3301010503220001" && x.name == "Siti Aminah" && x.sex == .female)
    #expect(x.birthDate == day(2022, 3, 15))
    #expect(x.ageText == "4 Tahun - 2 Bulan - 22 Hari")
    #expect(x.parentName == "" && x.address == "")
}

@Test func macRomanAccentedLetterBeatsItsWindows1252Reading() {
    let d = Dumps()
    // `é` is 0x8E in Mac Roman; in Windows-1252 0x8E is `Ž`, a capital after lower case.
    let r = ingest(d.write("m.csv", bytes("NIK,Nama,JK,Tgl Lahir\n1,Andr«8E»,L,01/01/2022\n")))
    #expect(r.fileRow("m.csv")["encoding"] == "mac-roman")
    #expect(r.records[0].name == "André")
    // The same letter written in Windows-1252 (0xE9; `È` in Mac Roman) stays Windows-1252.
    let w = ingest(d.write("w.csv", bytes("NIK,Nama,JK,Tgl Lahir\n1,Andr«E9»,L,01/01/2022\n")))
    #expect(w.fileRow("w.csv")["encoding"] == "windows-1252")
    #expect(w.records[0].name == "André")
}

@Test func latin1FileIsReadAsWindows1252() {
    let d = Dumps()
    // ISO-8859-1 and Windows-1252 agree on A0–FF: `ü` 0xFC, `ñ` 0xF1.
    let r = ingest(d.write("l.csv", bytes("NIK,Nama,JK,Tgl Lahir\n1,M«FC»ller Pe«F1»a,L,01/01/2022\n")))
    #expect(r.fileRow("l.csv")["encoding"] == "windows-1252")
    #expect(r.records[0].name == "Müller Peña")
}

@Test func aFileMixingUTF8AndSingleByteFieldsIsReadFieldByField() {
    let d = Dumps()
    let r = ingest(d.write("x.csv", bytes("NIK,Nama,JK,Tgl Lahir,Nama Ortu\n1,André,L,01/01/2022,Andr«E9»\n")))
    #expect(r.fileRow("x.csv")["encoding"] == "mixed")
    #expect(r.codes.contains("ENCODING_MIXED"))
    #expect(r.records[0].name == "André" && r.records[0].parentName == "André")
}

@Test func encodingEvidenceScoresBytesInContext() {
    func decide(_ text: String, chunk: Int = 1 << 20) -> EncodingDecision {
        var e = EncodingEvidence()
        let b = bytes(text)
        var i = 0
        while i < b.count {
            let end = min(b.count, i + chunk)
            Array(b[i..<end]).withUnsafeBytes { e.scan($0) }
            i = end
        }
        e.finish()
        return e.decision
    }
    #expect(decide("a,b\n1,2\n") == EncodingDecision(utf8First: true, fallback: .windows1252))
    #expect(decide("a,André\n") == EncodingDecision(utf8First: true, fallback: .windows1252))
    // 0xCA after a digit and before a delimiter: a space (Mac Roman), not `Ê`.
    #expect(decide("2023-08-21«CA»;L«CA»;\n").fallback == .macRoman)
    #expect(decide("2023-08-21«CA»;L«CA»;\n").utf8First == false)
    // Between capitals, 0xCA reads as `Ê` as well as a space: the tie-free letter wins.
    #expect(decide("REN«CA»E,x\n").fallback == .windows1252)
    // An unassigned Windows-1252 byte settles it, whatever the chunk size.
    #expect(decide("Jl. Ma«9D»la\n", chunk: 7).fallback == .macRoman)
    #expect(decide("Jl. Ma«9D»la\n", chunk: 1).fallback == .macRoman)
    // A Mac Roman no-break space before `é` (CA 8E) is well-formed UTF-8 for U+028E, an IPA
    // letter: no reason to read the file as UTF-8.
    #expect(decide("2023-08-21«CA»;Andr«CA»«8E»;\n") == EncodingDecision(utf8First: false, fallback: .macRoman))
    // A real `é` (C3 A9) beside single-byte text: field by field.
    #expect(decide("Andr«C3»«A9»;2023-08-21«CA»;\n") == EncodingDecision(utf8First: true, fallback: .macRoman))
    // The same bytes in any chunking give the same totals (ASCII runs are skipped 32 and 8 at a time).
    let long = String(repeating: "abcdefgh,", count: 9) + "2023-08-21«CA»;REN«CA»E;" + String(repeating: "x", count: 40) + "«CA»"
    var totals: Set<[Int]> = []
    for chunk in [1, 3, 7, 8, 31, 32, 33, 64, 1 << 20] {
        var e = EncodingEvidence()
        let b = bytes(long)
        var i = 0
        while i < b.count { let end = min(b.count, i + chunk); Array(b[i..<end]).withUnsafeBytes { e.scan($0) }; i = end }
        e.finish()
        totals.insert([e.cp1252Score, e.macRomanScore, e.invalidUTF8, e.utf8Sequences])
    }
    #expect(totals.count == 1)
    // No evidence either way (`’` in Windows-1252, `í` in Mac Roman): Windows-1252.
    #expect(decide("Ma«92»ruf\n").fallback == .windows1252)
}

@Test func blankRowsOfDelimitersAndNoBreakSpacesAreNotRecordsButCounted() {
    let d = Dumps()
    let text = "NIK;Nama;JK;Tgl Lahir\n1;A;L;01/01/2022\n;;;\n\u{A0};\u{A0}; ;\n2;B;P;01/01/2022\n;;;\n"
    let r = ingest(d.write("b.csv", text))
    #expect(r.records.map(\.name) == ["A", "B"])
    #expect(r.records.map(\.ref.record) == [1, 2])
    #expect(r.records.map(\.ref.line) == [2, 5])
    #expect(r.fileRow("b.csv")["blank_rows"] == "3")
    #expect(r.fileRow("b.csv")["summary_rows"] == "0")
}

@Test func dashesMeanMissingInEveryField() {
    let d = Dumps()
    let r = ingest(d.write("d.csv", "NIK,Nama,JK,Tgl Lahir,Berat,Tinggi,LiLA,Alamat\n-,Ani,P,01/01/2022,--,80,—,–\n"))
    let x = r.records[0]
    #expect(x.nik == "" && x.weightRaw == "" && x.weightKg == nil && x.muacRaw == "" && x.address == "")
    #expect(x.heightCm == 80 && x.name == "Ani")
    // A dash inside a value is kept.
    let y = ingest(d.write("e.csv", "NIK,Nama,JK,Tgl Lahir,Berat\n-1,Ani-Ani,P,01-01-2022,-\n")).records[0]
    #expect(y.nik == "-1" && y.name == "Ani-Ani" && y.birthDate == day(2022, 1, 1))
}

@Test func summaryRowsAtTheEndAreRecordsMarkedAsSummaries() {
    let d = Dumps()
    let text = "No,NIK,Nama,JK,Tgl Lahir,Tanggal Pengukuran,Berat,Tinggi,Status\n"
        + "1,3301010503220001,Ani,P,15/03/2022,20/03/2024,11.5,85,\n"
        + ",,,,,,,,\n"
        + ",,,,,Total data gizi kurang,65,,\n"
        + ",,Jumlah,,,,,,\n"
        + ",,,,,,1426,,\n"
        + ",,,,,,,,Rata-rata 12\n"
    let r = ingest(d.write("s.csv", text))
    #expect(r.records.count == 5)
    #expect(r.records[0].ingestNotes == "")
    #expect(r.records[1].ingestNotes == "SUMMARY_ROW:Total data gizi kurang")
    #expect(r.records[2].ingestNotes == "SUMMARY_ROW:Jumlah")
    #expect(r.records[3].ingestNotes == "SUMMARY_ROW:1426")
    #expect(r.records[4].ingestNotes == "SUMMARY_ROW:Rata-rata 12")
    #expect(r.fileRow("s.csv")["summary_rows"] == "4" && r.fileRow("s.csv")["blank_rows"] == "1")
    let f = r.findings.first { $0.code == "SUMMARY_ROWS" }
    #expect(f?.severity == .info && f?.message.contains("4 summary row(s)") == true)
}

@Test func aChildsRecordWithFieldsMissingIsNeverASummaryRow() {
    let d = Dumps()
    let text = "No,NIK,Nama,JK,Tgl Lahir,Tanggal Pengukuran,Berat,Tinggi,Status\n"
        + "1,,Ani,,,,11.5,,\n"             // a name: a child
        + "2,,,P,,,11.5,,Total\n"           // a sex: a child (the label is not enough)
        + "3,,,,,20/03/2024,11.5,85,\n"     // no identity, but a measurement date
        + "4,,,,,,11.5,85,baik\n"           // text that is no label
        + "5,,,,,45361,11.5,85,\n"          // an Excel serial measurement date
    let r = ingest(d.write("c.csv", text))
    #expect(r.records.count == 5)
    #expect(r.records.allSatisfy { !$0.ingestNotes.contains("SUMMARY_ROW") })
    #expect(r.fileRow("c.csv")["summary_rows"] == "0")
    #expect(!r.codes.contains("SUMMARY_ROWS"))
}

@Test func snakeCaseAndAbbreviatedHeadersMap() {
    let d = Dumps()
    let text = "no,nik,nama_anak,jenis_kelamin,tgl_lahir,nama_ortu,kec,desa_kel,nama_posyandu,tgl_ukur,berat_badan,tinggi_badan\n"
        + "1,3301010503220001,Ani,P,15/03/2022,Sari,KEC A,SUKAMAJU,MAWAR,20/03/2024,11.5,85\n"
    let r = ingest(d.write("s.csv", text))
    let x = r.records[0]
    #expect(x.name == "Ani" && x.sex == .female && x.birthDate == day(2022, 3, 15) && x.parentName == "Sari")
    #expect(x.kecamatan == "KEC A" && x.desa == "SUKAMAJU" && x.posyandu == "MAWAR")
    #expect(x.measureDate == day(2024, 3, 20) && x.weightKg == 11.5 && x.heightCm == 85)
    #expect(r.findings.isEmpty)
    let short = ingest(d.write("t.csv", "NIK,JK,TGL_LAHIR,Tgl.Ukur,BB,TB,Posyandu\n1,L,15/03/2022,20/03/2024,11.5,85,M\n"))
    #expect(short.records[0].weightKg == 11.5 && short.records[0].heightCm == 85 && short.records[0].sex == .male)
    #expect(short.findings.isEmpty)
}

@Test(arguments: [
    // 2023: no Cara Ukur, ends at LiLA.
    "No,NIK,Nama,JK,Tgl Lahir,BB Lahir,TB Lahir,Nama Ortu,Prov,Kab/Kota,Kec,Pukesmas,Desa/Kel,Posyandu,RT,RW,Alamat,Usia Saat Ukur,Tanggal Pengukuran,Berat,Tinggi,LiLA",
    // 2024: no Puskesmas, Posyandu or Cara Ukur; PMT Diterima (kg).
    "No,NIK,Nama,JK,Tgl Lahir,BB Lahir,TB Lahir,Nama Ortu,Prov,Kab/Kota,Kec,Desa/Kel,RT,RW,Alamat,Usia Saat Ukur,Tanggal Pengukuran,Berat,Tinggi,LiLA,BB/U,TB/U,BB/TB,Naik Berat Badan,PMT Diterima (kg),Jml Vit A,KPSP,KIA",
    // 2025: Kelas Ibu Balita, MBG, Detail.
    "No,NIK,Nama,JK,Tgl Lahir,BB Lahir,TB Lahir,Nama Ortu,Prov,Kab/Kota,Kec,Pukesmas,Desa/Kel,Posyandu,RT,RW,Alamat,Usia Saat Ukur,Tanggal Pengukuran,Bulan Pengukuran,Berat,Tinggi,Cara Ukur,LiLA,BB/U,TB/U,BB/TB,Naik Berat Badan,Jml Vit A,KPSP,KIA,Kelas Ibu Balita,MBG,Detail",
])
func eppgbmVintagesReadWithoutUnknownColumns(header: String) {
    let d = Dumps()
    let width = header.split(separator: ",").count
    let row = (0..<width).map { _ in "" }.enumerated().map { i, _ in i == 3 ? "L" : (i == 4 ? "15/03/2022" : "") }
    let r = ingest(d.write("v.csv", header + "\n" + row.joined(separator: ",") + "\n"))
    #expect(!r.codes.contains("UNKNOWN_COLUMN"), "\(r.findings)")
    #expect(r.records.count == 1 && r.records[0].sex == .male)
    // A file without Posyandu still reads: a warning, no more.
    let missing = r.findings.filter { $0.code == "COLUMN_MISSING" }.map(\.message)
    #expect(missing == (header.contains("Posyandu") ? [] : ["no Posyandu column"]))
}

@Test func unitDefaultsFillEmptyLocationCellsAndSayWhereFrom() {
    let d = Dumps()
    var f = d.write("x.csv", "NIK,JK,Tgl Lahir,Desa\n1,L,15/03/2022,\n2,P,15/03/2022,OWN DESA\n")
    f.units = UnitDefaults(table: .init(posyandu: "MAWAR"), path: .init(kecamatan: "KEC", desa: "DESA", posyandu: "MELATI"))
    let r = ingest(f)
    #expect(r.records[0].posyandu == "MAWAR" && r.records[0].desa == "DESA" && r.records[0].kecamatan == "KEC")
    #expect(r.records[0].ingestNotes == "UNIT_FROM_TABLE;UNIT_FROM_PATH")
    #expect(r.records[1].desa == "OWN DESA" && r.records[1].posyandu == "MAWAR")
    #expect(r.fileRow(f.name)["units_from"] == "table")
    // No posyandu column, but the pipeline names it: no COLUMN_MISSING for it.
    #expect(!r.findings.contains { $0.message.contains("Posyandu") })
    let plain = ingest(d.write("p.csv", "NIK,JK,Tgl Lahir,Desa\n1,L,15/03/2022,\n"))
    #expect(plain.records[0].ingestNotes == "" && plain.fileRow("p.csv")["units_from"] == "")
    #expect(plain.findings.contains { $0.code == "COLUMN_MISSING" && $0.message.contains("Posyandu") })
}

@Test(arguments: [
    ("jk", Field.sex), ("JENIS_KELAMIN", .sex), ("Jenis Kel.", .sex), ("gender", .sex),
    ("tgl_lahir", .birthDate), ("TGL-LAHIR", .birthDate), ("tanggal_lahir_balita", .birthDate),
    ("bb", .weight), ("berat_badan", .weight), ("BB (kg)", .weight),
    ("tb", .height), ("tinggi_badan", .height), ("PB/TB (cm)", .height),
    ("nama_anak", .name), ("nama_ortu", .parentName), ("desa_kel", .desa), ("nama_desa", .desa),
    ("nama_posyandu", .posyandu), ("nama_puskesmas", .puskesmas), ("nama_kecamatan", .kecamatan),
    ("tgl_ukur", .measureDate), ("Tgl. Ukur", .measureDate), ("no.", .no),
])
func headerSpellingsIgnoreCaseUnderscoresAndPunctuation(header: String, field: Field) {
    #expect(HeaderMap.classify(header).field?.0 == field, "\(header)")
}

@Test func aQuotedFieldFollowedByANoBreakSpaceStillCloses() {
    let d = Dumps()
    // Mac Roman: 0xCA after the closing quote, as after every other field.
    let mac = macRomanLine(["NIK", "Nama", "JK", "Tgl Lahir", "Alamat", "Berat"])
        + macRomanLine(["1", "Ani", "P", "15/03/2022", "\"Jl. Mawar, 4\"", "11,5"])
        + macRomanLine(["2", "Budi", "L", "15/03/2022", "\"Jl. Melati; 5\"", "12,5"])
    let r = ingest(d.write("m.csv", bytes(mac)))
    #expect(r.fileRow("m.csv")["encoding"] == "mac-roman")
    #expect(r.records.count == 2 && r.records.allSatisfy { $0.malformed.isEmpty })
    #expect(r.records.map(\.address) == ["Jl. Mawar, 4", "Jl. Melati; 5"])
    #expect(r.records.map(\.weightKg) == [11.5, 12.5])
    // Windows-1252: 0xA0 after the closing quote.
    let w = ingest(d.write("w.csv", bytes("NIK;Nama;JK;Tgl Lahir;Alamat\n1;Andr«E9»;L;15/03/2022;\"Jl. A; 4\"«A0»\n2;B;P;15/03/2022;x\n")))
    #expect(w.fileRow("w.csv")["encoding"] == "windows-1252")
    #expect(w.records.count == 2 && w.records[0].address == "Jl. A; 4" && w.records[0].malformed.isEmpty)
    // UTF-8 keeps a trailing `à` (C3 A0) whole.
    let u = ingest(d.write("u.csv", "NIK,Nama,JK,Tgl Lahir\n1,Dà,L,15/03/2022\n"))
    #expect(u.records[0].name == "Dà")
}

@Test func aSummaryLabelsCountUnderNamaOrtuIsStillTheSummary() {
    // The issue's own `,,,,Total data gizi kurang,65,,,` in the canonical column order: the label
    // falls under Tgl Lahir and its count under Nama Ortu.
    let d = Dumps()
    let text = "No,NIK,Nama Anak,JK,Tgl Lahir,Nama Ortu,Tanggal Pengukuran,Berat (kg),Tinggi (cm)\n"
        + "1,3301010503220001,Ani,P,15/03/2022,Ibu Sri,20/03/2024,11.5,85\n"
        + ",,,,Total data gizi kurang,65,,,\n"
        + "2,,,,,65,,,\n"                         // a count under Nama Ortu without a label: not a summary
    let r = ingest(d.write("t.csv", text))
    #expect(r.records.count == 3)
    #expect(r.records[1].ingestNotes == "SUMMARY_ROW:Total data gizi kurang")
    #expect(!r.records[2].ingestNotes.contains("SUMMARY_ROW"))
}
