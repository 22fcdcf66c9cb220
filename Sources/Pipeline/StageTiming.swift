#if canImport(Glibc)
import Glibc
#endif
import TimbangCore

/// How long one stage of a run took, and the process's peak resident memory when it ended.
public struct StageTiming: Sendable, Equatable {
    public var stage: Stage
    public var seconds: Double
    /// Peak resident set size of the process so far, KiB (`getrusage`'s `ru_maxrss`; 0 where unknown).
    public var peakKiB: Int

    public init(stage: Stage, seconds: Double, peakKiB: Int = StageTiming.peakResidentKiB()) {
        self.stage = stage; self.seconds = seconds; self.peakKiB = peakKiB
    }

    /// The process's peak resident memory so far, KiB.
    public static func peakResidentKiB() -> Int {
        var u = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &u) == 0 else { return 0 }
        return Int(u.ru_maxrss)
    }

    /// Timings as a small TSV (`stage`, `seconds`, `peak_kib`), one line per stage run, for
    /// `timbang run --timings` and `scripts/bench.sh`.
    public static func tsv(_ timings: [StageTiming]) -> String {
        var s = "stage\tseconds\tpeak_kib\n"
        for t in timings { s += "\(t.stage.rawValue)\t\(formatFixed(t.seconds, decimals: 3))\t\(t.peakKiB)\n" }
        return s
    }
}
