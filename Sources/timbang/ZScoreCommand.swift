import ArgumentParser
import Foundation
import Growth
import TimbangCore

extension Timbang {
    /// `timbang zscore`: WHO 2006 z-scores of a CSV file, a drop-in for WHO anthro's `anthro_zscores`.
    struct ZScore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "zscore",
            abstract: "WHO 2006 z-scores and flags for a CSV of measurements, identical to WHO anthro's anthro_zscores.",
            discussion: """
                Examples:
                  timbang zscore measurements.csv zscores.csv
                  timbang zscore - --raw < measurements.csv > zscores.csv

                Reads the columns id, sex (1/2), age_days, weight_kg, lenhei_cm, measure (l/h/empty), \
                oedema (y/n/empty) and optional muac_cm by header name; other columns are ignored. \
                Writes id, clenhei, cmeasure, c9mo_flag, cbmi, zlen, flen, zwei, fwei, zwfl, fwfl, zbmi, \
                fbmi (+ zac, fac with muac_cm). An unreadable value gives empty outputs for what depends \
                on it and a warning on stderr.
                """)

        @Argument(help: "Input CSV ('-' for standard input).")
        var input: String

        @Argument(help: "Output CSV (default: standard output).")
        var output: String?

        @Flag(help: "Add the unrounded z-scores (zlen_raw, zwei_raw, zwfl_raw, zbmi_raw[, zac_raw]).")
        var raw = false

        @Option(help: "Worker threads; defaults to the number of cores.")
        var threads = coreCount()

        @Option(help: "The reference folder holding who-growth-standards/ (default: found from the working directory or the executable).")
        var reference: String?

        func validate() throws {
            guard threads >= 1 else { throw ValidationError("--threads must be 1 or more (got \(threads)).") }
        }

        func run() throws {
            let standards = try Self.loadGrowthStandards(reference: reference)
            let data: Data
            if input == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                // Mapped, not copied: the file is read once, straight from the page cache.
                guard let d = try? Data(contentsOf: URL(fileURLWithPath: input), options: .alwaysMapped) else {
                    throw fail("cannot read \(input): no such file or not readable", .noInput)
                }
                data = d
            }
            let result: ZScoreCSV.Output
            do {
                result = try data.withUnsafeBytes {
                    try ZScoreCSV.convert($0, standards: standards, options: .init(raw: raw, threads: threads))
                }
            } catch let error as ZScoreCSV.InputError {
                throw fail("\(input): \(error.description)", .dataError)
            }
            for w in result.warnings { Self.printError("timbang zscore: warning: \(w)") }
            if result.warningCount > result.warnings.count {
                Self.printError("timbang zscore: \(result.warningCount - result.warnings.count) more warnings not shown (\(result.warningCount) in all)")
            }
            if let output {
                guard Self.writeFile(result.pieces, to: output) else {
                    throw fail("cannot write \(output): \(String(cString: strerror(errno)))", .cannotWrite)
                }
            } else {
                for piece in result.pieces { guard piece.withUnsafeBytes({ TimbangCore.writeAll(fd: 1, $0) }) else { break } }
            }
        }

        /// Loads the WHO tables from `reference` (the folder holding `who-growth-standards/`, or that
        /// folder itself), else from `ReferenceLocator.find()`.
        /// - Throws: `ValidationError` naming the folder when the tables are missing or modified.
        static func loadGrowthStandards(reference: String?) throws -> GrowthStandards {
            guard let root = reference ?? ReferenceLocator.find() else {
                throw fail("cannot find the reference folder with who-growth-standards/; pass --reference DIR or set TIMBANG_REFERENCE", .config)
            }
            let dir = isDirectory(root + "/who-growth-standards") ? root + "/who-growth-standards" : root
            do {
                return try GrowthStandards(directory: dir)
            } catch {
                throw fail("\(error)", .config)
            }
        }

        /// One line on standard error.
        static func printError(_ line: String) { writeStderr(line + "\n") }

        /// Writes `OUT.tmp-PID` and renames it to `OUT`, so a reader never sees half a file.
        /// Unlike the pipeline's `AtomicFile` it does not fsync: this is an analyst's scratch
        /// output, and syncing 30 MB would cost more than computing it.
        static func writeFile(_ pieces: [ByteBuffer], to path: String) -> Bool {
            let tmp = path + ".tmp-\(getpid())"
            let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { return false }
            var ok = true
            for piece in pieces where ok { ok = piece.withUnsafeBytes { TimbangCore.writeAll(fd: fd, $0) } }
            close(fd)
            guard ok, rename(tmp, path) == 0 else { unlink(tmp); return false }
            return true
        }
    }
}
