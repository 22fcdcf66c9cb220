#if canImport(Glibc)
import Glibc
#endif
import TimbangCore

/// User + system CPU time of this process so far (all threads), seconds. Benchmarks print it
/// beside the wall time: a shared machine's load slows the wall clock, not the CPU time.
func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
        + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

