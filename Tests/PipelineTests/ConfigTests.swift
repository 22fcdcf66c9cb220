import Foundation
import Testing
@testable import Pipeline
import Ingest
import TimbangCore

@Suite struct ConfigTests {
    @Test func aValidPipelineLoadsWithPathsRelativeToItsFile() throws {
        let dir = makeTempFolder("cfg")
        try FileManager.default.createDirectory(atPath: dir + "/dumps", withIntermediateDirectories: true)
        let c = try PipelineConfig.load(path: writePipeline(in: dir, extra: "[report]\nmin_cell = 3"))
        #expect(c.name == "t")
        #expect(c.asOf == Day(year: 2024, month: 3, day: 31))
        #expect(c.inputs == [dir + "/dumps"])
        #expect(c.runFolder == dir + "/out/t")
        #expect(c.minCell == 3)
        #expect(c.keyID.count == 16)
        #expect(!c.canonicalText(inputNames: []).contains("0123456789abcdef0123"))
    }

    /// Config mistakes: one clear line naming the problem, and nothing written.
    @Test(arguments: [
        ("[report]\nmin_cell = 0", "report.min_cell"),
        ("colour = \"blue\"", "unknown key 'colour'"),
        ("[report]\nsize = 3", "unknown key 'report.size'"),
        ("[monitor]\nbgm_cutoff = \"low\"", "monitor.bgm_cutoff"),
    ])
    func mistakesStopWithOneLine(extra: String, expected: String) throws {
        let dir = makeTempFolder("cfgbad")
        try FileManager.default.createDirectory(atPath: dir + "/dumps", withIntermediateDirectories: true)
        let path = writePipeline(in: dir, extra: extra)
        #expect {
            try PipelineConfig.load(path: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains(expected) && !text.contains("\n")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    @Test func inputLimitsLoadInTheirUnitsAndTheManifestSaysTheOnesChanged() throws {
        let dir = makeTempFolder("cfglim")
        try FileManager.default.createDirectory(atPath: dir + "/dumps", withIntermediateDirectories: true)
        let defaults = try PipelineConfig.load(path: writePipeline(in: dir))
        #expect(defaults.limits == IngestLimits())
        #expect(!defaults.canonicalText(inputNames: []).contains("max_"))
        let c = try PipelineConfig.load(path: writePipeline(in: dir, input: "max_inflated_mb = 10\nmax_record_kb = 2\nmax_field_kb = 1\nmax_columns = 40\nxlsx_shared_strings_mb = 3"))
        #expect(c.limits == IngestLimits(inflatedBytes: 10 << 20, recordBytes: 2 << 10, fieldBytes: 1 << 10, columns: 40, sharedStringBytes: 3 << 20))
        #expect(c.canonicalText(inputNames: []).contains("xlsx_shared_strings_mb = 3\nmax_inflated_mb = 10\nmax_record_kb = 2\nmax_field_kb = 1\nmax_columns = 40\n"))
        let set = try PipelineConfig.load(path: writePipeline(in: dir), overrides: .init(settings: ["input.max_columns=64"]))
        #expect(set.limits.columns == 64)
        for (key, value, message) in [("max_field_kb", "0", "input.max_field_kb must be a whole number of KiB from 1 to 1073741824"),
                                      ("max_columns", "\"many\"", "input.max_columns must be a whole number from 1 to 1048576"),
                                      ("max_inflated_mb", "-1", "input.max_inflated_mb must be a whole number of MiB from 1 to 1073741824")] {
            let path = writePipeline(in: dir, input: "\(key) = \(value)")
            #expect { try PipelineConfig.load(path: path) } throws: { "\($0)" == "\(path): \(message)" }
        }
    }

    @Test func theCompressionLevelIsOneUnlessSetAndTheManifestSaysAnotherOne() throws {
        let dir = makeTempFolder("cfgzip")
        try FileManager.default.createDirectory(atPath: dir + "/dumps", withIntermediateDirectories: true)
        let defaults = try PipelineConfig.load(path: writePipeline(in: dir))
        #expect(defaults.compressionLevel == 1)
        #expect(!defaults.canonicalText(inputNames: []).contains("compression_level"))
        let six = try PipelineConfig.load(path: writePipeline(in: dir, extra: "[report]\ncompression_level = 6"))
        #expect(six.compressionLevel == 6)
        #expect(six.canonicalText(inputNames: []).contains("include_run_time = false\ncompression_level = 6\n"))
        let set = try PipelineConfig.load(path: writePipeline(in: dir), overrides: .init(settings: ["report.compression_level=9"]))
        #expect(set.compressionLevel == 9)
        for bad in ["0", "10", "\"best\""] {
            let path = writePipeline(in: dir, extra: "[report]\ncompression_level = \(bad)")
            #expect { try PipelineConfig.load(path: path) } throws: {
                "\($0)" == "\(path): report.compression_level must be a whole number from 1 (fastest) to 9 (smallest)"
            }
        }
    }

    @Test func overridesReplaceInputOutputAndAsOf() throws {
        let dir = makeTempFolder("cfgov")
        try FileManager.default.createDirectory(atPath: dir + "/other", withIntermediateDirectories: true)
        let path = writePipeline(in: dir, inputs: ["missing-folder"])
        #expect(throws: InputError.self) { try PipelineConfig.load(path: path) }
        let c = try PipelineConfig.load(path: path, overrides: .init(input: dir + "/other", output: dir + "/o2", asOf: "2024-02-29"))
        #expect(c.inputs == [dir + "/other"])
        #expect(c.runFolder == dir + "/o2/t")
        #expect(c.asOf == Day(year: 2024, month: 2, day: 29))
        #expect(throws: ConfigError.self) {
            try PipelineConfig.load(path: path, overrides: .init(input: dir + "/other", asOf: "2024-02-30"))
        }
    }

