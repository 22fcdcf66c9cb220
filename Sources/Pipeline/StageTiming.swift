#if canImport(Glibc)
import Glibc
#endif
import TimbangCore

/// How long one stage of a run took, and the process's peak resident memory when it ended.
public struct StageTiming: Sendable, Equatable {
    public var stage: Stage
    /// Wall-clock seconds of the stage.
    public var seconds: Double
    /// Peak resident set size of the process so far, KiB (`getrusage`'s `ru_maxrss`; 0 where unknown).
    public var peakKiB: Int
    /// User + system CPU seconds of the process so far (all threads, the background writer too).
    public var cpuSecondsSoFar: Double

    public init(stage: Stage, seconds: Double) {
        self.stage = stage; self.seconds = seconds
        var u = rusage()
        if getrusage(RUSAGE_SELF.rawValue, &u) == 0 {
            peakKiB = Int(u.ru_maxrss)
            cpuSecondsSoFar = Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
                + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
        } else {
            peakKiB = 0; cpuSecondsSoFar = 0
        }
    }

    /// Timings as a small TSV (`stage`, `seconds`, `cpu_seconds` since the previous line, or
    /// since the process started for the first, `peak_kib`), one line per stage run, for
    /// `timbang run --timings` and `scripts/bench.sh`.
    public static func tsv(_ timings: [StageTiming]) -> String {
        var s = "stage\tseconds\tcpu_seconds\tpeak_kib\n"
        var cpu = 0.0
        for t in timings {
            s += "\(t.stage.rawValue)\t\(formatFixed(t.seconds, decimals: 3))\t"
                + "\(formatFixed(t.cpuSecondsSoFar - cpu, decimals: 3))\t\(t.peakKiB)\n"
            cpu = t.cpuSecondsSoFar
        }
        return s
    }
}
