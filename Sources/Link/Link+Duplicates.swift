import TimbangCore

/// The text of a record as written, except `No` and the provenance: two records of one file
/// with equal `RawKey` are the same record entered twice.
struct RawKey: Hashable {
    var file, nik, name, sex, birth, parent, province, kabupaten, kecamatan, puskesmas, desa,
        posyandu, rt, rw, address, ageText, measureDate, weight, height, method, muac, oedema: String

    init(_ r: Record) {
        file = r.ref.file; nik = r.nik; name = r.name; sex = r.sexRaw; birth = r.birthDateRaw
        parent = r.parentName; province = r.province; kabupaten = r.kabupaten; kecamatan = r.kecamatan
        puskesmas = r.puskesmas; desa = r.desa; posyandu = r.posyandu; rt = r.rt; rw = r.rw
        address = r.address; ageText = r.ageText; measureDate = r.measureDateRaw; weight = r.weightRaw
        height = r.heightRaw; method = r.methodRaw; muac = r.muacRaw; oedema = r.oedemaRaw
    }
}

/// The same measurement of the same child: canonical name, birth date, sex, measurement date
/// and the measured values.
struct MeasurementKey: Hashable {
    var name: Int
    var birth: Day?
    var sex: Sex?
    var date: Day?
    var weight: UInt64?
    var height: UInt64?
}

/// Where exact repeats can only be: same file, unit and parsed values.
struct ExactBucket: Hashable {
    var file: Int
    var unit: Int
    var key: MeasurementKey
}

extension Link {
    /// Finds duplicates among the valid records (`recs` sorted by `RowRef`).
    ///
    /// - Exact repeat: equal `RawKey` (same file, every column equal except `No`).
    /// - Double entry: equal `MeasurementKey` in any file or posyandu, when `sameChildEntry`.
    /// The record with the smallest `RowRef` of a group is kept (`rehome` then moves a double
    /// entry to the child's home posyandu).
    /// - Returns: per record, the index of the kept record it duplicates, or nil.
    static func findDuplicates(_ recs: [Record], _ f: Features) -> [Int?] {
        var dupOf = [Int?](repeating: nil, count: recs.count)
        // Kept records of a bucket form a chain: `head[key]`, then `next[i]`. Most buckets
        // hold one record, so the full text of a record is compared only on a bucket hit.
        var next = [Int](repeating: -1, count: recs.count)

        var exactHead: [ExactBucket: Int] = [:]
        exactHead.reserveCapacity(recs.count)
        for i in recs.indices where recs[i].status == .valid {
            let k = ExactBucket(file: f.file[i], unit: f.unit[i], key: measurementKey(recs[i], f.name[i]))
            guard let head = exactHead[k] else { exactHead[k] = i; continue }
            let text = RawKey(recs[i])
            var j = head
            while j >= 0 && RawKey(recs[j]) != text { j = next[j] }
            if j >= 0 { dupOf[i] = j } else { next[i] = head; exactHead[k] = i }
        }

        next = [Int](repeating: -1, count: recs.count)
        var measuredHead: [MeasurementKey: Int] = [:]
        measuredHead.reserveCapacity(recs.count)
        for i in recs.indices where recs[i].status == .valid && dupOf[i] == nil && f.name[i] >= 0 {
            let k = measurementKey(recs[i], f.name[i])
            guard let head = measuredHead[k] else { measuredHead[k] = i; continue }
            // The earliest kept record of the chain that is the same child's entry.
            var j = head, kept = -1
            while j >= 0 { if sameChildEntry(j, i, f) { kept = j }; j = next[j] }
            if kept >= 0 { dupOf[i] = kept } else { next[i] = head; measuredHead[k] = i }
        }
        // Exact repeats of a record that is itself a double entry point at the kept one.
        for i in dupOf.indices {
            guard var k = dupOf[i] else { continue }
            while let n = dupOf[k] { k = n }
            dupOf[i] = k
        }
        return dupOf
    }

    static func measurementKey(_ r: Record, _ name: Int) -> MeasurementKey {
        MeasurementKey(name: name, birth: r.birthDate, sex: r.sex, date: r.measureDate,
                       weight: r.weightKg?.bitPattern, height: r.heightCm?.bitPattern)
    }

    /// Two entries of one measurement are the same child's when the NIKs and parents do not
    /// disagree and something beyond name and birth date ties them: the same NIK, agreeing
    /// parents, or the same place. (Two namesakes born the same day in different desa, both
    /// without parent names, weighed the same day with the same values, stay two records.)
    static func sameChildEntry(_ i: Int, _ j: Int, _ f: Features) -> Bool {
        if let a = f.nik[i], let b = f.nik[j] { if a != b { return false } else { return true } }
        switch f.parentRelation(f.parent[i], f.parent[j]) {
        case .differ: return false
        case .agree: return true
        case .unknown: return f.samePlace(i, j)
        }
    }
}

extension Link {
    /// A double entry counts where the child lives: of the copies of one weighing at two or
    /// more posyandu, the copy kept is the one at the posyandu (unit) where the child was
    /// measured in the most of its other months; on a tie, or a child with no other month,
    /// the smallest `RowRef` among the tied (so the choice never depends on input order).
    /// Updates `kept` (per record, the record it duplicates) and the children's records.
    static func rehome(_ kept: inout [Int?], _ children: inout Children, _ recs: [Record], _ f: Features) {
        var groups: [Int: [Int]] = [:]
        for (i, k) in kept.enumerated() { if let k { groups[k, default: [k]].append(i) } }
        let moving = groups.filter { g in Set(g.value.map { f.unit[$0] }).count > 1 }
        guard !moving.isEmpty else { return }
        let wanted = Set(moving.keys.map { children.child[$0] }.filter { $0 >= 0 })
        var members: [Int: [Int]] = [:]
        for i in recs.indices where children.child[i] >= 0 && wanted.contains(children.child[i]) {
            members[children.child[i], default: []].append(i)
        }
        for k in moving.keys.sorted() {
            let c = children.child[k]
            guard c >= 0, let group = moving[k]?.sorted() else { continue }
            let month = recs[k].measureDate?.yearMonth
            // Per unit: the distinct other months the child was measured there.
            var monthsAt: [Int: Set<YearMonth>] = [:]
            for i in members[c] ?? [] {
                guard let m = recs[i].measureDate?.yearMonth, m != month else { continue }
                monthsAt[f.unit[i], default: []].insert(m)
            }
            var best = group[0], bestCount = -1
            for i in group {
                let n = monthsAt[f.unit[i]]?.count ?? 0
                if n > bestCount { best = i; bestCount = n }
            }
            guard best != k else { continue }
            for i in group { kept[i] = i == best ? nil : best }
            children.child[best] = c; children.child[k] = -1
            children.sharedNIK[best] = children.sharedNIK[k]; children.sharedNIK[k] = false
            if let at = members[c]?.firstIndex(of: k) { members[c]![at] = best }
        }
    }
}
