import Foundation
import TimbangCore
import Ingest
import Validate
import Link
import Growth
import Monitor
import Aggregate
import ZIPFoundation

/// The fuzz targets: each takes one input's bytes, runs real timbang code on them and traps
/// (`fatalError`, which libFuzzer reports as a crash) when a house rule is broken.
///
/// The rules checked are the ledger's: every record ingest reads is counted in its file's
/// `files` row (`records`, `malformed`), keeps its provenance, and after validate and link
/// has exactly one fate (records = valid + invalid + duplicate). A crash, a sanitizer error, a
/// hang (`-timeout`) or a blow-up in memory (`-rss_limit_mb`) is reported by libFuzzer itself.
enum FuzzTarget: String, CaseIterable {
    /// One dump alone through ingest and validate.
    case ingest
    /// One dump beside a tiny valid district through ingest … aggregate, in process.
    case pipeline

    func run(_ bytes: [UInt8]) {
        switch self {
        case .ingest: IngestTarget.run(bytes)
        case .pipeline: PipelineTarget.run(bytes)
        }
    }
}

/// The dump a fuzz input stands for: its first byte picks the format, the rest is the content.
///
/// - `c` (and any byte not below): the rest as a `.csv`;
/// - `g`: the rest as a `.csv.gz` as it is (hostile gzip);
/// - `z`: the rest gzip-compressed, as a `.csv.gz` (CSV through the gzip reader);
/// - `x`: the rest as an `.xlsx` as it is (hostile ZIP);
/// - `s`: a well-formed `.xlsx` whose shared strings and first sheet are the rest, split at
///   its first NUL byte (the fixed XML around them: `FuzzDump.sheetPrefix` …), so that the
///   workbook reader's XML handling is what gets mutated.
/// A byte other than these five picks by its value modulo 5 (so every input is a dump).
struct FuzzDump {
    var name: String
    var bytes: [UInt8]

    static let selectors: [UInt8] = Array("cgzxs".utf8)

    init(_ input: [UInt8]) {
        let sel = input.first ?? UInt8(ascii: "c")
        let pick = FuzzDump.selectors.contains(sel) ? sel : FuzzDump.selectors[Int(sel) % FuzzDump.selectors.count]
        let rest = Array(input.dropFirst())
        switch pick {
        case UInt8(ascii: "g"): name = "fuzz.csv.gz"; bytes = rest
        case UInt8(ascii: "z"): name = "fuzz.csv.gz"; bytes = (try? Gzip.compress(rest, threads: 1)) ?? []
        case UInt8(ascii: "x"): name = "fuzz.xlsx"; bytes = rest
        case UInt8(ascii: "s"): name = "fuzz.xlsx"; bytes = FuzzDump.workbook(rest)
        default: name = "fuzz.csv"; bytes = rest
        }
    }

