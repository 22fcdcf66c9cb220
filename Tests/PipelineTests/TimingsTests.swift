import Foundation
import Testing
@testable import Pipeline
import TimbangCore

@Suite struct TimingsTests {
    @Test func aRunTimesEachStageItRanInOrderWithItsPeakMemory() throws {
        let dir = makeTempFolder("timings")
        write(smallDump, to: dir + "/dumps/posyandu-a.csv")
        let config = try PipelineConfig.load(path: writePipeline(in: dir))
        let full = try PipelineRunner(config: config, options: RunOptions(threads: 2)).run()
        #expect(full.timings.map(\.stage) == Stage.allCases)
        #expect(full.timings.allSatisfy { $0.seconds >= 0 && $0.peakKiB > 0 })
        // Peak memory and CPU time only grow through a run.
        #expect(zip(full.timings, full.timings.dropFirst()).allSatisfy { $0.peakKiB <= $1.peakKiB && $0.cpuSecondsSoFar <= $1.cpuSecondsSoFar })

        let one = try PipelineRunner(config: config, options: RunOptions(only: .aggregate, threads: 1)).run()
        #expect(one.timings.map(\.stage) == [.aggregate])

        let lines = StageTiming.tsv(full.timings).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(lines[0] == ["stage", "seconds", "cpu_seconds", "peak_kib"])
        #expect(lines.dropFirst().map { $0[0] } == Stage.allCases.map(\.rawValue))
        #expect(lines.dropFirst().allSatisfy { $0.count == 4 && Double($0[1]) != nil && Double($0[2])! >= 0 && Int($0[3])! > 0 })
    }
}
