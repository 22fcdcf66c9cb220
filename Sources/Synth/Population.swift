import TimbangCore

/// One child of the synthetic kabupaten, compact (about 64 bytes): names are indices into
/// `Names`, places indices into `Kabupaten`.
struct Child {
    var birth: Day
    var sex: Sex
    var prefix: UInt8
    var given: UInt8
    /// Index into the last-name list, 255 = none.
    var last: UInt8
    var motherFirst: UInt8, motherLast: UInt8, fatherFirst: UInt8, fatherLast: UInt8
    var home: Int32
    /// Posyandu the child moves to (-1: never moves) and the month index of the move.
    var moveTo: Int32 = -1
    var moveMonth: Int16 = 0
    /// NIK: region code, kecamatan code, serial; `nikAge` = age in months from which the
    /// dumps carry it (0 = from the first visit, -1 = never).
    var nikRegion: Int16, nikKec: UInt8, nikSerial: UInt16
    var nikAge: Int8
    var rt: UInt8, rw: UInt8, street: UInt8, houseNo: UInt8
    /// Child-level growth track: length-for-age z at birth, faltering by 24 months (z units),
    /// weight-for-length z level, attendance propensity.
    var hazBirth: Float, falter: Float, whzBase: Float, attendance: Float
    var twinOf: Int32 = -1
    var namesakeOf: Int32 = -1

    var hasNIKEver: Bool { nikAge >= 0 }
    var bornElsewhere: Bool { nikRegion != Int16(Kabupaten.regionCode) }

    /// The full name as the registry knows it.
    var name: String {
        var parts: [String] = []
        if prefix != 0 { parts.append(Names.prefixes[Int(prefix)]) }
        parts.append(sex == .male ? Names.boys[Int(given)] : Names.girls[Int(given)])
        if last != 255 { parts.append(sex == .male ? Names.boyLast[Int(last)] : Names.girlLast[Int(last)]) }
        return parts.joined(separator: " ")
    }

    var mother: String { join(Names.motherFirst[Int(motherFirst)], Names.motherLast[Int(motherLast)]) }
    var father: String { join(Names.fatherFirst[Int(fatherFirst)], Names.fatherLast[Int(fatherLast)]) }

    /// The 16-digit NIK: `PP KK CC DD MM YY SSSS`, day +40 for girls (domain.md §4.1).
    var nik: String {
        let c = birth.civil
        let dd = c.day + (sex == .female ? 40 : 0)
        return pad(Int(nikRegion), 4) + pad(Int(nikKec), 2) + pad(dd, 2) + pad(c.month, 2)
            + pad(c.year % 100, 2) + pad(Int(nikSerial), 4)
    }

    /// Posyandu the child attends in month `m` (index from the first month).
    func posyandu(month m: Int) -> Int { moveTo >= 0 && m >= Int(moveMonth) ? Int(moveTo) : Int(home) }

    /// True when the dump shows the NIK at this age.
    func nikKnown(ageDays: Int) -> Bool { nikAge >= 0 && Double(ageDays) >= Double(nikAge) * 30.4375 }
}

private func join(_ a: String, _ b: String) -> String { b.isEmpty ? a : a + " " + b }

/// The children of the kabupaten, built once (sequentially, so serials and twins are
/// deterministic) and then read by the monthly generation.
struct Population {
    var children: [Child] = []

