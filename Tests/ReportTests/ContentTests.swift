import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TimbangCore
@testable import Report

@Suite struct PrivacyTests {
    /// Every NIK, name, parent name, address and birth date of the input, in the ways they are written.
    func secrets() -> [String] {
        var out: [String] = []
        for p in Fixture.people {
            out += [p.nik, p.name, p.parent, p.address, p.birth]
            let d = Day(iso: p.birth)!
            out.append("\(pad(d.day, 2))/\(pad(d.month, 2))/\(d.year)")
            out.append("\(pad(d.day, 2))-\(pad(d.month, 2))-\(d.year)")
            out += p.name.split(separator: " ").filter { $0.count >= 5 }.map(String.init)
        }
        return out
    }

    @Test func publicEntriesHoldNoPersonalData() throws {
        let entries = try Archive.read(bytes: try Report.buildArchive(Fixture().input(byName: true)))
        let publicEntries = entries.filter { $0.path.hasPrefix("public/") || $0.path == "manifest.json" }
        #expect(publicEntries.count == 11)
        for e in publicEntries {
            let text = (e.path.hasSuffix(".xlsx") ? try ExcelTables.xmlText(e.bytes) : e.text).uppercased()
            for s in secrets() {
                #expect(!text.contains(s.uppercased()), "\(e.path) holds '\(s)'")
            }
        }
        // The by-name list exists, and only under restricted/.
        let byName = entries.first { $0.path == "restricted/by_name_followup.csv" }
        #expect(byName?.text.contains(Fixture.people[0].nik) == true)
    }

    @Test func withoutAByNameRequestNoNamesAnywhere() throws {
        let entries = try Archive.read(bytes: try Report.buildArchive(Fixture().input(byName: false)))
        #expect(!entries.contains { $0.path.contains("by_name") })
        for e in entries where e.path != "restricted/findings.csv" {
            let text = e.path.hasSuffix(".xlsx") ? try ExcelTables.xmlText(e.bytes) : e.text
            for p in Fixture.people { #expect(!text.contains(p.name), "\(e.path)") }
        }
    }

    @Test func personalColumnsAreDroppedFromPublicTables() throws {
        var input = Fixture().input()
        input.aggregate.append(Table(name: "mistake", columns: ["level", "period", "nik", "name", "children_n"],
                                     rows: [["kabupaten", "latest", Fixture.people[1].nik, Fixture.people[1].name, "12"]]))
        let entries = try Archive.read(bytes: try Report.buildArchive(input))
        let t = entries.first { $0.path == "public/mistake.csv" }!
        #expect(t.text == "level,period,children_n\nkabupaten,latest,12\n")
    }
}

@Suite struct HTMLTests {
    func page() throws -> String {
        let entries = try Archive.read(bytes: try Report.buildArchive(Fixture().input()))
        return entries.first { $0.path == "public/report.html" }!.text
    }

    @Test func pageIsWellFormedXML() throws {
        let html = try page()
        #if canImport(FoundationXML) || canImport(Darwin)
        let parser = XMLParser(data: Data(html.utf8))
        let ok = parser.parse()
        #expect(ok, "XML error: \(String(describing: parser.parserError)) at line \(parser.lineNumber)")
        #else
        #expect(tagsBalance(html))
        #endif
        #expect(tagsBalance(html))
    }

    @Test func pageNamesEveryKecamatanAndEscapesText() throws {
        let html = try page()
        let fixture = Fixture()
        for kec in Set(fixture.posyandu.map(\.kecamatan)) {
            #expect(html.contains(kec), "report.html does not name kecamatan \(kec)")
        }
        #expect(html.contains("SUKA &amp; DUKA"))
        #expect(!html.contains("SUKA & DUKA"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || !html.contains("src=\"http"))
        #expect(html.contains("<svg"))
        #expect(html.contains("k = 5"))
    }

    @Test func smallCellsShowAsSuppressedInThePage() throws {
        // Desa SUKA & DUKA has 2 wasted children of 38: the cell reads S/38, never 2/38.
        let html = try page()
        #expect(html.contains(">S/38<"))
        #expect(!html.contains(">2/38<"))
    }

