#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TimbangCore

/// The `timbang zscore` calculator: an `anthro_zscores` drop-in from CSV text to CSV text.
///
/// Input columns are found by header name (case-insensitive; other columns are ignored):
/// `id`, `sex` (1/2, also m/f), `age_days` (fractional allowed), `weight_kg`, `lenhei_cm`,
/// `measure` (l/h, empty = unknown), `oedema` (y/n/1/2, empty = no) and optional `muac_cm`.
/// Empty and `NA` cells are missing. Output: `id, clenhei, cmeasure, c9mo_flag, cbmi, zlen,
/// flen, zwei, fwei, zwfl, fwfl, zbmi, fbmi` (+ `zac, fac` when `muac_cm` is present;
/// + `zlen_raw, zwei_raw, zwfl_raw, zbmi_raw[, zac_raw]` with `raw`), one row per non-blank
/// input row, in input order.
///
/// An unreadable cell never stops the run: it gives a warning and empty outputs for
/// everything that depends on it (see `docs/growth.md`).
///
/// The input is cut into record-aligned chunks (quotes respected) that are parsed, scored
/// and written in parallel; the output bytes do not depend on `threads`.
public enum ZScoreCSV {
    /// Options of one conversion.
    public struct Options: Sendable {
        /// Add unrounded z-scores (`*_raw`, shortest text that reads back as the same double).
        public var raw = false
        /// Worker threads.
        public var threads = 1
        /// Bytes of input per chunk (a chunk ends at the first record end after this).
        public var chunkBytes = 1 << 19
        public init(raw: Bool = false, threads: Int = 1) { self.raw = raw; self.threads = threads }
    }

    /// The result of one conversion.
    public struct Output: Sendable {
        /// The output CSV in pieces (header, then one piece per chunk), to write one after
        /// the other without joining them.
        public var pieces: [ByteBuffer]
        /// The output CSV (header + one line per data row, `\n` line ends).
        public var csv: [UInt8] {
            var out: [UInt8] = []
            for piece in pieces { piece.withUnsafeBytes { out.append(contentsOf: $0) } }
            return out
        }
        /// Data rows written.
        public var rows: Int
        /// The first warnings (at most `maxWarnings`), as `row N (id X): …`.
        public var warnings: [String]
        /// All warnings, including those not kept in `warnings`.
        public var warningCount: Int
    }

    /// Warnings kept in `Output.warnings`.
    public static let maxWarnings = 50

    /// The input cannot be read as a table at all.
    public struct InputError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Converts CSV bytes.
    /// - Throws: `InputError` when the header lacks a required column (`id`, `sex`,
    ///   `age_days`, `weight_kg`, `lenhei_cm`) or the input is empty.
    public static func convert(_ input: [UInt8], standards: GrowthStandards, options: Options = Options()) throws -> Output {
        try input.withUnsafeBufferPointer { buf in
            try convert(UnsafeRawBufferPointer(buf), standards: standards, options: options)
        }
    }

    /// Converts CSV bytes (the buffer must stay valid during the call).
    public static func convert(_ input: UnsafeRawBufferPointer, standards: GrowthStandards,
                               options: Options = Options()) throws -> Output {
        guard let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count > 0 else {
            throw InputError(description: "the input is empty: expected a header line with id, sex, age_days, weight_kg, lenhei_cm, measure, oedema")
        }
        let end = input.count
        var pos = 0
        // A UTF-8 byte order mark.
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { pos = 3 }
        var reader = RecordReader(base: base, end: end)
        var headerFields: [String] = []
        pos = reader.read(at: pos)
        for f in 0..<reader.count {
            let name = reader.text(reader.fields[f]).lowercased()
            headerFields.append(String(name.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()))
        }
        let layout = try Layout(header: headerFields, raw: options.raw)
        let body = pos
        let bounds = chunkBounds(base: base, start: body, end: end, chunkBytes: max(1, options.chunkBytes))
        let address = UInt(bitPattern: base)
        let parts = parallelMap(bounds.count, threads: options.threads) { c in
            let p = UnsafePointer<UInt8>(bitPattern: address)!
            return convertChunk(base: p, range: bounds[c], layout: layout, standards: standards)
        }
        var pieces = [ByteBuffer(layout.headerLine)]
        pieces.reserveCapacity(parts.count + 1)
        var rows = 0, warningCount = 0
        var warnings: [String] = []
        for part in parts {
            pieces.append(part.bytes)
            for w in part.warnings where warnings.count < maxWarnings {
                warnings.append("row \(rows + w.row) (id \(w.id)): \(w.text)")
            }
            rows += part.rows
            warningCount += part.warningCount
        }
        return Output(pieces: pieces, rows: rows, warnings: warnings, warningCount: warningCount)
    }

    // MARK: - Columns

    /// Where the input columns are and which output columns to write.
    struct Layout: Sendable {
        var id = -1, sex = -1, age = -1, weight = -1, lenhei = -1, measure = -1, oedema = -1, muac = -1
        var raw: Bool
        var needed = 0
        var headerLine: [UInt8]

