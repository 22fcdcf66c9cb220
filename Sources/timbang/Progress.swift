import Dispatch
import Foundation
import Ingest
import TimbangCore
#if canImport(Glibc)
import Glibc
#endif

/// A run's progress for a person at a terminal: the progress lines of the run (`ingest:
/// reading 40 files`, `link: done in 3.20 s`) and, below them, one status line redrawn in place
/// twice a second for the stage that is running: for ingest, files and records done, records
/// per second and the time left (from the bytes still to read); for the other stages, the
/// time spent so far. Off a terminal nothing is shown (cron gets only the closing line), unless
/// `--verbose` asks for the progress lines.
final class ProgressDisplay: @unchecked Sendable {
    /// stderr is a terminal: progress lines and the status line.
    let live: Bool
    /// Progress lines also off a terminal (`--verbose`).
    let lines: Bool
    private let lock = NSLock()
    private var stage: String?
    private var started: UInt64 = 0
    private var ingest: IngestProgress?
    private var timer: DispatchSourceTimer?
    private var drawn = false

    init(enabled: Bool, lines: Bool) {
        live = enabled
        self.lines = lines
    }

    /// A progress line, printed above the status line.
    func line(_ text: String) {
        guard live || lines else { return }
        lock.lock(); defer { lock.unlock() }
        clear()
        writeStderr("timbang: \(text)\n")
        draw()
    }

    /// A stage starts: its status line is drawn until `end`.
    func begin(_ name: String) {
        guard live else { return }
        lock.lock()
        stage = name; started = DispatchTime.now().uptimeNanoseconds; ingest = nil
        lock.unlock()
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        t.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
        t.setEventHandler { [weak self] in
            guard let self else { return }
            self.lock.lock(); defer { self.lock.unlock() }
            self.draw()
        }
        t.resume()
        lock.lock(); timer = t; lock.unlock()
    }

    /// Ingest has finished another file.
    func ingest(_ p: IngestProgress) {
        guard live else { return }
        lock.lock(); defer { lock.unlock() }
        if ingest.map({ $0.filesDone < p.filesDone }) ?? true { ingest = p }
    }

    /// The stage has ended: its status line goes.
    func end() {
        guard live else { return }
        lock.lock()
        let t = timer
        timer = nil; stage = nil
        clear()
        lock.unlock()
        t?.cancel()
    }

    /// The status line's text (nil: nothing to show). Called under the lock.
    private func status() -> String? {
        guard let stage else { return nil }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        var s = "timbang: \(stage) … \(Self.duration(elapsed))"
        if let p = ingest, p.files > 0 {
            s += "  \(p.filesDone)/\(p.files) files  \(p.records) records"
            if elapsed > 0 { s += "  \(Int(Double(p.records) / elapsed)) records/s" }
            if p.bytesDone > 0 && p.bytes > p.bytesDone {
                s += "  ~\(Self.duration(elapsed * Double(p.bytes - p.bytesDone) / Double(p.bytesDone))) left"
            }
        }
        return s
    }

    private func draw() {
        guard live, var s = status() else { return }
        // One terminal line, or `\r` would not return to its start.
        var size = winsize()
        let width = ioctl(2, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
        if s.count >= width { s = String(s.prefix(width - 1)) }
        writeStderr("\r\u{1B}[K" + s)
        drawn = true
    }

    private func clear() {
        guard drawn else { return }
        writeStderr("\r\u{1B}[K")
        drawn = false
    }

    /// `7 s`, `2 min 05 s`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s < 60 ? "\(s) s" : "\(s / 60) min \(s % 60 < 10 ? "0" : "")\(s % 60) s"
    }
}
