import Foundation
import Growth
import Testing
import TimbangCore

@Suite struct EngineTests {
    @Test func roundingFollowsR() {
        #expect(roundLikeR(-1.0694005899537493) == -1.07)
        #expect(roundLikeR(5.004) == 5)
        #expect(roundLikeR(2.345) == 2.35, "decimal ties round away from zero (2.345 is above the tie in binary)")
        #expect(roundLikeR(-2.345) == -2.35)
        #expect(roundLikeR(1.005) == 1, "1.005 is below the tie in binary, as R gives")
        #expect(roundLikeR(0.125) == 0.12, "an exact binary tie goes to the even neighbour (R ≥ 4.0)")
        #expect(roundLikeR(-0.004).sign == .minus && roundLikeR(-0.004) == 0)
    }

    @Test func flagsAreDecidedOnTheRoundedZ() {
        // A raw zwei just above 5 rounds to 5.00 and is not flagged.
        #expect(Indicator.weightForAge.flag == .outside(low: -6, high: 5))
        let age = 365.0
        let lms = standards.lms(.weightForAge, sex: .male, ageDays: 365)!
        // Find a weight whose restricted z is 5.004.
        let sd3 = lms.m * pow(1 + lms.l * lms.s * 3, 1 / lms.l)
        let sd2 = lms.m * pow(1 + lms.l * lms.s * 2, 1 / lms.l)
        let w = sd3 + 2.004 * (sd3 - sd2)
        let r = standards.zscores(ZScoreInput(sex: .male, ageDays: age, weightKg: w, lenheiCm: nil))
        #expect(abs(r.weight!.raw - 5.004) < 1e-9)
        #expect(r.zwei == 5 && r.fwei == false)
        let r2 = standards.zscores(ZScoreInput(sex: .male, ageDays: age, weightKg: sd3 + 2.006 * (sd3 - sd2), lenheiCm: nil))
        #expect(r2.zwei == 5.01 && r2.fwei == true)
    }

    @Test func noZScoreAtSixtyMonthsButAtJustUnder() {
        let under = standards.zscores(ZScoreInput(sex: .female, ageDays: 1826.2, weightKg: 18, lenheiCm: 108, measure: .standing))
        let at = standards.zscores(ZScoreInput(sex: .female, ageDays: 1826.25, weightKg: 18, lenheiCm: 108, measure: .standing))
        #expect(under.zwei != nil && under.zlen != nil && under.zwfl != nil && under.zbmi != nil)
        #expect(at.zwei == nil && at.zlen == nil && at.zwfl == nil && at.zbmi == nil)
        #expect(at.clenhei == 108 && at.cbmi != nil)
    }

    @Test func standingHeightUnderNineMonthsIsDroppedAndFlagged() {
        let r = standards.zscores(ZScoreInput(sex: .male, ageDays: 273, weightKg: 8, lenheiCm: 70, measure: .standing))
        #expect(r.c9mo && r.cmeasure == nil && r.clenhei == 70)
        let r2 = standards.zscores(ZScoreInput(sex: .male, ageDays: 274, weightKg: 8, lenheiCm: 70, measure: .standing))
        #expect(!r2.c9mo && r2.cmeasure == .standing && r2.clenhei == 70 + 0.7)
    }

    @Test func positionCorrectionSwitchesAt731Days() {
        let lying730 = standards.zscores(ZScoreInput(sex: .male, ageDays: 730, weightKg: 12, lenheiCm: 86, measure: .lying))
        let lying731 = standards.zscores(ZScoreInput(sex: .male, ageDays: 731, weightKg: 12, lenheiCm: 86, measure: .lying))
        #expect(lying730.clenhei == 86 && lying731.clenhei == 86 - 0.7)
        let unknown = standards.zscores(ZScoreInput(sex: .male, ageDays: 800, weightKg: 12, lenheiCm: 86))
        #expect(unknown.clenhei == 86 && unknown.cmeasure == nil)
    }

    @Test func withoutAgeOrMeasureLengthUnder87PicksTheLengthTable() {
        // 86.9 cm: length table; 87 cm: height table (65–120 cm).
        let below = standards.zscores(ZScoreInput(sex: .male, ageDays: nil, weightKg: 11, lenheiCm: 86.9))
        let wfl = standards.lms(.weightForLength, sex: .male, lengthCm: 86.9)!
        #expect(below.weightForLength!.raw == wfl.restrictedZ(11))
        let above = standards.zscores(ZScoreInput(sex: .male, ageDays: nil, weightKg: 11, lenheiCm: 87))
        let wfh = standards.lms(.weightForHeight, sex: .male, lengthCm: 87)!
        #expect(above.weightForLength!.raw == wfh.restrictedZ(11))
        #expect(below.zwei == nil && below.zlen == nil)
    }

