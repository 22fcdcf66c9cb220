import ArgumentParser
import Logging
import Pipeline
import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

/// timbang's version, written into every archive's manifest.
let timbangVersion = "0.1.0"

/// Options every pipeline command shares.
struct PipelineOptions: ParsableArguments {
    @Argument(help: "The pipeline file (TOML), e.g. pipelines/demo.toml.")
    var pipeline: String

    @Option(help: "Read the dumps from this folder instead of the pipeline's inputs.")
    var input: String?

    @Option(help: "Write under this folder instead of the pipeline's output folder.")
    var output: String?

    @Option(name: .customLong("as-of"), help: "The run's reference date (YYYY-MM-DD) instead of the pipeline's.")
    var asOf: String?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Override one pipeline key for this run, typed as the file types it (repeatable); the manifest records it.",
                               valueName: "key=value"))
    var settings: [String] = []

    func load() throws -> PipelineConfig {
        do {
            return try PipelineConfig.load(path: pipeline, overrides: .init(input: input, output: output, asOf: asOf,
                                                                             settings: settings))
        } catch let e as ConfigError {
            throw fail(e.description, code: configExit)
        }
    }
}

/// Online processor count, at least 1 (the default for every `--threads`).
func coreCount() -> Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

/// The exit codes of every timbang command (`sysexits.h` names where one fits); `timbang
/// --help` lists them.
enum Exit: Int32, CaseIterable {
    /// Done; `diff`: the archives are identical; `verify`: every entry matches.
    case success = 0
    /// `run`: a run failed; `diff`: the archives differ; `verify`: an entry does not match.
    case failure = 1
    /// EX_USAGE: a bad argument (the argument parser's own code).
    case usage = 64
    /// EX_NOINPUT: `diff`/`verify` cannot read an archive.
    case noInput = 66
    /// EX_TEMPFAIL: another run holds the pipeline's lock; try again later.
    case locked = 75
    /// EX_CONFIG: a mistake in the pipeline file or an override; nothing was written.
    case config = 78

    var exitCode: ExitCode { ExitCode(rawValue) }

    /// One line per code, for `--help`.
    static var help: String {
        allCases.map { c in
            let what: String
            switch c {
            case .success: what = "success (diff: identical; verify: all entries match)"
            case .failure: what = "run failed (diff: archives differ; verify: a mismatch)"
            case .usage: what = "bad arguments"
            case .noInput: what = "an archive cannot be read (diff, verify)"
            case .locked: what = "another run holds the lock; try again later"
            case .config: what = "a mistake in the pipeline file or --set; nothing written"
            }
            return "  \(c.rawValue)\t\(what)"
        }.joined(separator: "\n")
    }
}

/// EX_CONFIG: a mistake in the pipeline file or the arguments.
let configExit = Exit.config.rawValue
/// EX_TEMPFAIL: another run holds the lock.
let lockExit = Exit.locked.rawValue

/// Prints one line to stderr and returns the exit code to throw.
func fail(_ message: String, code: Int32) -> ExitCode {
    var err = StandardError()
    print("timbang: \(message)", to: &err)
    return ExitCode(code)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { writeStderr(string) }
}

/// Progress goes to stderr, and only when stderr is a terminal (quiet under cron).
/// With `log`, every line also goes to the run's log (info).
func makeProgress(verbose: Bool, log: Logger? = nil) -> @Sendable (String) -> Void {
    let show = verbose || isatty(2) == 1
    return { line in
        log?.info("\(line)")
        if show { writeStderr("timbang: \(line)\n") }
    }
}