    @Test func setOverridesAnyKeyTypedAsTheFileTypesItAndTheManifestSaysSo() throws {
        let dir = makeTempFolder("cfgset")
        try FileManager.default.createDirectory(atPath: dir + "/dumps", withIntermediateDirectories: true)
        let path = writePipeline(in: dir, extra: "[report]\nmin_cell = 3")
        let c = try PipelineConfig.load(path: path, overrides: .init(settings: [
            "report.min_cell=10", "kabupaten=Wanasari", "monitor.bgm_cutoff = -2.5", "report.by_name=true"]))
        #expect(c.minCell == 10 && c.kabupaten == "Wanasari" && c.bgmCutoff == -2.5 && c.byName)
        let text = c.canonicalText(inputNames: [])
        #expect(text.hasSuffix("[overrides]\n\"report.min_cell\" = 10\n\"kabupaten\" = \"Wanasari\"\n\"monitor.bgm_cutoff\" = -2.5\n\"report.by_name\" = true\n"))
        #expect(try PipelineConfig.load(path: path).canonicalText(inputNames: []).contains("[overrides]") == false)
    }

    @Test(arguments: [
        ("report.min_cel=10", "unknown pipeline key 'report.min_cel' (did you mean 'report.min_cell'?)"),
        ("min_cell=10", "did you mean 'report.min_cell'?"),
        ("report.min_cell=ten", "report.min_cell must be a whole number"),
        ("report.min_cell", "expected KEY=VALUE"),
        ("report.by_name=yes", "report.by_name must be true or false"),
    ])
    func aWrongSetStopsWithOneLine(setting: String, expected: String) throws {
        let dir = makeTempFolder("cfgsetbad")
        try FileManager.default.createDirectory(atPath: dir + "/dumps", withIntermediateDirectories: true)
        let path = writePipeline(in: dir)
        #expect {
            try PipelineConfig.load(path: path, overrides: .init(settings: [setting]))
        } throws: { error in
            "\(error)".contains(expected) && !"\(error)".contains("\n")
        }
    }

    @Test func aMissingOrShortKeyIsAConfigError() throws {
        let dir = makeTempFolder("cfgkey")
        try FileManager.default.createDirectory(atPath: dir + "/dumps", withIntermediateDirectories: true)
        let path = writePipeline(in: dir)
        write("short\n", to: dir + "/test.key")
        #expect(throws: ConfigError.self) { try PipelineConfig.load(path: path) }
    }

    @Test func inputFilesAreListedRecursivelySortedAndFiltered() throws {
        let dir = makeTempFolder("inputs")
        for p in ["b/2.csv", "a.CSV", "b/1.csv.gz", "notes.txt", "c/x.xlsx"] { write("x", to: dir + "/" + p) }
        let files = try InputFiles.resolve([dir])
        #expect(files.map(\.name) == ["a.CSV", "b/1.csv.gz", "b/2.csv", "c/x.xlsx"])
        let globbed = try InputFiles.resolve([dir + "/b/*.csv*"])
        #expect(globbed.map(\.name) == ["1.csv.gz", "2.csv"])
    }
}

@Test func pathsAreNormalised() {
    #expect(normalizePath("pipelines/../output") == "output")
    #expect(normalizePath("/a/./b/../c") == "/a/c")
    #expect(normalizePath("../x/y/..") == "../x")
    #expect(normalizePath("a/..") == ".")
}
