import ArgumentParser
import Foundation
import Pipeline
import Synth
import TimbangCore

extension Timbang {
    /// `timbang score`: compare a pipeline run with a synth truth.
    struct ScoreRun: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "score",
            abstract: "Compare a pipeline run's output with the truth of a synthetic dump.",
            discussion: """
                Example:
                  timbang synth --seed 42 --children 3000 --months 12 --out /tmp/d
                  timbang run district.toml --input /tmp/d/data --output /tmp/run
                  timbang score /tmp/d/truth /tmp/run
                """
        )

        @Argument(help: "The truth folder written by `timbang synth` (DIR/truth).") var truthDir: String
        @Argument(help: "The run's output folder (holding stages/link and stages/growth).") var outputDir: String

        func run() throws {
            do {
                let store = try Self.store(outputDir)
                let link = try store.readRecords(.link)
                let growth = store.hasRecords(.growth) ? try store.readRecords(.growth) : nil
                print(try Score.compute(truthDir: truthDir, link: link, growth: growth).report(), terminator: "")
            } catch let e as TableError {
                throw fail(e.description, .noInput)
            } catch let e as InputError {
                throw fail(e.description, .noInput)
            }
        }

        /// The stage store of the run in `out`, or of its single pipeline subfolder.
        static func store(_ out: String) throws -> StageStore {
            if isDirectory(out + "/stages/link") { return StageStore(runFolder: out) }
            let subs = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).sorted()
                .filter { isDirectory(out + "/" + $0 + "/stages/link") }
            guard subs.count == 1 else {
                throw TableError("\(out): no stages/link here or in exactly one pipeline subfolder")
            }
            return StageStore(runFolder: out + "/" + subs[0])
        }
    }
}
