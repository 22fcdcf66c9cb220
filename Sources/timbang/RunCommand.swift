import ArgumentParser
import Logging
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

        @Option(help: "What the run's log file (<run folder>/logs/) holds: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        @Option(help: "The log file's format: text, or json (one JSON object per line, for a log collector).")
        var logFormat: String = "text"

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
            if Logger.Level(rawValue: logLevel) == nil {
                throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(logLevel)').")
            }
            if RunLogFile.Format(rawValue: logFormat) == nil {
                throw ValidationError("--log-format must be text or json (got '\(logFormat)').")
            }
        }

        func run() throws {
            let config = try common.load()
            let logFile = RunLogFile(runFolder: config.runFolder, format: RunLogFile.Format(rawValue: logFormat)!)
            bootstrapRunLogging(file: logFile, level: Logger.Level(rawValue: logLevel)!)
            let log = Logger(label: "timbang.run")
            let options = RunOptions(only: stage.flatMap(Stage.init(rawValue:)), from: from.flatMap(Stage.init(rawValue:)),
                                     threads: threads ?? coreCount())
            let runner = PipelineRunner(config: config, options: options, progress: makeProgress(verbose: verbose, log: log))
            runner.timbangVersion = timbangVersion
            do {
                let summary = try runner.run()
                if let timings { try AtomicFile.write(text: StageTiming.tsv(summary.timings), to: timings) }
                if let archive = summary.archive {
                    print("archive: \(archive)")
                }
                print("output: \(config.runFolder)")
                log.info("run finished", metadata: ["stages": "\(summary.stages.map(\.rawValue).joined(separator: ","))",
                                                    "archive": "\(summary.archive ?? "")"])
            } catch let e as ConfigError {
                throw fail(e.description, code: configExit)
            } catch let e as RunLock.LockError {
                log.warning("\(e.description)")
                throw fail(e.description, code: lockExit)
            } catch {
                log.error("run failed: \(error)")
                throw fail("run failed: \(error)", code: Exit.failure.rawValue)
            }
        }
    }
}
