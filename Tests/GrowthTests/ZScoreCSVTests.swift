import Growth
import Testing
import TimbangCore

@Suite struct ZScoreCSVTests {
    func convert(_ text: String, raw: Bool = false, threads: Int = 1) throws -> ZScoreCSV.Output {
        try ZScoreCSV.convert(Array(text.utf8), standards: standards, options: .init(raw: raw, threads: threads))
    }
    func lines(_ out: ZScoreCSV.Output) -> [String] {
        String(decoding: out.csv, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func writesTheAnthroColumns() throws {
        let out = try convert("id,sex,age_days,weight_kg,lenhei_cm,measure,oedema\nA1,1,0,2.85,48.9,l,n\n")
        #expect(lines(out) == [
            "id,clenhei,cmeasure,c9mo_flag,cbmi,zlen,flen,zwei,fwei,zwfl,fwfl,zbmi,fbmi",
            "A1,48.9,l,0,11.918652063181403,-0.52,0,-1.07,0,-1,0,-1.25,0",
        ])
    }

    @Test func muacAddsZacAndRawAddsUnroundedColumns() throws {
        let out = try convert("muac_cm,id,sex,age_days,weight_kg,lenhei_cm,measure,oedema\n13.4779,B,1,91,,,,\n", raw: true)
        #expect(lines(out) == [
            "id,clenhei,cmeasure,c9mo_flag,cbmi,zlen,flen,zwei,fwei,zwfl,fwfl,zbmi,fbmi,zac,fac,zlen_raw,zwei_raw,zwfl_raw,zbmi_raw,zac_raw",
            "B,,,0,,,,,,,,,,0,0,,,,,0",
        ])
    }

    @Test func headerNamesAnyOrderAnyCaseOtherColumnsIgnoredQuotesCRLFBOMAndNA() throws {
        let text = "\u{FEFF}\"ID\",Nama,Sex,Age_Days,Weight_kg,Lenhei_cm,Measure,Oedema\r\n"
            + "\"P,1\",\"Siti \"\"Ani\"\"\",\"2\",\"400\",\"8.59\",NA,\"l\",\"\"\r\n\r\n"
            + "P2,Budi,m,NA,9,70,, n \r\n"
        let out = try convert(text)
        let l = lines(out)
        #expect(out.rows == 2 && out.warningCount == 0)
        #expect(l[1] == "\"P,1\",,l,0,,,,-0.56,0,,,,")
        #expect(l[2].hasPrefix("P2,70,,0,18.367346938775512,,,,,"), "no age: weight-for-length by length < 87 cm")
    }

    @Test func unreadableValuesGiveEmptyOutputsAndWarningsNeverAnAbort() throws {
        let text = "id,sex,age_days,weight_kg,lenhei_cm,measure,oedema\n"
            + "W1,1,400,abc,75,l,n\n"      // weight: zwei, zwfl, zbmi, cbmi empty; zlen kept
            + "W2,x,400,9,75,l,n\n"        // sex: every z empty, clenhei/cbmi kept
            + "W3,1,-5,9,75,l,n\n"         // negative age: everything age-dependent empty
            + "W4,1,400,9,75,s,n\n"        // measure: clenhei, cbmi, zlen, zwfl, zbmi empty; zwei kept
            + "W5,1,400,9,75,l,maybe\n"    // oedema: weight-based z empty
            + "W6,1,400\n"                 // short row
        let out = try convert(text)
        let l = lines(out)
        #expect(out.rows == 6)
        #expect(out.warningCount == 6)
        #expect(out.warnings[0] == "row 1 (id W1): weight_kg 'abc' is not a number")
        #expect(out.warnings[2] == "row 3 (id W3): age_days '-5' is negative")
        let cells = l.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        // columns: 0 id,1 clenhei,2 cmeasure,3 c9mo,4 cbmi,5 zlen,6 flen,7 zwei,8 fwei,9 zwfl,10 fwfl,11 zbmi,12 fbmi
        #expect(cells[0][1] == "75" && cells[0][4] == "" && cells[0][5] != "" && cells[0][7] == "" && cells[0][9] == "" && cells[0][11] == "")
        #expect(cells[1][1] == "75" && cells[1][4] != "" && cells[1][5...].allSatisfy { $0.isEmpty })
        #expect(cells[2][1] == "" && cells[2][2] == "" && cells[2][3] == "" && cells[2][5...].allSatisfy { $0.isEmpty })
        #expect(cells[3][1] == "" && cells[3][4] == "" && cells[3][5] == "" && cells[3][7] != "" && cells[3][9] == "")
        #expect(cells[4][5] != "" && cells[4][7] == "" && cells[4][9] == "" && cells[4][11] == "")
        #expect(cells[5][5...].allSatisfy { $0.isEmpty } && out.warnings[5].contains("fewer than the header"))
    }

    @Test func aMissingRequiredColumnIsOneClearError() {
        do {
            _ = try convert("id,sex,age,weight_kg,lenhei_cm\n1,1,2,3,4\n")
            Issue.record("accepted a header without age_days")
        } catch {
            #expect("\(error)".hasPrefix("the header has no column age_days (found: id, sex, age, weight_kg, lenhei_cm)"))
        }
    }

    @Test func numbersParseExactlyAsStrtod() throws {
        // Long and exponent forms take the slow path and still read the same double.
        let out = try convert("id,sex,age_days,weight_kg,lenhei_cm,measure,oedema\n"
            + "a,1,4e2,8.5900000000000000001,75.0,l,n\nb,1,400,8.59,75,l,n\n")
        let l = lines(out)
        #expect(l[1].dropFirst(2) == l[2].dropFirst(2))
    }
}

