import TimbangCore

extension Validate {
    /// A candidate agrees with the dump's own z-score when they differ by at most this
    /// (e-PPGBM rounds to 2 decimals and its tables agree with WHO anthro's to about 0.01).
    public static let sourceZAgreement = 0.1

    /// Repairs weights, lengths and LiLA that a spreadsheet turned into times (`7:07`,
    /// `67:06:00`) or fractions of a day, and reads the dump's damaged z-scores.
    ///
    /// - One possible reading (`7:45` → 7.45, `7:00` → 7): repaired,
    ///   `EXCEL_DAMAGE_REPAIRED:weight 7:45→7.45 (one reading)`.
    /// - Several (`7:07` → 7.07 or 7.7): each combination of the damaged weight and length is
    ///   scored (`settings.zScores`) and compared with the row's own z-scores (`ZS BB/U`,
    ///   `ZS TB/U`, `ZS BB/TB`, themselves possibly damaged: any of their readings) within
    ///   `sourceZAgreement`, or, where the row has no z, with its category labels (`BB/U`…).
    ///   When the agreeing combinations give one value per field, it is repaired with that
    ///   evidence; otherwise the record fails with `EXCEL_DAMAGED` and the candidates in notes.
    /// - LiLA with several readings is cleared (`MUAC_EXCEL_DAMAGED:<raw>→a|b`): LiLA never
    ///   rejects a record, as with `MUAC_IMPLAUSIBLE`.
    static func repairExcelDamage(_ r: inout Record, settings: ValidateSettings, failed: inout Set<Reason>,
                                  hints: inout [Reason: [String]], warnings: inout [String]) {
        func damaged(_ raw: String, _ parsed: Double?) -> [Double]? {
            guard !raw.isEmpty, parsed == nil || parsed! < 1 else { return nil }
            return ExcelDamage.candidates(raw, fractions: true)
        }
        let wc = damaged(r.weightRaw, r.weightKg), hc = damaged(r.heightRaw, r.heightCm), mc = damaged(r.muacRaw, r.muacCm)
        let sources = SourceEvidence(r)
        warnings += sources.remarks
        guard wc != nil || hc != nil || mc != nil else { return }
        func repaired(_ field: String, _ raw: String, _ v: Double, _ why: String) {
            warnings.append("EXCEL_DAMAGE_REPAIRED:\(field) \(raw)→\(formatNumber(v)) (\(why))")
        }
        if let mc {
            if mc.count == 1 { r.muacCm = mc[0]; repaired("muac", r.muacRaw, mc[0], "one reading") }
            else { r.muacCm = nil; warnings.append("MUAC_EXCEL_DAMAGED:\(r.muacRaw)→\(ExcelDamage.list(mc))") }
        }
        if let wc, wc.count == 1 { r.weightKg = wc[0]; repaired("weight", r.weightRaw, wc[0], "one reading") }
        if let hc, hc.count == 1 { r.heightCm = hc[0]; repaired("height", r.heightRaw, hc[0], "one reading") }
        let openW = (wc?.count ?? 0) > 1, openH = (hc?.count ?? 0) > 1
        guard openW || openH else { return }

        var pick: (w: Double?, h: Double?, why: String)? = nil
        if let lookup = settings.zScores, let sex = r.sex, let b = r.birthDate, let m = r.measureDate, m >= b {
            var agreeing: [(w: Double?, h: Double?, why: String)] = []
            for w in openW ? wc!.map(Optional.some) : [r.weightKg] {
                for h in openH ? hc!.map(Optional.some) : [r.heightCm] {
                    let z = lookup.zScores(sex: sex, ageDays: m - b, weightKg: w, heightCm: h, measure: r.measure)
                    if let why = sources.agree(z) { agreeing.append((w, h, why)) }
                }
            }
            let ws = Set(agreeing.map { $0.w }), hs = Set(agreeing.map { $0.h })
            if !agreeing.isEmpty, !openW || ws.count == 1, !openH || hs.count == 1 { pick = agreeing[0] }
        }
        if let pick {
            if openW, let w = pick.w { r.weightKg = w; repaired("weight", r.weightRaw, w, pick.why) }
            if openH, let h = pick.h { r.heightCm = h; repaired("height", r.heightRaw, h, pick.why) }
            return
        }
        failed.insert(.excelDamaged)
        if openW { hints[.excelDamaged, default: []].append("EXCEL_DAMAGED:weight \(r.weightRaw)→\(ExcelDamage.list(wc!))") }
        if openH { hints[.excelDamaged, default: []].append("EXCEL_DAMAGED:height \(r.heightRaw)→\(ExcelDamage.list(hc!))") }
    }
}

/// The row's own z-scores and categories, as evidence for a damaged measurement.
struct SourceEvidence {
    /// Per index (wei, len, wfl): the readings of the z cell (one, or a damaged cell's
    /// candidates) and the category label.
    var z: [[Double]] = [[], [], []]
    var label: [String] = ["", "", ""]
    /// Remarks about damaged z cells (repaired by their category, or not).
    var remarks: [String] = []

    static let names = ["ZS BB/U", "ZS TB/U", "ZS BB/TB"]
    static let catNames = ["BB/U", "TB/U", "BB/TB"]
    static let fields = ["source_zwei", "source_zlen", "source_zwfl"]
    static let indices: [Permenkes2020.Index] = [.bbu, .tbu, .bbtb]

    init(_ r: Record) {
        let raws = [r.sourceZWei, r.sourceZLen, r.sourceZWfl]
        let cats = [r.sourceCatWei, r.sourceCatLen, r.sourceCatWfl]
        guard !(raws[0].isEmpty && raws[1].isEmpty && raws[2].isEmpty && cats[0].isEmpty && cats[1].isEmpty && cats[2].isEmpty) else { return }
        for k in 0..<3 {
            label[k] = cats[k]
            switch SourceZ.read(raws[k]) {
            case .value(let v): z[k] = [v]
            case .damaged(let c):
                if let (v, why) = SourceZ.resolve(raws[k], category: cats[k], index: SourceEvidence.indices[k]) {
                    z[k] = [v]
                    remarks.append("EXCEL_DAMAGE_REPAIRED:\(SourceEvidence.fields[k]) \(raws[k])→\(formatNumber(v)) (\(why ?? "one reading"))")
                } else {
                    z[k] = c
                    remarks.append("SOURCE_Z_DAMAGED:\(SourceEvidence.fields[k]) \(raws[k])→\(ExcelDamage.list(c))")
                }
            case .missing, .unreadable: break
            }
        }
    }

    /// When timbang's z-scores of a candidate agree with every z (or, for an index with no z,
    /// category) of the row that they can be compared with — at least one — the evidence, as
    /// notes write it; else nil.
    func agree(_ mine: (wei: Double?, len: Double?, wfl: Double?)) -> String? {
        let zs = [mine.wei, mine.len, mine.wfl]
        var used: [String] = []
        for k in 0..<3 {
            guard let m = zs[k] else { continue }
            if !z[k].isEmpty {
                guard let s = z[k].first(where: { abs($0 - m) <= Validate.sourceZAgreement + 1e-9 }) else { return nil }
                used.append("\(SourceEvidence.names[k]) \(formatNumber(s))")
            } else if let b = Permenkes2020.band(SourceEvidence.indices[k], sourceLabel: label[k]) {
                guard Permenkes2020.categories[SourceEvidence.indices[k]]![b].contains(m) else { return nil }
                used.append("\(SourceEvidence.catNames[k]) \(label[k])")
            }
        }
        return used.isEmpty ? nil : used.joined(separator: ", ")
    }
}
