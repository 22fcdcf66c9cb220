#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Report

extension Timbang {
    /// `timbang verify ARCHIVE`: checks an archive against its own manifest.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a report archive: gzip CRC, tar checksums, and every entry against the manifest's SHA-256.",
            discussion: """
            Example:
              timbang verify output/demo/latest.tar.gz

            Exit 0 when the archive is intact; 1 when anything does not match (each problem \
            is printed on its own line); 66 when the file cannot be read; 76 when it is refused \
            unread as damaged or unsafe (one line naming the entry and the reason).
            """)

        @Argument(help: "The .tar.gz archive to check.")
        var archive: String

        func run() throws {
            let r = Archive.verify(path: archive)
            if r.problems.count == 1, r.problems[0].hasPrefix("cannot read") {
                ReportCLI.error("timbang verify: \(r.problems[0])")
                throw Exit.noInput.exitCode
            }
            if let why = r.refused {
                ReportCLI.error("timbang verify: refused \(archive): \(why)")
                throw Exit.unsafeArchive.exitCode
            }
            guard r.ok else {
                for p in r.problems { ReportCLI.error("\(archive): \(p)") }
                ReportCLI.error("timbang verify: \(archive) FAILED (\(r.problems.count) problem\(r.problems.count == 1 ? "" : "s"))")
                throw Exit.failure.exitCode
            }
            print("\(archive): OK (\(r.checked) entries match the manifest)")
        }
    }
}

/// Output helpers of the report commands (`verify`, `diff`).
enum ReportCLI {
    /// Writes one line to standard error.
    static func error(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { buf in _ = write(2, buf.baseAddress, buf.count) }
    }
}
