import Foundation
import Testing
@testable import Pipeline
import Growth
import TimbangCore

/// Real-export quirks end to end: date order and Excel damage, through the whole pipeline.
@Suite(.serialized) struct RealExportTests {
    static let header = "No,NIK,Nama Anak,JK,Tgl Lahir,Nama Ortu,Kecamatan,Pukesmas,Desa/Kel,Posyandu,Usia Saat Ukur,Tanggal Pengukuran,Berat (kg),Tinggi (cm),Cara Ukur,BB/U,ZS BB/U\n"

    /// (NIK, name, sex, birth, measured, weight, height, method)
    static let rows: [(String, String, String, Day, Day, String, String, String)] = [
        ("3301014107230001", "Siti Aminah", "P", Day(year: 2023, month: 7, day: 1)!, Day(year: 2024, month: 1, day: 15)!, "7.5", "65.2", "Terlentang"),
        ("3301010505220002", "Budi Santoso", "L", Day(year: 2022, month: 5, day: 5)!, Day(year: 2024, month: 1, day: 15)!, "10.1", "80.3", "Terlentang"),
        ("3301011310210003", "Ahmad", "L", Day(year: 2021, month: 10, day: 13)!, Day(year: 2024, month: 1, day: 16)!, "11.2", "86.0", "Berdiri"),
        ("3301016203230004", "Dewi", "P", Day(year: 2023, month: 3, day: 22)!, Day(year: 2024, month: 2, day: 3)!, "7.7", "68.0", "Terlentang"),
    ]

    static func date(_ d: Day, monthFirst: Bool) -> String {
        let c = d.civil
        return monthFirst ? "\(c.month)/\(c.day)/\(c.year)" : pad(c.day, 2) + "/" + pad(c.month, 2) + "/\(c.year)"
    }

    static func dump(monthFirst: Bool, weight: (Int) -> String = { rows[$0].5 }, zwei: (Int) -> String = { _ in "" }) -> String {
        var t = header
        for (i, r) in rows.enumerated() {
            t += "\(i + 1),\(r.0),\(r.1),\(r.2),\(date(r.3, monthFirst: monthFirst)),Ibu,Kroya,Kroya I,Mergawati,Melati,,"
                + "\(date(r.4, monthFirst: monthFirst)),\(weight(i)),\(r.6),\(r.7),,\(zwei(i))\n"
        }
        return t
    }

    func run(_ text: String) throws -> (PipelineConfig, StageStore) {
        let dir = makeTempFolder("real")
        write(text, to: dir + "/dumps/export.csv")
        let config = try PipelineConfig.load(path: writePipeline(in: dir))
        let runner = PipelineRunner(config: config, options: RunOptions(threads: 1))
        runner.timbangVersion = "test"
        _ = try runner.run()
        return (config, StageStore(runFolder: config.runFolder))
    }

    @Test func theSameDumpWrittenDayFirstAndMonthFirstGivesTheSameRecordsAndTables() throws {
        let dm = Self.dump(monthFirst: false), md = Self.dump(monthFirst: true)
        #expect(md.contains("1/15/2024") && md.contains("10/13/2021") && dm.contains("15/01/2024"))
        let (_, a) = try run(dm)
        let (_, b) = try run(md)
        func dateOrder(_ store: StageStore) throws -> String? {
            let files = try store.readTable(.ingest, "files")
            return files.column("date_order").map { files.rows[0][$0] }
        }
        #expect(try dateOrder(a) == "D/M/Y")
        #expect(try dateOrder(b) == "M/D/Y")
        let ra = try a.readRecords(.growth), rb = try b.readRecords(.growth)
        #expect(ra.count == 4 && ra.allSatisfy { $0.status == .valid })
        func parsed(_ r: Record) -> [String] {
            [r.birthDate?.iso ?? "", r.measureDate?.iso ?? "", r.status.rawValue, r.reason, r.notes, r.childKey,
             formatNumber(r.zwei), formatNumber(r.zlen), formatNumber(r.zwfl)]
        }
        #expect(ra.map(parsed) == rb.map(parsed))
        #expect(ra.map { $0.birthDate } == Self.rows.map { $0.3 })
        for t in try a.readTables(.aggregate) {
            #expect(try b.readTable(.aggregate, t.name) == t, "aggregate \(t.name)")
        }
    }

    @Test func aWeightTurnedIntoATimeIsSettledByThePipelinesWHOTables() throws {
        // the fourth child's 7.7 kg written by Excel as 7:07; e-PPGBM's own ZS BB/U of 7.7 kg beside it
        let standards = try GrowthStandards(directory: referenceFolder + "/who-growth-standards")
        let r = Self.rows[3]
        let z = try #require(standards.zScores(sex: .female, ageDays: r.4 - r.3, weightKg: 7.7, heightCm: 68, measure: .lying).wei)
        let other = try #require(standards.zScores(sex: .female, ageDays: r.4 - r.3, weightKg: 7.07, heightCm: 68, measure: .lying).wei)
        #expect(abs(z - other) > 0.2)
        let text = Self.dump(monthFirst: false, weight: { $0 == 3 ? "7:07" : Self.rows[$0].5 }, zwei: { $0 == 3 ? formatNumber(z) : "" })
        let (_, store) = try run(text)
        let x = try store.readRecords(.growth)[3]
        #expect(x.status == .valid && x.weightKg == 7.7 && x.zwei == z)
        #expect(x.notes == "EXCEL_DAMAGE_REPAIRED:weight 7:07→7.7 (ZS BB/U \(formatNumber(z)))")
        let agreement = try store.readTable(.aggregate, "source_agreement")
        #expect(agreement.rows.first == ["export.csv", "0", "1", "0", "0", "0", "", "0", "0", ""])
        // without the z the record is not guessed
        let (_, plain) = try run(Self.dump(monthFirst: false, weight: { $0 == 3 ? "7:07" : Self.rows[$0].5 }))
        let y = try plain.readRecords(.growth)[3]
        #expect(y.status == .invalid && y.reason == "EXCEL_DAMAGED" && y.notes == "EXCEL_DAMAGED:weight 7:07→7.07|7.7")
    }
}
