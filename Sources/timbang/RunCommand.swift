import ArgumentParser
import Pipeline
import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

extension Timbang {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a pipeline: all stages, or one stage from the persisted output of the one before it.")

        @OptionGroup var common: PipelineOptions

        @Option(help: "Rerun only this stage (\(Stage.allCases.map(\.rawValue).joined(separator: ", "))).")
        var stage: String?

        @Option(help: "Run this stage and every stage after it.")
        var from: String?

        @Option(help: "Threads to use (default: all cores).")
        var threads: Int?

        @Flag(help: "Print progress even when stderr is not a terminal.")
        var verbose = false

        @Option(help: "Write each stage's seconds and peak memory to this file (TSV: stage, seconds, peak_kib).")
        var timings: String?

        func validate() throws {
            if let stage, Stage(rawValue: stage) == nil {
                throw ValidationError("--stage must be one of \(Stage.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(stage)').")
            }
            if let from, Stage(rawValue: from) == nil {
                throw ValidationError("--from must be one of \(Stage.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(from)').")
            }
            if stage != nil && from != nil { throw ValidationError("give --stage or --from, not both.") }
            if let threads, threads < 1 { throw ValidationError("--threads must be 1 or more (got \(threads)).") }
        }

        func run() throws {
            bootstrapLogging(verbose: verbose)
            let config = try common.load()
            let options = RunOptions(only: stage.flatMap(Stage.init(rawValue:)), from: from.flatMap(Stage.init(rawValue:)),
                                     threads: threads ?? coreCount())
            let runner = PipelineRunner(config: config, options: options, progress: makeProgress(verbose: verbose))
            runner.timbangVersion = timbangVersion
            do {
                let summary = try runner.run()
                if let timings { try AtomicFile.write(text: StageTiming.tsv(summary.timings), to: timings) }
                if let archive = summary.archive {
                    print("archive: \(archive)")
                }
                print("output: \(config.runFolder)")
            } catch let e as ConfigError {
                throw fail(e.description, code: configExit)
            } catch let e as RunLock.LockError {
                throw fail(e.description, code: lockExit)
            } catch {
                throw fail("run failed: \(error)", code: Exit.failure.rawValue)
            }
        }
    }
}
