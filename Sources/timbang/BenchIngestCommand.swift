import ArgumentParser
import Foundation
import Ingest
import Synth
import TimbangCore

extension Timbang {
    /// `timbang bench-ingest`: ingest speed on a generated e-PPGBM dump.
    struct BenchIngest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-ingest",
            abstract: "Generate an e-PPGBM-style dump and time the ingest stage on it (rows/s, MB/s, peak memory).")

        @Option(help: "Rows to generate.")
        var rows = 1_000_000

        @Option(help: "Files to split the dump into.")
        var files = 8

        @Option(help: "Files read at once (the default is the number of cores).")
        var threads = coreCount()

        @Flag(help: "Write the files gzip-compressed (.csv.gz).")
        var gzip = false

        @Flag(help: "Write the files as .xlsx workbooks (one sheet each; numbers as number cells, the rest as shared strings).")
        var xlsx = false

        @Option(help: "Seed of the generated data.")
        var seed: UInt64 = 1

        @Option(help: "Keep the dump in this folder (reused when it already holds one of the same shape).")
        var dir: String?

        func validate() throws {
            guard rows >= 1 else { throw ValidationError("--rows must be 1 or more (got \(rows)).") }
            guard files >= 1 else { throw ValidationError("--files must be 1 or more (got \(files)).") }
            guard threads >= 1 else { throw ValidationError("--threads must be 1 or more (got \(threads)).") }
            guard !(xlsx && gzip) else { throw ValidationError("--xlsx and --gzip cannot be combined.") }
        }

        func run() throws {
            let dir = self.dir ?? NSTemporaryDirectory() + "timbang-bench-ingest-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { if self.dir == nil { try? FileManager.default.removeItem(atPath: dir) } }

            let clock = ContinuousClock()
            let genStart = clock.now
            var generator = DumpGenerator(seed: seed)
            var inputs: [InputFile] = []
            var textBytes = 0
            var storedBytes = 0
            for k in 0..<files {
                let n = rows / files + (k < rows % files ? 1 : 0)
                let name = String(format: "dump-%02d.csv", k) + (gzip ? ".gz" : xlsx ? ".xlsx" : "")
                let path = dir + "/" + name
                let marker = path + ".rows-\(n)-seed-\(seed)"
                let written: (text: Int, stored: Int)
                if self.dir != nil, FileManager.default.fileExists(atPath: marker),
                   let text = Int((try? String(contentsOfFile: marker, encoding: .utf8)) ?? "") {
                    let stored = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                    written = (text, stored)
                } else {
                    if xlsx {
                        let csv = path + ".tmp.csv"
                        let text = try generator.write(rows: n, to: csv, gzip: false).text
                        let table = try Table(name: "dump", csv: try String(contentsOfFile: csv, encoding: .utf8))
                        try? FileManager.default.removeItem(atPath: csv)
                        let bytes = try WorkbookWriter.bytes(sheetName: "Sheet1", rows: [table.columns.map { .text($0) }]
                                                             + table.rows.map { $0.map(WorkbookCell.guess) })
                        try Data(bytes).write(to: URL(fileURLWithPath: path))
                        written = (text, bytes.count)
                    } else {
                        written = try generator.write(rows: n, to: path, gzip: gzip)
                    }
                    if self.dir != nil { try String(written.text).write(toFile: marker, atomically: true, encoding: .utf8) }
                }
                textBytes += written.text
                storedBytes += written.stored
                inputs.append(InputFile(path: path, name: name))
            }
            let genSeconds = seconds(clock.now - genStart)
            print("generated \(rows) rows in \(files) file(s): \(mb(textBytes)) MB of CSV"
                  + (gzip ? " (\(mb(storedBytes)) MB gzip)" : xlsx ? " as .xlsx (\(mb(storedBytes)) MB)" : "") + " in \(fixed(genSeconds, 1)) s")

            let rssBefore = memoryKiB("VmRSS")
            let cpuBefore = cpuSeconds()
            let start = clock.now
            let result = Ingest.run(files: inputs, threads: threads)
            let s = seconds(clock.now - start)
            let cpu = cpuSeconds() - cpuBefore
            let malformed = result.records.reduce(0) { $0 + ($1.malformed.isEmpty ? 0 : 1) }
            let workers = min(threads, files)
            let mbps = Double(textBytes) / 1_000_000 / s
            print("ingest: \(result.records.count) records (\(malformed) malformed, \(result.findings.count) findings) in \(fixed(s, 3)) s with \(workers) thread(s)")
            print("  \(Int(Double(result.records.count) / s)) rows/s, \(fixed(mbps, 1)) MB/s of CSV, \(fixed(mbps / Double(workers), 1)) MB/s per thread")
            print("  \(fixed(cpu, 3)) CPU s: \(fixed(Double(textBytes) / 1_000_000 / cpu, 1)) MB/s per CPU second (the per-core speed when cores are shared)")
            print("  peak RSS \(memoryKiB("VmHWM") / 1024) MiB (before ingest \(rssBefore / 1024) MiB)")
            guard result.records.count == rows else {
                throw ValidationError("ingest read \(result.records.count) records, expected \(rows)")
            }
        }

        private func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        private func mb(_ b: Int) -> String { fixed(Double(b) / 1_000_000, 1) }
        private func fixed(_ v: Double, _ decimals: Int) -> String { formatFixed(v, decimals: decimals) }

    }
}
