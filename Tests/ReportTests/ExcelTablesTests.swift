import Foundation
import Testing
import TimbangCore
@testable import Report

/// LibreOffice (`soffice`), for reading workbooks back as a person's spreadsheet would;
/// `scripts/test.sh` installs it (Debian's libreoffice-calc-nogui).
let sofficeBinary = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Every sheet of `xlsx` as CSV text, converted by LibreOffice, by sheet name.
func libreOfficeSheets(_ xlsx: String) throws -> [String: String] {
    let soffice = try #require(sofficeBinary, "LibreOffice is not installed (scripts/test.sh installs it)")
    let out = AtomicFile.parentDirectory(of: xlsx) + "/csv"
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: soffice)
    // UTF-8 (76), comma, quote, all sheets (-1) each to <name>-<sheet>.csv
    p.arguments = ["-env:UserInstallation=file://" + out + "/profile", "--headless", "--convert-to",
                   "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", out, xlsx]
    p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    let stem = String(xlsx.split(separator: "/").last!.dropLast(".xlsx".count))
    var sheets: [String: String] = [:]
    for f in try FileManager.default.contentsOfDirectory(atPath: out) where f.hasPrefix(stem + "-") && f.hasSuffix(".csv") {
        sheets[String(f.dropFirst(stem.count + 1).dropLast(4))] = String(decoding: readFileBytes(out + "/" + f) ?? [], as: UTF8.self)
    }
    return sheets
}

@Suite struct ExcelTablesTests {
    let sheets = [
        ExcelTables.Sheet(name: "prevalence", columns: ["level", "desa", "period", "children_n", "stunting_pct", "haz_mean"],
                          rows: [["kabupaten", "", "2024-06", "1204", "21.3", "-1.05"],
                                 ["desa", "MEKAR SARI", "2024-06", "12", "S", "-0.5"],
                                 ["desa", "0101", "latest", "7", "", "0"]],
                          textColumns: ["level", "desa", "period"]),
        ExcelTables.Sheet(name: "a name: far too long for one Excel sheet", columns: ["code", "n"],
                          rows: [["0042", "3"], ["1e5", "-7"]]),
    ]

    @Test func numbersAreNumbersCodesStayTextAndNamesAreValid() {
        #expect(ExcelTables.number("1204") == 1204)
        #expect(ExcelTables.number("-1.05") == -1.05)
        #expect(ExcelTables.number("0") == 0 && ExcelTables.number("0.5") == 0.5)
        for text in ["0101", "1e5", "2024-06", "S", "", "-", "1.", ".5", "nan", "12 ", "1,5"] {
            #expect(ExcelTables.number(text) == nil, "\(text)")
        }
        var used = Set<String>()
        #expect(ExcelTables.uniqueName("a/b:c", &used) == "a_b_c")
        #expect(ExcelTables.uniqueName("A/B:C", &used) == "A_B_C_2")
        #expect(ExcelTables.uniqueName(String(repeating: "x", count: 40), &used).count == 31)
    }

    @Test func theSameTablesGiveTheSameBytes() throws {
        let a = try ExcelTables.workbook(sheets, title: "t", created: 1_719_705_600)
        let b = try ExcelTables.workbook(sheets, title: "t", created: 1_719_705_600)
        #expect(a == b)
        #expect(Array(a.prefix(2)) == [0x50, 0x4B])   // a ZIP container
        #expect(try ExcelTables.workbook(sheets, title: "t", created: 1_719_792_000) != a)
    }

