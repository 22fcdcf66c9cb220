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

extension Link {
    /// Finds duplicates among the valid records (`recs` sorted by `RowRef`).
    ///
    /// - Exact repeat: equal `RawKey` (same file, every column equal except `No`).
    /// - Double entry: equal `MeasurementKey` in any file or posyandu, when `sameChildEntry`.
    /// The record with the smallest `RowRef` of a group is kept.
    /// - Returns: per record, the index of the kept record it duplicates, or nil.
    static func findDuplicates(_ recs: [Record], _ f: Features) -> [Int?] {
        var dupOf = [Int?](repeating: nil, count: recs.count)
        var exact: [RawKey: Int] = [:]
        exact.reserveCapacity(recs.count)
        for i in recs.indices where recs[i].status == .valid {
            let k = RawKey(recs[i])
            if let kept = exact[k] { dupOf[i] = kept } else { exact[k] = i }
        }

        // Kept records per measurement key, in RowRef order.
        var measured: [MeasurementKey: [Int]] = [:]
        for i in recs.indices where recs[i].status == .valid && dupOf[i] == nil {
            let r = recs[i]
            let k = MeasurementKey(name: f.name[i], birth: r.birthDate, sex: r.sex, date: r.measureDate,
                                   weight: r.weightKg?.bitPattern, height: r.heightCm?.bitPattern)
            guard f.name[i] >= 0 else { continue }
            var kept = measured[k] ?? []
            if let j = kept.first(where: { sameChildEntry($0, i, f) }) {
                dupOf[i] = j
            } else {
                kept.append(i)
                measured[k] = kept
            }
        }
        // Exact repeats of a record that is itself a double entry point at the kept one.
        for i in dupOf.indices {
            guard var k = dupOf[i] else { continue }
            while let next = dupOf[k] { k = next }
            dupOf[i] = k
        }
        return dupOf
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