    /// A small checker: every opening tag is closed in order (void tags written as `<x/>`).
    func tagsBalance(_ s: String) -> Bool {
        var stack: [String] = []
        var i = s.startIndex
        while let lt = s[i...].firstIndex(of: "<") {
            guard let gt = s[lt...].firstIndex(of: ">") else { return false }
            let tag = s[s.index(after: lt)..<gt]
            i = s.index(after: gt)
            if tag.hasPrefix("!") || tag.hasPrefix("?") { continue }
            if tag.hasSuffix("/") { continue }
            let name = tag.split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init) ?? ""
            if name.hasPrefix("/") {
                guard stack.popLast() == String(name.dropFirst()) else { return false }
            } else {
                stack.append(name)
            }
        }
        return stack.isEmpty
    }
}

@Suite struct DiffTests {
    @Test func identicalArchivesAreReportedIdentical() throws {
        let dir = temporaryFolder("diff-same")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = try Report.buildArchive(Fixture().input())
        writeFile(bytes, dir + "/a.tar.gz"); writeFile(bytes, dir + "/b.tar.gz")
        let r = try ArchiveDiff.diff(old: dir + "/a.tar.gz", new: dir + "/b.tar.gz")
        #expect(r.identical)
        #expect(r.text(old: "a", new: "b") == "Archives are identical: a and b\n")
    }

    @Test func oneChangedInputFileNamesExactlyTheAffectedUnits() throws {
        let dir = temporaryFolder("diff-unit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let old = Fixture()
        var new = old
        // The dump of Pasir Jaya was corrected: posyandu DAHLIA has two more stunted children.
        new.inputs[1].sha256 = String(repeating: "f6", count: 32)
        new.inputs[1].bytes += 120
        new.posyandu[4].stunting += 2
        new.ledgerStatusOverride = [1: ("invalid", "DATE_INVALID"), 3: ("valid", "")]
        writeFile(try Report.buildArchive(old.input()), dir + "/old.tar.gz")
        writeFile(try Report.buildArchive(new.input()), dir + "/new.tar.gz")
        let r = try ArchiveDiff.diff(old: dir + "/old.tar.gz", new: dir + "/new.tar.gz")
        #expect(!r.identical)
        #expect(r.inputsChanged == ["posyandu/pasir-jaya-2024-01.csv"])
        #expect(r.inputsAdded.isEmpty && r.inputsRemoved.isEmpty)
        #expect(r.changedUnits == ["desa PASIR JAYA / MEKARSARI", "kabupaten", "kecamatan PASIR JAYA",
                                   "posyandu PASIR JAYA / MEKARSARI / DAHLIA"])
        let dahlia = r.rows.first { $0.unit == "posyandu PASIR JAYA / MEKARSARI / DAHLIA" && $0.period == "latest" && $0.table == "prevalence" }
        #expect(dahlia?.values.first { $0.column == "stunting_n" }.map { "\($0.old)→\($0.new)" } == "9→11")
        #expect(r.ledgerChanged == 2)
        #expect(r.ledgerSample.map(\.record).count == 2)
        #expect(r.entriesChanged == ["public/laporan.xlsx", "public/report.html", "public/tables.xlsx", "restricted/laporan.xlsx", "restricted/report.html"])
        let text = r.text(old: "old", new: "new")
        #expect(text.contains("~ posyandu/pasir-jaya-2024-01.csv"))
        // The summary names the headline figure; the cell itself is under --details.
        let headline = try #require(r.headlines.first { $0.unit == "posyandu PASIR JAYA / MEKARSARI / DAHLIA" && $0.period == "latest" })
        let stunting = try #require(headline.figures.first { $0.column == "stunting" })
        #expect(stunting.old.contains("(9/") && stunting.new.contains("(11/"), "\(stunting)")
        #expect(r.headlines.first?.unit == "kabupaten")
        #expect(text.contains("posyandu PASIR JAYA / MEKARSARI / DAHLIA, latest: stunting "))
        #expect(!text.contains("stunting_n 9 → 11"))
        // --details lists the other cells, not the headline's again.
        #expect(!r.detailLines().contains { $0.contains("DAHLIA, latest [prevalence sex=all age_group=all]") && $0.contains("stunting_n") })
        #expect(r.text(old: "old", new: "new", details: true).contains("Changed cells"))
        #expect(r.ledgerTransitions.reduce(0) { $0 + $1.count } == 2)
        let json = r.json()
        #expect(json["units_changed"]?.array?.count == 4)
        #expect(json["ledger"]?["changed_fate"]?.int == 2)
    }

    @Test func configAndReferenceChangesAreNamed() throws {
        let a = Fixture().input()
        var b = a
        b.configText = a.configText.replacingOccurrences(of: "min_cell = 5", with: "min_cell = 10")
        b.references[0].version = "WHO 2006 (2011 corr.)"
        let r = try ArchiveDiff.diff(old: try Archive.read(bytes: try Report.buildArchive(a)),
                                     new: try Archive.read(bytes: try Report.buildArchive(b)))
        #expect(r.configRemovedLines == ["min_cell = 5"])
        #expect(r.configAddedLines == ["min_cell = 10"])
        #expect(r.referenceChanges == ["who/wfa_boys_0-5.txt: version WHO 2006 → WHO 2006 (2011 corr.)"])
        #expect(r.rows.isEmpty)
    }
}

