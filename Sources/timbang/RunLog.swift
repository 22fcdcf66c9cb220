import Foundation
import Logging
import Report
import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

/// The log of one run: a file per run under `<run folder>/logs/` (`<UTC time>-<pid>.log`),
/// one line per event, as text or as JSON lines for a log collector (`--log-format json`).
/// The file is for the morning after; it never goes into the archive.
final class RunLogFile: @unchecked Sendable {
    enum Format: String, CaseIterable, Sendable { case text, json }

    let path: String
    let format: Format
    private var fd: Int32 = -1
    private let lock = NSLock()

    /// A log file in `<runFolder>/logs/`, created with its first line (a run stopped by a
    /// mistake in its pipeline file writes nothing).
    init(runFolder: String, format: Format) {
        path = runFolder + "/logs/" + utcTimestamp(compact: true) + "-\(getpid()).log"
        self.format = format
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends one event (one line).
    func write(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) {
        let time = utcTimestamp()
        var line: String
        switch format {
        case .text:
            line = time + " " + level.rawValue + " " + message
            for k in metadata.keys.sorted() { line += " \(k)=\(metadata[k]!)" }
        case .json:
            line = "{\"time\":" + JSON.quoted(time) + ",\"level\":" + JSON.quoted(level.rawValue) + ",\"logger\":" + JSON.quoted(label)
                + ",\"message\":" + JSON.quoted(message)
            for k in metadata.keys.sorted() { line += "," + JSON.quoted(k) + ":" + JSON.quoted("\(metadata[k]!)") }
            line += "}"
        }
        let bytes = Array((line + "\n").utf8)
        lock.lock(); defer { lock.unlock() }
        if fd < 0 {
            try? AtomicFile.makeDirectories(AtomicFile.parentDirectory(of: path))
            fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard fd >= 0 else { return }   // a log that cannot be written never stops the run
        }
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}

/// A swift-log handler writing to a run's log file.
struct RunLogHandler: LogHandler {
    let file: RunLogFile
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?,
             source: String, file: String, function: String, line: UInt) {
        self.file.write(level: level, label: label, message: message.description,
                        metadata: metadata.merging(extra ?? [:]) { $1 })
    }
}

/// Logging for a run: stderr (warnings and worse: progress has its own lines there) and the
/// run's log file at `level`. Call once, before the run.
func bootstrapRunLogging(file: RunLogFile, level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var err = StreamLogHandler.standardError(label: label)
        err.logLevel = .critical
        return MultiplexLogHandler([err, RunLogHandler(file: file, label: label, logLevel: level)])
    }
}
