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
