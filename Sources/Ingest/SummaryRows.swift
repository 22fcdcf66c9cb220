import TimbangCore

/// Recognises the summary rows spreadsheets append to a dump (`…,Total data gizi kurang,65,…`,
/// `…,1426,…`) while a record's cells go by.
///
/// The rule (docs/ingest.md, "Rows that are not records"): a record is a summary row when
/// 1. its NIK, child's name, sex, birth date and parent's name cells are empty, or hold the
///    label of rule 2 (it names no child, so it cannot be a child's record with a field
///    missing), and
/// 2. either one of its cells, in any column (unknown ones too), holds one of the words
///    `total`, `subtotal`, `jumlah`, `rekap`, `rekapitulasi`, `rerata`, `rata-rata` (any case),
///    or every non-empty cell is a plain number (`65`, `1426`, `12,5`, `37%`) and no
///    measurement date was read.
/// Such a record is kept, with `SUMMARY_ROW:<the label or the numbers>` in its ingest notes
/// (validate makes it invalid `SUMMARY_ROW`), so the ledger still closes.
struct SummaryRowScan {
    /// Still a candidate: no cell so far names a child.
    private(set) var open = true
    private var allNumbers = true
    private var label: String?
    /// The first plain-number cells, space-separated (short: stays inline in the `String`).
    private var numbers = ""
    private var numberCells = 0

    /// Longest detail kept in the note.
    static let maxDetail = 60

    /// Takes one non-empty canonical cell and the field its column fills (nil = not read).
    mutating func add(_ b: Bytes, field: Field?) {
        if let f = field, SummaryRowScan.namesAChild(f) {
            // A label typed into the name column is still a label; anything else names a child.
            if label == nil, SummaryRowScan.hasLabelWord(b) {
                label = String(decoding: b.buffer, as: UTF8.self)
                allNumbers = false
            } else if label != nil, SummaryRowScan.isNumber(b) {
                // The label's count in the next cell (`,,,,Total data gizi kurang,65,` puts it
                // under Nama Ortu in the canonical column order): still the summary.
                if numbers.count < 8 { numbers.append(String(decoding: b.buffer, as: UTF8.self)) }
            } else {
                open = false
            }
            return
        }
        if SummaryRowScan.isNumber(b) {
            if numberCells < 8 {
                if numberCells > 0 { numbers += " " }
                numbers += String(decoding: b.buffer, as: UTF8.self)
            }
            numberCells += 1
            return
        }
        allNumbers = false
        if label == nil, SummaryRowScan.hasLabelWord(b) { label = String(decoding: b.buffer, as: UTF8.self) }
    }

    /// The note detail when the finished record `r` is a summary row, else nil (`open`
    /// already says whether an identity cell held anything but the label).
    func summaryText(_ r: Record) -> String? {
        guard open else { return nil }
        let text: String
        if let label { text = label } else if allNumbers, numberCells > 0, r.measureDate == nil {
            text = numbers
        } else {
            return nil
        }
        // `;` separates note items.
        let clean = String(text.map { $0 == ";" ? "," : $0 })
        return clean.count > SummaryRowScan.maxDetail ? String(clean.prefix(SummaryRowScan.maxDetail)) + "…" : clean
    }

    /// The columns whose content names a child.
    @inline(__always)
    static func namesAChild(_ f: Field) -> Bool {
        switch f {
        case .nik, .name, .sex, .birthDate, .parentName: return true
        default: return false
        }
    }

    /// Digits with `.`/`,` separators, an optional leading `-` and trailing `%`, inner spaces.
    static func isNumber(_ b: Bytes) -> Bool {
        var digits = 0
        for i in 0..<b.count {
            let c = b[i]
            switch c {
            case 48...57: digits += 1
            case 46, 44, 32: continue
            case 45 where i == 0: continue
            case 37 where i == b.count - 1: continue
            default: return false
            }
        }
        return digits > 0
    }

    /// Words that only a summary row's label holds.
    static let labelWords: Set<String> = ["total", "subtotal", "jumlah", "rekap", "rekapitulasi", "rerata"]

    /// True when `b` holds a label word (whole word, any case) or `rata-rata` / `rata rata`.
    static func hasLabelWord(_ b: Bytes) -> Bool {
        var words: [String] = []
        var word: [UInt8] = []
        func close() {
            if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)); word.removeAll() }
        }
        for i in 0..<b.count {
            let c = b[i] | 0x20
            if c >= 97 && c <= 122 && b[i] < 0x80 { word.append(c) } else { close() }
        }
        close()
        for (i, w) in words.enumerated() {
            if labelWords.contains(w) { return true }
            if w == "rata", i + 1 < words.count, words[i + 1] == "rata" { return true }
        }
        return false
    }
}

extension Record {
    /// Appends one item to `ingestNotes` (`;`-separated).
    mutating func addIngestNote(_ item: String) {
        ingestNotes = ingestNotes.isEmpty ? item : ingestNotes + ";" + item
    }
}
