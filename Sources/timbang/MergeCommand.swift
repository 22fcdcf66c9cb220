import ArgumentParser
import Aggregate
import Pipeline
import Report

extension Timbang {
    /// `timbang merge OUT ARCHIVE...`: one province (or national) archive from district archives.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine district report archives into one province archive (README \"Merging archives\").",
            discussion: """
            Examples:
              timbang merge provinsi.tar.gz kab-a/latest.tar.gz kab-b/latest.tar.gz --name "PROVINSI CONTOH"
              timbang merge nasional.tar.gz provinsi-*.tar.gz --name INDONESIA

            Each archive's restricted merge tables (counts, sums, each child's latest measurement; \
            unsuppressed) are added; the tables, report and workbooks are written for the levels \
            provinsi → kabupaten → kecamatan → puskesmas → desa → posyandu, suppressed after the \
            merge. A child in two archives (the same key: one HMAC key for the province) counts \
            once in `latest`. The manifest lists every source archive with its SHA-256. The order \
            of the archives does not change the output.

            Exit 0 when the archive is written; 65 when the archives cannot be merged (no merge \
            tables, other reference tables or KBM edition, another HMAC key, one kabupaten twice; \
            one line says which); 66 when one cannot be read; 76 when one is refused as damaged or \
            unsafe; 73 when OUT cannot be written (nothing is left under its name).
            """)

        @Argument(help: "The merged archive to write (.tar.gz).")
        var out: String

        @Argument(help: "The district (or province) archives to merge.")
        var archives: [String]

        @Option(help: "The top unit's name, e.g. \"PROVINSI JAWA TENGAH\" (default PROVINSI).")
        var name: String = ""

        @Option(name: .customLong("min-cell"), help: "Suppression k of the merged tables (default: the largest of the archives').")
        var minCell: Int?

        func run() throws {
            if let minCell, minCell < 1 { throw ValidationError("--min-cell must be 1 or more") }
            let input: ReportInput
            do {
                input = try ArchiveMerge.input(archives: archives, settings: .init(name: name, minCell: minCell, timbangVersion: timbangVersion))
            } catch let e as ArchiveMerge.Refusal {
                ReportCLI.error("timbang merge: \(e)")
                throw Exit.dataError.exitCode
            } catch let e as AggregateError {
                ReportCLI.error("timbang merge: \(e)")
                throw Exit.dataError.exitCode
            } catch ReportError.refused(let path, let why) {
                ReportCLI.error("timbang merge: refused \(path): \(why)")
                throw Exit.unsafeArchive.exitCode
            } catch {
                ReportCLI.error("timbang merge: \(error)")
                throw Exit.noInput.exitCode
            }
            do {
                let (bytes, sha) = try Report.write(input, to: out)
                print("\(out): \(archives.count) archives merged (\(bytes) bytes, sha256 \(sha))")
            } catch {
                ReportCLI.error("timbang merge: \(error)")
                throw Exit.cannotWrite.exitCode
            }
        }
    }
}
