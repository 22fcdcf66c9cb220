import Foundation
import Testing
import Ingest
@testable import Pipeline
import TimbangCore
import Validate

/// A dump with no location columns at all (an extract per posyandu).
let locationlessDump = """
No,NIK,Nama Anak,JK,Tgl Lahir,Nama Ortu,Tanggal Pengukuran,Berat (kg),Tinggi (cm)
1,3301014107230001,Siti Aminah,P,01/07/2023,Ibu Sri,15/01/2024,7.5,65.2
2,3301010505220002,Budi Santoso,L,05/05/2022,Ibu Ani,15/01/2024,10.1,80.3

"""

@Suite struct UnitSourcesTests {
    @Test func aPatternCapturesOneSegmentPerPlaceholder() throws {
        let p = try UnitPattern("lokasi/{kecamatan}/{puskesmas}/{desa}/{posyandu}/*.csv")
        #expect(p.match("lokasi/Kroya/Kroya I/Mergawati/Melati/2024-01.csv")
                == UnitDefaults.Cells(kecamatan: "Kroya", puskesmas: "Kroya I", desa: "Mergawati", posyandu: "Melati"))
        #expect(p.match("lokasi/Kroya/Kroya I/Mergawati/2024-01.csv") == nil)          // a segment short
        #expect(p.match("lokasi/Kroya/Kroya I/Mergawati/Melati/x/2024-01.csv") == nil) // a segment more
        #expect(p.match("lokasi/Kroya/Kroya I/Mergawati/Melati/2024-01.csv.gz") == nil)
        let deep = try UnitPattern("**/{desa}_{posyandu}.csv")
        #expect(deep.match("2024/jan/Mergawati_Melati.csv")?.desa == "Mergawati")
        #expect(deep.match("2024/jan/Mergawati_Melati.csv")?.posyandu == "Melati")
        #expect(deep.match("Mergawati_Melati.csv")?.posyandu == "Melati")
        #expect(deep.match("Mergawati.csv") == nil)
    }

    @Test(arguments: [
        ("lokasi/{dusun}/*.csv", "unknown placeholder {dusun}"),
        ("lokasi/{desa/*.csv", "without '}'"),
        ("lokasi/*.csv", "names no unit"),
        ("lokasi/{desa}{posyandu}.csv", "separated by text"),
        ("{desa}/{desa}.csv", "appears twice"),
        ("a**/{desa}.csv", "whole path segment"),
    ])
    func aBadPatternStopsTheRunWithOneLine(pattern: String, expected: String) throws {
        let dir = makeTempFolder("unitbad")
        try FileManager.default.createDirectory(atPath: dir + "/dumps", withIntermediateDirectories: true)
        let path = writePipeline(in: dir, extra: "", inputs: ["dumps"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "[input]\n", with: "[input]\nunit_pattern = \"\(pattern)\"\n")
        write(text, to: path)
        #expect {
            try PipelineConfig.load(path: path)
        } throws: { error in
            let t = "\(error)"
            return error is ConfigError && t.contains(expected) && t.contains("input.unit_pattern") && !t.contains("\n")
        }
    }

    @Test(arguments: [
        (nil as String?, "cannot be read"),
        ("file,kecamatan,dusun\na.csv,K,D\n", "unknown column 'dusun'"),
        ("kecamatan,desa\nK,D\n", "needs a 'file' column"),
        ("file,desa\n,D\n", "'file' is empty"),
        ("file,desa\nx/{dusun}.csv,D\n", "unknown placeholder"),
    ])
    func aBadUnitsTableStopsTheRunWithOneLine(table: String?, expected: String) throws {
        let dir = makeTempFolder("unitstable")
        try FileManager.default.createDirectory(atPath: dir + "/dumps", withIntermediateDirectories: true)
        if let table { write(table, to: dir + "/units.csv") }
        let path = writePipeline(in: dir, inputs: ["dumps"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "[input]\n", with: "[input]\nunits_table = \"units.csv\"\n")
        write(text, to: path)
        #expect {
            try PipelineConfig.load(path: path)
        } throws: { error in
            let t = "\(error)"
            return error is ConfigError && t.contains(expected) && !t.contains("\n")
        }
    }

    /// Writes the location-less dump under `lokasi/Kroya/Kroya I/Mergawati/Melati/2024-01.csv`,
    /// loads a pipeline with `inputLines`, and reads and judges the dump.
    func run(_ inputLines: String, table: String? = nil, dump: [UInt8] = Array(locationlessDump.utf8)) throws -> (IngestResult, [Record]) {
        let dir = makeTempFolder("units")
        let folder = dir + "/dumps/lokasi/Kroya/Kroya I/Mergawati/Melati"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: folder + "/2024-01.csv", contents: Data(dump))
        if let table { write(table, to: dir + "/units.csv") }
        let path = writePipeline(in: dir, inputs: ["dumps"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "[input]\n", with: "[input]\n" + inputLines + "\n")
        write(text, to: path)
        let config = try PipelineConfig.load(path: path)
        let files = try InputFiles.resolve(config.inputs).map(config.withUnits)
        let result = Ingest.run(files: files, threads: 1)
        return (result, Validate.run(result.records, settings: ValidateSettings(asOf: config.asOf)))
    }

    @Test func aLocationlessFileTakesItsUnitsFromItsPath() throws {
        let (result, records) = try run(#"unit_pattern = "lokasi/{kecamatan}/{puskesmas}/{desa}/{posyandu}/*.csv""#)
        #expect(records.count == 2)
        for r in records {
            #expect(r.status == .valid, "\(r.reason)")
            #expect(r.kecamatan == "Kroya" && r.puskesmas == "Kroya I" && r.desa == "Mergawati" && r.posyandu == "Melati")
            #expect(r.notes == "UNIT_FROM_PATH")
        }
        let row = Dictionary(uniqueKeysWithValues: zip(result.files.columns, result.files.rows[0]))
        #expect(row["units_from"] == "path")
        #expect(!result.findings.contains { $0.message.contains("Posyandu") })
    }

    @Test func aUnitsTableWinsOverThePatternCellByCell() throws {
        let table = "file,kecamatan,desa,posyandu\nlokasi/**/2024-*.csv,,Desa Tabel,Posyandu Tabel\n"
        let lines = #"unit_pattern = "lokasi/{kecamatan}/{puskesmas}/{desa}/{posyandu}/*.csv""# + "\n" + #"units_table = "units.csv""#
        let (result, records) = try run(lines, table: table)
        for r in records {
            #expect(r.status == .valid)
            #expect(r.kecamatan == "Kroya" && r.desa == "Desa Tabel" && r.posyandu == "Posyandu Tabel")
            #expect(r.notes == "UNIT_FROM_TABLE;UNIT_FROM_PATH")
        }
        #expect(result.files.rows[0][result.files.column("units_from")!] == "table")
    }

    @Test func theManifestNamesThePatternAndTheTablesChecksum() throws {
        let dir = makeTempFolder("unitsmanifest")
        try FileManager.default.createDirectory(atPath: dir + "/dumps", withIntermediateDirectories: true)
        write("file,desa\na.csv,D\n", to: dir + "/units.csv")
        let path = writePipeline(in: dir, inputs: ["dumps"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "[input]\n", with: "[input]\nunits_table = \"units.csv\"\nunit_pattern = \"{desa}/*.csv\"\n")
        write(text, to: path)
        let canonical = try PipelineConfig.load(path: path).canonicalText(inputNames: [])
        #expect(canonical.contains("unit_pattern = \"{desa}/*.csv\"\n"))
        #expect(canonical.contains("units_table = \"units.csv\"\nunits_table_sha256 = \"\(sha256Hex(Array("file,desa\na.csv,D\n".utf8)))\"\n"))
        // Without the keys the manifest is as before.
        let plain = try PipelineConfig.load(path: writePipeline(in: dir, inputs: ["dumps"])).canonicalText(inputNames: [])
        #expect(!plain.contains("unit"))
    }

    @Test func withoutPipelineUnitsALocationlessFileIsUnitMissing() throws {
        let (result, records) = try run(#"units_table = "units.csv""#, table: "file,desa\nelsewhere/*.csv,D\n")
        #expect(records.allSatisfy { $0.status == .invalid && $0.reason == "UNIT_MISSING" })
        #expect(result.files.rows[0][result.files.column("units_from")!] == "")
        #expect(result.findings.contains { $0.code == "COLUMN_MISSING" && $0.message.contains("Posyandu") })
    }
}

extension UnitSourcesTests {
    /// A raw e-PPGBM export as districts receive it: Mac Roman with 0xCA after every field, a
    /// preamble, `No` as `1 .`, a 15-digit NIK, LiLA 0, `-` for a missing value, blank rows of
    /// delimiters and of no-break spaces, summary rows, and no location columns.
    @Test func aRawMacRomanExportWithoutLocationsComesOutValid() throws {
        func line(_ fields: [String]) -> [UInt8] {
            fields.flatMap { Array($0.utf8) + [0xCA] + [59] }.dropLast() + [13, 10]
        }
        var dump = Array("Data Tanggal : 2023-10-10 12:04:23;;;;;;;;;\r\n".utf8)
        dump += line(["No", "NIK", "Nama", "JK", "Tgl Lahir", "Nama Ortu", "Usia Saat Ukur", "Tanggal Pengukuran", "Berat", "Tinggi", "LiLA"])
        dump += line(["1 .", "3301014107230001", "SITI AMINAH", "P", "2023-07-01", "SRI", "0 Tahun - 6 Bulan - 14 Hari", "2024-01-15", "7,5", "65.2", "0"])
        dump += line(["2 .", "330101050522000", "BUDI SANTOSO", "L", "2022-05-05", "ANI", "1 Tahun - 8 Bulan - 10 Hari", "2024-01-15", "10.1", "80,3", "-"])
        dump += [59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 13, 10]
        dump += line(["", "", "", "", "", "", "", "", "", "", ""])
        dump += line(["", "", "", "", "", "", "Total data gizi kurang", "", "65", "", ""])
        dump += line(["", "", "", "", "", "", "", "", "1426", "", ""])
        let (result, records) = try run(#"unit_pattern = "lokasi/{kecamatan}/{puskesmas}/{desa}/{posyandu}/*.csv""#, dump: dump)
        let row = Dictionary(uniqueKeysWithValues: zip(result.files.columns, result.files.rows[0]))
        #expect(row["encoding"] == "mac-roman" && row["records"] == "4" && row["blank_rows"] == "2" && row["summary_rows"] == "2")
        #expect(row["units_from"] == "path")
        #expect(records.count == 4)
        #expect(records[0].status == .valid && records[0].notes == "UNIT_FROM_PATH" && records[0].no == "1")
        #expect(records[1].status == .valid && records[1].notes == "UNIT_FROM_PATH;NIK_INVALID")
        #expect(records[0].birthDate == Day(year: 2023, month: 7, day: 1) && records[1].heightCm == 80.3)
        #expect(records[0].muacCm == nil && records[0].posyandu == "Melati")
        #expect(records[2].status == .invalid && records[2].reason == "SUMMARY_ROW" && records[2].posyandu == "")
        #expect(records[3].status == .invalid && records[3].reason == "SUMMARY_ROW")
        #expect(result.findings.contains { $0.code == "PREAMBLE_SKIPPED" } && result.findings.contains { $0.code == "SUMMARY_ROWS" })
    }
}
