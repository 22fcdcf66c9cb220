#if canImport(Glibc)
import Glibc
#endif
import Growth
import TimbangCore
@testable import Synth

/// Shared WHO tables for the tests (loaded once).
let standards: GrowthStandards = {
    let ref = ReferenceLocator.find(start: #filePath)!
    return try! GrowthStandards(directory: ref + "/who-growth-standards")
}()

/// A fresh temporary folder.
func tempDir(_ tag: String) -> String {
    var template = Array("/tmp/synth-test-\(tag)-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!
    return String(cString: p)
}

/// Generates into `dir/data` and `dir/truth`.
@discardableResult
func generate(_ dir: String, seed: UInt64 = 11, children: Int = 200, months: Int = 3, kecamatan: Int = 2,
              messiness: Double = 1, threads: Int = 1, dateOrder: SynthSettings.DateOrder = .drawn) throws -> SynthSummary {
    var s = SynthSettings()
    s.seed = seed; s.children = children; s.months = months; s.kecamatan = kecamatan
    s.messiness = messiness; s.threads = threads; s.dateOrder = dateOrder
    return try Synth.run(s, standards: standards, dataDir: dir + "/data", truthDir: dir + "/truth")
}

/// A CSV table as header → rows of cells by column name.
func readCSV(_ path: String) throws -> [[String: String]] {
    var header: [String] = []
    var out: [[String: String]] = []
    try RecordTable.forEachRow(path: path) { cells, i in
        if i == 0 { header = cells; return }
        var row: [String: String] = [:]
        for (k, c) in cells.enumerated() where k < header.count { row[header[k]] = c }
        out.append(row)
    }
    return out
}

/// A dump file's bytes, unzipped when it is a `.csv.gz`.
func dumpBytes(_ path: String) -> [UInt8] {
    let raw = readFileBytes(path)!
    return path.hasSuffix(".gz") ? Bytes.gunzip(raw)! : raw
}

/// Records (cells) of a UTF-8, comma-delimited dump, header first.
func parseDump(_ bytes: [UInt8], delimiter: UInt8 = 44) -> [[String]] {
    var rows: [[String]] = []
    var current: [String] = []
    let p = CSVParser(delimiter: delimiter, onField: { current.append(String(decoding: $0, as: UTF8.self)) },
                      onRecord: { _ in rows.append(current); current = [] })
    bytes.withUnsafeBytes { _ = p.feed($0) }
    p.finish()
    return rows
}

/// Every file under a folder, as paths relative to it (`lokasi/…/2024-01.csv`), sorted.
func listFiles(_ dir: String, prefix: String = "") -> [String] {
    var out: [String] = []
    for n in listDirectory(dir + (prefix.isEmpty ? "" : "/" + prefix)) {
        let rel = prefix.isEmpty ? n : prefix + "/" + n
        if isDirectory(dir + "/" + rel) { out += listFiles(dir, prefix: rel) } else { out.append(rel) }
    }
    return out.sorted()
}
