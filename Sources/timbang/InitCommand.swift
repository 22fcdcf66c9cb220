import ArgumentParser
import Foundation
import Pipeline
import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

extension Timbang {
    /// `timbang init DIR`: a district's pipeline file, commented, and its HMAC key.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set up a district: a commented pipeline file, a new HMAC key and a folder for the dumps.",
            discussion: """
                Examples:
                  timbang init /srv/timbang --name kab-contoh --kabupaten "Kabupaten Contoh"
                  timbang run /srv/timbang/kab-contoh.toml --as-of 2024-06-30

                Writes DIR/NAME.toml, DIR/NAME.key (32 random bytes, readable by its owner only:
                keep it, back it up, never publish it: the same key gives the same child keys
                next year) and the folder DIR/dumps/ where the month's e-PPGBM exports go.
                Nothing that exists is overwritten. It prints a crontab line for nightly runs.
                """)

        @Argument(help: "The district's folder (created when missing).")
        var dir: String

        @Option(help: "The pipeline's name (letters, digits, '-', '_'; default: the folder's name). Runs publish under DIR/output/NAME/.")
        var name: String?

        @Option(help: "The kabupaten's name as the report prints it (default: the most common one in the dumps).")
        var kabupaten: String?

        func run() throws {
            let base = dir.hasSuffix("/") && dir.count > 1 ? String(dir.dropLast()) : dir
            let name = self.name ?? Self.pipelineName(base.split(separator: "/").last.map(String.init) ?? base)
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw fail("--name '\(name)' may hold only letters, digits, '-' and '_'", .usage)
            }
            let pipeline = base + "/" + name + ".toml", key = base + "/" + name + ".key"
            for p in [pipeline, key] where FileManager.default.fileExists(atPath: p) {
                throw fail("\(p) exists; nothing was written (init never overwrites a pipeline or a key)", .usage)
            }
            do {
                try AtomicFile.makeDirectories(base + "/dumps")
                var rng = SystemRandomNumberGenerator()
                var bytes: [UInt8] = []
                for _ in 0..<32 { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
                try AtomicFile.write(Array(hex(bytes).utf8) + [10], to: key)
                chmod(key, 0o600)
                try AtomicFile.write(text: Self.pipelineText(name: name, kabupaten: kabupaten,
                                                             reference: ReferenceLocator.find()), to: pipeline)
            } catch {
                throw fail("\(error)", .cannotWrite)
            }
            let absolute = pipeline.hasPrefix("/") ? pipeline : FileManager.default.currentDirectoryPath + "/" + pipeline
            print("""
                wrote \(pipeline) (the pipeline: read its comments), \(key) (the HMAC key: back it up, keep it private)
                put the month's dumps under \(base)/dumps/, then: timbang run \(pipeline) --as-of YYYY-MM-DD
                nightly at 02:30 (crontab -e):
                30 2 * * * timbang run \(absolute) --as-of $(date +\\%F) >> \(AtomicFile.parentDirectory(of: absolute))/cron.log 2>&1
                """)
        }

        /// A pipeline name from a folder name: letters and digits kept, anything else `-`.
        static func pipelineName(_ folder: String) -> String {
            var out = ""
            for c in folder.lowercased() {
                let keep = (c.isLetter || c.isNumber) && c.isASCII
                if keep { out.append(c) } else if !out.isEmpty && out.last != "-" { out.append("-") }
            }
            while out.last == "-" { out.removeLast() }
            return out.isEmpty ? "district" : out
        }

        /// The commented pipeline file `init` writes: every key, the required ones set, the
        /// others commented out at their defaults (README, "The pipeline file").
        static func pipelineText(name: String, kabupaten: String?, reference: String?) -> String {
            func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            return """
                # timbang pipeline for one district (written by `timbang init`; see the README,
                # "The pipeline file", for every key). Paths are relative to this file.
                name = \(quoted(name))                   # runs publish under <output.folder>/\(name)/
                \(kabupaten.map { "kabupaten = \(quoted($0))" } ?? "# kabupaten = \"Kabupaten ...\"   # default: the most common name in the dumps")
                as_of = 2024-01-31                 # the reference date; cron passes --as-of $(date +%F)

                [input]
                paths = ["dumps"]                  # folders (recursive), files or globs: .csv, .csv.gz, .xlsx
                # unit_pattern = "lokasi/{kecamatan}/{puskesmas}/{desa}/{posyandu}/*.csv"
                #                                  # units of files without location columns, from their path
                # units_table = "units.csv"        # or from a table: file,kecamatan,puskesmas,desa,posyandu
                # xlsx_shared_strings_mb = 256     # a workbook with a larger strings table is skipped (a finding)
                # max_inflated_mb = 4096           # limits per file, each breach a finding (README, "Input limits"):
                # max_record_kb = 1024             #   inflated size, record, field, columns
                # max_field_kb = 64
                # max_columns = 512

                [output]
                folder = "output"                  # stage outputs, archives, latest.tar.gz and logs/

                [link]
                key_file = \(quoted(name + ".key"))          # the HMAC key of child keys: keep it private, never change it
                # decisions = "decisions.csv"      # the officer's answers to restricted/link_review.csv

                [monitor]
                kbm_edition = "kia2023"            # the KBM table of the KIA book
                # bgm_cutoff = -3                  # BGM = weight-for-age z below this

                [aggregate]
                # sasaran = "sasaran.csv"          # target population S per unit (SKDN)

                [report]
                min_cell = 5                       # public figures about fewer children are suppressed (S)
                # by_name = false                  # restricted/ also lists names and NIKs for follow-up
                # include_run_time = false         # the manifest records the wall-clock time (archives then differ)
                \(reference.map { "\n[reference]\nfolder = \(quoted($0))   # WHO tables, KBM editions, cut-offs\n" } ?? "")
                """
        }
    }
}