    static let ns = #"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#
    static let rns = #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#
    static let sstPrefix = #"<?xml version="1.0" encoding="UTF-8"?><sst \#(ns)>"#
    static let sheetPrefix = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet \#(ns)><sheetData>"#
    static let parts: [(String, String)] = [
        ("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
        ("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook \#(ns) \#(rns)><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
        ("xl/styles.xml", #"<?xml version="1.0" encoding="UTF-8"?><styleSheet \#(ns)><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="14"/></cellXfs></styleSheet>"#),
    ]

    /// A workbook of the fixed parts, the shared strings `<sst>` body and the sheet's `<sheetData>` body.
    static func workbook(_ rest: [UInt8]) -> [UInt8] {
        let cut = rest.firstIndex(of: 0) ?? rest.count
        let sst = Array(sstPrefix.utf8) + rest[..<cut] + Array("</sst>".utf8)
        let sheet = Array(sheetPrefix.utf8) + rest[min(cut + 1, rest.count)...] + Array("</sheetData></worksheet>".utf8)
        guard let archive = try? Archive(data: Data(), accessMode: .create) else { fatalError("ZIPFoundation cannot make an archive") }
        for (path, data) in parts.map({ ($0.0, Data($0.1.utf8)) }) + [("xl/sharedStrings.xml", Data(sst)), ("xl/worksheets/sheet1.xml", Data(sheet))] {
            try? archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { pos, size in
                data.subdata(in: Int(pos)..<Int(pos) + size)
            }
        }
        return archive.data.map { [UInt8]($0) } ?? []
    }
}

/// A private folder for the dumps (removed at exit), in memory (`/dev/shm`) where there is one.
enum Scratch {
    static let folder: String = {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
        var template = Array((base + "/timbang-fuzz-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else { fatalError("cannot make a scratch folder in \(base)") }
        let path = String(cString: p)
        atexit { try? FileManager.default.removeItem(atPath: Scratch.folder) }
        return path
    }()

    /// Writes `bytes` to `name` in the scratch folder (replacing it, without an fsync: a
    /// dump is written once per input); its path.
    static func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = folder + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { fatalError("cannot write \(path)") }
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard n == bytes.count else { fatalError("cannot write \(path)") }
        return path
    }
}

/// Traps with `message` when `ok` is false (a broken rule is a crash libFuzzer reports).
func check(_ ok: Bool, _ message: @autoclosure () -> String) {
    if !ok { fatalError("fuzz check failed: " + message()) }
}

/// The ingest ledger of one result: one `files` row per file whose `records` and `malformed`
/// count its records, records in provenance order, each pending, every file named.
func checkIngest(_ r: IngestResult, files: [InputFile]) {
    check(r.files.rows.count == files.count, "\(r.files.rows.count) files rows for \(files.count) files")
    check(r.spans.count == files.count, "\(r.spans.count) spans for \(files.count) files")
    let col = (r.files.column("file")!, r.files.column("records")!, r.files.column("malformed")!)
    var at = 0
    for (i, row) in r.files.rows.enumerated() {
        let span = r.spans[i].records
        check(span.lowerBound == at, "file \(row[col.0]): its records start at \(span.lowerBound), not \(at)")
        at = span.upperBound
        check(row[col.1] == String(span.count), "file \(row[col.0]): files.records \(row[col.1]) but \(span.count) records")
        let malformed = r.records[span].filter { !$0.malformed.isEmpty }.count
        check(row[col.2] == String(malformed), "file \(row[col.0]): files.malformed \(row[col.2]) but \(malformed) malformed records")
        var last = 0
        for k in span {
            let rec = r.records[k]
            check(rec.ref.file == row[col.0], "record \(rec.ref) in the span of \(row[col.0])")
            check(rec.ref.record > last, "record numbers out of order in \(row[col.0]): \(rec.ref.record) after \(last)")
            check(rec.status == .pending, "ingest gave \(rec.ref) the fate '\(rec.status.rawValue)'")
            last = rec.ref.record
        }
    }
    check(at == r.records.count, "\(r.records.count) records, the spans cover \(at)")
    check(Set(r.files.rows.map { $0[col.0] }) == Set(files.map(\.name)), "the files rows name other files")
}

/// A later stage kept every record, in order, and (from validate on) gave each one fate.
func checkFates(_ out: [Record], _ input: [RowRef], stage: String, duplicates: Bool) {
    check(out.count == input.count, "\(stage) returned \(out.count) records for \(input.count)")
    var valid = 0, invalid = 0, duplicate = 0
    for (i, r) in out.enumerated() {
        check(r.ref == input[i], "\(stage) returned \(r.ref) where \(input[i]) was")
        switch r.status {
        case .valid: valid += 1
        case .invalid:
            invalid += 1
            check(!r.reason.isEmpty, "\(stage): \(r.ref) is invalid with no reason")
        case .duplicate:
            duplicate += 1
            check(duplicates, "\(stage) marked \(r.ref) duplicate")
            check(!r.duplicateOf.isEmpty, "\(stage): \(r.ref) is a duplicate of nothing")
        case .pending: check(false, "\(stage) left \(r.ref) without a fate")
        }
    }
    check(valid + invalid + duplicate == out.count, "\(stage): \(valid) + \(invalid) + \(duplicate) != \(out.count)")
}

/// The ingest target: one dump alone, read and validated.
enum IngestTarget {
    static let asOf = Day(year: 2024, month: 3, day: 31)!

    static func run(_ input: [UInt8]) {
        let dump = FuzzDump(input)
        let file = InputFile(path: Scratch.write(dump.name, dump.bytes), name: dump.name)
        let r = Ingest.run(files: [file], threads: 1)
        checkIngest(r, files: [file])
        let refs = r.records.map(\.ref)
        let out = Validate.run(r.records, settings: ValidateSettings(asOf: asOf))
        checkFates(out, refs, stage: "validate", duplicates: false)
    }
}

/// The pipeline target: the dump beside two small valid dumps of one posyandu, through
/// ingest, validate (with z-scores), link, growth, monitor and aggregate as `timbang run`
/// chains them (`PipelineRunner.runStage`), without the stage store and the report.
enum PipelineTarget {
    struct Setup {
        var standards: GrowthStandards
        var kbm: KBMTable
        var district: [InputFile]
    }

    static let setup: Setup = {
        guard let reference = ReferenceLocator.find() else { fatalError("no reference/ folder (set TIMBANG_REFERENCE)") }
        do {
            let standards = try GrowthStandards(directory: reference + "/who-growth-standards")
            let kbm = try KBMTable.load(referenceDirectory: reference)
            let district = districtDumps.map { name, text in InputFile(path: Scratch.write(name, Array(text.utf8)), name: name) }
            return Setup(standards: standards, kbm: kbm, district: district)
        } catch { fatalError("cannot load the reference tables: \(error)") }
    }()

    static let key = Array("fuzz-key-not-secret-0123456789".utf8)
    static let header = "No,NIK,Nama Anak,JK,Tgl Lahir,Nama Ortu,Prov,Kab/Kota,Kecamatan,Pukesmas,Desa/Kel,Posyandu,RT,RW,Alamat,Usia Saat Ukur,Tanggal Pengukuran,Berat (kg),Tinggi (cm),Cara Ukur,LiLA (cm)\n"
    /// Two months of one posyandu (the same children, so link and monitor have work).
    static let districtDumps: [(String, String)] = [
        ("2024-01_melati.csv", header + """
        1,3345012511190001,RENÉ NUGROHO,L,25/11/2019,RINA FATIMAH,JAWA TENGAH,KAB. WANASARI,SUKASARI,SUKASARI,TEGALAGUNG,MELATI,010,004,"PERUM ""GRIYA ASRI"" BLOK C-9",4 Tahun 1 Bulan 28 Hari,22/01/2024,"14,4","99,6",Berdiri,
        2,3345011806220001,BAGAS RAMADHAN,L,18/06/2022,DEWI HANDAYANI,JAWA TENGAH,KAB. WANASARI,SUKASARI,SUKASARI,TEGALAGUNG,MELATI,010,004,JL. PEMUDA NO. 67,1 Tahun 7 Bulan 4 Hari,22/01/2024,"8,9","77,8",Terlentang,"14,8"
        3,3345015307200001,SITI MUTIA OKTAVIANI,P,13/07/2020,AGUS SAPUTRA,JAWA TENGAH,KAB. WANASARI,SUKASARI,SUKASARI,TEGALAGUNG,MELATI,011,002,"JL. MELATI NO. 15, DUSUN WETAN",3 Tahun 6 Bulan 9 Hari,22/01/2024,"13,7","96,7",Berdiri,

        """),
        ("2024-02_melati.csv", header + """
        1,3345012511190001,René Nugroho,L,25/11/2019,Rina Fatimah,JAWA TENGAH,KAB. WANASARI,Sukasari,Sukasari,Tegalagung,Melati,010,004,Perum Griya Asri Blok C-9,4 Tahun 2 Bulan 28 Hari,22 Pebruari 2024,14.6,100.1,Berdiri,
        2,3345011806220001,Bagas Ramadhan,L,18 Jun 2022,Dewi Handayani,JAWA TENGAH,KAB. WANASARI,Sukasari,Sukasari,Tegalagung,Melati,010,004,Jl. Pemuda No. 67,1 Tahun 8 Bulan 5 Hari,23/2/2024,8.8,78.6,Terlentang,
        3,3345015307200001,Siti Mutia Oktaviani,P,13/07/2020,Agus Saputra,JAWA TENGAH,KAB. WANASARI,Sukasari,Sukasari,Tegalagung,Melati,011,002,"Jl. Melati No. 15, Dusun Wetan",3 Tahun 7 Bulan 9 Hari,22/2/2024,13.9,97.2,Berdiri,
        3,3345015307200001,Siti Mutia Oktaviani,P,13/07/2020,Agus Saputra,JAWA TENGAH,KAB. WANASARI,Sukasari,Sukasari,Tegalagung,Melati,011,002,"Jl. Melati No. 15, Dusun Wetan",3 Tahun 7 Bulan 9 Hari,22/2/2024,13.9,97.2,Berdiri,

        """),
    ]

    static func run(_ input: [UInt8]) {
        let s = setup
        let dump = FuzzDump(input)
        let files = s.district + [InputFile(path: Scratch.write(dump.name, dump.bytes), name: dump.name)]
        let ingested = Ingest.run(files: files, threads: 1)
        checkIngest(ingested, files: files)
        let refs = ingested.records.map(\.ref)
        let validated = Validate.run(ingested.records, settings: ValidateSettings(asOf: IngestTarget.asOf, zScores: s.standards))
        checkFates(validated, refs, stage: "validate", duplicates: false)
        let linked = Link.run(validated, settings: LinkSettings(key: key)).records
        checkFates(linked, refs, stage: "link", duplicates: true)
        let grown = Growth.run(linked, standards: s.standards, threads: 1)
        checkFates(grown, refs, stage: "growth", duplicates: true)
        let monitored = Monitor.compute(grown, settings: MonitorSettings(kbm: s.kbm))
        do {
            let tables = try Aggregate.run(records: grown, childMonths: monitored.childMonths, settings: AggregateSettings())
            check(!tables.isEmpty, "aggregate made no tables")
        } catch { check(false, "aggregate threw: \(error)") }
    }
}
