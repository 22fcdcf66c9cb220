import ArgumentParser

@main
struct Timbang: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timbang",
        abstract: "Child growth-monitoring pipeline for posyandu / e-PPGBM dumps.",
        subcommands: [SynthDumps.self, ScoreRun.self]
    )
}
