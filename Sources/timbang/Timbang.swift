import ArgumentParser

@main
struct Timbang: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timbang",
        abstract: "Child growth-monitoring pipeline for posyandu / e-PPGBM dumps.",
        discussion: """
            Examples:
              timbang run pipelines/demo.toml
              timbang run pipelines/demo.toml --from aggregate --set report.min_cell=10
              timbang show pipelines/demo.toml --stage link --table link_review
              timbang verify output/demo/latest.tar.gz
              timbang diff old.tar.gz new.tar.gz

            Exit codes:
            \(Exit.help)
            """,
        version: timbangVersion,
        subcommands: [Run.self, Show.self, Verify.self, Diff.self, ZScore.self, SynthDumps.self, ScoreRun.self,
                      BenchZScore.self, BenchAggregate.self]
    )
}
