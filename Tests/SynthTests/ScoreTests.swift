import TimbangCore
@testable import Synth
import Testing

/// A truth folder written by hand: records, children, prevalence.
private func writeTruth(_ dir: String, records: [[String: String]], children: [[String: String]], prevalence: PrevalenceCounts) throws {
    func table(_ name: String, _ columns: [String], _ rows: [[String: String]]) -> Table {
        Table(name: name, columns: columns, rows: rows.map { r in columns.map { r[$0] ?? "" } })
    }
    try RecordTable.write(table("records", Generator.recordColumns, records), to: dir + "/records.csv")
    try RecordTable.write(table("children", Generator.childColumns, children), to: dir + "/children.csv")
    try RecordTable.write(prevalence.table(), to: dir + "/prevalence.csv")
}

private func truthRecord(_ ref: String, _ fate: String, _ child: String, reason: String = "", dup: String = "",
                         note: String = "") -> [String: String] {
    let parts = ref.split(separator: "#")
    return ["file": String(parts[0]), "record": String(parts[1]), "fate": fate, "reason": reason, "duplicate_of": dup,
            "child_id": child, "measure_note": note]
}

private func runRecord(_ ref: String, _ status: Status, key: String = "", reason: String = "", dup: String = "", notes: String = "",
                       date: String = "2024-01-10", kecamatan: String = "A", desa: String = "X",
                       zlen: Double? = nil, zwei: Double? = nil, zwfl: Double? = nil, fwei: Bool? = nil) -> Record {
    var r = Record(ref: RowRef(ref)!)
    r.status = status; r.childKey = key; r.reason = reason; r.duplicateOf = dup; r.notes = notes
    r.measureDate = Day(iso: date); r.kecamatan = kecamatan; r.desa = desa
    r.zlen = zlen; r.zwei = zwei; r.zwfl = zwfl; r.fwei = fwei
    return r
}

@Suite struct ScoreTests {
    /// Truth: C1 twice (+ a duplicate), its twin C2, C3 in another desa with a rejected record,
    /// and C4 a namesake of C3. The run merges the twins, misses one rejection, rejects a good
    /// record with the wrong reason and finds the duplicate.
    func constructed() throws -> (truth: String, link: [Record], growth: [Record]) {
        let dir = tempDir("score")
        var prev = PrevalenceCounts()
        prev.add(kecamatan: "A", desa: "X", haz: true, whz: false, waz: false)     // C1
        prev.add(kecamatan: "A", desa: "X", haz: false, whz: false, waz: nil)      // C2
        prev.add(kecamatan: "B", desa: "Y", haz: false, whz: nil, waz: false)      // C3
        try writeTruth(dir, records: [
            truthRecord("f.csv#1", "valid", "C1"), truthRecord("f.csv#2", "valid", "C1"),
            truthRecord("f.csv#3", "valid", "C2"), truthRecord("f.csv#4", "invalid", "C3", reason: "SEX_MISSING"),
            truthRecord("f.csv#5", "duplicate", "C1", dup: "f.csv#1"),
            truthRecord("g.csv#1", "valid", "C3"), truthRecord("g.csv#2", "invalid", "C3", reason: "NIK_INVALID"),
            truthRecord("g.csv#3", "valid", "C4"),
            truthRecord("g.csv#4", "valid", "C3", note: "WEIGHT_IMPLAUSIBLE"),
        ], children: [
            ["child_id": "C1"], ["child_id": "C2", "twin_of": "C1"], ["child_id": "C3"], ["child_id": "C4", "namesake_of": "C3"],
        ], prevalence: prev)
        let link = [
            runRecord("f.csv#1", .valid, key: "K1"), runRecord("f.csv#2", .valid, key: "K1"),
            runRecord("f.csv#3", .valid, key: "K1"), runRecord("f.csv#4", .invalid, reason: "SEX_MISSING"),
            runRecord("f.csv#5", .duplicate, dup: "f.csv#1"),
            runRecord("g.csv#1", .valid, key: "K3"), runRecord("g.csv#2", .valid, key: "K3"),
            runRecord("g.csv#3", .invalid, reason: "SEX_INVALID"),
            runRecord("g.csv#4", .valid, key: "K3", notes: "WEIGHT_IMPLAUSIBLE;HINT_GRAMS"),
        ]
        let growth = [
            runRecord("f.csv#1", .valid, key: "K1", date: "2024-01-10", zlen: -2.5, zwei: -2.1, zwfl: -1),
            runRecord("f.csv#2", .valid, key: "K1", date: "2024-02-10", zlen: -1, zwei: -1, zwfl: -2.5),
            runRecord("f.csv#3", .valid, key: "K1", date: "2024-02-10", zlen: -3, zwei: -7, fwei: true),
            runRecord("g.csv#1", .valid, key: "K3", date: "2024-01-05", kecamatan: "B", desa: "Y", zlen: 0, zwei: 0, zwfl: 0),
            runRecord("g.csv#2", .valid, key: "K3", date: "2024-02-05", kecamatan: "B", desa: "Y", zlen: -2.2, zwei: -1, zwfl: 1),
        ]
        return (dir, link, growth)
    }

