import TimbangCore

/// What link compares, computed once per record: interned canonical names, parent persons,
/// places, and the NIK when it may link. Interning turns every comparison into integer work.
struct Features {
    /// Per record: id of the canonical name (its words joined), -1 when blank.
    var name: [Int]
    /// Per record: id of the parent cell's persons, -1 when blank.
    var parent: [Int]
    /// Per record: id of kecamatan + desa, -1 when the desa is blank.
    var desa: [Int]
    /// Per record: id of kecamatan + posyandu, -1 when the posyandu is blank.
    var posyandu: [Int]
    /// Per record: the NIK digits when the NIK may link children (valid, not a placeholder,
    /// not a parent's NIK by its year), else nil.
    var nik: [String?]
    /// Per record: its file id (ids follow file order: the records come sorted by file).
    var file: [Int] = []
    var fileNames: [String] = []
    /// Per record: its unit id (normalised kecamatan, puskesmas, desa, posyandu).
    var unit: [Int] = []
    /// Per unit id: its normalised unit.
    var units: [UnitKey] = []

    /// Per name id: its canonical word ids.
    var nameWords: [[Int]] = []
    /// Per name id: its canonical text (words joined by a space).
    var nameText: [String] = []
    /// Per parent id: its persons (each a list of word ids), and its canonical text.
    var parentPersons: [[[Int]]] = []
    var parentText: [String] = []
    /// Per place id: its text.
    var placeText: [String] = []
    /// Word ids of the common words of `Names.generic`.
    var genericWords = Set<Int>()
    /// Per word id: its letters.
    var wordText: [[UInt8]] = []
    /// Name relations computed so far (the same pairs are asked again and again).
    let relations = RelationCache()

    init(_ recs: [Record]) {
        name = []; parent = []; desa = []; posyandu = []; nik = []
        name.reserveCapacity(recs.count); parent.reserveCapacity(recs.count)
        desa.reserveCapacity(recs.count); posyandu.reserveCapacity(recs.count); nik.reserveCapacity(recs.count)

        var words: [String: Int] = [:]
        func word(_ w: String) -> Int {
            if let id = words[w] { return id }
            let id = words.count; words[w] = id; wordText.append(Array(w.utf8)); return id
        }
        for g in Names.generic { genericWords.insert(word(g)) }

        var rawName: [String: Int] = [:], canonName: [[Int]: Int] = [:]
        var rawParent: [String: Int] = [:], canonParent: [[[Int]]: Int] = [:]
        var places: [String: Int] = [:]
        struct UnitRaw: Hashable { var kecamatan, puskesmas, desa, posyandu: String }
        var unitIds: [UnitRaw: Int] = [:], normalUnitIds: [UnitKey: Int] = [:]
        var unitDesa: [Int] = [], unitPosyandu: [Int] = []
        file.reserveCapacity(recs.count); unit.reserveCapacity(recs.count)
        func place(_ s: String) -> Int {
            if let id = places[s] { return id }
            let id = placeText.count; places[s] = id; placeText.append(s); return id
        }

        // by pointer: `for r in recs` copies every record (a retain and release of each string)
        recs.withUnsafeBufferPointer { buf in
            for i in buf.indices {
                let r = buf.baseAddress! + i
                // Name
                if let id = rawName[r.pointee.name] { name.append(id) } else {
                    let canon = Names.canonicalTokens(r.pointee.name)
                    let tokens = canon.map(word)
                    var id = -1
                    if !tokens.isEmpty {
                        if let existing = canonName[tokens] { id = existing } else {
                            id = nameWords.count; canonName[tokens] = id; nameWords.append(tokens)
                            nameText.append(canon.joined(separator: " "))
                        }
                    }
                    rawName[r.pointee.name] = id; name.append(id)
                }
                // Parent
                if let id = rawParent[r.pointee.parentName] { parent.append(id) } else {
                    let persons = Names.parentPersons(r.pointee.parentName)
                    let ids = persons.map { $0.map(word) }
                    var id = -1
                    if !ids.isEmpty {
                        if let existing = canonParent[ids] { id = existing } else {
                            id = parentPersons.count; canonParent[ids] = id; parentPersons.append(ids)
                            parentText.append(persons.map { $0.joined(separator: " ") }.joined(separator: "/"))
                        }
                    }
                    rawParent[r.pointee.parentName] = id; parent.append(id)
                }
                // File
                if fileNames.last != r.pointee.ref.file { fileNames.append(r.pointee.ref.file) }
                file.append(fileNames.count - 1)
                // Place
                let raw = UnitRaw(kecamatan: r.pointee.kecamatan, puskesmas: r.pointee.puskesmas, desa: r.pointee.desa, posyandu: r.pointee.posyandu)
                let uid: Int
                if let id = unitIds[raw] { uid = id } else {
                    let u = r.pointee.unit
                    if let id = normalUnitIds[u] { uid = id } else {
                        uid = units.count; normalUnitIds[u] = uid
                        units.append(u)
                        unitDesa.append(u.desa.isEmpty ? -1 : place(u.kecamatan + "|" + u.desa))
                        unitPosyandu.append(u.posyandu.isEmpty ? -1 : place(u.kecamatan + "|P|" + u.posyandu))
                    }
                    unitIds[raw] = uid
                }
                unit.append(uid)
                desa.append(unitDesa[uid])
                posyandu.append(unitPosyandu[uid])
                // NIK
                var linkNIK: String? = nil
                if case .valid(let digits) = NIKCheck(r.pointee.nik) {
                    if let b = r.pointee.birthDate, let p = NIKParts(digits), p.isOfSomeoneElse(birth: b) {
                        linkNIK = nil
                    } else {
                        linkNIK = digits
                    }
                }
                nik.append(linkNIK)
            }
        }
    }