    @Test func libreOfficeReadsTheValuesBack() throws {
        let dir = NSTemporaryDirectory() + "timbang-xlsx-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(try ExcelTables.workbook(sheets, title: "t", created: 0), to: dir + "/tables.xlsx")
        let got = try libreOfficeSheets(dir + "/tables.xlsx")
        #expect(Set(got.keys) == ["prevalence", String("a name_ far too long for one Excel sheet".prefix(31))], "\(got.keys)")
        #expect(got["prevalence"] == """
            level,desa,period,children_n,stunting_pct,haz_mean
            kabupaten,,2024-06,1204,21.3,-1.05
            desa,MEKAR SARI,2024-06,12,S,-0.5
            desa,0101,latest,7,,0

            """, "\(got["prevalence"] ?? "")")
        #expect(got.values.contains("code,n\n0042,3\n1e5,-7\n"), "\(got)")
    }
}

@Suite struct OfficialLayoutsTests {
    /// The public tables of the fixture's archive, by name.
    func publicTables() throws -> [String: Table] {
        let entries = try Archive.read(bytes: try Report.buildArchive(Fixture().input()))
        var out: [String: Table] = [:]
        for e in entries where e.path.hasPrefix("public/") && e.path.hasSuffix(".csv") {
            let name = String(e.path.dropFirst("public/".count).dropLast(4))
            out[name] = try Table(name: name, csv: e.text)
        }
        return out
    }

    func column(_ s: ExcelTables.Sheet, _ name: String) -> Int { s.columns.firstIndex(of: name)! }

    @Test func aksi7HasOneRowPerDesaAndTheKabupatenAndItsFiguresAddUp() throws {
        let tables = try publicTables()
        let sheets = OfficialLayouts.sheets(tables)
        #expect(sheets.map(\.name) == ["aksi7_desa", "rekap_puskesmas", "f1_skdn_posyandu"] + (tables["skdn_sex_age"] == nil ? [] : ["f2_skdn_umur"]))
        let aksi7 = sheets[0]
        let p = try #require(tables["prevalence"])
        let desa = p.rows.filter { $0[p.column("level")!] == "desa" && $0[p.column("period")!] == "latest" && $0[p.column("sex")!] == "all" && $0[p.column("age_group")!] == "all" }
        #expect(aksi7.rows.count == desa.count + 1)
        #expect(aksi7.rows.last?[1] == "KABUPATEN")
        var checked = 0
        for row in aksi7.rows {
            let d = Int(row[column(aksi7, "Jumlah balita diukur (TB/U)")]), sp = Int(row[column(aksi7, "Sangat pendek")])
            let pe = Int(row[column(aksi7, "Pendek")]), all = Int(row[column(aksi7, "Pendek + sangat pendek")])
            let pct = row[column(aksi7, "Prevalensi stunting (%)")]
            if let sp, let pe, let all { #expect(sp + pe == all); checked += 1 }
            if let all, let d, d > 0 { #expect(pct == formatFixed(100 * Double(all) / Double(d), decimals: 2)) }
            if row[column(aksi7, "Pendek + sangat pendek")] == Suppression.marker { #expect(pct == Suppression.marker) }
        }
        #expect(checked > 0)
    }

    @Test func theRekapAndSKDNSheetsKeepThePublicFigures() throws {
        let tables = try publicTables()
        let sheets = Dictionary(uniqueKeysWithValues: OfficialLayouts.sheets(tables).map { ($0.name, $0) })
        let rekap = try #require(sheets["rekap_puskesmas"])
        #expect(!rekap.rows.isEmpty)
        // per month the puskesmas, then the kabupaten
        for (i, row) in rekap.rows.enumerated() where row[2] == "KABUPATEN" {
            #expect(i + 1 == rekap.rows.count || rekap.rows[i + 1][0] != row[0])
        }
        for row in rekap.rows {
            let measured = Int(row[4])
            let bbu = (5..<9).map { Int(row[$0]) }
            if let measured, bbu.allSatisfy({ $0 != nil }) { #expect(bbu.reduce(0) { $0 + $1! } <= measured) }
        }
        let f1 = try #require(sheets["f1_skdn_posyandu"])
        let skdn = try #require(tables["skdn"])
        #expect(f1.rows.count == skdn.rows.filter { $0[0] == "posyandu" }.count)
        for row in f1.rows {
            let v = ["D", "N", "T", "O", "B"].map { Int(row[column(f1, $0)]) }
            if v.allSatisfy({ $0 != nil }) { #expect(v[0]! == v[1]! + v[2]! + v[3]! + v[4]!) }
        }
        // the workbook opens in LibreOffice with every sheet
        let dir = NSTemporaryDirectory() + "timbang-laporan-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(try ExcelTables.workbook(Array(sheets.values.sorted { $0.name < $1.name }), title: "laporan", created: 0), to: dir + "/laporan.xlsx")
        let read = try libreOfficeSheets(dir + "/laporan.xlsx")
        #expect(Set(read.keys) == Set(sheets.keys))
        #expect(read["f1_skdn_posyandu"]?.split(separator: "\n").count == f1.rows.count + 1)
    }
}

@Suite struct ArchiveWorkbookTests {
    @Test func tablesXLSXIsTheSameBytesOnRerunAndLibreOfficeReadsBackThePublicCSV() throws {
        let a = try Archive.read(bytes: try Report.buildArchive(Fixture().input()))
        let b = try Archive.read(bytes: try Report.buildArchive(Fixture().input()))
        let xa = try #require(a.first { $0.path == "public/tables.xlsx" }), xb = try #require(b.first { $0.path == "public/tables.xlsx" })
        #expect(xa.bytes == xb.bytes)
        let dir = NSTemporaryDirectory() + "timbang-tables-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(xa.bytes, to: dir + "/tables.xlsx")
        let sheets = try libreOfficeSheets(dir + "/tables.xlsx")
        let csvs = a.filter { $0.path.hasPrefix("public/") && $0.path.hasSuffix(".csv") }
        #expect(sheets.count == csvs.count)
        for e in csvs {
            let name = String(e.path.dropFirst("public/".count).dropLast(4))
            let expected = try Table(name: name, csv: e.text), got = try Table(name: name, csv: try #require(sheets[name], "\(name)"))
            #expect(got.columns == expected.columns, "\(name)")
            #expect(got.rows.count == expected.rows.count, "\(name)")
            for (g, x) in zip(got.rows, expected.rows) {
                for (gv, xv) in zip(g, x) where gv != xv {
                    // a number may be written another way (`5.0` / `5`), never with another value
                    #expect(Double(gv) != nil && Double(gv) == Double(xv), "\(name): '\(gv)' for '\(xv)'")
                }
            }
        }
        #expect(try #require(a.first { $0.path == "public/laporan.xlsx" }).bytes == (try #require(b.first { $0.path == "public/laporan.xlsx" })).bytes)
    }
}

@Suite struct ZipTests {
    @Test func entriesReadBackWithTheirCRCsWhateverTheThreads() throws {
        // more than one deflate block, so that the parallel blocks and the combined CRC are read
        var big: [UInt8] = []
        var x: UInt32 = 1
        for _ in 0..<(3 * Gzip.blockSize + 12345) { x = x &* 1_103_515_245 &+ 12345; big.append(UInt8(48 + (x >> 16) % 10)) }
        func file(threads: Int) throws -> [UInt8] {
            var zip = Zip(threads: threads)
            try zip.add("a.xml", bytes: Array("<a>x &amp; y</a>".utf8))
            try zip.add("dir/big.xml", bytes: big)
            try zip.add("empty.xml", bytes: [])
            return try zip.finish()
        }
        let one = try file(threads: 1)
        #expect(try file(threads: 4) == one)
        let text = try ExcelTables.xmlText(one)   // ZIPFoundation, CRC-32 checked
        #expect(text == "<a>x &amp; y</a>\n" + String(decoding: big, as: UTF8.self) + "\n\n")
    }

    @Test(arguments: ["", "/etc/passwd", "../up", "a/../b", "a//b", "a/"])
    func unsafeNamesAreRefused(_ name: String) throws {
        var zip = Zip()
        #expect(throws: Zip.Failure.self) { try zip.add(name, bytes: [1]) }
    }

    @Test func sheetXMLEscapesTextKeepsNumbersAndMarksTheHeaderAndSuppressedCells() throws {
        let sheet = ExcelTables.Sheet(name: "t", columns: ["unit", "n", "pct"],
                                      rows: [["A & B <desa>", "12", "S"], [" spaced ", "0101", "-0.5"], ["", "", ""]],
                                      textColumns: ["unit"])
        let xml = try ExcelTables.xmlText(try ExcelTables.workbook([sheet], title: "judul & co", created: 1_735_603_200))
        #expect(xml.contains(#"<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>unit</t></is></c>"#))
        #expect(xml.contains(#"<row r="2"><c r="A2" t="inlineStr"><is><t>A &amp; B &lt;desa&gt;</t></is></c><c r="B2"><v>12</v></c><c r="C2" s="2" t="inlineStr"><is><t>S</t></is></c></row>"#))
        #expect(xml.contains(#"<c r="A3" t="inlineStr"><is><t xml:space="preserve"> spaced </t></is></c><c r="B3" t="inlineStr"><is><t>0101</t></is></c><c r="C3"><v>-0.5</v></c>"#))
        #expect(xml.contains(#"<row r="4"></row>"#))
        #expect(xml.contains("<dc:title>judul &amp; co</dc:title>") && xml.contains("2024-12-31T00:00:00Z"))
        #expect(ExcelTables.columnName(0) == "A" && ExcelTables.columnName(25) == "Z" && ExcelTables.columnName(26) == "AA" && ExcelTables.columnName(701) == "ZZ" && ExcelTables.columnName(702) == "AAA")
    }
}
