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
/// (a run that holds the lock). Without the variable, `hit` is one comparison.
///
/// The places: `<stage>.compute` when a stage starts computing, `<stage>.write` when half of
/// a stage's new generation is on disk and its pointer not yet switched, `archive.write` when
/// half of the archive's bytes are written under its temporary name, and `archive.latest`
/// when the archive is in place but `latest` not yet switched.
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

    /// Kills, throws or sleeps when `place` is the armed failpoint.
    @inline(__always)
    public static func hit(_ place: @autoclosure () -> String) throws {
        guard let armed, armed.place == place() else { return }
        switch armed.action {
        case "error": throw Injected(place: armed.place)
        case "sleep": sleep(60)
        default:
            kill(getpid(), SIGKILL)
            pause()
        }
    }
}