    func isGeneric(_ w: Int) -> Bool { genericWords.contains(w) }

    /// How the names of records (by name id) relate (`Names.relation`).
    func nameRelation(_ a: Int, _ b: Int) -> Names.Relation {
        if a < 0 || b < 0 { return .none }
        if a == b { return .same }
        let key = a < b ? (a, b) : (b, a)
        if let r = relations.names[Pair(key.0, key.1)] { return r }
        let r = Names.relation(nameWords[a], nameWords[b], text: { wordText[$0] }, generic: isGeneric)
        relations.names[Pair(key.0, key.1)] = r
        return r
    }

    /// Whether two names could be the same child's: any relation but `none` (a spelling
    /// variant, words dropped, down to one common word), or every word of one pairing with a
    /// word of the other or dropped, however many such differences (`Names.compatible`: two
    /// records' variants add up, `Nur S. Aulia` / `Nursyifa`). Not evidence that they are one
    /// child; only that nothing in the names says they are two.
    func namesCompatible(_ a: Int, _ b: Int) -> Bool {
        if a < 0 || b < 0 { return true }
        if nameRelation(a, b) != .none { return true }
        let key = Pair(min(a, b), max(a, b))
        if let c = relations.compatible[key] { return c }
        let c = Names.compatible(nameWords[a], nameWords[b], text: { wordText[$0] }, generic: isGeneric)
        relations.compatible[key] = c
        return c
    }

    enum ParentRelation { case agree, unknown, differ }

    /// Parents agree when some person of one cell is a person of the other, compared as names
    /// are (`Names.relation`: same, a spelling variant, or words dropped — not a lone common
    /// word); unknown when either cell is blank.
    func parentRelation(_ a: Int, _ b: Int) -> ParentRelation {
        if a < 0 || b < 0 { return .unknown }
        if a == b { return .agree }
        let key = Pair(min(a, b), max(a, b))
        if let r = relations.parents[key] { return r }
        var out = ParentRelation.differ
        search: for p in parentPersons[a] {
            for q in parentPersons[b] {
                let r = Names.relation(p, q, text: { wordText[$0] }, generic: isGeneric)
                if r <= .dropped { out = .agree; break search }
            }
        }
        relations.parents[key] = out
        return out
    }

    /// Same place: the same desa (kecamatan + desa), or, when either desa is blank, the
    /// same posyandu in the same kecamatan.
    func samePlace(_ i: Int, _ j: Int) -> Bool {
        if desa[i] >= 0 && desa[j] >= 0 { return desa[i] == desa[j] }
        return posyandu[i] >= 0 && posyandu[i] == posyandu[j]
    }
}

/// Two ids, the smaller first.
struct Pair: Hashable {
    var a: Int32, b: Int32
    init(_ a: Int, _ b: Int) { self.a = Int32(a); self.b = Int32(b) }
}

/// Memo of name and parent relations by id pair (link runs on one thread).
final class RelationCache {
    var names: [Pair: Names.Relation] = [:]
    var parents: [Pair: Features.ParentRelation] = [:]
    var compatible: [Pair: Bool] = [:]
}
