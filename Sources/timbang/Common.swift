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

    /// The pipeline with this command's overrides; a mistake in it exits with `Exit.config`,
    /// a missing input with `Exit.noInput`.
    func load() throws -> PipelineConfig {
        do {
            return try PipelineConfig.load(path: pipeline, overrides: .init(input: input, output: output, asOf: asOf,
                                                                             settings: settings))
        } catch let e as ConfigError {
            throw fail(e.description, .config)
        } catch let e as InputError {
            throw fail(e.description, .noInput)
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
    /// `diff`: the archives differ; `verify`: an entry does not match.
    case failure = 1
    /// EX_USAGE: a bad argument (the argument parser's own code).
    case usage = 64
    /// EX_DATAERR: `zscore`: the input is not a table of measurements.
    case dataError = 65
    /// EX_NOINPUT: an input the pipeline names is missing or cannot be listed, no dump was
    /// found, a rerun's stage input is missing; `diff`/`verify` cannot read an archive.
    case noInput = 66
    /// EX_SOFTWARE: an internal error (a bug: please report it with the run's log).
    case software = 70
    /// EX_CANTCREAT: the output folder cannot be written (full disk, read-only, permissions);
    /// the last published archive and `latest` are untouched.
    case cannotWrite = 73
    /// EX_TEMPFAIL: another run holds the pipeline's lock; try again later.
    case locked = 75
    /// `diff`/`verify`: an archive refused unread, damaged or unsafe (gzip or tar broken or cut
    /// short, an absolute or `..` path, a link, device or FIFO entry, an entry larger than its
    /// header's bytes or the manifest's size, a NUL or over-long name, a pax or GNU header,
    /// not a regular file, over 4 GiB). Nothing is extracted: archives are read in memory.
    case unsafeArchive = 76
    /// EX_CONFIG: a mistake in the pipeline file or an override; nothing was written.
    case config = 78

    var exitCode: ExitCode { ExitCode(rawValue) }

    /// One line per code, for `--help`.
    static var help: String {
        allCases.map { c in
            let what: String
            switch c {
            case .success: what = "success (diff: identical; verify: all entries match)"
            case .failure: what = "diff: the archives differ; verify: a mismatch"
            case .usage: what = "bad arguments"
            case .dataError: what = "zscore: the input is not a table of measurements; merge: archives that cannot be merged"
            case .noInput: what = "input missing or unreadable (run: an input path, no dumps, a stage's input; diff, verify: an archive)"
            case .software: what = "internal error (a bug: report it with the run's log)"
            case .cannotWrite: what = "the output folder cannot be written (disk full, read-only); the last archive is untouched"
            case .locked: what = "another run holds the lock; try again later"
            case .unsafeArchive: what = "diff, verify: an archive refused unread as damaged or unsafe (the line names the entry and why)"
            case .config: what = "a mistake in the pipeline file or --set; nothing written"
            }
            return "  \(c.rawValue)\t\(what)"
        }.joined(separator: "\n")
    }
}

/// Prints one line to stderr and returns the exit code to throw.
func fail(_ message: String, _ code: Exit) -> ExitCode {
    var err = StandardError()
    print("timbang: \(message)", to: &err)
    return code.exitCode
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { writeStderr(string) }
}
