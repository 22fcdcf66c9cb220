import ArgumentParser

@main
struct Timbang: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timbang",
        abstract: "Child growth-monitoring pipeline for posyandu / e-PPGBM dumps.",
        version: timbangVersion,
        subcommands: [Run.self, Show.self, Verify.self, Diff.self, ZScore.self, SynthDumps.self, ScoreRun.self,
                      BenchZScore.self, BenchAggregate.self]
    )
}
