import TimbangCore
@testable import Synth
import Testing

/// The real-export quirks of issue 11: each is written at messiness 1, in the bytes real files
/// have, with its truth.
@Suite struct QuirkTests {
    static let dir: String = {
        let d = tempDir("quirks")
        _ = try! generate(d, children: 150, months: 2)
        return d
    }()

    func files() throws -> [[String: String]] { try readCSV(Self.dir + "/truth/files.csv") }
    func bytes(_ f: [String: String]) -> [UInt8] { dumpBytes(Self.dir + "/data/" + f["file"]!) }
    func with(_ code: String) throws -> [[String: String]] {
        try files().filter { $0["format"]!.split(separator: ";").contains(Substring(code)) && $0["records"] != "0" }
    }

    @Test func everyQuirkOccursAtMessinessOneInASmallDistrict() throws {
        let formats = Set(try files().flatMap { $0["format"]!.split(separator: ";").map(String.init) })
        for (code, _, _) in FileFormat.quirks { #expect(formats.contains(code), "file quirk \(code)") }
        #expect(formats.contains("usia_only"))
        let records = try readCSV(Self.dir + "/truth/records.csv")
        let quirks = Set(records.flatMap { $0["quirks"]!.split(separator: ";").map(String.init) })
        for code in ["excel_time_unique", "excel_time_repaired", "excel_time_ambiguous", "excel_z_fraction", "excel_no",
                     "serial_date", "lila_zero", "z_sentinel", "summary_row", "month_first", "month_first_usia_only",
                     "mac_roman", "nbsp", "location_less", "vintage_2024", "birth_from_age"] {
            #expect(quirks.contains(code), "record quirk \(code)")
        }
        #expect(records.contains { $0["defect"] == "nik_short" })
    }

    @Test func quirkRatesScaleWithMessiness() throws {
        // Quirk codes over all files: forced ones aside, each file draws them at rate × messiness.
        func codes(_ m: Double) throws -> Int {
            let d = tempDir("quirks-m\(Int(m))")
            try generate(d, seed: 8, children: 600, months: 2, messiness: m)
            let quirk = Set(Synth.quirkCodes)
            return try readCSV(d + "/truth/files.csv").map { $0["format"]!.split(separator: ";").filter { quirk.contains(String($0)) }.count }.reduce(0, +)
        }
        let one = try codes(1), three = try codes(3)
        #expect(Double(three) > 1.8 * Double(one), "\(one) → \(three)")
    }

    @Test func messinessZeroWritesNoQuirk() throws {
        let d = tempDir("quirks-clean")
        let sum = try generate(d, children: 80, months: 1, messiness: 0)
        #expect(!sum.planted.keys.contains { $0.hasPrefix("quirk.") })
        #expect(sum.lokasiFiles == 0)
        #expect(try readCSV(d + "/truth/files.csv").allSatisfy { $0["encoding"] == "utf-8" && $0["date_order"] == "dmy" })
    }

    @Test func withoutRealExportQuirksNoneIsWritten() throws {
        let d = tempDir("quirks-off")
        var s = SynthSettings()
        s.children = 100; s.months = 1; s.kecamatan = 2; s.realExportQuirks = false
        let sum = try Synth.run(s, standards: standards, dataDir: d + "/data", truthDir: d + "/truth")
        #expect(!sum.planted.keys.contains { $0.hasPrefix("quirk.") } && sum.lokasiFiles == 0)
        #expect(sum.planted["defect.nik_short"] == nil && sum.fates["invalid"] != nil)
        let codes = Set(Synth.quirkCodes)
        #expect(try readCSV(d + "/truth/files.csv").allSatisfy { !$0["format"]!.split(separator: ";").contains { codes.contains(String($0)) } })
    }

    @Test func macRomanFilesEndEveryFieldInByteCAAndSpellAccentsInMacRoman() throws {
        let f = try #require(try with("mac_roman").first)
        #expect(f["encoding"] == "mac-roman")
        let b = bytes(f)
        #expect(b.contains(0xCA) && !b.contains(0xC2) && !b.contains(0xC3), "0xCA, no UTF-8 lead bytes")
        // `1426;` style: every field followed by CA, so CA comes right before each delimiter.
        let lines = b.split(separator: 10)
        let header = lines.first { $0.contains(59) && !$0.starts(with: Array("Data Tanggal".utf8)) }!
        #expect(header.split(separator: 59).allSatisfy { $0.last == 0xCA || $0.last == 13 })
        let withPreamble = try #require(try with("preamble").first)
        #expect(bytes(withPreamble).starts(with: Array("Data Tanggal : ".utf8)))
        // An accented name: é as 0x8E.
        let all = try with("mac_roman").map(bytes).reduce([], +)
        let records = try readCSV(Self.dir + "/truth/records.csv").filter { r in try! with("mac_roman").contains { $0["file"] == r["file"] } }
        if records.contains(where: { $0["name"]!.contains("é") }) { #expect(all.contains(0x8E) || all.contains(0x83)) }
    }

    @Test func noBreakSpacesFollowValuesAndFillEmptyCells() throws {
        let f = try #require(try with("nbsp").first)
        let b = bytes(f)
        let nbsp: [UInt8] = f["encoding"] == "windows-1252" ? [0xA0] : [0xC2, 0xA0]
        #expect(b.firstRange(of: nbsp + [44]) != nil || b.firstRange(of: nbsp + [59]) != nil, "a cell ending in a no-break space")
        let text = String(decoding: b, as: UTF8.self)
        #expect(text.contains("Tahun\u{A0}-\u{A0}") || f["encoding"] == "windows-1252")
    }

    @Test func monthFirstFilesAreSettledByTheirOwnValuesOrByUsia() throws {
        let records = try readCSV(Self.dir + "/truth/records.csv")
        var settledByDay = 0
        for f in try with("month_first") where f["date_order"] == "mdy" {
            let text = String(decoding: bytes(f), as: UTF8.self)
            let truth = records.filter { $0["file"] == f["file"] && $0["fate"] == "valid" && !$0["quirks"]!.contains("serial_date")
                && !$0["variants"]!.contains("birth_day_month_swapped") }
            for t in truth {
                let b = Day(iso: t["birth_date"]!)!.civil, m = Day(iso: t["measure_date"]!)!.civil
                #expect(text.contains("\(b.month)/\(b.day)/\(b.year)") && text.contains("\(m.month)/\(m.day)/\(m.year)"), "\(t["file"]!)#\(t["record"]!)")
            }
            if truth.contains(where: { Day(iso: $0["birth_date"]!)!.civil.day > 12 }) { settledByDay += 1 }
        }
        #expect(settledByDay >= 1)
        let usia = try #require(try with("usia_only").first { $0["date_order"] == "mdy" })
        let inIt = records.filter { $0["file"] == usia["file"] }
        #expect(!inIt.isEmpty)
        for r in inIt {
            #expect(Day(iso: r["birth_date"]!)!.civil.day <= 12 && Day(iso: r["measure_date"]!)!.civil.day <= 12)
        }
    }

    @Test func excelDamageWritesTimesAndFractionsWithTheirTruth() throws {
        #expect(RowText.excelTime("7.7")! == ("7:07", [7.7, 7.07]))
        #expect(RowText.excelTime("12.45")! == ("12:45", [12.45]))
        #expect(RowText.excelTime("67.6")! == ("67:06:00", [67.6, 67.06]))
        #expect(RowText.excelTime("8.00")! == ("8:00", [8]))
        #expect(RowText.excelTime("9.75") == nil && RowText.excelTime("87") == nil && RowText.excelTime("-1.05") == nil)
        #expect(RowText.excelFraction("1.05") == "0.045138889")
        #expect(RowText.excelSerial(Day(year: 2020, month: 9, day: 4)!) == 44078)
        let records = try readCSV(Self.dir + "/truth/records.csv")
        for r in records where r["quirks"]!.contains("excel_time_ambiguous") {
            #expect(r["fate"] == "invalid" && r["reason"] == "EXCEL_DAMAGED")
        }
        for r in records where r["quirks"]!.contains("excel_time_repaired") || r["quirks"]!.contains("excel_time_unique") {
            // Valid unless the other measurement has two readings (or another defect).
            #expect(r["fate"] != "invalid" || r["defect"] != "" || r["quirks"]!.contains("excel_time_ambiguous"))
        }
        let f = try #require(try with("excel_damage").first)
        let text = String(decoding: bytes(f), as: UTF8.self)
        #expect(text.contains("\n1:00,"))
    }

    @Test func summaryAndBlankRowsFollowTheRecords() throws {
        let f = try #require(try with("summary_rows").first)
        let text = String(decoding: bytes(f), as: UTF8.self)
        #expect(text.contains("Total data gizi kurang"))
        let records = try readCSV(Self.dir + "/truth/records.csv").filter { $0["file"] == f["file"] }
        #expect(records.filter { $0["reason"] == "SUMMARY_ROW" }.count == 2)
        #expect(Int(f["records"]!) == records.count)
        let blank = try #require(try with("blank_rows").first)
        let lines = bytes(blank).split(separator: 10, omittingEmptySubsequences: false)
        #expect(lines.filter { l in !l.isEmpty && l.allSatisfy { [44, 59, 0xC2, 0xA0, 0xCA, 13].contains($0) } }.count >= 100)
    }

    @Test func filesWithoutLocationColumnsAreWrittenUnderLokasi() throws {
        let f = try #require(try with("location_less").first)
        #expect(f["file"] == "lokasi/\(f["kecamatan"]!)/\(f["puskesmas"]!)/\(f["desa"]!)/\(f["posyandu"]!)/\(f["month"]!).csv"
                || f["file"]!.hasSuffix(".csv.gz") || f["file"]!.hasSuffix("_b.csv"))
        let header = String(decoding: bytes(f), as: UTF8.self).split(separator: "\n").first { $0.lowercased().contains("nik") }!
        #expect(!header.contains("Posyandu") && !header.contains("Kecamatan") && !header.lowercased().contains("posyandu"))
        let v24 = try #require(try with("vintage_2024").first)
        let h24 = String(decoding: bytes(v24), as: UTF8.self).split(separator: "\n").first { $0.lowercased().contains("nik") }!
        #expect(h24.contains("PMT Diterima (kg)") || h24.contains("pmt_diterima_kg"))
        #expect(v24["file"]!.hasPrefix("lokasi/"))
        // The truth lists the lokasi files after the flat ones, in name order.
        let records = try readCSV(Self.dir + "/truth/records.csv")
        let refs = records.map { RowRef(file: $0["file"]!, record: Int($0["record"]!)!, line: 0) }
        #expect(refs == refs.sorted())
    }

    @Test func dateOrderOptionWritesTheSameDumpDayFirstOrMonthFirst() throws {
        let a = tempDir("dmy"), b = tempDir("mdy")
        try generate(a, seed: 4, children: 120, months: 2, dateOrder: .dmy)
        try generate(b, seed: 4, children: 120, months: 2, dateOrder: .mdy)
        #expect(listFiles(a + "/data") == listFiles(b + "/data"))
        let ra = try readCSV(a + "/truth/records.csv"), rb = try readCSV(b + "/truth/records.csv")
        #expect(ra.count == rb.count)
        for (x, y) in zip(ra, rb) {
            var x = x, y = y
            x["quirks"] = nil; y["quirks"] = nil
            #expect(x == y)
        }
        let fb = try readCSV(b + "/truth/files.csv")
        #expect(fb.filter { $0["records"] != "0" }.allSatisfy { $0["date_order"] == "mdy" } || fb.contains { $0["date_order"] == "mdy" })
        #expect(try readCSV(a + "/truth/files.csv").allSatisfy { $0["date_order"] == "dmy" })
    }
}
