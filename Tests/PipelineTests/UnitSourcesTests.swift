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
    func run(_ inputLines: String, table: String? = nil) throws -> (IngestResult, [Record]) {
        let dir = makeTempFolder("units")
        let folder = dir + "/dumps/lokasi/Kroya/Kroya I/Mergawati/Melati"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        write(locationlessDump, to: folder + "/2024-01.csv")
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
        #expect(result.files.rows[0].last == "table")
    }

    @Test func withoutPipelineUnitsALocationlessFileIsUnitMissing() throws {
        let (result, records) = try run(#"units_table = "units.csv""#, table: "file,desa\nelsewhere/*.csv,D\n")
        #expect(records.allSatisfy { $0.status == .invalid && $0.reason == "UNIT_MISSING" })
        #expect(result.files.rows[0].last == "")
        #expect(result.findings.contains { $0.code == "COLUMN_MISSING" && $0.message.contains("Posyandu") })
    }
}