    @Test func scoresRejectionDuplicatesLinkageAndPrevalenceOnAConstructedRun() throws {
        let (truth, link, growth) = try constructed()
        let s = try Score.compute(truthDir: truth, link: link, growth: growth)
        #expect(s.records == 9 && s.matched == 9)
        #expect(s.measureNotes == 1 && s.measureNotesKept == 1 && s.measureNotesRejected == 0)
        #expect(s.rejection == Score.PR(tp: 1, fp: 1, fn: 1))
        #expect(s.rejectionByReason["SEX_MISSING"] == Score.PR(tp: 1, fp: 0, fn: 0))
        #expect(s.rejectionByReason["NIK_INVALID"] == Score.PR(tp: 0, fp: 0, fn: 1))
        #expect(s.rejectionByReason["SEX_INVALID"] == Score.PR(tp: 0, fp: 1, fn: 0))
        #expect(s.duplicates == Score.PR(tp: 1, fp: 0, fn: 0) && s.duplicateTargetsRight == 1)
        // Pairs sharing K1: (1,2) (1,3) (2,3), of the same child: (1,2) only; K3: (g1,g4), right.
        #expect(s.linkage == Score.PR(tp: 2, fp: 2, fn: 0))
        #expect(s.linkage.precision == 0.5 && s.linkage.recall == 1)
        #expect(s.validWithoutKey == 1)
        #expect(s.childrenTruth == 4 && s.childrenRun == 2)
        #expect(s.twinPairs == 1 && s.twinPairsMerged == 1 && s.namesakePairs == 1 && s.namesakePairsMerged == 0)
        // Latest: K1 = f.csv#3 (same date as #2, later record): stunted, no WHZ, WAZ flagged.
        // K3 = g.csv#2: stunted, not wasted, not underweight.
        let kab = s.prevalence.filter { $0.unit.level == "kabupaten" }
        let stunting = kab.first { $0.indicator == "stunting" }!
        #expect(stunting.run == 100 && abs(stunting.truth! - 100.0 / 3) < 1e-9)
        #expect(abs(stunting.error! - 200.0 / 3) < 1e-9)
        let wasting = kab.first { $0.indicator == "wasting" }!
        #expect(wasting.run == 0 && wasting.truth == 0 && wasting.error == 0)
        let under = kab.first { $0.indicator == "underweight" }!
        #expect(under.run == 0 && under.truth == 0)
        #expect(s.maxPrevalenceError(level: "desa")! > 66)
        #expect(s.report().contains("linkage (pairs): precision 50 %, recall 100 %"))
    }

