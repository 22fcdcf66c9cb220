import TimbangCore

/// Union-find over profiles, where a set may be *anchored* to one NIK child, and remembers the
/// names and parent cells of its members: two sets anchored to different children, or holding
/// incompatible names, are never joined by name evidence.
struct ChildSets {
    var parent: [Int]
    var anchor: [Int?]
    /// Per root: the distinct name ids of the set's profiles.
    var names: [[Int]]
    /// Per root: the distinct parent-cell ids of the set's profiles.
    var parents: [[Int]]

    init(_ profiles: [Profile]) {
        parent = Array(profiles.indices)
        anchor = Array(repeating: nil, count: profiles.count)
        names = profiles.map { $0.name >= 0 ? [$0.name] : [] }
        parents = profiles.map { $0.parent >= 0 ? [$0.parent] : [] }
    }

    mutating func find(_ x: Int) -> Int {
        var r = x
        while parent[r] != r { r = parent[r] }
        var y = x
        while parent[y] != r { let n = parent[y]; parent[y] = r; y = n }
        return r
    }

    /// Whether every name of one set could be the same child's as every name of the other.
    func namesCompatible(_ ra: Int, _ rb: Int, _ f: Features) -> Bool {
        names[ra].allSatisfy { a in names[rb].allSatisfy { b in f.namesCompatible(a, b) } }
    }

    /// Whether some parent of one set agrees with some parent of the other, or a set has none.
    func parentsAgree(_ ra: Int, _ rb: Int, _ f: Features) -> Bool {
        if parents[ra].isEmpty || parents[rb].isEmpty { return true }
        return parents[ra].contains { a in parents[rb].contains { b in f.parentRelation(a, b) == .agree } }
    }

    /// Joins two sets (the smaller index becomes the root). Unless `force`, refuses to join sets
    /// anchored to different children or holding incompatible names, and with `needParents` also
    /// sets whose parents never agree. Returns whether the sets are now one.
    @discardableResult
    mutating func union(_ a: Int, _ b: Int, force: Bool = false, needParents: Bool = false, _ f: Features) -> Bool {
        let ra = find(a), rb = find(b)
        if ra == rb { return true }
        if !force {
            if let x = anchor[ra], let y = anchor[rb], x != y { return false }
            if !namesCompatible(ra, rb, f) { return false }
            if needParents && !parentsAgree(ra, rb, f) { return false }
        }
        let (root, child) = ra < rb ? (ra, rb) : (rb, ra)
        parent[child] = root
        anchor[root] = [anchor[ra], anchor[rb]].compactMap { $0 }.min()
        for n in names[child] where !names[root].contains(n) { names[root].append(n) }
        for p in parents[child] where !parents[root].contains(p) { parents[root].append(p) }
        names[child] = []; parents[child] = []
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
        var sets = ChildSets(profiles)
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
                    sets.union(a, b, force: true, f)
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
                          let at = differingDigit(na, nb), f.samePlace(rep[a], rep[b]) else { continue }
                    // Two children born the same day in the same kecamatan get NIKs that differ
                    // only in the serial (the last four digits): there, a typo is believed only
                    // when the parents do not contradict it (same-name namesakes stay apart).
                    if at >= 12 && f.parentRelation(profiles[a].parent, profiles[b].parent) == .differ { continue }
                    sets.union(a, b, force: true, f)
                }
            }
        }
        return shared
    }

    /// The position of the one digit in which two equally long NIKs differ, or nil when they
    /// differ in none or in more than one.
    static func differingDigit(_ a: String, _ b: String) -> Int? {
        guard a.utf8.count == b.utf8.count else { return nil }
        var at: Int?
        for (i, (x, y)) in zip(a.utf8, b.utf8).enumerated() where x != y {
            if at != nil { return nil }
            at = i
        }
        return at
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
    /// a profile whose candidate children are two different NIK children, or hold incompatible
    /// names, links to none of them (prefer precision). Strong evidence is applied before weak.
    /// Joining two sets anchored to different NIK children or holding incompatible names is
    /// refused, and weak evidence joins only sets whose parents agree somewhere (or a set with
    /// no parent written).
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
            // Ambiguity: a profile whose candidate children (the sets its partners are in) are
            // two different NIK children, or hold incompatible names, links to none of them.
            var partners: [Int: [Int]] = [:]
            for (a, b, _) in edges { partners[a, default: []].append(b); partners[b, default: []].append(a) }
            var ambiguous = Set<Int>()
            for (p, ps) in partners {
                let roots = Array(Set(ps.map { sets.find($0) }).subtracting([sets.find(p)]))
                let anchors = Set(roots.compactMap { sets.anchor[$0] })
                if anchors.count > 1 && sets.anchor[sets.find(p)] == nil { ambiguous.insert(p); continue }
                outer: for (x, r) in roots.enumerated() {
                    for q in roots[(x + 1)...] where !sets.namesCompatible(r, q, f) { ambiguous.insert(p); break outer }
                }
            }
            // Strong evidence first; weak evidence also needs the two children's parents to agree.
            for strength in [Evidence.strong, .weak] {
                for (a, b, e) in edges where e == strength && !ambiguous.contains(a) && !ambiguous.contains(b) {
                    sets.union(a, b, needParents: e == .weak, f)
                }
            }
        }
    }

    /// Evidence that two profiles (same sex and block) are one child, or nil.
    /// - strong: same canonical name and birth date, and either agreeing parents (in any place:
    ///   a child who moved to another desa), or the same place with a parent missing, or the
    ///   same place with different parents (mother vs father) for a name of two or more words;
    /// - weak: a one-word name, same birth date and place, different parent names;
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
            if parents == .agree || (place && parents == .unknown) { return .strong }
            guard place else { return nil }
            // Same place, another parent written: the mother in one record and the father in
            // another — or two namesakes. Strong for a name of two or more words; a one-word
            // name (often a name with the last name dropped) is weak: it joins only children
            // whose parents agree somewhere (a record naming both, `Siti / Agus`).
            return f.nameWords[a.name].count > 1 ? .strong : .weak
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