    /// - Parameters:
    ///   - first: first day of the first month; `last`: last day of the last month. Birth
    ///     dates are spread over the 60 months before `first` up to `last`, so the balita
    ///     population is roughly stable.
    init(seed: UInt64, count: Int, kabupaten: Kabupaten, months: Int, first: Day, last: Day) {
        var rng = Rng(seed: seed, .child)
        children.reserveCapacity(count)
        var serials: [Int64: UInt16] = [:]
        let earliest = first + (-1826 + 10)
        let span = last - earliest
        let posyanduCount = kabupaten.posyandu.count
        var i = 0
        while i < count {
            let home = rng.int(posyanduCount)
            let desa = kabupaten.desa[kabupaten.posyandu[home].desa]
            var c = Population.draw(&rng, birth: earliest + rng.int(span), home: home, desa: desa,
                                    kecCode: kabupaten.kecamatan[desa.kecamatan].code, months: months,
                                    kabupaten: kabupaten)
            c.nikSerial = Population.serial(&serials, c)
            children.append(c)
            i += 1
            // Twins: about 1 birth in 80; same birth date, parents and address, own name and NIK.
            if i < count && rng.chance(0.0125) {
                var t = Population.draw(&rng, birth: c.birth, home: home, desa: desa,
                                        kecCode: kabupaten.kecamatan[desa.kecamatan].code, months: months,
                                        kabupaten: kabupaten)
                t.motherFirst = c.motherFirst; t.motherLast = c.motherLast
                t.fatherFirst = c.fatherFirst; t.fatherLast = c.fatherLast
                t.rt = c.rt; t.rw = c.rw; t.street = c.street; t.houseNo = c.houseNo
                t.moveTo = c.moveTo; t.moveMonth = c.moveMonth
                t.nikRegion = c.nikRegion; t.nikKec = c.nikKec; t.nikAge = c.nikAge
                // Twins often get rhyming names: same prefix, same last name.
                t.prefix = t.sex == c.sex ? c.prefix : t.prefix
                t.last = t.sex == c.sex ? c.last : t.last
                if t.sex == c.sex && t.given == c.given { t.given = UInt8((Int(t.given) + 1) % (t.sex == .male ? Names.boys.count : Names.girls.count)) }
                t.twinOf = Int32(i - 1)
                t.nikSerial = Population.serial(&serials, t)
                children.append(t)
                i += 1
            }
        }
        // Namesakes: a child elsewhere with the same common name, sex and birth date
        // (about 1 in 400, at least one pair when there are 40 children or more).
        var nrng = Rng(seed: seed, .names)
        let pairs = count >= 40 ? max(1, count / 400) : 0
        for p in 0..<pairs {
            let a = (p * 2 * 7919) % count
            guard children[a].twinOf < 0, children[a].namesakeOf < 0 else { continue }
            var tries = 0
            var b = nrng.int(count)
            while tries < 50 && (b == a || children[b].twinOf >= 0 || children[b].namesakeOf >= 0
                                 || children[b].sex != children[a].sex
                                 || kabupaten.posyandu[Int(children[b].home)].desa == kabupaten.posyandu[Int(children[a].home)].desa
                                 || (a + 1 < count && children[a + 1].twinOf == Int32(a))
                                 || (b + 1 < count && children[b + 1].twinOf == Int32(b))) {
                b = nrng.int(count); tries += 1
            }
            guard tries < 50 else { continue }
            let isBoy = children[a].sex == .male
            for k in [a, b] {
                children[k].prefix = isBoy ? 1 : 3
                children[k].given = UInt8(isBoy ? 0 : 0)   // Muhammad Rizky / Siti Aisyah
                children[k].last = 255
            }
            children[b].birth = children[a].birth
            children[b].namesakeOf = Int32(a)
            children[b].nikSerial = Population.serial(&serials, children[b])
        }
    }

    static func serial(_ serials: inout [Int64: UInt16], _ c: Child) -> UInt16 {
        let n = c.nik
        let key = Int64(n.prefix(12))!
        let s = (serials[key] ?? 0) + 1
        serials[key] = s
        return s
    }

    static func draw(_ rng: inout Rng, birth: Day, home: Int, desa: Kabupaten.Desa, kecCode: Int,
                     months: Int, kabupaten: Kabupaten) -> Child {
        let sex: Sex = rng.chance(0.51) ? .male : .female
        let boy = sex == .male
        let prefix = boy ? rng.pick(Names.boyPrefixes) : rng.pick(Names.girlPrefixes)
        let given = UInt8(rng.int(boy ? Names.boys.count : Names.girls.count))
        let last: UInt8 = rng.chance(prefix == 0 ? 0.7 : 0.4) ? UInt8(rng.int(boy ? Names.boyLast.count : Names.girlLast.count)) : 255
        let elsewhere = rng.chance(0.06)
        let nikAge: Int8
        let u = rng.uniform()
        if u < 0.62 { nikAge = 0 } else if u < 0.92 { nikAge = Int8(rng.int(in: 1...14)) } else { nikAge = -1 }
        var c = Child(
            birth: birth, sex: sex, prefix: prefix, given: given, last: last,
            motherFirst: UInt8(rng.int(Names.motherFirst.count)), motherLast: UInt8(rng.int(Names.motherLast.count)),
            fatherFirst: UInt8(rng.int(Names.fatherFirst.count)), fatherLast: UInt8(rng.int(Names.fatherLast.count)),
            home: Int32(home),
            nikRegion: Int16(elsewhere ? rng.pick(Kabupaten.otherRegions) : Kabupaten.regionCode),
            nikKec: UInt8(elsewhere ? rng.int(in: 1...20) : kecCode), nikSerial: 0, nikAge: nikAge,
            rt: UInt8(rng.int(in: 1...12)), rw: UInt8(rng.int(in: 1...6)),
            street: UInt8(rng.int(Names.streets.count + Names.dusun.count)), houseNo: UInt8(rng.int(in: 1...99)),
            hazBirth: Float(-0.55 + 0.85 * rng.normal() + desa.hazShift),
            falter: Float(max(0, 0.75 + 0.55 * rng.normal())),
            whzBase: Float(-0.5 + 0.9 * rng.normal() + desa.whzShift),
            attendance: Float(0.6 + 0.5 * rng.uniform()))
        // About 3 % move to another posyandu (another desa, sometimes another kecamatan).
        if months > 1 && rng.chance(0.03) {
            c.moveTo = Int32(rng.int(kabupaten.posyandu.count))
            c.moveMonth = Int16(rng.int(in: 1...(months - 1)))
            if c.moveTo == Int32(home) { c.moveTo = -1 }
        }
        return c
    }
}
