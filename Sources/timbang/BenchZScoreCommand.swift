import ArgumentParser
import Foundation
import Growth
import TimbangCore

extension Timbang {
    /// `timbang bench-zscore`: speed of the z-score kernel and of `timbang zscore` end to end.
    struct BenchZScore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-zscore",
            abstract: "Time the WHO z-score kernel and `timbang zscore` CSV→CSV on generated rows (rows/s, peak memory).")

        @Option(help: "Rows to generate.")
        var rows = 1_000_000

        @Option(help: "Threads for the parallel runs; defaults to the number of cores.")
        var threads = coreCount()

        @Option(help: "Seed of the generated data.")
        var seed: UInt64 = 1

        @Option(help: "The reference folder holding who-growth-standards/.")
        var reference: String?

        func validate() throws {
            guard rows >= 1 else { throw ValidationError("--rows must be 1 or more (got \(rows)).") }
            guard threads >= 1 else { throw ValidationError("--threads must be 1 or more (got \(threads)).") }
        }

        func run() throws {
            let standards = try ZScore.loadGrowthStandards(reference: reference)
            let clock = ContinuousClock()
            var generator = MeasurementGenerator(seed: seed, standards: standards)
            let genStart = clock.now
            let (inputs, csv) = generator.make(rows: rows)
            print("generated \(rows) rows (\(fixed(Double(csv.count) / 1e6, 1)) MB of CSV) in \(fixed(seconds(clock.now - genStart), 2)) s")

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
            print("peak RSS: \(fixed(Double(memoryKiB("VmHWM")) / 1024, 0)) MiB")
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

/// Realistic posyandu measurements: ages 0–1856 days, weight and length around the WHO
/// medians (z ≈ N(−0.6, 1.2), a few gross errors), 1-decimal values, ~10% wrong or missing
/// measure, 1% oedema. Seeded, so runs repeat.
struct MeasurementGenerator {
    var rng: SplitMix64
    let standards: GrowthStandards

    init(seed: UInt64, standards: GrowthStandards) { rng = SplitMix64(seed: seed); self.standards = standards }

    mutating func next() -> UInt64 { rng.next() }
    mutating func uniform() -> Double { rng.uniform() }
    mutating func normal() -> Double { rng.normal() }
    func oneDecimal(_ v: Double) -> Double { (v * 10).rounded() / 10 }

    /// The inputs and the same rows as CSV text (`id,sex,age_days,weight_kg,lenhei_cm,measure,oedema`).
    mutating func make(rows: Int) -> ([ZScoreInput], [UInt8]) {
        var inputs: [ZScoreInput] = []
        inputs.reserveCapacity(rows)
        var csv = Array("id,sex,age_days,weight_kg,lenhei_cm,measure,oedema\n".utf8)
        csv.reserveCapacity(rows * 40)
        for i in 0..<rows {
            let sex: Sex = next() & 1 == 0 ? .male : .female
            let age = Int(next() % 1857)
            let tableAge = min(age, 1826)
            let zl = -0.6 + 1.2 * normal(), zw = -0.6 + 1.2 * normal()
            let len = standards.lms(.lengthForAge, sex: sex, ageDays: tableAge)!
            let wei = standards.lms(.weightForAge, sex: sex, ageDays: tableAge)!
            var lenhei = oneDecimal(len.m * (1 + len.s * zl))
            var weight = oneDecimal(wei.m * pow(1 + wei.l * wei.s * zw, 1 / wei.l))
            if next() % 500 == 0 { weight *= 10 }   // a gross entry error
            if next() % 500 == 0 { lenhei /= 2 }
            var measure: Measure? = age < 731 ? .lying : .standing
            let m = next() % 100
            if m < 7 { measure = measure == .lying ? .standing : .lying } else if m < 10 { measure = nil }
            let oedemaRoll = next() % 100
            let oedema = oedemaRoll == 0
            inputs.append(ZScoreInput(sex: sex, ageDays: Double(age), weightKg: weight, lenheiCm: lenhei,
                                      measure: measure, oedema: oedema))
            let line = "C\(i + 1),\(sex.rawValue),\(age),\(formatNumber(weight)),\(formatNumber(lenhei)),"
                + (measure?.rawValue ?? "") + "," + (oedema ? "y" : (oedemaRoll < 80 ? "n" : "")) + "\n"
            csv.append(contentsOf: line.utf8)
        }
        return (inputs, csv)
    }
}
