import ArgumentParser
import Growth
import Synth
import TimbangCore

extension Timbang {
    /// `timbang synth`: a fictional kabupaten's e-PPGBM dumps and their ground truth.
    struct SynthDumps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synth",
            abstract: "Generate realistic synthetic posyandu dumps with ground truth.",
            discussion: """
                Examples:
                  timbang synth --seed 42 --children 3000 --months 12 --out /tmp/district
                  timbang synth --rows 1000000 --messiness 0.25 --out /tmp/bench-1m

                Writes DIR/data/<YYYY-MM>_<kecamatan>_<desa>_<posyandu>.csv[.gz] (or .xlsx with \
                --format xlsx) and DIR/truth/. Same arguments give byte-identical output.
                """
        )

        @Option(help: "Random seed.") var seed: UInt64 = 1
        @Option(help: "Number of children (ignored with --rows).") var children: Int = 1000
        @Option(help: "Months of dumps.") var months: Int = 12
        @Option(help: "First month, YYYY-MM.") var start: String = "2024-01"
        @Option(help: "Number of kecamatan (default: one per 2,500 children, 2 to 40).") var kecamatan: Int?
        @Option(help: "0 = clean canonical dump, 1 = realistic defect rates, more multiplies them.") var messiness: Double = 1
        @Option(help: "Aim at about this many rows (sets the number of children).") var rows: Int?
        @Option(help: "Worker threads (default: all cores); output does not depend on it.") var threads: Int?
        @Option(help: "Dump container: csv, or xlsx (Excel workbooks, one sheet each).") var format: String = "csv"
        @Option(help: "Output folder: data/ and truth/ go inside.") var out: String?
        @Option(help: "Write the dumps here instead of DIR/data.") var dataDir: String?
        @Option(help: "Write the truth here instead of DIR/truth.") var truthDir: String?
        @Option(help: "Date order: drawn (some files month-first), dmy (every file day-first) or mdy (every file month-first).")
        var dateOrder: String = "drawn"

        func validate() throws {
            guard YearMonth(start) != nil else { throw ValidationError("--start must be YYYY-MM (got \(start)).") }
            guard children >= 1 else { throw ValidationError("--children must be 1 or more (got \(children)).") }
            guard (1...120).contains(months) else { throw ValidationError("--months must be 1 to 120 (got \(months)).") }
            if let kecamatan, !(1...99).contains(kecamatan) { throw ValidationError("--kecamatan must be 1 to 99 (got \(kecamatan)).") }
            guard (0...10).contains(messiness) else { throw ValidationError("--messiness must be 0 to 10 (got \(messiness)).") }
            if let rows, rows < 1 { throw ValidationError("--rows must be 1 or more (got \(rows)).") }
            guard DumpFormat(rawValue: format) != nil else { throw ValidationError("--format must be csv or xlsx (got \(format)).") }
            if let threads, threads < 1 { throw ValidationError("--threads must be 1 or more (got \(threads)).") }
            guard SynthSettings.DateOrder(rawValue: dateOrder) != nil else {
                throw ValidationError("--date-order must be drawn, dmy or mdy (got \(dateOrder)).")
            }
            guard out != nil || (dataDir != nil && truthDir != nil) else {
                throw ValidationError("give --out DIR (or both --data-dir and --truth-dir).")
            }
        }

        func run() throws {
            var s = SynthSettings()
            s.seed = seed
            s.children = children
            s.months = months
            s.start = YearMonth(start)!
            s.kecamatan = kecamatan
            s.messiness = messiness
            s.rows = rows
            s.threads = threads ?? coreCount()
            s.dateOrder = SynthSettings.DateOrder(rawValue: dateOrder)!
            s.format = DumpFormat(rawValue: format)!
            guard let ref = ReferenceLocator.find() else {
                throw fail("cannot find reference/who-growth-standards; run from the checkout or set TIMBANG_REFERENCE", .config)
            }
            let standards: GrowthStandards
            do { standards = try GrowthStandards(directory: ref + "/who-growth-standards") } catch {
                throw fail("\(error)", .config)
            }
            do {
                let sum = try Synth.run(s, standards: standards, dataDir: dataDir ?? out! + "/data", truthDir: truthDir ?? out! + "/truth")
                print("synth: \(sum.files) files, \(sum.rows) rows, \(sum.children) children; "
                      + "valid \(sum.fates["valid"] ?? 0), invalid \(sum.fates["invalid"] ?? 0), duplicate \(sum.fates["duplicate"] ?? 0); "
                      + "as-of \(sum.asOf.iso)")
                if sum.lokasiFiles > 0 {
                    print("synth: \(sum.lokasiFiles) files without location columns; give the pipeline "
                          + "input.unit_pattern = \"\(SynthSummary.unitPattern)\"")
                }
            } catch let e as SynthError {
                if case .cannotWrite = e { throw fail(e.description, .cannotWrite) }
                throw fail(e.description, .usage)
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif


