#if canImport(Glibc)
import Glibc
#endif

/// Development aid: with `TIMBANG_TRACE_TIMES` set, writes a monotonic time stamp to stderr.
func tick(_ label: String) {
    guard getenv("TIMBANG_TRACE_TIMES") != nil else { return }
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    let line = "TICK \(label) \(Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}
