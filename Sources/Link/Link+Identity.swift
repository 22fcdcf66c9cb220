import TimbangCore

/// Union-find over profiles, where a set may be *anchored* to one NIK child: two sets
/// anchored to different children are never joined by name evidence.
struct ChildSets {
    var parent: [Int]
    var anchor: [Int?]

    init(count: Int) { parent = Array(0..<count); anchor = Array(repeating: nil, count: count) }

    mutating func find(_ x: Int) -> Int {
        var r = x
        while parent[r] != r { r = parent[r] }
        var y = x
        while parent[y] != r { let n = parent[y]; parent[y] = r; y = n }
        return r
    }

    /// Joins two sets (the smaller index becomes the root). With `force` false, refuses to join
    /// sets anchored to different children. Returns whether the sets are now one.
    @discardableResult
    mutating func union(_ a: Int, _ b: Int, force: Bool = false) -> Bool {
        let ra = find(a), rb = find(b)
        if ra == rb { return true }
        if !force, let x = anchor[ra], let y = anchor[rb], x != y { return false }
        let (root, child) = ra < rb ? (ra, rb) : (rb, ra)
        parent[child] = root
        anchor[root] = [anchor[ra], anchor[rb]].compactMap { $0 }.min()
        return true
    }
}

/// A distinct combination of what identifies a child; a child's monthly records collapse to a
/// few profiles, so pairwise work is over profiles, not records.
struct Profile: Hashable {
    var name: Int
    var birth: Day
    var sex: Sex
    var parent: Int
    var desa: Int
    var posyandu: Int
    var nik: String?
}

/// Result of child identification.
struct Children {
    /// Per record: the child (a profile root index), or -1 for records that are not valid.
    var child: [Int]
    /// Per record: notes link adds (`NIK_SHARED`).
    var sharedNIK: [Bool]
}

extension Link {
    /// How strongly two profiles of one block are the same child.
    enum Evidence: Comparable { case weak, strong }

    /// Groups the valid records (not duplicates) into children.
    static func identify(_ recs: [Record], _ f: Features) -> Children {
        // Profiles, numbered in RowRef order of their first record.
        var profileOf = [Int](repeating: -1, count: recs.count)
        var ids: [Profile: Int] = [:]
        var rep: [Int] = []      // first record of each profile
        var profiles: [Profile] = []
        for i in recs.indices where recs[i].status == .valid {
            guard let b = recs[i].birthDate, let s = recs[i].sex else { continue }
            let p = Profile(name: f.name[i], birth: b, sex: s, parent: f.parent[i], desa: f.desa[i],
                            posyandu: f.posyandu[i], nik: f.nik[i])
            if let id = ids[p] { profileOf[i] = id } else {
                let id = profiles.count
                ids[p] = id; profiles.append(p); rep.append(i); profileOf[i] = id
            }
        }
        var sets = ChildSets(count: profiles.count)
        let shared = linkByNIK(profiles, rep, f, &sets)
        linkByName(profiles, rep, f, &sets)

        var child = [Int](repeating: -1, count: recs.count)
        var sharedNIK = [Bool](repeating: false, count: recs.count)
        for i in recs.indices where profileOf[i] >= 0 {
            child[i] = sets.find(profileOf[i])
            sharedNIK[i] = shared.contains(profileOf[i])
        }
        return Children(child: child, sharedNIK: sharedNIK)
    }

    /// Step 1 — NIK. Profiles with the same linkable NIK are one child when their sex agrees and
    /// their names are compatible (a mother's NIK typed for two siblings or twins stays split;
    /// those profiles are returned as "shared"). Then NIKs one digit apart join when every other
    /// field agrees: same canonical name, birth date and sex, same place (the parent column is
    /// not compared: it may hold the mother in one record and the father in another).
    static func linkByNIK(_ profiles: [Profile], _ rep: [Int], _ f: Features, _ sets: inout ChildSets) -> Set<Int> {
        var byNIK: [String: [Int]] = [:]
        for (p, pr) in profiles.enumerated() { if let n = pr.nik { byNIK[n, default: []].append(p) } }
        var shared = Set<Int>()
        for nik in byNIK.keys.sorted() {
            let group = byNIK[nik]!
            for (x, a) in group.enumerated() {
                for b in group[(x + 1)...] where profiles[a].sex == profiles[b].sex
                    && f.namesCompatible(profiles[a].name, profiles[b].name) {
                    sets.union(a, b, force: true)
                }
            }
            let roots = Set(group.map { sets.find($0) })
            for r in roots { sets.anchor[r] = r }
            if roots.count > 1 { shared.formUnion(group) }
        }

        // One mistyped digit: block by name + birth date + sex.
        struct TypoBlock: Hashable { var name: Int; var birth: Day; var sex: Sex }
        var blocks: [TypoBlock: [Int]] = [:]
        for (p, pr) in profiles.enumerated() where pr.nik != nil && pr.name >= 0 {
            blocks[TypoBlock(name: pr.name, birth: pr.birth, sex: pr.sex), default: []].append(p)
        }
        for key in blocks.keys.sorted(by: { $0.name != $1.name ? $0.name < $1.name : ($0.birth != $1.birth ? $0.birth < $1.birth : $0.sex.rawValue < $1.sex.rawValue) }) {
            let group = blocks[key]!
            guard group.count > 1 else { continue }
            for (x, a) in group.enumerated() {
                for b in group[(x + 1)...] {
                    guard let na = profiles[a].nik, let nb = profiles[b].nik, na != nb,
                          oneDigitApart(na, nb), f.samePlace(rep[a], rep[b]) else { continue }
                    sets.union(a, b, force: true)
                }
            }
        }
        return shared
    }