@Suite struct ZScoreCSVRoundTripTests {
    /// clenhei, cbmi and raw z are written so that they read back as the very same doubles.
    @Test func cleanedValuesAndRawZReadBackExactly() throws {
        var text = "id,sex,age_days,weight_kg,lenhei_cm,measure,oedema\n"
        var inputs: [ZScoreInput] = []
        var state: UInt64 = 3
        for i in 0..<3000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            let age = Int(u * 1850), len = (450 + u * 700).rounded() / 10 + (i % 3 == 0 ? 0.05 : 0)
            let w = (20 + u * 200).rounded() / 10
            let m: Measure = i % 2 == 0 ? .lying : .standing
            inputs.append(ZScoreInput(sex: i % 2 == 0 ? .male : .female, ageDays: Double(age), weightKg: w, lenheiCm: len, measure: m))
            text += "r\(i),\(i % 2 == 0 ? 1 : 2),\(age),\(w),\(len),\(m.rawValue),n\n"
        }
        let out = try ZScoreCSV.convert(Array(text.utf8), standards: standards, options: .init(raw: true, threads: 2))
        let (header, rows) = parsePlainCSV(out.csv)
        let col = { (name: String) in header.firstIndex(of: name)! }
        for (cells, input) in zip(rows, inputs) {
            let r = standards.zscores(input)
            #expect(Double(cells[col("clenhei")]) == r.clenhei, "clenhei \(cells[col("clenhei")]) of \(cells[0])")
            #expect(Double(cells[col("cbmi")]) == r.cbmi, "cbmi \(cells[col("cbmi")]) of \(cells[0])")
            #expect(Double(cells[col("zwfl_raw")]) == r.weightForLength?.raw, "zwfl_raw of \(cells[0])")
            #expect(Double(cells[col("zwfl")]) == r.zwfl, "zwfl of \(cells[0])")
        }
    }
}

@Suite struct ZScoreCSVChunkTests {
    /// Quoted fields with commas, quotes and line ends survive any chunk size and thread count.
    @Test func quotedLineEndsNeverSplitARecord() throws {
        var text = "id,sex,age_days,weight_kg,lenhei_cm,measure,oedema\r\n"
        for i in 0..<400 {
            let id = i % 5 == 0 ? "\"child \(i)\nline two, \"\"quoted\"\"\"" : "c\(i)"
            text += "\(id),\(i % 2 + 1),\(i * 4),\(3 + Double(i) / 40),\(50 + Double(i) / 5),\(i < 180 ? "l" : "h"),n\r\n"
        }
        let bytes = Array(text.utf8)
        let whole = try ZScoreCSV.convert(bytes, standards: standards, options: .init(threads: 1))
        #expect(whole.rows == 400 && whole.warningCount == 0)
        #expect(String(decoding: whole.csv, as: UTF8.self).contains("\"child 0\nline two, \"\"quoted\"\"\",50,l,0,"))
        for chunkBytes in [1, 7, 64, 500] {
            var options = ZScoreCSV.Options(threads: 3)
            options.chunkBytes = chunkBytes
            let split = try ZScoreCSV.convert(bytes, standards: standards, options: options)
            #expect(split.csv == whole.csv, "chunkBytes \(chunkBytes)")
        }
    }
}
