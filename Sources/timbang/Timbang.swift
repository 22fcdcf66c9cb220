import ArgumentParser

@main
struct Timbang: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timbang",
        abstract: "Child growth-monitoring pipeline for posyandu / e-PPGBM dumps.",
        discussion: """
            Examples:
              timbang run pipelines/demo.toml
              timbang init /srv/timbang --name kab-contoh
              timbang run pipelines/demo.toml --stage aggregate --set report.min_cell=10
              timbang show pipelines/demo.toml --stage link --table link_review
              timbang verify output/demo/latest.tar.gz
              timbang diff old.tar.gz new.tar.gz
              timbang merge provinsi.tar.gz kab-a/latest.tar.gz kab-b/latest.tar.gz

            Exit codes:
            \(Exit.help)
            """,
        version: timbangVersion,
        subcommands: [Init.self, Run.self, Show.self, Verify.self, Diff.self, Merge.self, ZScore.self, SynthDumps.self, ScoreRun.self,
                      BenchZScore.self, BenchAggregate.self]
    )
}
