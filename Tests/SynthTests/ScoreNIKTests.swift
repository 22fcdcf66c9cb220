import TimbangCore
@testable import Synth
import Testing

/// Issue 11: a malformed NIK is a note on a valid record; rejecting it is a false rejection.
@Test func aRejectedMalformedNIKIsAFalseRejectionAndAKeptOneIsRight() throws {
    let dir = tempDir("score-nik")
    let columns = Generator.recordColumns
    func row(_ record: String, note: String) -> [String] {
        let r = ["file": "f.csv", "record": record, "fate": "valid", "child_id": "C1", "measure_note": note]
        return columns.map { r[$0] ?? "" }
    }
    try RecordTable.write(Table(name: "records", columns: columns,
                                rows: [row("1", note: "NIK_INVALID"), row("2", note: "NIK_INVALID"), row("3", note: "")]),
                          to: dir + "/records.csv")
    try RecordTable.write(Table(name: "children", columns: Generator.childColumns,
                                rows: [Generator.childColumns.map { $0 == "child_id" ? "C1" : "" }]), to: dir + "/children.csv")
    try RecordTable.write(PrevalenceCounts().table(), to: dir + "/prevalence.csv")
    func run(_ n: Int, _ status: Status, reason: String = "", notes: String = "") -> Record {
        var r = Record(ref: RowRef(file: "f.csv", record: n, line: n + 1))
        r.status = status; r.reason = reason; r.notes = notes; r.childKey = status == .valid ? "K1" : ""
        return r
    }
    let s = try Score.compute(truthDir: dir, link: [
        run(1, .valid, notes: "NIK_INVALID"), run(2, .invalid, reason: "NIK_INVALID"), run(3, .valid),
    ], growth: nil)
    #expect(s.measureNotes == 2 && s.measureNotesKept == 1 && s.measureNotesRejected == 1)
    #expect(s.rejection == Score.PR(tp: 0, fp: 1, fn: 0))
    #expect(s.rejectionByReason["NIK_INVALID"] == Score.PR(tp: 0, fp: 1, fn: 0))
}
