import ArgumentParser
import Synth
import TimbangCore

extension Timbang {
    /// `timbang score`: compare a pipeline run with a synth truth.
    struct ScoreRun: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "score",
            abstract: "Compare a pipeline run's output with the truth of a synthetic dump."
        )

        @Argument(help: "The truth folder written by `timbang synth` (DIR/truth).") var truthDir: String
        @Argument(help: "The run's output folder (holding stages/link and stages/growth).") var outputDir: String

        func run() throws {
            do {
                print(try Score.compute(truthDir: truthDir, outputDir: outputDir).report(), terminator: "")
            } catch let e as TableError {
                throw fail(e.description, code: ExitCode.validationFailure.rawValue)
            }
        }
    }
}