    @Test func lmsIsInterpolatedBetweenTenthCentimetreRows() {
        let a = standards.lms(.weightForLength, sex: .female, lengthCm: 60.1)!
        let b = standards.lms(.weightForLength, sex: .female, lengthCm: 60.2)!
        let mid = standards.lms(.weightForLength, sex: .female, lengthCm: 60.15)!
        #expect(abs(mid.m - (a.m + b.m) / 2) < 1e-12)
        #expect(standards.lms(.weightForLength, sex: .female, lengthCm: 44.99) == nil)
        #expect(standards.lms(.weightForLength, sex: .female, lengthCm: 110) != nil)
        #expect(standards.lms(.weightForLength, sex: .female, lengthCm: 110.01) == nil)
    }

    @Test func oedemaBlanksTheWeightBasedZScores() {
        let r = standards.zscores(ZScoreInput(sex: .female, ageDays: 400, weightKg: 7, lenheiCm: 72, measure: .lying, oedema: true))
        #expect(r.zwei == nil && r.zwfl == nil && r.zbmi == nil && r.fwei == nil)
        #expect(r.zlen != nil && r.cbmi != nil)
    }

    @Test func armCircumferenceFrom91Days() {
        let before = standards.zscores(ZScoreInput(sex: .male, ageDays: 90, weightKg: nil, lenheiCm: nil, muacCm: 13))
        let from = standards.zscores(ZScoreInput(sex: .male, ageDays: 91, weightKg: nil, lenheiCm: nil, muacCm: 13.4779))
        #expect(before.zac == nil)
        #expect(from.zac == 0 && from.fac == false, "the median MUAC at 91 days has z = 0")
        let low = standards.zscores(ZScoreInput(sex: .male, ageDays: 400, weightKg: nil, lenheiCm: nil, muacCm: 9))
        #expect(low.zac! < -3, "MUAC 9 cm at 13 months is severe (restricted below −3)")
    }

    @Test func aModifiedTableFailsItsChecksum() throws {
        let source = ReferenceLocator.find(start: #filePath)! + "/who-growth-standards"
        let dir = NSTemporaryDirectory() + "timbang-growth-\(getpid())-checksum"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: dir + "/" + name)
        }
        #expect(throws: Never.self) { try GrowthStandards(directory: dir) }
        var bytes = readFileBytes(dir + "/weianthro.txt")!
        let i = bytes.lastIndex(of: UInt8(ascii: "4"))!
        bytes[i] = UInt8(ascii: "5")
        try AtomicFile.write(bytes, to: dir + "/weianthro.txt")
        do {
            _ = try GrowthStandards(directory: dir)
            Issue.record("a modified weianthro.txt loaded")
        } catch {
            #expect("\(error)".contains("weianthro.txt has SHA-256"))
        }
    }

    @Test func checksumsAreReportedForTheManifest() {
        #expect(standards.checksums["weianthro.txt"] == "bc15a6a623dd1d5beaeed1497666332aa54bc4ccd15ff9658c487d79694ab77b")
        #expect(standards.checksums.count == GrowthTable.allCases.count)
    }
}

@Suite struct RoundingTests {
    /// R's fround without the fast path, to check the fast path against it.
    func fround(_ value: Double) -> Double {
        var x = value, sign = 1.0
        if x < 0 { sign = -1; x = -x }
        let x10 = x * 100, i10 = x10.rounded(.down)
        let xd = i10 / 100, xu = x10.rounded(.up) / 100
        let du = xu - x, dd = x - xd
        return sign * ((du < dd || (Int64(i10) & 1 == 1 && du == dd)) ? xu : xd)
    }

    @Test func fastPathAgreesWithRsAlgorithm() {
        var state: UInt64 = 7
        for i in 0..<200_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            // Values near ties (k + 0.5)/100 and plain values, both signs.
            let near = (Double(Int(u * 2000) - 1000) + 0.5) / 100 + Double(i % 7 - 3) * 1e-12
            for x in [near, u * 20 - 10] where x != 0 {
                #expect(roundLikeR(x) == fround(x), "x = \(x)")
            }
        }
    }
}
