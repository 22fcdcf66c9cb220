import TimbangCore

/// Union-find over profiles, where a set may be *anchored* to one NIK child, and remembers the
/// names, parent cells and measurement months of its members: two sets anchored to different
/// children, or holding incompatible names, are never joined by name evidence; two sets
/// measured in the same month are never joined by a spelling variant (twins); two sets an
/// officer declared different (`link.decisions`) are never joined.
struct ChildSets {
    var parent: [Int]
    var anchor: [Int?]
    /// Per root: the distinct name ids of the set's profiles.
    var names: [[Int]]
    /// Per root: the distinct parent-cell ids of the set's profiles.
    var parents: [[Int]]
    /// Per root: the months (`year * 12 + month`) the set's records were measured in, sorted.
    var months: [[Int32]]
    /// Per root: profiles the set must never be joined with.
    var cannot: [[Int]]

    init(_ profiles: [Profile], months: [[Int32]]) {
        parent = Array(profiles.indices)
        anchor = Array(repeating: nil, count: profiles.count)
        names = profiles.map { $0.name >= 0 ? [$0.name] : [] }
        parents = profiles.map { $0.parent >= 0 ? [$0.parent] : [] }
        self.months = months
        cannot = Array(repeating: [], count: profiles.count)
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

    /// Whether the two sets have records in a common month.
    func shareAMonth(_ ra: Int, _ rb: Int) -> Bool {
        let x = months[ra], y = months[rb]
        var i = 0, j = 0
        while i < x.count && j < y.count {
            if x[i] == y[j] { return true }
            if x[i] < y[j] { i += 1 } else { j += 1 }
        }
        return false
    }

    /// Whether an officer's decision keeps the two sets apart.
    mutating func forbidden(_ ra: Int, _ rb: Int) -> Bool {
        for x in cannot[ra] where find(x) == rb { return true }
        return false
    }

    /// Joins two sets (the smaller index becomes the root). Never joins sets declared
    /// different. Unless `force`, refuses to join sets anchored to different children or
    /// holding incompatible names, and with `needParents` also sets whose parents never agree.
    /// With `twins`, refuses sets measured in a common month. Returns whether the sets are now one.
    @discardableResult
    mutating func union(_ a: Int, _ b: Int, force: Bool = false, needParents: Bool = false, twins: Bool = false,
                        _ f: Features) -> Bool {
        let ra = find(a), rb = find(b)
        if ra == rb { return true }
        if forbidden(ra, rb) { return false }
        if twins && shareAMonth(ra, rb) { return false }
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
        months[root] = Array(Set(months[root] + months[child])).sorted()
        cannot[root] += cannot[child]
        names[child] = []; parents[child] = []; months[child] = []; cannot[child] = []
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
    /// Pairs for clerical review (`link_review`), sorted by their records.
    var review: [ReviewPair] = []
    /// Per decision of `LinkSettings.decisions`: what became of it (`LinkDecision.Outcome`).
    var outcomes: [LinkDecision.Outcome] = []
}

/// Two records of two children that are likely, but not certainly, one child: the evidence,
/// in the words of `docs/validate-link.md`.
struct ReviewPair {
    /// Record indices (the first record of each child's profile), `a` before `b`.
    var a: Int, b: Int
    var nik, birth, name, parent, place, months: String
}

extension Link {
    /// How strongly two profiles of one block are the same child.
    enum Evidence: Comparable { case weak, strong }

    /// Groups the valid records (not duplicates) into children.
    /// - Parameter dupOf: per record, the kept record it duplicates (decisions naming a
    ///   duplicate apply to the record kept).
    static func identify(_ recs: [Record], _ f: Features, dupOf: [Int?] = [],
                         decisions: [LinkDecision] = []) -> Children {
        // Profiles, numbered in RowRef order of their first record.
        var profileOf = [Int](repeating: -1, count: recs.count)
        var ids: [Profile: Int] = [:]
        var rep: [Int] = []      // first record of each profile
        var profiles: [Profile] = []
        var months: [[Int32]] = []
        for i in recs.indices where recs[i].status == .valid {
            guard let b = recs[i].birthDate, let s = recs[i].sex else { continue }
            let p = Profile(name: f.name[i], birth: b, sex: s, parent: f.parent[i], desa: f.desa[i],
                            posyandu: f.posyandu[i], nik: f.nik[i])
            let id: Int
            if let known = ids[p] { id = known } else {
                id = profiles.count
                ids[p] = id; profiles.append(p); rep.append(i); months.append([])
            }
            profileOf[i] = id
            if let d = recs[i].measureDate {
                let ym = d.yearMonth, m = Int32(ym.year * 12 + ym.month)
                if !months[id].contains(m) { months[id].append(m) }
            }
        }
        for k in months.indices { months[k].sort() }
        var sets = ChildSets(profiles, months: months)

        // Officers' decisions: records to profiles ("different" before any linking).
        var outcomes = [LinkDecision.Outcome](repeating: .applied, count: decisions.count)
        var decided: [(Int, Int, Bool, Int)] = []   // profile a, profile b, same, decision index
        if !decisions.isEmpty {
            let wanted = Set(decisions.flatMap { [$0.a, $0.b] })
            var index: [String: Int] = [:]
            for i in recs.indices {
                let ref = recs[i].ref.description
                if wanted.contains(ref) { index[ref] = i }
            }
            func profile(_ ref: String) -> Int? {
                guard var i = index[ref] else { return nil }
                if i < dupOf.count, let k = dupOf[i] { i = k }
                return profileOf[i] >= 0 ? profileOf[i] : -1
            }
            for (k, d) in decisions.enumerated() {
                guard let pa = profile(d.a), let pb = profile(d.b) else { outcomes[k] = .notFound; continue }
                guard pa >= 0, pb >= 0 else { outcomes[k] = .notValid; continue }
                decided.append((pa, pb, d.same, k))
                if !d.same {
                    if pa == pb { outcomes[k] = .conflict; continue }
                    sets.cannot[pa].append(pb); sets.cannot[pb].append(pa)
                }
            }
        }

        var review: [(Int, Int)] = []
        let shared = linkByNIK(profiles, rep, f, &sets, review: &review)
        linkByName(profiles, rep, f, &sets, review: &review)
        for (pa, pb, same, k) in decided where same {
            if !sets.union(pa, pb, force: true, f) { outcomes[k] = .conflict }
        }

        var child = [Int](repeating: -1, count: recs.count)
        var sharedNIK = [Bool](repeating: false, count: recs.count)
        for i in recs.indices where profileOf[i] >= 0 {
            child[i] = sets.find(profileOf[i])
            sharedNIK[i] = shared.contains(profileOf[i])
        }
        return Children(child: child, sharedNIK: sharedNIK,
                        review: reviewPairs(review, profiles, rep, f, &sets), outcomes: outcomes)
    }

    /// The review candidates still apart at the end, one pair per two children (the first
    /// found), with their evidence; not pairs an officer declared different, nor two children
    /// measured in a common month (twins).
    static func reviewPairs(_ candidates: [(Int, Int)], _ profiles: [Profile], _ rep: [Int], _ f: Features,
                            _ sets: inout ChildSets) -> [ReviewPair] {
        var seen = Set<Pair>()
        var out: [ReviewPair] = []
        for (a, b) in candidates {
            let ra = sets.find(a), rb = sets.find(b)
            guard ra != rb, !sets.forbidden(ra, rb), !sets.shareAMonth(ra, rb),
                  seen.insert(Pair(min(ra, rb), max(ra, rb))).inserted else { continue }
            let (x, y) = (profiles[a], profiles[b])
            let nik: String
            switch (x.nik, y.nik) {
            case let (p?, q?): nik = p == q ? "same" : (differingDigit(p, q) != nil ? "one_digit" : "different")
            case (nil, nil): nik = "absent"
            default: nik = "one_absent"
            }
            let birth = x.birth == y.birth ? "same" : (isDayMonthSwap(x.birth, y.birth) ? "day_month_swap" : "different")
            let parent: String
            switch f.parentRelation(x.parent, y.parent) {
            case .agree: parent = "agree"
            case .unknown: parent = "unknown"
            case .differ: parent = "differ"
            }
            let (i, j) = rep[a] < rep[b] ? (rep[a], rep[b]) : (rep[b], rep[a])
            out.append(ReviewPair(a: i, b: j, nik: nik, birth: birth, name: String(describing: f.nameRelation(x.name, y.name)),
                                  parent: parent, place: f.samePlace(rep[a], rep[b]) ? "same" : "different",
                                  months: "\(sets.months[ra].count)+\(sets.months[rb].count)"))
        }
        return out.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
    }

    /// Step 1 — NIK. Profiles with the same linkable NIK and sex are one child when their
    /// names are the same, or one is the other with words dropped; when their names are
    /// spelling variants (`Names.Relation.variant`, `.distant`), only with the same birth
    /// date (or day and month swapped) and never when the two were measured in a common
    /// month (two records of one NIK in one month are twins, not a spelling). A NIK written
    /// for children who stay apart (a mother's NIK for siblings or twins) is "shared": those
    /// profiles are returned. Then NIKs one digit apart join with the same birth date, sex and
    /// place and a name that is the same, or the same with words dropped, or a spelling
    /// variant (in the serial, the last four digits, a name not the same needs agreeing
    /// parents); unless the names are the same and the parents do not disagree (or the digit
    /// is outside the serial), only children never measured in a common month.
    static func linkByNIK(_ profiles: [Profile], _ rep: [Int], _ f: Features, _ sets: inout ChildSets,
                          review: inout [(Int, Int)]) -> Set<Int> {
        var byNIK: [String: [Int]] = [:]
        for (p, pr) in profiles.enumerated() { if let n = pr.nik { byNIK[n, default: []].append(p) } }
        var shared = Set<Int>()
        for nik in byNIK.keys.sorted() {
            let group = byNIK[nik]!
            var spelled: [(Int, Int)] = []
            for (x, a) in group.enumerated() {
                for b in group[(x + 1)...] where profiles[a].sex == profiles[b].sex {
                    switch f.nameRelation(profiles[a].name, profiles[b].name) {
                    case .same, .dropped, .genericDropped: sets.union(a, b, force: true, f)
                    case .variant, .distant: spelled.append((a, b))
                    case .none: break
                    }
                }
            }
            for (a, b) in spelled {
                let (x, y) = (profiles[a].birth, profiles[b].birth)
                if (x == y || isDayMonthSwap(x, y)) && sets.union(a, b, twins: true, f) { continue }
                review.append((a, b))
            }
            let roots = Set(group.map { sets.find($0) })
            for r in roots { sets.anchor[r] = r }
            if roots.count > 1 { shared.formUnion(group) }
        }

        // One mistyped digit: block by birth date, sex and one half of the NIK (a NIK with one
        // digit changed keeps the other half).
        struct TypoBlock: Hashable, Comparable {
            var birth: Day, sex: Int, half: Int, digits: String
            static func < (a: TypoBlock, b: TypoBlock) -> Bool {
                (a.birth, a.sex, a.half, a.digits) < (b.birth, b.sex, b.half, b.digits)
            }
        }
        var blocks: [TypoBlock: [Int]] = [:]
        for (p, pr) in profiles.enumerated() where pr.name >= 0 {
            guard let n = pr.nik, n.utf8.count == 16 else { continue }
            blocks[TypoBlock(birth: pr.birth, sex: pr.sex.rawValue, half: 0, digits: String(n.prefix(8))), default: []].append(p)
            blocks[TypoBlock(birth: pr.birth, sex: pr.sex.rawValue, half: 1, digits: String(n.suffix(8))), default: []].append(p)
        }
        for key in blocks.keys.sorted() {
            let group = blocks[key]!
            guard group.count > 1 else { continue }
            for (x, a) in group.enumerated() {
                for b in group[(x + 1)...] {
                    guard let na = profiles[a].nik, let nb = profiles[b].nik, na != nb,
                          let at = differingDigit(na, nb), f.samePlace(rep[a], rep[b]) else { continue }
                    let rel = f.nameRelation(profiles[a].name, profiles[b].name)
                    guard rel <= .dropped else {
                        if rel != .none { review.append((a, b)) }
                        continue
                    }
                    // Two children born the same day in the same kecamatan get NIKs that differ
                    // only in the serial (the last four digits). There, a name that is not the
                    // same needs agreeing parents; and a name that is not the same, or parents
                    // that disagree (mother vs father, or namesakes), a typo is believed only for
                    // children never measured in the same month.
                    let parents = f.parentRelation(profiles[a].parent, profiles[b].parent)
                    if at >= 12 && rel != .same && parents != .agree { review.append((a, b)); continue }
                    let guarded = rel != .same || (at >= 12 && parents == .differ)
                    if !sets.union(a, b, force: true, twins: guarded, f) { review.append((a, b)) }
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
    /// `03/05` meet), and either the first canonical word of the name (a child who moved:
    /// every name relation but a first word spelled differently keeps it) or the place (desa,
    /// else posyandu: a first word spelled differently, a leading `Muhammad` dropped).
    struct NameBlock: Hashable, Comparable {
        var sex: Int, year: Int, lo: Int, hi: Int, byPlace: Bool, key: Int
        static func < (a: NameBlock, b: NameBlock) -> Bool {
            (a.sex, a.year, a.lo, a.hi, a.byPlace ? 1 : 0, a.key) < (b.sex, b.year, b.lo, b.hi, b.byPlace ? 1 : 0, b.key)
        }
    }

    /// Step 2 — name, birth date, sex, parent, place, inside blocks (see `NameBlock`). Pairs
    /// where both profiles have a NIK were decided by step 1. Evidence per pair (`evidence`);
    /// a profile whose candidate children are two different NIK children, or hold incompatible
    /// names, links to none of them (prefer precision). Strong evidence is applied before weak.
    /// Joining two sets anchored to different NIK children or holding incompatible names is
    /// refused, weak evidence joins only sets whose parents agree somewhere (or a set with
    /// no parent written), and evidence from names that are not the same never joins two sets
    /// measured in a common month (twins). Pairs with some evidence that stay apart are
    /// review candidates.
    static func linkByName(_ profiles: [Profile], _ rep: [Int], _ f: Features, _ sets: inout ChildSets,
                           review: inout [(Int, Int)]) {
        var blocks: [NameBlock: [Int]] = [:]
        for (p, pr) in profiles.enumerated() where pr.name >= 0 {
            let c = pr.birth.civil
            let (lo, hi) = (min(c.day, c.month), max(c.day, c.month))
            blocks[NameBlock(sex: pr.sex.rawValue, year: c.year, lo: lo, hi: hi, byPlace: false,
                             key: f.nameWords[pr.name][0]), default: []].append(p)
            let place = pr.desa >= 0 ? pr.desa : pr.posyandu
            if place >= 0 {
                blocks[NameBlock(sex: pr.sex.rawValue, year: c.year, lo: lo, hi: hi, byPlace: true, key: place),
                       default: []].append(p)
            }
        }
        for key in blocks.keys.sorted() {
            let group = blocks[key]!
            guard group.count > 1 else { continue }
            var edges: [(Int, Int, Evidence, Bool)] = []
            for (x, a) in group.enumerated() {
                for b in group[(x + 1)...] where profiles[a].nik == nil || profiles[b].nik == nil {
                    switch evidence(profiles[a], profiles[b], rep[a], rep[b], f) {
                    case .link(let e, let sameName): edges.append((a, b, e, sameName))
                    case .review: review.append((a, b))
                    case .none: break
                    }
                }
            }
            guard !edges.isEmpty else { continue }
            // Ambiguity: a profile whose candidate children (the sets its partners are in) are
            // two different NIK children, or hold incompatible names, links to none of them.
            // Only a profile's strongest candidates count (the same name, strong, before a
            // spelling or an initial): `Ahmad Athar` is Athar's, though `Ahmad A.` of his twin
            // Azka could also be him.
            func rank(_ e: Evidence, _ sameName: Bool) -> Int { e == .strong ? (sameName ? 0 : 1) : 2 }
            var best: [Int: Int] = [:]
            for (a, b, e, same) in edges {
                let r = rank(e, same)
                best[a] = min(best[a] ?? r, r); best[b] = min(best[b] ?? r, r)
            }
            var partners: [Int: [Int]] = [:]
            for (a, b, e, same) in edges {
                let r = rank(e, same)
                if r == best[a] { partners[a, default: []].append(b) }
                if r == best[b] { partners[b, default: []].append(a) }
            }
            var ambiguous = Set<Int>()
            for p in partners.keys.sorted() {
                let ps = partners[p]!
                let roots = Array(Set(ps.map { sets.find($0) }).subtracting([sets.find(p)])).sorted()
                let anchors = Set(roots.compactMap { sets.anchor[$0] })
                if anchors.count > 1 && sets.anchor[sets.find(p)] == nil { ambiguous.insert(p); continue }
                outer: for (x, r) in roots.enumerated() {
                    for q in roots[(x + 1)...] where !sets.namesCompatible(r, q, f) { ambiguous.insert(p); break outer }
                }
            }
            // Strong evidence first; weak evidence also needs the two children's parents to agree.
            for strength in [Evidence.strong, .weak] {
                for (a, b, e, sameName) in edges where e == strength {
                    if ambiguous.contains(a) || ambiguous.contains(b)
                        || !sets.union(a, b, needParents: e == .weak, twins: !sameName, f) {
                        review.append((a, b))
                    }
                }
            }
        }
    }

    /// What the evidence of a pair of profiles says.
    enum Verdict: Equatable {
        /// Join, with this strength; `sameName` when the canonical names are equal (else the
        /// twin rule applies).
        case link(Evidence, sameName: Bool)
        /// Likely but not certain: for the officer (`link_review`).
        case review
        case none
    }

    /// Evidence that two profiles (same sex and block) are one child.
    /// - strong: same canonical name and birth date, and either agreeing parents (in any place:
    ///   a child who moved to another desa), or the same place with a parent missing, or the
    ///   same place with different parents (mother vs father) for a name of two or more words;
    /// - strong, but never joining two sets measured in a common month: a one-word name, same
    ///   birth date and place, different parent names; or a name of two or more words spelled
    ///   differently (`variant`), same birth date and place, different parent names;
    /// - weak: one difference only — the birth date's day and month swapped, the name a
    ///   spelling variant, or words dropped from it — with the same place and parents not
    ///   disagreeing, or in another place with agreeing parents (a child who moved); when what
    ///   pairs is only a common word (`Putri`), the same birth date, place and agreeing parents;
    /// - review: a pair that fails these rules but has the same or swapped birth date, a name
    ///   that is not contradictory, and the same place or agreeing parents.
    static func evidence(_ a: Profile, _ b: Profile, _ ia: Int, _ ib: Int, _ f: Features) -> Verdict {
        let nameRel = f.nameRelation(a.name, b.name)
        if nameRel == .none { return .none }
        let sameBirth = a.birth == b.birth
        let swapped = isDayMonthSwap(a.birth, b.birth)
        guard sameBirth || swapped else { return .none }
        let place = f.samePlace(ia, ib)
        let parents = f.parentRelation(a.parent, b.parent)
        let candidate: Verdict = place || parents == .agree ? .review : .none
        if sameBirth && nameRel == .same {
            if parents == .agree || (place && parents == .unknown) { return .link(.strong, sameName: true) }
            guard place else { return .none }
            // Same place, another parent written: the mother in one record and the father in
            // another — or two namesakes. Strong for a name of two or more words.
            // A one-word name (often a name with the last name dropped) links only children
            // never measured in the same month (two children of that name, born that day in
            // that place, would meet at the posyandu) or whose parents agree somewhere.
            return f.nameWords[a.name].count > 1 ? .link(.strong, sameName: true) : .link(.strong, sameName: false)
        }
        if nameRel == .genericDropped {
            return sameBirth && place && parents == .agree ? .link(.weak, sameName: false) : candidate
        }
        if nameRel == .distant { return candidate }
        let differences = (sameBirth ? 0 : 1) + (nameRel == .same ? 0 : 1)
        guard differences == 1 else { return candidate }
        if (place && parents != .differ) || parents == .agree { return .link(.weak, sameName: nameRel == .same) }
        // Same place and birth date, another parent written (the mother in one record, the
        // father in another), a name of two or more words spelled differently: as for the same
        // name, but only children never measured in a common month (two children born that day
        // there would meet at the posyandu).
        if place && sameBirth && nameRel == .variant && f.nameWords[a.name].count > 1 && f.nameWords[b.name].count > 1 {
            return .link(.strong, sameName: false)
        }
        return candidate
    }
}