        init(header: [String], raw: Bool) throws {
            func find(_ name: String) -> Int { header.firstIndex(of: name) ?? -1 }
            id = find("id"); sex = find("sex"); age = find("age_days"); weight = find("weight_kg")
            lenhei = find("lenhei_cm"); measure = find("measure"); oedema = find("oedema"); muac = find("muac_cm")
            let missing = [("id", id), ("sex", sex), ("age_days", age), ("weight_kg", weight), ("lenhei_cm", lenhei)]
                .filter { $0.1 < 0 }.map(\.0)
            guard missing.isEmpty else {
                throw InputError(description: "the header has no column " + missing.joined(separator: ", ")
                    + " (found: " + header.joined(separator: ", ") + "); expected id, sex, age_days, weight_kg, lenhei_cm, measure, oedema[, muac_cm]")
            }
            self.raw = raw
            needed = [id, sex, age, weight, lenhei, measure, oedema, muac].max()! + 1
            var names = ["id", "clenhei", "cmeasure", "c9mo_flag", "cbmi", "zlen", "flen", "zwei", "fwei",
                         "zwfl", "fwfl", "zbmi", "fbmi"]
            if muac >= 0 { names += ["zac", "fac"] }
            if raw { names += ["zlen_raw", "zwei_raw", "zwfl_raw", "zbmi_raw"] + (muac >= 0 ? ["zac_raw"] : []) }
            headerLine = Array((names.joined(separator: ",") + "\n").utf8)
        }
    }

    /// Inputs an unreadable cell makes unusable, as bits; each output lists what it depends on.
    struct Unreadable: OptionSet {
        let rawValue: UInt8
        static let sex = Unreadable(rawValue: 1)
        static let age = Unreadable(rawValue: 2)
        static let weight = Unreadable(rawValue: 4)
        static let lenhei = Unreadable(rawValue: 8)
        static let measure = Unreadable(rawValue: 16)
        static let oedema = Unreadable(rawValue: 32)
        static let muac = Unreadable(rawValue: 64)

        static let clenhei: Unreadable = [.age, .lenhei, .measure]
        static let cmeasure: Unreadable = [.age, .measure]
        static let cbmi: Unreadable = [.clenhei, .weight]
        static let zlen: Unreadable = [.sex, .clenhei]
        static let zwei: Unreadable = [.sex, .age, .weight, .oedema]
        static let zwfl: Unreadable = [.sex, .cbmi, .oedema]
        static let zbmi: Unreadable = [.sex, .cbmi, .oedema]
        static let zac: Unreadable = [.sex, .age, .muac]
    }

    // MARK: - Chunks

    struct Warning: Sendable { var row: Int; var id: String; var text: String }

    struct ChunkOutput: Sendable {
        var bytes = ByteBuffer([])
        var rows = 0
        var warnings: [Warning] = []
        var warningCount = 0
    }

    /// Cuts `[start, end)` into pieces of about `chunkBytes` that end after a record's `\n`
    /// outside quotes.
    static func chunkBounds(base: UnsafePointer<UInt8>, start: Int, end: Int, chunkBytes: Int) -> [Range<Int>] {
        var bounds: [Range<Int>] = []
        var pos = start
        while pos < end {
            var cut = pos + chunkBytes
            if cut >= end { bounds.append(pos..<end); break }
            // Quote parity from the chunk start (a record start) to the tentative cut.
            var inQuotes = false
            var q = pos
            while q < cut, let hit = memchr(base + q, 0x22, cut - q) {
                inQuotes.toggle()
                q = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
            }
            while cut < end {
                let b = base[cut]
                cut += 1
                if b == 0x22 { inQuotes.toggle() } else if b == 0x0A && !inQuotes { break }
            }
            bounds.append(pos..<cut)
            pos = cut
        }
        return bounds
    }

    static func convertChunk(base: UnsafePointer<UInt8>, range: Range<Int>, layout: Layout,
                             standards: GrowthStandards) -> ChunkOutput {
        var out = ChunkOutput()
        var writer = ByteWriter(capacity: range.count * 2 + 4096)
        var reader = RecordReader(base: base, end: range.upperBound)
        var pos = range.lowerBound
        while pos < range.upperBound {
            pos = reader.read(at: pos)
            if reader.count == 1 && reader.fields[0].count == 0 { continue } // blank line
            out.rows += 1
            convertRow(&reader, layout: layout, standards: standards, out: &out, writer: &writer)
        }
        out.bytes = writer.finish()
        return out
    }

    /// The inputs of one row, what could not be read, and the warnings about it.
    struct RowInputs {
        var input = ZScoreInput(sex: nil, ageDays: nil, weightKg: nil, lenheiCm: nil)
        var bad: Unreadable = []
        var problems: [String] = []

