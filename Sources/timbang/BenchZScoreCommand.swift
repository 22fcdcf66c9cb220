import ArgumentParser
import Foundation
import Growth
import Synth
import TimbangCore

extension Timbang {
    /// `timbang bench-zscore`: speed of the z-score kernel and of `timbang zscore` end to end.
    struct BenchZScore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-zscore",
            abstract: "Time the WHO z-score kernel and `timbang zscore` CSV→CSV on the valid records of a synth district (rows/s, peak memory).",
            discussion: """
                Example:
                  timbang bench-zscore --rows 1000000 --threads 2
                """)

        @Option(help: "Rows: at most this many of the truth's valid records, or the size of the district generated.")
        var rows = 1_000_000

        @Option(help: "Threads for the parallel runs; defaults to the number of cores.")
        var threads = coreCount()

        @Option(help: "Seed of the generated district (without --truth).")
        var seed: UInt64 = 1

        @Option(help: "A synth truth folder (DIR/truth of `timbang synth`) to take the rows from; default: generate a lightly messy district of about --rows rows in a temporary folder.")
        var truth: String?

        @Option(help: "Also write the rows, as `timbang zscore` input (with a group column KECAMATAN/DESA), to this file.")
        var writeCSV: String?

        @Option(help: "The reference folder holding who-growth-standards/.")
        var reference: String?

        func validate() throws {
            guard rows >= 1 else { throw ValidationError("--rows must be 1 or more (got \(rows)).") }
            guard threads >= 1 else { throw ValidationError("--threads must be 1 or more (got \(threads)).") }
        }

        func run() throws {
            let standards = try ZScore.loadGrowthStandards(reference: reference)
            let clock = ContinuousClock()
            let genStart = clock.now
            let measurements = try self.measurements(standards: standards)
            let inputs = measurements.inputs
            let csv = measurements.csv()
            let rows = inputs.count
            if let writeCSV { try AtomicFile.write(csv, to: writeCSV) }
            print("\(truth == nil ? "generated" : "read") \(rows) rows (\(fixed(Double(csv.count) / 1e6, 1)) MB of CSV) in \(fixed(seconds(clock.now - genStart), 2)) s")

            // Kernel: GrowthStandards.zscores on ready inputs; the sum keeps the work observable.
            let chunk = 16_384
            let chunks = (inputs.count + chunk - 1) / chunk
            var sums: [Double] = []
            for t in [1, threads] {
                let start = clock.now, cpu0 = cpuSeconds()
                let parts = parallelMap(chunks, threads: t) { c in
                    var sum = 0.0
                    for i in (c * chunk)..<min(inputs.count, (c + 1) * chunk) {
                        let r = standards.zscores(inputs[i])
                        sum += (r.zwei ?? 0) + (r.zlen ?? 0) + (r.zwfl ?? 0) + (r.zbmi ?? 0)
                    }
                    return sum
                }
                let s = seconds(clock.now - start), cpu = cpuSeconds() - cpu0
                sums.append(parts.reduce(0, +))
                print("kernel      \(t) thread(s): \(rate(rows, s)) rows/s (\(fixed(s, 3)) s; CPU \(fixed(cpu, 3)) s = \(rate(rows, cpu)) rows per CPU-second)")
            }
            guard sums[0] == sums[1] else { throw ValidationError("kernel results differ between 1 and \(threads) threads") }

            // End to end: read the CSV file, convert, write the output file.
            let dir = NSTemporaryDirectory() + "timbang-bench-zscore-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try AtomicFile.write(csv, to: dir + "/in.csv")
            var outputs: [[UInt8]] = []
            for t in [1, threads] {
                let start = clock.now, cpu0 = cpuSeconds()
                let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/in.csv"), options: .alwaysMapped)
                let read = clock.now
                let out = try data.withUnsafeBytes {
                    try ZScoreCSV.convert($0, standards: standards, options: .init(raw: false, threads: t))
                }
                let converted = clock.now
                guard ZScore.writeFile(out.pieces, to: dir + "/out-\(t).csv") else {
                    throw ValidationError("cannot write the output in \(dir)")
                }
                print("  read \(fixed(seconds(read - start), 3)) s, convert \(fixed(seconds(converted - read), 3)) s, write \(fixed(seconds(clock.now - converted), 3)) s")
                let s = seconds(clock.now - start), cpu = cpuSeconds() - cpu0
                print("zscore e2e  \(t) thread(s): \(rate(rows, s)) rows/s (\(fixed(s, 3)) s, \(fixed(Double(csv.count) / 1e6 / s, 1)) MB/s in)"
                      + " = \(fixed(Double(rows) / s / 27_000, 0))× R anthro; CPU \(fixed(cpu, 3)) s = \(rate(rows, cpu)) rows per CPU-second")
                outputs.append(out.csv)   // joined after the timing, to compare 1 and N threads
            }
            guard outputs[0] == outputs[1] else { throw ValidationError("zscore output differs between 1 and \(threads) threads") }
            print("peak RSS: \(fixed(Double(Memory.statusKiB("VmHWM")) / 1024, 0)) MiB")
        }

        /// The valid records of `--truth`, or of a synth district generated for the run
        /// (`bench.sh`'s lightly messy level, removed afterwards).
        private func measurements(standards: GrowthStandards) throws -> SynthMeasurements {
            if let truth { return try SynthMeasurements.read(truthDir: truth, limit: rows) }
            let dir = NSTemporaryDirectory() + "timbang-bench-zscore-synth-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var s = SynthSettings()
            s.seed = seed
            s.rows = rows
            s.messiness = SynthSettings.lightMessiness
            s.threads = threads
            _ = try Synth.run(s, standards: standards, dataDir: dir + "/data", truthDir: dir + "/truth")
            return try SynthMeasurements.read(truthDir: dir + "/truth", limit: rows)
        }

        private func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        private func fixed(_ v: Double, _ decimals: Int) -> String { formatFixed(v, decimals: decimals) }
        private func rate(_ n: Int, _ s: Double) -> String {
            let r = Double(n) / s
            return r >= 1e6 ? fixed(r / 1e6, 2) + " M" : fixed(r / 1e3, 1) + " k"
        }

    }
}
