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

/// A `/proc/self/status` memory figure in KiB (`VmHWM` = peak resident memory, `VmRSS` = now);
/// 0 where there is no /proc.
func memoryKiB(_ key: String) -> Int {
    guard let bytes = readFileBytes("/proc/self/status") else { return 0 }
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix(key + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}
