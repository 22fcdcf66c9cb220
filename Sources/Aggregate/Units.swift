import TimbangCore

/// The reporting levels, in output order: `provinsi` (the top of a merge of district
/// archives, `timbang merge`), then the five of a district's own run.
enum Level: Int, Sendable, CaseIterable, Comparable {
    case provinsi, kabupaten, kecamatan, puskesmas, desa, posyandu

    var name: String {
        switch self {
        case .provinsi: return "provinsi"
        case .kabupaten: return "kabupaten"
        case .kecamatan: return "kecamatan"
        case .puskesmas: return "puskesmas"
        case .desa: return "desa"
        case .posyandu: return "posyandu"
        }
    }

    static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
}

/// One reporting unit: a level and the names that key it. A desa is keyed by kecamatan and
/// desa; a posyandu by kecamatan, desa and posyandu; a puskesmas by its name alone; in a
/// merge, each of them by its kabupaten as well.
struct UnitID: Hashable, Sendable {
    var level: Level
    var kabupaten = ""
    var kecamatan = ""
    var puskesmas = ""
    var desa = ""
    var posyandu = ""
}

/// One distinct unit key of the aggregate cube: the kabupaten (empty in a district's own run;
/// the archive's kabupaten in a merge) and the names below it. Ordered by kabupaten, then as
/// `UnitKey` orders (kecamatan, desa, posyandu, puskesmas), byte order.
struct CubeKey: Hashable, Comparable, Sendable {
    var kabupaten = ""
    var unit: UnitKey

    static func < (a: CubeKey, b: CubeKey) -> Bool {
        if a.kabupaten != b.kabupaten { return a.kabupaten.utf8.lexicographicallyPrecedes(b.kabupaten.utf8) }
        for (x, y) in [(a.unit.kecamatan, b.unit.kecamatan), (a.unit.desa, b.unit.desa),
                       (a.unit.posyandu, b.unit.posyandu), (a.unit.puskesmas, b.unit.puskesmas)] where x != y {
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return false
    }
}

/// The reporting units seen in the data, each with an integer index, and the units a
/// key counts in (the top unit always; the others when their name is written).
///
/// A district's own run has five levels, kabupaten at the top; a merge (`merged`) has
/// `provinsi` at the top, a `kabupaten` unit per archive, and every unit below keyed by its
/// kabupaten as well, with a `kabupaten` key column.
struct Units: Sendable {
    let merged: Bool
    private(set) var ids: [UnitID] = []
    private var index: [UnitID: Int] = [:]
    /// Puskesmas names seen (in valid records) for each desa/posyandu unit, kecamatan names
    /// for each puskesmas unit: written in the key columns when there is exactly one.
    private var companions: [Int: Set<String>] = [:]

    init(merged: Bool) { self.merged = merged }

    var count: Int { ids.count }

    /// The key columns of the tables (`Aggregate.keyColumns`, with `kabupaten` in a merge).
    var keyColumns: [String] { merged ? Aggregate.mergedKeyColumns : Aggregate.keyColumns }

    private mutating func id(_ u: UnitID) -> Int {
        if let i = index[u] { return i }
        ids.append(u)
        index[u] = ids.count - 1
        return ids.count - 1
    }

    /// The unit indices (one per level present, the top first) for a key.
    mutating func indices(_ c: CubeKey) -> [Int] {
        let k = c.unit, kab = c.kabupaten
        var out: [Int] = []
        if merged {
            out.append(id(UnitID(level: .provinsi)))
            out.append(id(UnitID(level: .kabupaten, kabupaten: kab)))
        } else {
            out.append(id(UnitID(level: .kabupaten)))
        }
        if !k.kecamatan.isEmpty { out.append(id(UnitID(level: .kecamatan, kabupaten: kab, kecamatan: k.kecamatan))) }
        if !k.puskesmas.isEmpty { out.append(id(UnitID(level: .puskesmas, kabupaten: kab, puskesmas: k.puskesmas))) }
        if !k.desa.isEmpty { out.append(id(UnitID(level: .desa, kabupaten: kab, kecamatan: k.kecamatan, desa: k.desa))) }
        if !k.desa.isEmpty && !k.posyandu.isEmpty {
            out.append(id(UnitID(level: .posyandu, kabupaten: kab, kecamatan: k.kecamatan, desa: k.desa, posyandu: k.posyandu)))
        }
        return out
    }

    /// Records which puskesmas a desa/posyandu lies in and which kecamatan a puskesmas lies in
    /// (`units`: the key's `indices`).
    mutating func noteCompanions(_ c: CubeKey, units: [Int]) {
        for i in units {
            switch ids[i].level {
            case .puskesmas: if !c.unit.kecamatan.isEmpty { companions[i, default: []].insert(c.unit.kecamatan) }
            case .desa, .posyandu: if !c.unit.puskesmas.isEmpty { companions[i, default: []].insert(c.unit.puskesmas) }
            default: break
            }
        }
    }

    /// The single companion name of a unit, or "" (none or several).
    func companion(_ i: Int) -> String {
        guard let s = companions[i], s.count == 1 else { return "" }
        return s.first!
    }

    /// `level, kecamatan, puskesmas, desa, posyandu` cells of a unit (`level, kabupaten,
    /// kecamatan, …` in a merge).
    func keyCells(_ i: Int) -> [String] {
        let u = ids[i]
        let cells: [String]
        switch u.level {
        case .provinsi: cells = ["provinsi", "", "", "", ""]
        case .kabupaten: cells = ["kabupaten", "", "", "", ""]
        case .kecamatan: cells = ["kecamatan", u.kecamatan, "", "", ""]
        case .puskesmas: cells = ["puskesmas", companion(i), u.puskesmas, "", ""]
        case .desa: cells = ["desa", u.kecamatan, companion(i), u.desa, ""]
        case .posyandu: cells = ["posyandu", u.kecamatan, companion(i), u.desa, u.posyandu]
        }
        guard merged else { return cells }
        return [cells[0], u.kabupaten] + cells[1...]
    }

    /// Unit indices in output order: level, then the name cells (byte order).
    func sorted() -> [Int] {
        let cells = (0..<ids.count).map(keyCells)
        let width = merged ? 5 : 4
        return (0..<ids.count).sorted { a, b in
            if ids[a].level != ids[b].level { return ids[a].level < ids[b].level }
            for c in 1...width where cells[a][c] != cells[b][c] {
                return cells[a][c].utf8.lexicographicallyPrecedes(cells[b][c].utf8)
            }
            return false
        }
    }
}