        mutating func number(_ reader: borrowing RecordReader, _ column: Int, _ name: String, _ flag: Unreadable,
                             nonNegative: Bool = false) -> Double? {
            let f = reader.cell(column)
            switch reader.number(f) {
            case .missing: return nil
            case .value(let v):
                if nonNegative && v < 0 {
                    bad.insert(flag); problems.append("\(name) '\(reader.text(f))' is negative")
                    return nil
                }
                return v
            case .bad:
                bad.insert(flag); problems.append("\(name) '\(reader.text(f))' is not a number")
                return nil
            }
        }

        mutating func read(_ reader: borrowing RecordReader, layout: Layout) {
            if reader.count < layout.needed {
                problems.append("has \(reader.count) fields, fewer than the header; the missing ones count as empty")
            }
            switch reader.token(reader.cell(layout.sex)) {
            case 0: break
            case UInt32(UInt8(ascii: "1")), UInt32(UInt8(ascii: "m")), UInt32(UInt8(ascii: "M")): input.sex = .male
            case UInt32(UInt8(ascii: "2")), UInt32(UInt8(ascii: "f")), UInt32(UInt8(ascii: "F")): input.sex = .female
            default:
                bad.insert(.sex); problems.append("sex '\(reader.text(reader.cell(layout.sex)))' is not 1, 2, m or f")
            }
            input.ageDays = number(reader, layout.age, "age_days", .age, nonNegative: true)
            input.weightKg = number(reader, layout.weight, "weight_kg", .weight)
            input.lenheiCm = number(reader, layout.lenhei, "lenhei_cm", .lenhei)
            if layout.muac >= 0 { input.muacCm = number(reader, layout.muac, "muac_cm", .muac) }
            switch reader.token(reader.cell(layout.measure)) {
            case 0: break
            case UInt32(UInt8(ascii: "l")), UInt32(UInt8(ascii: "L")): input.measure = .lying
            case UInt32(UInt8(ascii: "h")), UInt32(UInt8(ascii: "H")): input.measure = .standing
            default:
                bad.insert(.measure); problems.append("measure '\(reader.text(reader.cell(layout.measure)))' is not l or h")
            }
            switch reader.token(reader.cell(layout.oedema)) {
            case 0, UInt32(UInt8(ascii: "n")), UInt32(UInt8(ascii: "N")), UInt32(UInt8(ascii: "2")): break
            case UInt32(UInt8(ascii: "y")), UInt32(UInt8(ascii: "Y")), UInt32(UInt8(ascii: "1")): input.oedema = true
            default:
                bad.insert(.oedema); problems.append("oedema '\(reader.text(reader.cell(layout.oedema)))' is not y, n, 1 or 2")
            }
        }
    }

    static func convertRow(_ reader: inout RecordReader, layout: Layout, standards: GrowthStandards,
                           out: inout ChunkOutput, writer w: inout ByteWriter) {
        var row = RowInputs()
        row.read(reader, layout: layout)
        let bad = row.bad, input = row.input, problems = row.problems
        var r = standards.zscores(input)
        if !bad.isEmpty {
            // Whatever depends on an unreadable cell is left empty.
            if !bad.isDisjoint(with: .clenhei) { r.clenhei = nil }
            if !bad.isDisjoint(with: .cbmi) { r.cbmi = nil }
            if !bad.isDisjoint(with: .zlen) { r.length = nil }
            if !bad.isDisjoint(with: .zwei) { r.weight = nil }
            if !bad.isDisjoint(with: .zwfl) { r.weightForLength = nil }
            if !bad.isDisjoint(with: .zbmi) { r.bmi = nil }
            if !bad.isDisjoint(with: .zac) { r.armCircumference = nil }
        }
        if !problems.isEmpty {
            out.warningCount += problems.count
            let id = reader.text(reader.cell(layout.id))
            for p in problems where out.warnings.count < maxWarnings {
                out.warnings.append(Warning(row: out.rows, id: id, text: p))
            }
        }
        // id, clenhei, cmeasure, c9mo_flag, cbmi, zlen, flen, zwei, fwei, zwfl, fwfl, zbmi, fbmi
        // Upper bound of one output row: the id (quoted, doubled quotes) and 20 numbers.
        let idCell = reader.cell(layout.id)
        w.reserve(2 * idCell.count + 600)
        w.field(reader, reader.cell(layout.id))
        w.comma(); w.shortest(r.clenhei)
        w.comma()
        if bad.isDisjoint(with: .cmeasure) {
            if let m = r.cmeasure { w.byte(m == .lying ? UInt8(ascii: "l") : UInt8(ascii: "h")) }
            w.comma(); w.byte(r.c9mo ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        } else {
            w.comma()
        }
        w.comma(); w.shortest(r.cbmi)
        w.score(r.length); w.score(r.weight); w.score(r.weightForLength); w.score(r.bmi)
        if layout.muac >= 0 { w.score(r.armCircumference) }
        if layout.raw {
            for s in [r.length, r.weight, r.weightForLength, r.bmi] { w.comma(); w.shortest(s?.raw) }
            if layout.muac >= 0 { w.comma(); w.shortest(r.armCircumference?.raw) }
        }
        w.byte(0x0A)
    }
}
