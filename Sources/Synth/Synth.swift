#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import TimbangCore
import Growth

/// What to generate: `timbang synth`'s options.
public struct SynthSettings: Sendable, Equatable {
    public var seed: UInt64 = 1
    /// Children in the kabupaten (ignored when `rows` is set).
    public var children = 1000
    /// Months of dumps, from `start`.
    public var months = 12
    public var start = YearMonth(year: 2024, month: 1)
    /// Kecamatan count (nil: one per ~2,500 children, 2 to 40).
    public var kecamatan: Int?
    /// 0 = clean canonical dump; 1 = realistic rates; higher multiplies the rates.
    public var messiness = 1.0
    /// "Lightly messy": a quarter of the realistic rates (every variant, defect and quirk is
    /// still forced at least once), the level of the benchmarks (`scripts/bench.sh`, `bench-zscore`).
    public static let lightMessiness = 0.25
    /// Aim at about this many rows: the number of children is derived from it.
    public var rows: Int?
    /// Worker threads (output is identical for any count).
    public var threads = 1
    /// The dumps' container: CSV (default) or `.xlsx` workbooks (`WorkbookWriter`).
    public var format = DumpFormat.csv
    /// Date order of the files: drawn per file (about 5 % month-first at messiness 1), or every
    /// file day-first / month-first (the same dump otherwise: records, values, file names).
    public var dateOrder = DateOrder.drawn
    /// Write the real-export quirks of issue 11 (Mac Roman, no-break spaces, month-first files,
    /// Excel damage, summary rows, vintages, files without location columns...) at messiness > 0.
    /// Off: the dump of the earlier synth, with the first set of format variants only.
    public var realExportQuirks = true
    /// The quirks are written: `realExportQuirks`, in CSV dumps (workbooks get the first set of
    /// variants only, as `WorkbookWriter` writes them).
    var writesQuirks: Bool { realExportQuirks && format == .csv }

    /// How the dates of a dump are written.
    public enum DateOrder: String, Sendable, Equatable, CaseIterable {
        case drawn, dmy, mdy
    }

    public init() {}

    /// Children generated: `children`, or enough for about `rows` rows.
    public var childCount: Int {
        guard let rows else { return children }
        // Rows per child and month: share of the 60-month age window inside the period,
        // times the mean attendance (measured: about 0.62).
        let perChild = Double(months) * 0.62 * 60 / Double(60 + months)
        return max(10, Int((Double(rows) / perChild).rounded()))
    }

    public var kecamatanCount: Int { kecamatan ?? min(40, max(2, childCount / 2500)) }
}

/// How synth writes each dump.
public enum DumpFormat: String, Sendable, Equatable, CaseIterable {
    /// Text, in the file's drawn format variant (delimiter, encoding, gzip...).
    case csv
    /// An Excel workbook with one sheet: the same header and cells; byte-level variants
    /// (delimiter, encoding, BOM, line ends, quoting, gzip, a cut last record) do not apply.
    case xlsx
}

/// What a synth run wrote: counts for the command's summary line and for tests.
public struct SynthSummary: Sendable {
    public var files = 0
    public var rows = 0
    public var children = 0
    /// Records per fate (`valid`, `invalid`, `duplicate`).
    public var fates: [String: Int] = [:]
    /// Invalid records per expected reason code.
    public var reasons: [String: Int] = [:]
    /// How often each defect, variant, duplicate kind and file format was planted
    /// (`defect.<code>`, `measure_note.<REASON>`, `variant.<code>`, `duplicate.in_file`,
    /// `duplicate.double_entry`, `format.<code>`).
    public var planted: [String: Int] = [:]
    /// Last day of the last month: use it (or later) as the pipeline's as-of date.
    public var asOf = Day(ordinal: 0)
    /// Files written without location columns, in `lokasi/…` (then the pipeline needs `unitPattern`).
    public var lokasiFiles = 0
    /// The pipeline setting that gives those files their unit.
    public static let unitPattern = "lokasi/{kecamatan}/{puskesmas}/{desa}/{posyandu}/*.csv"
}

/// Synthetic district dumps with ground truth (issue 5).
///
/// Writes one e-PPGBM-style CSV per posyandu per month into `dataDir`, and the truth into
/// `truthDir` (`records.csv`, `children.csv`, `files.csv`, `prevalence.csv`, `manifest.csv`;
/// see docs/synth.md). Every random draw comes from a SplitMix64 stream keyed by the seed
/// and what is drawn (child, month, file), so the bytes are the same for any thread count.
public enum Synth {
    /// The real-export quirk codes a file can carry in the truth's `files.csv` `format`
    /// column (issue 11; see docs/synth.md).
    public static var quirkCodes: [String] { FileFormat.quirks.map(\.0) + ["usia_only"] }

    /// Generates the dumps and the truth.
    /// - Throws: `SynthError` when a folder is not empty or a file cannot be written.
    public static func run(_ settings: SynthSettings, standards: GrowthStandards,
                           dataDir: String, truthDir: String) throws -> SynthSummary {
        guard settings.months >= 1, settings.months <= 120 else { throw SynthError.badSettings("--months must be 1 to 120") }
        guard settings.kecamatanCount >= 1, settings.kecamatanCount <= 99 else { throw SynthError.badSettings("--kecamatan must be 1 to 99") }
        guard settings.messiness >= 0, settings.messiness <= 10 else { throw SynthError.badSettings("--messiness must be 0 to 10") }
        for dir in [dataDir, truthDir] {
            try AtomicFile.makeDirectories(dir)
            if !listDirectory(dir).isEmpty { throw SynthError.notEmpty(dir) }
        }
        var g = Generator(settings: settings, standards: standards, dataDir: dataDir, truthDir: truthDir)
        return try g.run()
    }
}

/// Names in a folder (not `.`/`..`).
func listDirectory(_ dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var out: [String] = []
    while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name != "." && name != ".." { out.append(name) }
    }
    return out.sorted()
}
