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
            abstract: "Run a pipeline: all stages, or one stage and those after it from the persisted output of the one before.",
            discussion: """
                Examples:
                  timbang run pipelines/demo.toml
                  timbang run pipelines/demo.toml --stage aggregate --set report.min_cell=10
                  timbang run pipelines/demo.toml --input /srv/dumps/2024-06 --as-of 2024-06-30 --log-format json

                Off a terminal (cron) a run prints one line on success and nothing else:
                  ok: 18300 records, 16912 valid, 1160 invalid, 228 duplicate, 2881 children; archive: output/demo/demo_….tar.gz
                On a terminal it shows each stage's progress. Every run writes a log file under
                <output>/<name>/logs/. Exit codes: see `timbang --help`.
                """)

        @OptionGroup var common: PipelineOptions

        @Option(help: "Rerun this stage and every stage after it (\(Stage.allCases.map(\.rawValue).joined(separator: ", "))), from the persisted output of the stage before it.")
        var stage: String?

        @Option(help: "Rerun only this stage (its output is persisted; later stages are not rerun).")
        var only: String?

        @Option(help: "Threads to use (default: all cores).")
        var threads: Int?

        @Flag(help: "Read every input file again, reusing nothing of earlier runs (by default a file unchanged since the last run, by size and SHA-256, is not read again).")
        var full = false

        @Flag(help: "Print progress lines even when stderr is not a terminal.")
        var verbose = false

        @Option(help: "What the run's log file (<run folder>/logs/) holds: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        @Option(help: "The log file's format: text, or json (one JSON object per line, for a log collector).")
        var logFormat: String = "text"

        @Option(help: "Write each stage's seconds and peak memory to this file (TSV: stage, seconds, peak_kib).")
        var timings: String?

        func validate() throws {
            for (flag, value) in [("--stage", stage), ("--only", only)] {
                if let value, Stage(rawValue: value) == nil {
                    throw ValidationError("\(flag) must be one of \(Stage.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(value)').")
                }
            }
            if stage != nil && only != nil { throw ValidationError("give --stage or --only, not both.") }
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
            let options = RunOptions(only: only.flatMap(Stage.init(rawValue:)), from: stage.flatMap(Stage.init(rawValue:)),
                                     threads: threads ?? coreCount(), full: full)
            let display = ProgressDisplay(enabled: isatty(2) == 1, lines: verbose)
            let runner = PipelineRunner(config: config, options: options) { line in
                log.info("\(line)")
                display.line(line)
            }
            runner.timbangVersion = timbangVersion
            runner.stageStarted = { display.begin($0.rawValue) }
            runner.ingestProgress = { display.ingest($0) }
            runner.stageFinished = { stage, seconds, counts in
                display.end()
                var metadata: Logger.Metadata = ["stage": "\(stage.rawValue)", "seconds": "\(formatFixed(seconds, decimals: 3))"]
                for (k, v) in counts { metadata[k] = "\(v)" }
                log.info("stage finished", metadata: metadata)
            }
            do {
                let summary = try runner.run()
                if let timings { try AtomicFile.write(text: StageTiming.tsv(summary.timings), to: timings) }
                let line = Self.closingLine(summary, runFolder: config.runFolder)
                print(line)
                var metadata: Logger.Metadata = ["stages": "\(summary.stages.map(\.rawValue).joined(separator: ","))",
                                                 "archive": "\(summary.archive ?? "")"]
                if let t = summary.tally {
                    for (k, v) in [("records", t.records), ("valid", t.valid), ("invalid", t.invalid),
                                   ("duplicate", t.duplicate), ("children", t.children)] { metadata[k] = "\(v)" }
                }
                log.info("run finished", metadata: metadata)
            } catch let e as ConfigError {
                log.error("\(e.description)")
                throw fail(e.description, .config)
            } catch let e as InputError {
                log.error("\(e.description)")
                throw fail(e.description, .noInput)
            } catch let e as RunLock.LockError {
                log.warning("\(e.description)")
                throw fail(e.description, .locked)
            } catch let e as OutputError {
                log.error("\(e.description)")
                throw fail(e.description, .cannotWrite)
            } catch let e as AtomicFile.Failure {
                // any other file timbang writes (`--timings`): the same one line and code
                log.error("\(e.description)")
                throw fail(e.description, .cannotWrite)
            } catch {
                log.critical("internal error: \(error)")
                throw fail("internal error: \(error) (please report it with the log in \(config.runFolder)/logs)", .software)
            }
        }

        /// The one line a successful run prints on stdout (what cron mails, what a script parses):
        /// the ledger of its records, its children and its archive.
        static func closingLine(_ summary: RunSummary, runFolder: String) -> String {
            var parts: [String] = []
            if let t = summary.tally {
                parts.append("\(t.records) records, \(t.valid) valid, \(t.invalid) invalid, \(t.duplicate) duplicate, \(t.children) children")
            } else {
                parts.append("stages \(summary.stages.map(\.rawValue).joined(separator: ", ")) done")
            }
            if let a = summary.counts["ingest.reused"], let p = summary.counts["ingest.parsed"] {
                parts.append("\(p) files parsed, \(a) reused")
            }
            parts.append(summary.archive.map { "archive: \($0)" } ?? "output: \(runFolder)")
            return "ok: " + parts.joined(separator: "; ")
        }
    }
}