@Test func theReportHasASectionOnAgreementWithEPPGBMsOwnZScoresPerFile() throws {
    var input = Fixture().input()
    input.aggregate.append(Table(name: "source_agreement", columns: ["file", "srcz_wei_n", "srcz_wei_d", "srcz_wei_pct"],
                                 rows: [["a.csv", "12", "400", "3"], ["ALL", "12", "400", "3"]]))
    let entries = try Archive.read(bytes: try Report.buildArchive(input))
    let html = entries.first { $0.path == "public/report.html" }!.text
    #expect(html.contains("<section id=\"kesesuaian\">"))
    #expect(html.contains(">a.csv<") && html.contains(">400<"))
    #expect(entries.contains { $0.path == "public/source_agreement.csv" })
    // without the table, no section
    let plain = try Archive.read(bytes: try Report.buildArchive(Fixture().input()))
    #expect(!plain.first { $0.path == "public/report.html" }!.text.contains("kesesuaian"))
}

@Suite struct RestrictedReportTests {
    func pages() throws -> (public: String, restricted: String) {
        let entries = try Archive.read(bytes: try Report.buildArchive(Fixture().input()))
        return (entries.first { $0.path == "public/report.html" }!.text, try #require(entries.first { $0.path == "restricted/report.html" }).text)
    }

    /// Every `n/d` shown under a percentage, as numbers (an `S` numerator is nil).
    func fractions(_ html: String) -> [(n: Int?, d: Int?)] {
        html.components(separatedBy: "<span class=\"nd\">").dropFirst().map { piece in
            let text = piece.prefix { $0 != "<" }.split(separator: "/")
            return (text.first.flatMap { Int($0) }, text.last.flatMap { Int($0) })
        }
    }

    @Test func theRestrictedReportHoldsTheUnsuppressedFiguresAndThePublicOneNoneBelowK() throws {
        let (pub, restricted) = try pages()
        let k = Fixture().input().suppressionK
        #expect(restricted.contains("TERBATAS") && restricted.contains("RESTRICTED — for the health office and puskesmas only"))
        #expect(!pub.contains("TERBATAS"))
        #expect(!restricted.contains(">S<") && !restricted.contains(">S/"))
        #expect(pub.contains(">S<") || pub.contains(">S/"))
        let small = fractions(restricted).filter { f in f.n.map { $0 >= 1 && $0 < k } ?? false }
        #expect(!small.isEmpty, "the restricted page shows figures below k")
        #expect(fractions(pub).allSatisfy { f in f.n.map { !($0 >= 1 && $0 < k) } ?? true })
        #expect(fractions(restricted).count == fractions(pub).count, "the same tables, figure for figure")
        #if canImport(FoundationXML) || canImport(Darwin)
        let parser = XMLParser(data: Data(restricted.utf8))
        #expect(parser.parse(), "XML error: \(String(describing: parser.parserError)) at line \(parser.lineNumber)")
        #endif
    }

    @Test func theRestrictedReportListsTheFollowUpAndWhatToFixPerPosyandu() throws {
        let (_, restricted) = try pages()
        let input = Fixture().input()
        let followup = try #require(input.monitor.first { $0.name == "followup" })
        let key = try #require(followup.column("child_key"))
        for row in followup.rows { #expect(restricted.contains(String(row[key].prefix(12))), "\(row[key])") }
        #expect(restricted.contains("Daftar tindak lanjut per posyandu"))
        #expect(restricted.contains("Kualitas data per posyandu, yang terburuk dahulu"))
    }
}
