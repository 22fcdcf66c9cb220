import ArgumentParser
import Report

extension Timbang {
    /// `timbang diff OLD NEW [--json]`: what changed between two report archives.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what changed between two report archives, in the users' terms.",
            discussion: """
            Examples:
              timbang diff output/demo/demo_2024-01_2024-03_a1b2c3d4.tar.gz output/demo/latest.tar.gz
              timbang diff old.tar.gz new.tar.gz --json > changes.json

            Lists input files added/removed/changed, reference and config changes, per unit \
            and period the indicators whose value changed (old → new), and how many ledger \
            records changed fate with a sample. Exit 0 when the archives are identical, 1 when \
            they differ (like diff), 66 when one cannot be read as an archive.
            """)

        @Argument(help: "The older archive (.tar.gz).")
        var old: String

        @Argument(help: "The newer archive (.tar.gz).")
        var new: String

        @Flag(help: "Print the comparison as JSON (every change, no limits).")
        var json = false

        func run() throws {
            let result: ArchiveDiff.Result
            do { result = try ArchiveDiff.diff(old: old, new: new) } catch {
                ReportCLI.error("timbang diff: \(error)")
                throw Exit.noInput.exitCode
            }
            if json { print(result.json().rendered(), terminator: "") } else { print(result.text(old: old, new: new), terminator: "") }
            if !result.identical { throw Exit.failure.exitCode }
        }
    }
}
