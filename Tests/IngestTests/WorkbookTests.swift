import Foundation
import Testing
@testable import Ingest
import TimbangCore
import ZIPFoundation

// Workbooks written here part by part, in the XML that Excel writes (shared strings, styles
// with a custom date format, sparse rows with `r` references, empty cells left out).

private let ns = #"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#
private let rns = #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#

/// The ZIP bytes of a workbook made of `parts` (path, XML text), in that order.
private func zip(_ parts: [(String, String)]) -> [UInt8] {
    let archive = try! Archive(data: Data(), accessMode: .create)
    for (path, text) in parts {
        let data = Data(text.utf8)
        try! archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                              compressionMethod: .deflate) { pos, size in data.subdata(in: Int(pos)..<Int(pos) + size) }
    }
    return [UInt8](archive.data!)
}

/// A workbook with `sheets` (name, sheetData XML), shared strings `strings`, and the styles
/// 0 plain, 1 custom `dd/mm/yyyy`, 2 built-in 14 (date), 3 built-in 20 (`h:mm`), 4 built-in
/// 46 (`[h]:mm:ss`).
private func workbook(sheets: [(String, String)], strings: [String], date1904: Bool = false,
                      extraParts: [(String, String)] = []) -> [UInt8] {
    let sheetList = sheets.enumerated().map { i, s in #"<sheet name="\#(s.0)" sheetId="\#(i + 1)" r:id="rId\#(i + 10)"/>"# }.joined()
    let rels = sheets.indices.map { i in
        #"<Relationship Id="rId\#(i + 10)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"#
    }.joined()
    var parts: [(String, String)] = [
        ("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
        ("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook \#(ns) \#(rns)><workbookPr\#(date1904 ? #" date1904="1""# : "")/><sheets>\#(sheetList)</sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#(rels)<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
        ("xl/styles.xml", #"<?xml version="1.0" encoding="UTF-8"?><styleSheet \#(ns)><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></numFmts><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="14" xfId="0"/><xf numFmtId="20" xfId="0"/><xf numFmtId="46" xfId="0"/></cellXfs></styleSheet>"#),
        ("xl/sharedStrings.xml", #"<?xml version="1.0" encoding="UTF-8"?><sst \#(ns) count="\#(strings.count)">"#
            + strings.map { "<si><t xml:space=\"preserve\">\($0)</t></si>" }.joined() + "</sst>"),
    ]
    for (i, s) in sheets.enumerated() {
        parts.append(("xl/worksheets/sheet\(i + 1).xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet \#(ns)><dimension ref="A1:J9"/><sheetData>\#(s.1)</sheetData></worksheet>"#))
    }
    return zip(parts + extraParts)
}

/// A header row of shared strings 0..<n in row `r`.
private func headerRow(_ n: Int, row r: Int = 1) -> String {
    "<row r=\"\(r)\">" + (0..<n).map { "<c r=\"\(columnLetters($0))\(r)\" t=\"s\"><v>\($0)</v></c>" }.joined() + "</row>"
}

private func columnLetters(_ i: Int) -> String { i < 26 ? String(UnicodeScalar(UInt8(65 + i))) : "A" + String(UnicodeScalar(UInt8(65 + i - 26))) }

/// Shared strings 0–9 are this header.
private let header = ["No", "NIK", "Nama Anak", "JK", "Tgl Lahir", "Posyandu", "Desa/Kel", "Tanggal Pengukuran", "Berat", "Tinggi"]

@Suite struct WorkbookTests {
    @Test func aWorkbooksSheetsWithHeadersAreReadAsOneDumpWithSharedAndInlineStrings() throws {
        let strings = header + ["3301014107230001", "Siti Aminah", "P", "Melati", "Mergawati", "L", "Dicetak oleh kader", "12,5"]
        // Sheet 1: a full row, then row 4 (row 3 absent) with columns B, F, G and J left out.
        let s1 = headerRow(10)
            + #"<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>10</v></c><c r="C2" t="s"><v>11</v></c><c r="D2" t="s"><v>12</v></c><c r="E2" s="1"><v>45108</v></c><c r="F2" t="s"><v>13</v></c><c r="G2" t="s"><v>14</v></c><c r="H2" s="2"><v>45306</v></c><c r="I2"><v>7.5</v></c><c r="J2"><v>65.2</v></c></row>"#
            + #"<row r="4"><c r="A4"><v>2</v></c><c r="C4" t="inlineStr"><is><t>Budi </t><r><t>Santoso</t></r></is></c><c r="D4" t="s"><v>15</v></c><c r="E4" s="1"><v>44686</v></c><c r="H4" s="1"><v>45306</v></c><c r="I4" t="s"><v>17</v></c></row>"#
        // Sheet 2: a note, no header.
        let s2 = #"<row r="1"><c r="A1" t="s"><v>16</v></c></row>"#
        // Sheet 3: the header in inline strings, in another order, and one row.
        let s3 = #"<row r="1">"# + ["Tanggal Pengukuran", "Nama Anak", "JK", "Tgl Lahir", "Posyandu", "Berat"].enumerated().map { i, h in
            #"<c r="\#(columnLetters(i))1" t="inlineStr"><is><t>\#(h)</t></is></c>"#
        }.joined() + "</row>"
            + #"<row r="2"><c r="A2" s="1"><v>45337</v></c><c r="B2" t="inlineStr"><is><t>Ani</t></is></c><c r="C2" t="inlineStr"><is><t>P</t></is></c><c r="D2" s="1"><v>44957</v></c><c r="E2" t="inlineStr"><is><t>Mawar</t></is></c><c r="F2"><v>9.1</v></c></row>"#
        let d = Dumps()
        let f = d.write("posyandu.xlsx", workbook(sheets: [("Januari", s1), ("Catatan", s2), ("Februari", s3)], strings: strings))
        let r = ingest(f)
        try #require(r.records.count == 3)
        let a = r.records[0], b = r.records[1], c = r.records[2]
        #expect(a.ref == RowRef(file: "posyandu.xlsx", record: 1, line: 2))
        #expect(a.no == "1" && a.nik == "3301014107230001" && a.name == "Siti Aminah" && a.sex == .female)
        #expect(a.birthDateRaw == "2023-07-01" && a.birthDate == day(2023, 7, 1))
        #expect(a.posyandu == "Melati" && a.desa == "Mergawati")
        #expect(a.measureDateRaw == "2024-01-15" && a.measureDate == day(2024, 1, 15))
        #expect(a.weightRaw == "7.5" && a.weightKg == 7.5 && a.heightRaw == "65.2" && a.heightCm == 65.2)
        #expect(a.malformed == "" && a.ingestNotes == "")
        // The sparse row: its sheet row number, empty cells empty, trailing cells not missing.
        #expect(b.ref == RowRef(file: "posyandu.xlsx", record: 2, line: 4))
        #expect(b.nik == "" && b.name == "Budi Santoso" && b.sex == .male && b.posyandu == "" && b.heightRaw == "")
        #expect(b.birthDate == day(2022, 5, 5) && b.weightRaw == "12,5" && b.weightKg == 12.5)
        #expect(b.malformed == "", "a row that leaves out empty trailing cells is whole")
        // Records are numbered on through the sheets; the line is the row in its own sheet.
        #expect(c.ref == RowRef(file: "posyandu.xlsx", record: 3, line: 2))
        #expect(c.name == "Ani" && c.measureDate == day(2024, 2, 15) && c.birthDate == day(2023, 1, 31) && c.weightKg == 9.1)
        #expect(c.posyandu == "Mawar" && c.malformed == "")
        let skipped = try #require(r.findings.first { $0.code == "SHEET_SKIPPED" })
        #expect(skipped.severity == .info && skipped.message.contains("'Catatan'"))
        #expect(!r.codes.contains("NO_HEADER"))
        let row = r.fileRow("posyandu.xlsx")
        #expect(row["sheets"] == "Januari; Februari")
        #expect(row["records"] == "3" && row["malformed"] == "0" && row["encoding"] == "utf-8" && row["delimiter"] == "")
        let size = try #require(FileManager.default.attributesOfItem(atPath: f.path)[.size] as? Int)
        #expect(row["sha256"]?.count == 64 && row["bytes"] == String(size))
        // The sheet that lacks columns says which, naming the sheet.
        #expect(r.findings.contains { $0.code == "COLUMN_MISSING" && $0.message.hasPrefix("sheet 'Februari':") })
    }

    @Test func aWorkbookWithoutLocationsTakesThePipelinesUnits() throws {
        // Posyandu (F) and Desa/Kel (G) left empty.
        let sheet = headerRow(10)
            + #"<row r="2"><c r="C2" t="s"><v>11</v></c><c r="D2" t="s"><v>12</v></c><c r="E2" s="1"><v>45108</v></c><c r="H2" s="2"><v>45306</v></c><c r="I2"><v>7.5</v></c></row>"#
        let d = Dumps()
        var f = d.write("a.xlsx", workbook(sheets: [("S", sheet)], strings: header + ["", "Siti", "P"]))
        f.units = UnitDefaults(path: .init(desa: "MERGAWATI", posyandu: "MELATI"))
        let r = ingest(f)
        let x = try #require(r.records.first)
        #expect(x.desa == "MERGAWATI" && x.posyandu == "MELATI" && x.ingestNotes.contains("UNIT_FROM_PATH"))
        #expect(r.fileRow("a.xlsx")["units_from"] == "path")
    }

    @Test func a1904WorkbooksDateSerialsAreReadInItsOwnDateSystem() throws {
        // 2023-07-01 is serial 45108 in the 1900 system and 43646 in the 1904 system.
        let sheet = headerRow(10)
            + #"<row r="2"><c r="C2" t="s"><v>11</v></c><c r="D2" t="s"><v>12</v></c><c r="E2" s="1"><v>43646</v></c><c r="H2" s="2"><v>43844</v></c><c r="I2"><v>45108</v></c></row>"#
        let d = Dumps()
        let r1904 = ingest(d.write("a.xlsx", workbook(sheets: [("S", sheet)], strings: header + ["", "Siti", "P"], date1904: true)))
        let x = try #require(r1904.records.first)
        #expect(x.birthDateRaw == "2023-07-01" && x.birthDate == day(2023, 7, 1))
        #expect(x.measureDate == day(2024, 1, 15))
        // A number in a plain cell is the number, never a date.
        #expect(x.weightRaw == "45108")
        // The same serials in a 1900 workbook are four years and a day earlier.
        let r1900 = ingest(d.write("b.xlsx", workbook(sheets: [("S", sheet)], strings: header + ["", "Siti", "P"])))
        #expect(r1900.records.first?.birthDate == day(2019, 6, 30))
    }

    @Test func timeFormattedWeightsAndLengthsAreHandedOnAsExcelShowsThem() throws {
        // 7.7 typed where `.` separates hours and minutes became 7:07 (0.29652777... of a day);
        // 67.6 became 67:06:00 (2.7958333... days) with an elapsed-hours format.
        let sheet = headerRow(10)
            + #"<row r="2"><c r="C2" t="s"><v>11</v></c><c r="I2" s="3"><v>0.29652777777777778</v></c><c r="J2" s="4"><v>2.7958333333333334</v></c></row>"#
        let d = Dumps()
        let r = ingest(d.write("t.xlsx", workbook(sheets: [("S", sheet)], strings: header + ["", "Siti"])))
        let x = try #require(r.records.first)
        #expect(x.weightRaw == "7:07")
        #expect(x.heightRaw == "67:06:00")
    }

    @Test func numbersAreReadAsStoredWithoutLocaleAndANumericNIKIsFlagged() throws {
        let sheet = headerRow(10)
            + #"<row r="2"><c r="B2"><v>3301014107230000</v></c><c r="C2" t="s"><v>11</v></c><c r="I2"><v>18.899999999999999</v></c><c r="J2"><v>87</v></c></row>"#
            + #"<row r="3"><c r="B3" t="s"><v>10</v></c><c r="C3" t="s"><v>11</v></c><c r="I3"><v>1.05</v></c></row>"#
        let d = Dumps()
        let r = ingest(d.write("n.xlsx", workbook(sheets: [("S", sheet)], strings: header + ["3301014107230001", "Siti"])))
        try #require(r.records.count == 2)
        let x = r.records[0], y = r.records[1]
        #expect(x.weightRaw == "18.9" && x.weightKg == 18.9, "17 stored digits read back as the number typed")
        #expect(x.heightRaw == "87" && x.heightCm == 87)
        #expect(x.nik == "3301014107230000")
        #expect(x.ingestNotes.hasPrefix("NIK_INVALID:"), "a NIK stored as a number has lost its last digit")
        #expect(y.weightRaw == "1.05" && y.ingestNotes == "", "a text NIK is not flagged")
    }

    @Test func aLegacyXlsOrAnEncryptedWorkbookIsAFindingThatSaysWhatToDo() throws {
        let ole2: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)
        let d = Dumps()
        let xls = ingest(d.write("lama.xls", ole2 + Array("Workbook".utf8)))
        #expect(xls.codes == ["LEGACY_XLS"])
        #expect(xls.findings[0].severity == .error && xls.findings[0].message.contains("save it as .xlsx or CSV"))
        #expect(xls.records.isEmpty)
        let encName = Array("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let enc = ingest(d.write("kunci.xlsx", ole2 + encName))
        #expect(enc.codes == ["XLSX_ENCRYPTED"] && enc.records.isEmpty)
        #expect(enc.findings[0].message.contains("password"))
    }

    @Test func aBrokenZipOrAZipThatIsNoWorkbookIsAFindingNeverACrash() throws {
        let d = Dumps()
        let junk = ingest(d.write("rusak.xlsx", [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0x41, count: 300)))
        #expect(junk.codes == ["XLSX_UNREADABLE"] && junk.records.isEmpty)
        #expect(junk.fileRow("rusak.xlsx")["sha256"]?.count == 64)
        let other = ingest(d.write("foto.xlsx", zip([("foto.txt", "bukan workbook")])))
        #expect(other.codes == ["XLSX_UNREADABLE"])
        #expect(other.findings[0].message.contains("not an Excel workbook"))
        // A cut ZIP (the end of the file and its central directory missing).
        let whole = workbook(sheets: [("S", headerRow(10))], strings: header)
        let cut = ingest(d.write("potong.xlsx", Array(whole.prefix(whole.count / 2))))
        #expect(cut.codes == ["XLSX_UNREADABLE"] && cut.records.isEmpty)
    }

    @Test func aSheetWhoseXMLBreaksOffKeepsTheRowsBeforeAndTheCutRowIsMalformed() throws {
        let sheet = headerRow(10)
            + #"<row r="2"><c r="C2" t="s"><v>11</v></c><c r="D2" t="s"><v>12</v></c></row>"#
            + #"<row r="3"><c r="C3" t="s"><v>11</v></c><c r="D3" t="s"><v>12</v"#
        let d = Dumps()
        let r = ingest(d.write("x.xlsx", damaged(sheet)))
        #expect(r.records.count == 2)
        #expect(r.records.first?.malformed == "")
        #expect(r.records.last?.malformed.contains("damaged") == true)
        #expect(r.codes.contains("XLSX_UNREADABLE"))
        #expect(r.fileRow("x.xlsx")["malformed"] == "1")
    }

    // Found by fuzzing (Fuzz/corpus/ingest/s-crash-name-not-utf8): FoundationXML traps on an
    // element or attribute name that is not UTF-8; the part is read as if cut at that byte.
    @Test func aPartWithANameThatIsNotUTF8IsDamagedXMLNeverACrash() throws {
        let d = Dumps()
        let sheet = Array((headerRow(10) + #"<row r="2"><c r="C2" t="s"><v>11</v></c><c r="D2" t="s"><v>12</v></c></row><row r="3"><"#).utf8)
            + [0xFF] + Array(#"/></row>"#.utf8)
        let r = ingest(d.write("nama.xlsx", damaged(bytes: sheet)))
        #expect(r.records.count == 1 && r.records[0].malformed == "")
        #expect(r.codes == ["XLSX_UNREADABLE"])
        #expect(r.findings.map(\.message) == ["sheet 'S': sheet 'S' is damaged after row 3 (not well-formed XML); the rows before it are kept"])
        #expect(r.fileRow("nama.xlsx")["records"] == "1")

        let strings = Array(("<sst \(ns)><si><t>No</t></si><si><t x").utf8) + [0xC0, 0x80] + Array(#"="1">NIK</t></si></sst>"#.utf8)
        let s = ingest(d.write("sst.xlsx", damaged(bytes: Array((headerRow(2) + "</sheetData></worksheet>").utf8), strings: strings)))
        #expect(s.codes == ["XLSX_UNREADABLE"] && s.records.isEmpty)
        #expect(s.findings.map(\.message) == ["the workbook's shared strings are not well-formed XML; save the file again as .xlsx or CSV"])
    }

    // Found by fuzzing (Fuzz/corpus/ingest/x-hang-deflate-never-ends): ZIPFoundation's inflate
    // loop read nothing forever when an entry's deflate data did not end before the file did.
    @Test func aWorkbookPartWhoseCompressedDataNeverEndsIsAFindingNeverAHang() throws {
        // A stored block announcing 65,535 bytes, then four: the stream cannot end.
        let data: [UInt8] = [0x00, 0xFF, 0xFF, 0x00, 0x00] + Array("<wor".utf8)
        let name = Array("xl/workbook.xml".utf8)
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let local = le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(8, 2) + le(0, 4) + le(0, 4)
            + le(data.count, 4) + le(1000, 4) + le(name.count, 2) + le(0, 2) + name + data
        let central = le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(8, 2) + le(0, 4) + le(0, 4)
            + le(data.count, 4) + le(1000, 4) + le(name.count, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2)
            + le(0, 4) + le(0, 4) + name
        let end = le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(1, 2) + le(1, 2) + le(central.count, 4)
            + le(local.count, 4) + le(0, 2)
        let d = Dumps()
        let r = ingest(d.write("tanpa-akhir.xlsx", local + central + end))
        #expect(r.codes == ["XLSX_UNREADABLE"] && r.records.isEmpty)
        #expect(r.findings.map(\.message) == ["workbook part xl/workbook.xml cannot be read (damaged: its compressed data does not end); save the file again as .xlsx or CSV"])
    }

    @Test func aRowOrCellReferenceOutOfExcelsRangeIsIgnoredNeverAnOverflow() throws {
        let sheet = Array((headerRow(10) + #"<row r="9223372036854775807"><c r="C2" t="s"><v>11</v></c></row>"#
            + #"<row><c r="\#(String(repeating: "Z", count: 30))3" t="s"><v>12</v></c><c r="C3" t="s"><v>11</v></c></row></sheetData></worksheet>"#).utf8)
        let d = Dumps()
        let r = ingest(d.write("besar.xlsx", damaged(bytes: sheet)))
        #expect(r.records.map(\.ref.line) == [2, 3])
        #expect(r.records.map(\.name) == ["Siti", "Siti"])
    }

    @Test func aWorkbookListingThousandsOfSheetsOfOnePartIsReadOnceInBoundedTime() throws {
        // Found by fuzzing: 3,445 bytes listing about 100,000 sheets held a run for minutes.
        let inline = { (i: Int, r: Int, t: String) in #"<c r="\#(columnLetters(i))\#(r)" t="inlineStr"><is><t>\#(t)</t></is></c>"# }
        let sheet = #"<worksheet \#(ns)><sheetData><row r="1">"# + header.enumerated().map { inline($0, 1, $1) }.joined()
            + #"</row><row r="2">"# + inline(2, 2, "Siti") + #"</row></sheetData></worksheet>"#
        let listed = 1_500
        let sheets = (1...listed).map { #"<sheet name="S\#($0)" sheetId="\#($0)" r:id="rId1"/>"# }.joined()
        let d = Dumps()
        let f = d.write("banyak.xlsx", zip([
            ("xl/workbook.xml", #"<workbook \#(ns) \#(rns)><sheets>\#(sheets)</sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
            ("xl/worksheets/sheet1.xml", sheet),
        ]))
        let r = ingest(f)
        #expect(r.records.map(\.name) == ["Siti"], "the part is read once, for the first sheet that names it")
        #expect(r.findings.filter { $0.code == "XLSX_TOO_MANY_SHEETS" }.map(\.message)
                == ["the workbook lists 1500 sheets; the first 1000 are read, the other 500 are not"])
        let again = r.findings.filter { $0.code == "SHEET_SKIPPED" }
        #expect(again.count == WorkbookPart.maxSheets - 1)
        #expect(again.first?.message == "sheet 'S2' is the worksheet part of sheet 'S1' (xl/worksheets/sheet1.xml) again; skipped, its rows are read once")
        #expect(r.fileRow("banyak.xlsx")["sheets"] == "S1")
    }

    @Test func cellsLeftOutBeforeAFarCellAreCountedNotFedOneByOne() throws {
        // A row of one cell in column 400 after the header: 399 empty fields, in one step; a
        // cell past the column limit still breaches it.
        let rows = (2...2001).map { #"<row r="\#($0)"><c r="C\#($0)" t="s"><v>11</v></c><c r="OJ\#($0)" t="s"><v>11</v></c></row>"# }.joined()
        let d = Dumps()
        let r = ingest(d.write("jauh.xlsx", workbook(sheets: [("S", headerRow(10) + rows)], strings: header + ["", "Siti"])))
        #expect(r.records.count == 2000 && r.records.allSatisfy { $0.name == "Siti" })
        let w = Ingest.run(files: [d.write("lebar.xlsx", workbook(sheets: [("S", headerRow(10) + rows)], strings: header + ["", "Siti"]))],
                           threads: 1, limits: IngestLimits(columns: 399))
        #expect(w.codes == ["TOO_MANY_COLUMNS"] && w.records.count == 1 && w.records[0].malformed.hasPrefix("more than 399 columns"))
    }

    @Test func firstInvalidUTF8FindsTheFirstByteOfABadSequenceAcrossReads() throws {
        let d = Dumps()
        func at(_ bytes: [UInt8]) -> Int? { firstInvalidUTF8(inFile: d.write("p.xml", bytes).path) }
        #expect(at(Array("<a>Rén€😀</a>".utf8)) == nil)
        #expect(at([]) == nil)
        #expect(at(Array("<a".utf8) + [0xFF]) == 2)
        #expect(at([0x41, 0xC0, 0x80]) == 1)               // overlong
        #expect(at([0x41, 0x41, 0xED, 0xA0, 0x80]) == 2)   // a surrogate
        #expect(at([0xF4, 0x90, 0x80, 0x80]) == 0)         // above U+10FFFF
        #expect(at([0x41, 0xE2, 0x82]) == 1)               // cut at the end
        #expect(at([0x41, 0xE2, 0x41, 0x41]) == 1)
        #expect(at([0xFF, 0xFE, 0x3C, 0x00, 0xD8]) == nil) // UTF-16: libxml2's to read
        // A sequence across the 1 MiB read: whole, then cut.
        let mib = 1 << 20
        let across = [UInt8](repeating: 0x41, count: mib - 1) + Array("€".utf8) + [0x41]
        #expect(at(across) == nil)
        #expect(at(across + [0x80]) == mib + 3)
        #expect(at([UInt8](repeating: 0x41, count: mib - 2) + [0xE2, 0x82, 0x41]) == mib - 2)
    }

    @Test func aSharedStringsTableOverTheLimitSkipsTheFileWithAFinding() throws {
        let sheet = headerRow(10) + #"<row r="2"><c r="C2" t="s"><v>11</v></c></row>"#
        let d = Dumps()
        let f = d.write("besar.xlsx", workbook(sheets: [("S", sheet)], strings: header + ["", "Siti"]))
        let small = Ingest.run(files: [f], threads: 1, limits: IngestLimits(sharedStringBytes: 100))
        #expect(small.codes == ["XLSX_SHARED_STRINGS_LIMIT"] && small.records.isEmpty)
        #expect(small.findings[0].message.contains("100 bytes"))
        // Just above what the table takes, it is read.
        let bytes = (header + ["", "Siti"]).reduce(0) { $0 + $1.utf8.count + 8 }
        let fits = Ingest.run(files: [f], threads: 1, limits: IngestLimits(sharedStringBytes: bytes))
        #expect(fits.records.count == 1 && fits.findings.allSatisfy { $0.code != "XLSX_SHARED_STRINGS_LIMIT" })
    }

    @Test func aWorkbookBreachingAnIngestLimitIsReadUpToItWithAFinding() throws {
        let rows = (2...4).map { #"<row r="\#($0)"><c r="B\#($0)" t="inlineStr"><is><t>\#($0)</t></is></c><c r="C\#($0)" t="s"><v>11</v></c></row>"# }.joined()
        let d = Dumps()
        // a cell of 5000 bytes in row 3
        let longCell = #"<row r="3"><c r="C3" t="inlineStr"><is><t>\#(String(repeating: "x", count: 5000))</t></is></c></row>"#
        let f = d.write("panjang.xlsx", workbook(sheets: [("S", headerRow(10) + #"<row r="2"><c r="C2" t="s"><v>11</v></c></row>"# + longCell)], strings: header + ["", "Siti"]))
        let r = Ingest.run(files: [f], threads: 1, limits: IngestLimits(fieldBytes: 1 << 10))
        #expect(r.findings.map(\.message) == ["sheet 'S': a field longer than 1 KB at row 3 (the limit input.max_field_kb): the records before it are kept, that record is kept as malformed, the rest of the file is not read"])
        #expect(r.records.count == 2 && r.records.last?.malformed.hasPrefix("a field longer than 1 KB") == true)
        // a cell in column 600 (a row wider than the limit)
        let wide = d.write("lebar.xlsx", workbook(sheets: [("S", headerRow(10) + rows + #"<row r="5"><c r="VZ5" t="s"><v>11</v></c></row>"#)], strings: header + ["", "Siti"]))
        let w = Ingest.run(files: [wide], threads: 1)
        #expect(w.findings.map(\.message) == ["sheet 'S': more than 512 columns at row 5 (the limit input.max_columns): the records before it are kept, that record is kept as malformed, the rest of the file is not read"])
        #expect(w.records.count == 4)
        // the parts inflate to more than the limit: the sheet is not read
        let big = d.write("besar.xlsx", workbook(sheets: [("S", headerRow(10) + String(repeating: rows, count: 50))], strings: header + ["", "Siti"]))
        let b = Ingest.run(files: [big], threads: 1, limits: IngestLimits(inflatedBytes: 4 << 10))
        #expect(b.findings.map(\.message) == ["inflates to more than 4 KB (the limit input.max_inflated_mb): file skipped"])
        #expect(b.records.isEmpty)
    }

    @Test func aWorkbookIsRecognisedByItsBytesWhateverItsName() throws {
        let sheet = headerRow(10) + #"<row r="2"><c r="C2" t="s"><v>11</v></c></row>"#
        let d = Dumps()
        let csvNamed = d.write("salah-nama.csv", workbook(sheets: [("S", sheet)], strings: header + ["", "Siti"]))
        let plain = d.write("b.csv", "No,Nama Anak,JK,Tgl Lahir\n1,Ani,P,01/02/2023\n")
        // Read together with a CSV (the CSV on the direct path, the workbook on its own).
        let r = Ingest.run(files: [csvNamed, plain], threads: 2)
        #expect(r.records.map(\.name) == ["Ani", "Siti"])
        #expect(r.fileRow("salah-nama.csv")["sheets"] == "S" && r.fileRow("b.csv")["sheets"] == "")
    }

    @Test func aWorkbookWithNoHeaderInAnySheetIsNoHeader() throws {
        let d = Dumps()
        let r = ingest(d.write("h.xlsx", workbook(sheets: [("Rekap", #"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>65</v></c></row>"#)],
                                                   strings: ["Total data gizi kurang"])))
        #expect(r.codes.contains("NO_HEADER") && r.records.isEmpty)
        #expect(r.fileRow("h.xlsx")["sheets"] == "")
    }

    @Test func numberFormatsAreToldApartAsDatesTimesOrPlain() {
        #expect(CellFormat(code: "dd/mm/yyyy") == .date)
        #expect(CellFormat(code: "[$-421]d mmmm yyyy;@") == .date)
        #expect(CellFormat(code: "d/m/yy h:mm") == .date, "a date with a time is a date")
        #expect(CellFormat(code: "h:mm") == .time(elapsedHours: false, seconds: false, padHours: false))
        #expect(CellFormat(code: "[h]:mm:ss") == .time(elapsedHours: true, seconds: true, padHours: false))
        #expect(CellFormat(code: "hh:mm") == .time(elapsedHours: false, seconds: false, padHours: true))
        #expect(CellFormat(code: "0.00") == .plain)
        #expect(CellFormat(code: "[Red]0.0;\"day\"") == .plain, "colours and quoted text are not date letters")
        #expect(CellFormat(code: "#,##0") == .plain)
        #expect(CellFormat(builtIn: 14) == .date && CellFormat(builtIn: 22) == .date && CellFormat(builtIn: 13) == .plain)
        #expect(CellFormat(builtIn: 20) == .time(elapsedHours: false, seconds: false, padHours: false))
        #expect(CellFormat(builtIn: 46) == .time(elapsedHours: true, seconds: true, padHours: false))
        #expect(columnIndex("A1") == 0 && columnIndex("J9") == 9 && columnIndex("AA10") == 26 && columnIndex("12") == nil)
        // Found by fuzzing (Fuzz/corpus/ingest/x-crash-column-letters-overflow): many letters overflowed.
        #expect(columnIndex("XFD1") == 16383 && columnIndex("ABCD1") == nil && columnIndex(String(repeating: "Z", count: 40) + "1") == nil)
        #expect(shortestNumber("18.899999999999999", 18.9) == "18.9" && shortestNumber("0.045138889", 0.045138889) == "0.045138889")
        #expect(shortestNumber("3301014107230000", 3301014107230000) == "3301014107230000")
    }
}

/// A workbook whose only sheet is `sheetData` cut off inside (not well-formed XML).
/// A workbook of sheet `S` whose sheet part is `sheetData` after the `<sheetData>` tag, and
/// `strings` as its shared strings part (raw bytes, which need not be UTF-8).
private func damaged(bytes sheetData: [UInt8], strings: [UInt8]? = nil) -> [UInt8] {
    let shared = strings ?? Array(("<sst \(ns)>" + (header + ["", "Siti", "P"]).map { "<si><t>\($0)</t></si>" }.joined() + "</sst>").utf8)
    let parts: [(String, [UInt8])] = [
        ("xl/workbook.xml", Array(#"<workbook \#(ns) \#(rns)><sheets><sheet name="S" sheetId="1" r:id="rId10"/></sheets></workbook>"#.utf8)),
        ("xl/_rels/workbook.xml.rels", Array(#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId10" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>"#.utf8)),
        ("xl/sharedStrings.xml", shared),
        ("xl/worksheets/sheet1.xml", Array("<worksheet \(ns)><sheetData>".utf8) + sheetData),
    ]
    let archive = try! Archive(data: Data(), accessMode: .create)
    for (path, bytes) in parts {
        let data = Data(bytes)
        try! archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                              compressionMethod: .deflate) { pos, size in data.subdata(in: Int(pos)..<Int(pos) + size) }
    }
    return [UInt8](archive.data!)
}

private func damaged(_ sheetData: String) -> [UInt8] {
    let strings = header + ["", "Siti", "P"]
    return zip([
        ("xl/workbook.xml", #"<workbook \#(ns) \#(rns)><sheets><sheet name="S" sheetId="1" r:id="rId10"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId10" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>"#),
        ("xl/sharedStrings.xml", "<sst \(ns)>" + strings.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>"),
        ("xl/worksheets/sheet1.xml", "<worksheet \(ns)><sheetData>" + sheetData),
    ])
}
