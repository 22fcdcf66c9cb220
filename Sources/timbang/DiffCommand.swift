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

            First what an auditor asks first: input files added/removed/changed, records whose \
            fate changed (counts by old → new status, then a sample with file#record), and per \
            unit and period the headline figures that moved (stunting, wasting, underweight, \
            overweight as % (n/d), children measured); then settings, references and config; \
            then how many other cells changed (--details lists them, one line for a changed \
            denominator shared by a unit's categories; --json has everything). Exit 0 when the archives are identical, 1 when \
            they differ (like diff), 66 when one cannot be read, 76 when one is refused unread as \
            damaged or unsafe (see `timbang verify`).
            """)

        @Argument(help: "The older archive (.tar.gz).")
        var old: String

        @Argument(help: "The newer archive (.tar.gz).")
        var new: String

        @Flag(help: "Print the comparison as JSON (every change, no limits).")
        var json = false

        @Flag(help: "After the summary, list every other changed cell (a change shared by a unit's categories once).")
        var details = false

        func run() throws {
            let result: ArchiveDiff.Result
            do { result = try ArchiveDiff.diff(old: old, new: new) } catch {
                ReportCLI.error("timbang diff: \(error)")
                if case ReportError.refused = error { throw Exit.unsafeArchive.exitCode }
                throw Exit.noInput.exitCode
            }
            if json { print(result.json().rendered(), terminator: "") } else { print(result.text(old: old, new: new, details: details), terminator: "") }
            if !result.identical { throw Exit.failure.exitCode }
        }
    }
}
