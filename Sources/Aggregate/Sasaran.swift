import TimbangCore

/// One row of a sasaran file: the target population S of a desa (posyandu empty) or of a
/// posyandu, for one month or (period nil) for every month.
public struct SasaranRow: Sendable, Equatable {
    /// The kabupaten the row belongs to: empty in a district's own run, the archive's
    /// kabupaten in a merge.
    public var kabupaten = ""
    /// Normalised names (upper case, single spaces), as `Record.unit` keys them.
    public var kecamatan: String
    public var desa: String
    public var posyandu: String
    public var period: YearMonth?
    public var s: Int

    public init(kecamatan: String, desa: String, posyandu: String = "", period: YearMonth? = nil, s: Int) {
        self.kecamatan = normalizedPlace(kecamatan); self.desa = normalizedPlace(desa)
        self.posyandu = normalizedPlace(posyandu); self.period = period; self.s = s
    }
}

/// Reads sasaran (target population) files.
public enum Sasaran {
    /// Parses CSV text with header `kecamatan, desa, posyandu, period, s`; `posyandu` and
    /// `period` (`YYYY-MM`) columns are optional and may be empty.
    /// - Throws: `AggregateError.sasaranMalformed` naming the row.
    public static func parse(csv text: String, name: String = "sasaran") throws -> [SasaranRow] {
        let t: Table
        do { t = try Table(name: name, csv: text) } catch {
            throw AggregateError.sasaranMalformed(file: name, why: "\(error)")
        }
        let header = t.columns.map { normalizedPlace($0).lowercased() }
        guard let ck = header.firstIndex(of: "kecamatan"), let cd = header.firstIndex(of: "desa"),
              let cs = header.firstIndex(of: "s") else {
            throw AggregateError.sasaranMalformed(file: name, why: "header needs kecamatan, desa, s (and optional posyandu, period)")
        }
        let cp = header.firstIndex(of: "posyandu"), cper = header.firstIndex(of: "period")
        var out: [SasaranRow] = []
        for (i, r) in t.rows.enumerated() {
            let sText = r[cs].trimmingSpaces
            guard let s = Int(sText), s >= 0 else {
                throw AggregateError.sasaranMalformed(file: name, why: "row \(i + 1): s '\(r[cs])' is not a whole number ≥ 0")
            }
            var period: YearMonth?
            if let cper, !r[cper].trimmingSpaces.isEmpty {
                guard let p = YearMonth(r[cper].trimmingSpaces) else {
                    throw AggregateError.sasaranMalformed(file: name, why: "row \(i + 1): period '\(r[cper])' is not YYYY-MM")
                }
                period = p
            }
            guard !normalizedPlace(r[cd]).isEmpty else {
                throw AggregateError.sasaranMalformed(file: name, why: "row \(i + 1): desa is empty")
            }
            out.append(SasaranRow(kecamatan: r[ck], desa: r[cd], posyandu: cp.map { r[$0] } ?? "", period: period, s: s))
        }
        return out
    }

    /// Reads a sasaran CSV file.
    public static func load(path: String) throws -> [SasaranRow] {
        guard let bytes = readFileBytes(path) else { throw AggregateError.sasaranUnreadable(path: path) }
        return try parse(csv: String(decoding: bytes, as: UTF8.self), name: path)
    }
}

extension String {
    var trimmingSpaces: String { normalizedPlace(self) }
}

/// Resolves S for a unit and month from the sasaran rows.
///
/// Posyandu: its own row for that month, else its row without a period. Desa: its own desa row
/// (posyandu empty) the same way, else the sum of its posyandu rows. Kecamatan and kabupaten:
/// the sum of their desa S. Puskesmas: the sum of the S of the desa that lie in that
/// puskesmas alone. No row → no S (empty).
struct SasaranLookup: Sendable {
    private struct Key: Hashable { var kabupaten: String; var kecamatan: String; var desa: String; var posyandu: String; var month: Int }
    private var exact: [Key: Int] = [:]
    /// Desa (kecamatan, desa) pairs named in the file.
    private var desas: [Key] = []
    let isEmpty: Bool

    init(_ rows: [SasaranRow]) {
        isEmpty = rows.isEmpty
        var seen: Set<Key> = []
        for r in rows {
            exact[Key(kabupaten: r.kabupaten, kecamatan: r.kecamatan, desa: r.desa, posyandu: r.posyandu, month: r.period?.index ?? -1)] = r.s
            let d = Key(kabupaten: r.kabupaten, kecamatan: r.kecamatan, desa: r.desa, posyandu: "", month: -1)
            if seen.insert(d).inserted { desas.append(d) }
        }
        posyandusByDesa = [:]
        for r in rows where !r.posyandu.isEmpty {
            let d = Key(kabupaten: r.kabupaten, kecamatan: r.kecamatan, desa: r.desa, posyandu: "", month: -1)
            if !(posyandusByDesa[d]?.contains(r.posyandu) ?? false) { posyandusByDesa[d, default: []].append(r.posyandu) }
        }
    }

    private var posyandusByDesa: [Key: [String]]

    private func row(_ kab: String, _ kec: String, _ desa: String, _ pos: String, _ month: YearMonth) -> Int? {
        exact[Key(kabupaten: kab, kecamatan: kec, desa: desa, posyandu: pos, month: month.index)]
            ?? exact[Key(kabupaten: kab, kecamatan: kec, desa: desa, posyandu: pos, month: -1)]
    }

    func posyandu(_ kab: String, _ kec: String, _ desa: String, _ pos: String, _ month: YearMonth) -> Int? {
        row(kab, kec, desa, pos, month)
    }

    func desa(_ kab: String, _ kec: String, _ desa: String, _ month: YearMonth) -> Int? {
        if let s = row(kab, kec, desa, "", month) { return s }
        let list = posyandusByDesa[Key(kabupaten: kab, kecamatan: kec, desa: desa, posyandu: "", month: -1)] ?? []
        let values = list.compactMap { row(kab, kec, desa, $0, month) }
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    /// Sum of desa S over the desas of the file that `include` accepts; nil when none has S.
    func sum(_ month: YearMonth, where include: (_ kabupaten: String, _ kecamatan: String, _ desa: String) -> Bool) -> Int? {
        var total: Int?
        for d in desas where include(d.kabupaten, d.kecamatan, d.desa) {
            if let s = desa(d.kabupaten, d.kecamatan, d.desa, month) { total = (total ?? 0) + s }
        }
        return total
    }
}