    @Test func countsNameVariantRecordsLinkedToTheirChildsMainKey() throws {
        let dir = tempDir("variants")
        var prev = PrevalenceCounts()
        prev.add(kecamatan: "A", desa: "X", haz: true, whz: false, waz: false)
        prev.add(kecamatan: "A", desa: "X", haz: false, whz: false, waz: false)
        var spelled = truthRecord("f.csv#3", "valid", "C1"); spelled["variants"] = "name_spelling"
        var initial = truthRecord("f.csv#4", "valid", "C1"); initial["variants"] = "parent_father;name_initial"
        var other = truthRecord("f.csv#5", "valid", "C2"); other["variants"] = "nik_typo"
        var dropped = truthRecord("f.csv#6", "invalid", "C2", reason: "SEX_MISSING"); dropped["variants"] = "name_compound"
        try writeTruth(dir, records: [truthRecord("f.csv#1", "valid", "C1"), truthRecord("f.csv#2", "valid", "C1"),
                                      spelled, initial, other, dropped],
                       children: [["child_id": "C1"], ["child_id": "C2"]], prevalence: prev)
        // #3 links to C1's main key K1; #4 got a key of its own (split).
        let link = [runRecord("f.csv#1", .valid, key: "K1"), runRecord("f.csv#2", .valid, key: "K1"),
                    runRecord("f.csv#3", .valid, key: "K1"), runRecord("f.csv#4", .valid, key: "K9"),
                    runRecord("f.csv#5", .valid, key: "K2"), runRecord("f.csv#6", .invalid, reason: "SEX_MISSING")]
        let s = try Score.compute(truthDir: dir, link: link, growth: nil)
        #expect(s.nameVariantRecords == 2 && s.nameVariantLinked == 1)
        #expect(s.nameVariantsLinked == 0.5)
        #expect(s.report().contains("records with a name spelling variant linked to their child: 1 of 2 (50 %)"))
    }

    @Test func meanPrevalenceErrorPerDesaAveragesTheAbsoluteErrors() {
        var s = Score()
        let x = PrevalenceCounts.Key(level: "desa", kecamatan: "A", desa: "X")
        let y = PrevalenceCounts.Key(level: "desa", kecamatan: "A", desa: "Y")
        s.prevalence = [Score.PrevalenceError(unit: x, indicator: "stunting", truth: 20, run: 20.5),
                        Score.PrevalenceError(unit: y, indicator: "stunting", truth: 30, run: 29.9),
                        Score.PrevalenceError(unit: y, indicator: "wasting", truth: nil, run: 3)]
        #expect(abs(s.meanPrevalenceError(level: "desa", indicator: "stunting")! - 0.3) < 1e-9)
        #expect(s.meanPrevalenceError(level: "kabupaten") == nil)
    }

    @Test func aRunThatFollowsTheTruthScoresPerfectly() throws {
        let dir = tempDir("oracle")
        try generate(dir, seed: 9, children: 200, months: 3, messiness: 2)
        var link: [Record] = []
        for t in try readCSV(dir + "/truth/records.csv") {
            var r = Record(ref: RowRef(file: t["file"]!, record: Int(t["record"]!)!, line: 0))
            r.status = Status(rawValue: t["fate"]!)!
            r.reason = t["reason"]!
            r.notes = t["measure_note"]!
            r.duplicateOf = t["duplicate_of"]!
            if r.status == .valid { r.childKey = t["child_id"]! }
            r.measureDate = Day(iso: t["measure_date"]!)
            r.kecamatan = t["kecamatan"]!.uppercased(); r.desa = t["desa"]!
            r.zlen = Double(t["zlen"]!); r.zwei = Double(t["zwei"]!); r.zwfl = Double(t["zwfl"]!)
            // as validate does: a dropped impossible measurement gives no z-score
            if r.notes.hasPrefix("HEIGHT") { r.zlen = nil; r.zwfl = nil }
            if r.notes.hasPrefix("WEIGHT") { r.zwei = nil; r.zwfl = nil }
            link.append(r)
        }
        let s = try Score.compute(truthDir: dir + "/truth", link: link, growth: link)
        #expect(s.rejection.precision == 1 && s.rejection.recall == 1)
        #expect(s.measureNotes > 0 && s.measureNotesKept == s.measureNotes)
        #expect(s.duplicates.precision == 1 && s.duplicates.recall == 1 && s.duplicateTargetsRight == s.duplicates.tp)
        #expect(s.linkage.precision == 1 && s.linkage.recall == 1)
        #expect(s.twinPairsMerged == 0 && s.namesakePairsMerged == 0)
        #expect(!s.prevalence.isEmpty)
        for e in s.prevalence { #expect(e.error == 0 || (e.truth == nil && e.run == nil), "\(e.unit) \(e.indicator)") }
    }
}