    static func oneDigitApart(_ a: String, _ b: String) -> Bool {
        var diff = 0
        for (x, y) in zip(a.utf8, b.utf8) where x != y {
            diff += 1
            if diff > 1 { return false }
        }
        return diff == 1 && a.utf8.count == b.utf8.count
    }

    /// Block of step 2: sex, birth year, the birth day and month unordered (so `05/03` and
    /// `03/05` meet), and the first canonical word of the name (every name relation that links
    /// — equal, last name dropped — keeps the first word).
    struct NameBlock: Hashable, Comparable {
        var sex: Int, year: Int, lo: Int, hi: Int, first: Int
        static func < (a: NameBlock, b: NameBlock) -> Bool {
            (a.sex, a.year, a.lo, a.hi, a.first) < (b.sex, b.year, b.lo, b.hi, b.first)
        }
    }

    /// Step 2 — name, birth date, sex, parent, place, inside blocks (see `NameBlock`). Pairs
    /// where both profiles have a NIK were decided by step 1. Evidence per pair (`evidence`);
    /// a profile whose candidates are two different NIK children, or two incompatible names,
    /// links by none of them (prefer precision). Joining two sets anchored to different NIK
    /// children is refused.
    static func linkByName(_ profiles: [Profile], _ rep: [Int], _ f: Features, _ sets: inout ChildSets) {
        var blocks: [NameBlock: [Int]] = [:]
        for (p, pr) in profiles.enumerated() where pr.name >= 0 {
            let c = pr.birth.civil
            let key = NameBlock(sex: pr.sex.rawValue, year: c.year, lo: min(c.day, c.month), hi: max(c.day, c.month),
                                first: f.nameWords[pr.name][0])
            blocks[key, default: []].append(p)
        }
        for key in blocks.keys.sorted() {
            let group = blocks[key]!
            guard group.count > 1 else { continue }
            var edges: [(Int, Int, Evidence)] = []
            for (x, a) in group.enumerated() {
                for b in group[(x + 1)...] where profiles[a].nik == nil || profiles[b].nik == nil {
                    if let e = evidence(profiles[a], profiles[b], rep[a], rep[b], f) { edges.append((a, b, e)) }
                }
            }
            guard !edges.isEmpty else { continue }
            // Ambiguity: per profile, its partners' NIK children and names.
            var partners: [Int: [Int]] = [:]
            for (a, b, _) in edges { partners[a, default: []].append(b); partners[b, default: []].append(a) }
            var dropAnchored = Set<Int>(), dropWeak = Set<Int>()
            for (p, ps) in partners {
                let anchors = Set(ps.compactMap { sets.anchor[sets.find($0)] })
                if profiles[p].nik == nil && anchors.count > 1 { dropAnchored.insert(p) }
                let names = Array(Set(ps.map { profiles[$0].name }))
                outer: for (x, m) in names.enumerated() {
                    for n in names[(x + 1)...] where !f.namesCompatible(m, n) { dropWeak.insert(p); break outer }
                }
            }
            for (a, b, e) in edges {
                if e == .weak && (dropWeak.contains(a) || dropWeak.contains(b)) { continue }
                if dropAnchored.contains(a) && sets.anchor[sets.find(b)] != nil { continue }
                if dropAnchored.contains(b) && sets.anchor[sets.find(a)] != nil { continue }
                sets.union(a, b)
            }
        }
    }

    /// Evidence that two profiles (same sex and block) are one child, or nil.
    /// - strong: same canonical name and birth date, and either the same place (parents may
    ///   differ: one record holds the mother, another the father) or parents agreeing (a child
    ///   who moved to another desa);
    /// - weak: one difference only — the birth date's day and month swapped, or the last name
    ///   dropped — with the same place and parents not disagreeing; when the name left is a
    ///   single common word (`Putri`), the same birth date, place and agreeing parents.
    static func evidence(_ a: Profile, _ b: Profile, _ ia: Int, _ ib: Int, _ f: Features) -> Evidence? {
        let nameRel = f.nameRelation(a.name, b.name)
        if nameRel == .none { return nil }
        let sameBirth = a.birth == b.birth
        let place = f.samePlace(ia, ib)
        let parents = f.parentRelation(a.parent, b.parent)
        if sameBirth && nameRel == .same {
            return place || parents == .agree ? .strong : nil
        }
        if nameRel == .genericPrefix {
            return sameBirth && place && parents == .agree ? .weak : nil
        }
        let swapped: Bool = {
            let x = a.birth.civil, y = b.birth.civil
            return x.year == y.year && x.day == y.month && x.month == y.day
        }()
        guard sameBirth || swapped else { return nil }
        let weakCount = (sameBirth ? 0 : 1) + (nameRel == .same ? 0 : 1)
        guard weakCount == 1, place, parents != .differ else { return nil }
        return .weak
    }
}
