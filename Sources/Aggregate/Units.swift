import TimbangCore

/// The five reporting levels, in output order.
enum Level: Int, Sendable, CaseIterable, Comparable {
    case kabupaten, kecamatan, puskesmas, desa, posyandu

    var name: String {
        switch self {
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
/// desa; a posyandu by kecamatan, desa and posyandu; a puskesmas by its name alone.
struct UnitID: Hashable, Sendable {
    var level: Level
    var kecamatan = ""
    var puskesmas = ""
    var desa = ""
    var posyandu = ""
}

/// The reporting units seen in the data, each with an integer index, and the units a
/// record's `UnitKey` counts in (kabupaten always; the others when their name is written).
struct Units: Sendable {
    private(set) var ids: [UnitID] = []
    private var index: [UnitID: Int] = [:]
    private var cache: [UnitKey: [Int]] = [:]
    /// Puskesmas names seen (in valid records) for each desa/posyandu unit, kecamatan names
    /// for each puskesmas unit: written in the key columns when there is exactly one.
    private var companions: [Int: Set<String>] = [:]
    private var noted: Set<UnitKey> = []

    var count: Int { ids.count }

    private mutating func id(_ u: UnitID) -> Int {
        if let i = index[u] { return i }
        ids.append(u)
        index[u] = ids.count - 1
        return ids.count - 1
    }

    /// The unit indices (one per level present, kabupaten first) for a record's units.
    mutating func indices(_ k: UnitKey) -> [Int] {
        if let c = cache[k] { return c }
        var out = [id(UnitID(level: .kabupaten))]
        if !k.kecamatan.isEmpty { out.append(id(UnitID(level: .kecamatan, kecamatan: k.kecamatan))) }
        if !k.puskesmas.isEmpty { out.append(id(UnitID(level: .puskesmas, puskesmas: k.puskesmas))) }
        if !k.desa.isEmpty { out.append(id(UnitID(level: .desa, kecamatan: k.kecamatan, desa: k.desa))) }
        if !k.desa.isEmpty && !k.posyandu.isEmpty {
            out.append(id(UnitID(level: .posyandu, kecamatan: k.kecamatan, desa: k.desa, posyandu: k.posyandu)))
        }
        cache[k] = out
        return out
    }

    /// Records which puskesmas a desa/posyandu lies in and which kecamatan a puskesmas lies in.
    mutating func noteCompanions(_ k: UnitKey) {
        guard !noted.contains(k) else { return }
        noted.insert(k)
        for i in indices(k) {
            switch ids[i].level {
            case .puskesmas: if !k.kecamatan.isEmpty { companions[i, default: []].insert(k.kecamatan) }
            case .desa, .posyandu: if !k.puskesmas.isEmpty { companions[i, default: []].insert(k.puskesmas) }
            default: break
            }
        }
    }

    /// The single companion name of a unit, or "" (none or several).
    func companion(_ i: Int) -> String {
        guard let s = companions[i], s.count == 1 else { return "" }
        return s.first!
    }

    /// `level, kecamatan, puskesmas, desa, posyandu` cells of a unit.
    func keyCells(_ i: Int) -> [String] {
        let u = ids[i]
        switch u.level {
        case .kabupaten: return ["kabupaten", "", "", "", ""]
        case .kecamatan: return ["kecamatan", u.kecamatan, "", "", ""]
        case .puskesmas: return ["puskesmas", companion(i), u.puskesmas, "", ""]
        case .desa: return ["desa", u.kecamatan, companion(i), u.desa, ""]
        case .posyandu: return ["posyandu", u.kecamatan, companion(i), u.desa, u.posyandu]
        }
    }

    /// Unit indices in output order: level, then kecamatan, puskesmas, desa, posyandu (byte order).
    func sorted() -> [Int] {
        let cells = (0..<ids.count).map(keyCells)
        return (0..<ids.count).sorted { a, b in
            if ids[a].level != ids[b].level { return ids[a].level < ids[b].level }
            for c in 1...4 where cells[a][c] != cells[b][c] {
                return cells[a][c].utf8.lexicographicallyPrecedes(cells[b][c].utf8)
            }
            return false
        }
    }
}
