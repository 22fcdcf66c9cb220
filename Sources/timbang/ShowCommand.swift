import ArgumentParser
import Pipeline
import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

extension Timbang {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a stage's persisted table as CSV to stdout.",
            discussion: """
                Examples:
                  timbang show pipelines/demo.toml --stage link --list
                  timbang show pipelines/demo.toml --stage link --table link_review > review.csv
                  timbang show pipelines/demo.toml --stage growth > records.csv
                """)

        @OptionGroup var common: PipelineOptions

        @Option(help: "The stage (\(Stage.allCases.map(\.rawValue).joined(separator: ", "))).")
        var stage: String

        @Option(help: "The table of that stage (default: its main table; --list shows them).")
        var table: String?

        @Flag(help: "List the stage's tables instead.")
        var list = false

        func validate() throws {
            if Stage(rawValue: stage) == nil {
                throw ValidationError("--stage must be one of \(Stage.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(stage)').")
            }
        }

        func run() throws {
            let config = try common.load()
            let s = Stage(rawValue: stage)!
            let store = StageStore(runFolder: config.runFolder)
            guard store.exists(s) else {
                throw fail("no persisted output of stage '\(stage)' under \(store.folder(s)); run the pipeline first", .noInput)
            }
            if list {
                let names = try StageTables.names(store: store, stage: s)
                for n in names { print(n) }
                return
            }
            let name = table ?? s.mainTable
            // The record table is kept as column files; it is printed as the CSV it stands for.
            let found: Bool
            do { found = try store.writeCSV(s, table: name) { writeStdout($0) } } catch let e as InputError {
                throw fail(e.description, .noInput)
            }
            guard found else {
                let names = (try? StageTables.names(store: store, stage: s)) ?? []
                throw fail("stage '\(stage)' has no table '\(name)' (tables: \(names.joined(separator: ", ")))", .usage)
            }
        }
    }
}
