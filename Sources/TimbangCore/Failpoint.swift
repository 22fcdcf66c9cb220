#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named places where a test can make a run fail, to prove crash safety and the exit codes
/// through the built binary. `TIMBANG_FAILPOINT=<place>` in the environment makes the process
/// send itself SIGKILL when it reaches that place (no cleanup, no buffered output: what a
/// power cut or the OOM killer leaves); `<place>=error` throws `Failpoint.Injected` there
/// instead (a failed write, or an internal error); `<place>=sleep` sleeps there for a minute
/// (a run that holds the lock). `<place>=enospc` fills the disk there: from that moment every
/// write of timbang's file writers (`AtomicFileWriter`, `AtomicFile.makeDirectories`, the
/// symlinks of the stage store and of `latest`) fails with `ENOSPC`, as on a full disk, and
/// the run goes on to meet the failure where it would; `<place>=erofs` does the same with
/// `EROFS` (the output folder remounted read-only). Without the variable, `hit` is one
/// comparison and `writeFault` one more.
///
/// The places: `<stage>.compute` when a stage starts computing, `<stage>.write` when half of
/// a stage's new generation is on disk and its pointer not yet switched, `archive.write` when
/// half of the archive's bytes are written under its temporary name, and `archive.latest`
/// when the archive is whole under its temporary name and neither it nor `latest` is in
/// place yet.
public enum Failpoint {
    static let armed: (place: String, action: Substring)? = getenv("TIMBANG_FAILPOINT").map {
        let s = String(cString: $0)
        guard let eq = s.firstIndex(of: "=") else { return (s, "kill") }
        return (String(s[..<eq]), s[s.index(after: eq)...])
    }

    /// The error `<place>=error` throws.
    public struct Injected: Error, CustomStringConvertible {
        public var place: String
        public var description: String { "failure injected at \(place) (TIMBANG_FAILPOINT)" }
    }

    static let fault = LockedBox<Int32>(0)

    /// The errno every file write fails with since an `enospc` or `erofs` failpoint was
    /// reached; nil before (and always without `TIMBANG_FAILPOINT`). Writers call it where
    /// the system call that would fail is made, and fail as that call would.
    @inline(__always)
    public static func writeFault() -> Int32? {
        guard armed != nil else { return nil }
        let e = fault.value
        return e == 0 ? nil : e
    }

    /// Kills, throws, sleeps or fills the disk when `place` is the armed failpoint.
    @inline(__always)
    public static func hit(_ place: @autoclosure () -> String) throws {
        guard let armed, armed.place == place() else { return }
        switch armed.action {
        case "error": throw Injected(place: armed.place)
        case "sleep": sleep(60)
        case "enospc": fault.update { $0 = ENOSPC }
        case "erofs": fault.update { $0 = EROFS }
        default:
            kill(getpid(), SIGKILL)
            pause()
        }
    }
}
