import TimbangCore

/// The cube as the tables an archive carries under `restricted/merge/` (README "Merging
/// archives"), and back. Numbers are exact: counts as integers, sums of z-scores as the
/// shortest text that reads back as the same `Double`. Only non-zero cells are written.
extension AggregateCube {
    /// Names of the cube's tables start with this (the report writes them under
    /// `restricted/merge/` without it, never under `public/`).
    public static let tablePrefix = "merge_"

    static let indicatorNames = PrevalenceBuilder.indicators.map(\.rawValue)
    static let prevalenceColumns = ["key", "month", "sex", "age", "children", "haz_den", "stunting", "severe_stunting",
        "waz_den", "underweight", "severe_underweight", "whz_den", "wasting", "severe_wasting", "overweight",
        "haz_n", "haz_s1", "haz_s2", "waz_n", "waz_s1", "waz_s2", "whz_n", "whz_s1", "whz_s2"]
    static let skdnColumns = ["key", "month", "sex", "age", "k", "d", "n", "t", "o", "b", "t2", "bgm"]
    static let qualityColumns: [String] = {
        var c = ["key", "slot", "records", "valid", "invalid", "duplicate", "nik_missing", "nik_invalid", "sex_missing",
                 "birth_missing", "weight_missing", "height_missing"]
        c += (0..<4).map { "flag_n\($0)" } + (0..<4).map { "flag_d\($0)" }
        for z in ["haz", "waz", "whz"] { c += ["n", "s1", "s2", "s3", "s4"].map { z + "_" + $0 } }
        c += ["male", "female", "heap_n", "heap_d", "age6to29", "age30to59"]
        for p in ["srcz_n", "srcz_d", "srccat_n", "srccat_d"] { c += (0..<3).map { p + String($0) } }
        c += QualityBuilder.reasons.map { "reason_" + $0.lowercased() }
        c += (0..<10).map { "weight_digit\($0)" } + (0..<10).map { "height_digit\($0)" }
        return c
    }()
    static let latestColumns = ["child_key", "key", "month", "day", "sex", "age_months", "zlen", "zwei", "zwfl", "zbmi",
                                "flen", "fwei", "fwfl", "fbmi", "oedema", "cat_bbu", "cat_tbu", "cat_bbtb", "cat_imtu"]

    /// The cube as `merge_*` tables of text (tests, `timbang merge` reading archives back).
    public func tables() -> [Table] {
        (0..<Self.tableGroups).flatMap { emit(group: $0, TextRows.init).map(\.table) }
    }

    /// The cube's `merge_*` tables as CSV, written straight from the sums (no table of text in
    /// between): the same bytes as `tables()`' `csvBytes()`, made once for the stage store and
    /// the archive. The groups of tables are written on several threads.
    public func renderedTables() -> [RenderedTable] {
        parallelMap(Self.tableGroups, order: [1, 3, 4, 2, 0]) { emit(group: $0, CSVRows.init).map(\.rendered) }.flatMap { $0 }
    }

    /// Rendered cube tables named as the archive has them under `restricted/merge/`: without
    /// `tablePrefix`.
    public static func archiveNamed(_ tables: [RenderedTable]) -> [RenderedTable] {
        tables.map { RenderedTable(name: $0.name.hasPrefix(tablePrefix) ? String($0.name.dropFirst(tablePrefix.count)) : $0.name,
                                   rowCount: $0.rowCount, csv: $0.csv) }
    }

    /// How many groups `emit` writes the tables in (each group's tables come from one loop).
    static let tableGroups = 5

    /// The tables of one group, in order (groups 0… give keys, months, codes; prevalence,
    /// categories; skdn; quality; latest, rejections, source, sasaran), written row by row into
    /// sinks made by `make(name, columns)`.
    func emit<S: CubeTableSink>(group: Int, _ make: (String, [String]) -> S) -> [S] {
        let nm = months.count
        let p = Self.tablePrefix
        switch group {
        case 0:
            var keyT = make(p + "keys", ["key", "kabupaten", "kecamatan", "puskesmas", "desa", "posyandu", "has_valid"])
            for (j, k) in keys.enumerated() {
                keyT.cell(j)
                for c in [k.kabupaten, k.unit.kecamatan, k.unit.puskesmas, k.unit.desa, k.unit.posyandu] { keyT.cell(c) }
                keyT.cell(keyHasValid[j] ? 1 : 0)
                keyT.endRow()
            }
            var monthT = make(p + "months", ["month"])
            for m in months { monthT.cell(m.description); monthT.endRow() }
            var codeT = make(p + "codes", ["indicator", "code"] + (0..<6).map { "band\($0)" })
            for k in 0..<4 {
                for (j, code) in codes.codes[k].enumerated() {
                    codeT.cell(Self.indicatorNames[k]); codeT.cell(code)
                    for b in codes.bands[k][j] { codeT.cell(b) }
                    codeT.endRow()
                }
            }
            return [keyT, monthT, codeT]
        case 1:
            var prevT = make(p + "prevalence", Self.prevalenceColumns)
            var catT = make(p + "categories", ["key", "month", "sex", "age", "indicator", "code", "count"])
            let w = categoryWidth
            let monthNames = months.map(\.description)
            for key in keys.indices {
                for m in 0..<nm {
                    guard let pair = pair(key, m) else { continue }
                    for g in 0..<Self.prevalenceGroups {
                        let c = pair * Self.prevalenceGroups + g
                        let s = prevalence[c]
                        guard s.children > 0 else { continue }
                        func head(_ t: inout S) { t.cell(key); t.cell(monthNames[m]); t.cell(g / 7); t.cell(g % 7) }
                        head(&prevT)
                        for v in [s.children, s.hazDen, s.stunting, s.severeStunting, s.wazDen, s.underweight,
                                  s.severeUnderweight, s.whzDen, s.wasting, s.severeWasting, s.overweight] { prevT.cell(v) }
                        for z in [s.haz, s.waz, s.whz] { prevT.cell(z.n); prevT.cell(exact(z.s1)); prevT.cell(exact(z.s2)) }
                        prevT.endRow()
                        for k in 0..<4 {
                            for j in codes.codes[k].indices {
                                let n = categories[(c * 4 + k) * w + j]
                                guard n > 0 else { continue }
                                head(&catT); catT.cell(Self.indicatorNames[k]); catT.cell(codes.codes[k][j]); catT.cell(Int(n))
                                catT.endRow()
                            }
                        }
                    }
                }
            }
            return [prevT, catT]
        case 2:
            var skdnT = make(p + "skdn", Self.skdnColumns)
            let monthNames = months.map(\.description)
            for key in keys.indices {
                for m in 0..<nm {
                    guard let pair = pair(key, m) else { continue }
                    for g in 0..<Self.skdnGroups {
                        let s = skdn[pair * Self.skdnGroups + g]
                        let v = [s.k, s.d, s.n, s.t, s.o, s.b, s.t2, s.bgm]
                        guard v.contains(where: { $0 != 0 }) else { continue }
                        skdnT.cell(key); skdnT.cell(monthNames[m]); skdnT.cell(g / 6); skdnT.cell(g % 6)
                        for x in v { skdnT.cell(x) }
                        skdnT.endRow()
                    }
                }
            }
            return [skdnT]
        case 3:
            var qualT = make(p + "quality", Self.qualityColumns)
            let nr = QualityBuilder.reasons.count
            for key in keys.indices {
                for slot in 0...nm {
                    let c = key * (nm + 1) + slot
                    let q = quality[c]
                    guard q.records > 0 || q.male + q.female > 0 || q.heapD > 0 else { continue }
                    qualT.cell(key); qualT.cell(slot < nm ? months[slot].description : "undated")
                    for v in [q.records, q.valid, q.invalid, q.duplicate, q.nikMissing, q.nikInvalid, q.sexMissing, q.birthMissing,
                              q.weightMissing, q.heightMissing, q.flagN.0, q.flagN.1, q.flagN.2, q.flagN.3,
                              q.flagD.0, q.flagD.1, q.flagD.2, q.flagD.3] { qualT.cell(v) }
                    for z in [q.haz, q.waz, q.whz] {
                        qualT.cell(z.n)
                        for s in [z.s1, z.s2, z.s3, z.s4] { qualT.cell(exact(s)) }
                    }
                    for v in [q.male, q.female, q.heapN, q.heapD, q.age6to29, q.age30to59,
                              q.srcZN.0, q.srcZN.1, q.srcZN.2, q.srcZD.0, q.srcZD.1, q.srcZD.2,
                              q.srcCatN.0, q.srcCatN.1, q.srcCatN.2, q.srcCatD.0, q.srcCatD.1, q.srcCatD.2] { qualT.cell(v) }
                    for v in reasons[(c * nr)..<(c * nr + nr)] { qualT.cell(v) }
                    for v in digits[(c * 20)..<(c * 20 + 20)] { qualT.cell(v) }
                    qualT.endRow()
                }
            }
            return [qualT]
        default:
            var latestT = make(p + "latest", Self.latestColumns)
            for l in latest {
                let f = l.facts
                func flag(_ b: Bool?) -> String { b.map { $0 ? "1" : "0" } ?? "" }
                func code(_ k: Int) -> String { f.cat(k) >= 0 ? codes.codes[k][f.cat(k)] : "" }
                latestT.cell(l.childKey); latestT.cell(Int(l.key)); latestT.cell(l.month.description)
                if l.day == .min { latestT.cell("") } else { latestT.cell(Int(l.day)) }
                latestT.cell(f.sex.map { String($0.rawValue) } ?? ""); latestT.cell(f.ageMonths.map(String.init) ?? "")
                for z in [f.zlen, f.zwei, f.zwfl, f.zbmi] { latestT.cell(exact(z)) }
                for b in [f.flen, f.fwei, f.fwfl, f.fbmi] { latestT.cell(flag(b)) }
                latestT.cell(f.oedema ? 1 : 0)
                for k in 0..<4 { latestT.cell(code(k)) }
                latestT.endRow()
            }
            var rejT = make(p + "rejections", ["file", "reason", "count"])
            for r in rejections { rejT.cell(r.file); rejT.cell(r.reason); rejT.cell(r.count); rejT.endRow() }
            var srcT = make(p + "source", ["file", "srcz_wei_n", "srcz_wei_d", "srcz_len_n", "srcz_len_d", "srcz_wfl_n", "srcz_wfl_d"])
            for r in sourceAgreement { srcT.cell(r.file); for v in r.counts { srcT.cell(v) }; srcT.endRow() }
            var sasT = make(p + "sasaran", ["kabupaten", "kecamatan", "desa", "posyandu", "period", "s"])
            for r in sasaran {
                for c in [r.kabupaten, r.kecamatan, r.desa, r.posyandu, r.period?.description ?? ""] { sasT.cell(c) }
                sasT.cell(r.s); sasT.endRow()
            }
            return [latestT, rejT, srcT, sasT]
        }
    }

    /// Reads a cube back from its `merge_*` tables (names with or without the prefix).
    /// - Throws: `AggregateError.cubeMalformed` naming the table, row and cell.
    public init(tables: [Table], merged: Bool = false) throws {
        var byName: [String: Table] = [:]
        for t in tables {
            byName[t.name.hasPrefix(Self.tablePrefix) ? String(t.name.dropFirst(Self.tablePrefix.count)) : t.name] = t
        }
        func table(_ name: String, _ columns: [String]) throws -> Table {
            guard let t = byName[name] else { throw AggregateError.cubeMalformed(why: "no \(name) table") }
            guard t.columns == columns else { throw AggregateError.cubeMalformed(why: "\(name): columns \(t.columns.joined(separator: ",")), expected \(columns.joined(separator: ","))") }
            return t
        }
        struct Reader {
            var name: String
            func int(_ row: Int, _ s: String) throws -> Int {
                guard let v = Int(s) else { throw AggregateError.cubeMalformed(why: "\(name) row \(row + 1): '\(s)' is not a whole number") }
                return v
            }
            func double(_ row: Int, _ s: String) throws -> Double {
                guard let v = Double(s), v.isFinite else { throw AggregateError.cubeMalformed(why: "\(name) row \(row + 1): '\(s)' is not a number") }
                return v
            }
            func optionalDouble(_ row: Int, _ s: String) throws -> Double? { s.isEmpty ? nil : try double(row, s) }
            func index(_ row: Int, _ s: String, below n: Int, what: String) throws -> Int {
                let v = try int(row, s)
                guard v >= 0 && v < n else { throw AggregateError.cubeMalformed(why: "\(name) row \(row + 1): \(what) \(s) out of range") }
                return v
            }
        }
        let keyT = try table("keys", ["key", "kabupaten", "kecamatan", "puskesmas", "desa", "posyandu", "has_valid"])
        var keys: [CubeKey] = [], hasValid: [Bool] = []
        for (i, r) in keyT.rows.enumerated() {
            guard r[0] == String(i) else { throw AggregateError.cubeMalformed(why: "keys row \(i + 1): key '\(r[0])', expected \(i)") }
            keys.append(CubeKey(kabupaten: r[1], unit: UnitKey(kecamatan: r[2], puskesmas: r[3], desa: r[4], posyandu: r[5])))
            hasValid.append(r[6] == "1")
        }
        guard zip(keys, keys.dropFirst()).allSatisfy({ $0 < $1 }) else { throw AggregateError.cubeMalformed(why: "keys are not in ascending order") }
        let monthT = try table("months", ["month"])
        var months: [YearMonth] = []
        for (i, r) in monthT.rows.enumerated() {
            guard let m = YearMonth(r[0]), months.last.map({ $0 < m }) ?? true else {
                throw AggregateError.cubeMalformed(why: "months row \(i + 1): '\(r[0])' is not a month after the one before")
            }
            months.append(m)
        }
        var monthIndex: [String: Int] = [:]
        for (i, m) in months.enumerated() { monthIndex[m.description] = i }
        func month(_ name: String, _ row: Int, _ s: String) throws -> Int {
            guard let m = monthIndex[s] else { throw AggregateError.cubeMalformed(why: "\(name) row \(row + 1): month '\(s)' is not in the months table") }
            return m
        }
        let codeT = try table("codes", ["indicator", "code"] + (0..<6).map { "band\($0)" })
        var codes = CategoryCodes()
        let codeReader = Reader(name: "codes")
        for (i, r) in codeT.rows.enumerated() {
            guard let k = Self.indicatorNames.firstIndex(of: r[0]), !r[1].isEmpty else {
                throw AggregateError.cubeMalformed(why: "codes row \(i + 1): indicator '\(r[0])' or an empty code")
            }
            let j = Int(codes.add(k, r[1], z: nil))
            for b in 0..<6 { codes.bands[k][j][b] += try codeReader.int(i, r[2 + b]) }
        }
        self.init(merged: merged, keys: keys, keyHasValid: hasValid, months: months, codes: codes)
        let nm = months.count, nk = keys.count, w = categoryWidth

        let prevR = Reader(name: "prevalence")
        for (i, r) in try table("prevalence", Self.prevalenceColumns).rows.enumerated() {
            let key = try prevR.index(i, r[0], below: nk, what: "key"), m = try month("prevalence", i, r[1])
            let g = try prevR.index(i, r[2], below: 3, what: "sex") * 7 + prevR.index(i, r[3], below: 7, what: "age")
            let v = try r[4..<15].map { try prevR.int(i, $0) }
            func z(_ at: Int) throws -> ZSum { ZSum(n: try prevR.int(i, r[at]), s1: try prevR.double(i, r[at + 1]), s2: try prevR.double(i, r[at + 2])) }
            prevalence[slot(key, m) * Self.prevalenceGroups + g] = PrevalenceSums(
                children: v[0], hazDen: v[1], stunting: v[2], severeStunting: v[3], wazDen: v[4], underweight: v[5],
                severeUnderweight: v[6], whzDen: v[7], wasting: v[8], severeWasting: v[9], overweight: v[10],
                haz: try z(15), waz: try z(18), whz: try z(21))
        }
        let catR = Reader(name: "categories")
        for (i, r) in try table("categories", ["key", "month", "sex", "age", "indicator", "code", "count"]).rows.enumerated() {
            let key = try catR.index(i, r[0], below: nk, what: "key"), m = try month("categories", i, r[1])
            let g = try catR.index(i, r[2], below: 3, what: "sex") * 7 + catR.index(i, r[3], below: 7, what: "age")
            guard let k = Self.indicatorNames.firstIndex(of: r[4]), let j = codes.index[k][r[5]] else {
                throw AggregateError.cubeMalformed(why: "categories row \(i + 1): code \(r[4]) '\(r[5])' is not in the codes table")
            }
            categories[((slot(key, m) * Self.prevalenceGroups + g) * 4 + k) * w + Int(j)] += Int32(clamping: try catR.int(i, r[6]))
        }
        let skdnR = Reader(name: "skdn")
        for (i, r) in try table("skdn", Self.skdnColumns).rows.enumerated() {
            let key = try skdnR.index(i, r[0], below: nk, what: "key"), m = try month("skdn", i, r[1])
            let g = try skdnR.index(i, r[2], below: 3, what: "sex") * 6 + skdnR.index(i, r[3], below: 6, what: "age")
            let v = try r[4...].map { try skdnR.int(i, $0) }
            skdn[slot(key, m) * Self.skdnGroups + g] = SKDNSums(k: v[0], d: v[1], n: v[2], t: v[3], o: v[4], b: v[5], t2: v[6], bgm: v[7])
        }
        let qR = Reader(name: "quality")
        let nr = QualityBuilder.reasons.count
        for (i, r) in try table("quality", Self.qualityColumns).rows.enumerated() {
            let key = try qR.index(i, r[0], below: nk, what: "key")
            let slot = r[1] == "undated" ? nm : try month("quality", i, r[1])
            let c = key * (nm + 1) + slot
            let v = try r[2..<20].map { try qR.int(i, $0) }
            var q = QualitySums()
            (q.records, q.valid, q.invalid, q.duplicate, q.nikMissing, q.nikInvalid) = (v[0], v[1], v[2], v[3], v[4], v[5])
            (q.sexMissing, q.birthMissing, q.weightMissing, q.heightMissing) = (v[6], v[7], v[8], v[9])
            q.flagN = (v[10], v[11], v[12], v[13]); q.flagD = (v[14], v[15], v[16], v[17])
            func moments(_ at: Int) throws -> Moments {
                Moments(n: try qR.int(i, r[at]), s1: try qR.double(i, r[at + 1]), s2: try qR.double(i, r[at + 2]),
                        s3: try qR.double(i, r[at + 3]), s4: try qR.double(i, r[at + 4]))
            }
            q.haz = try moments(20); q.waz = try moments(25); q.whz = try moments(30)
            let u = try r[35..<53].map { try qR.int(i, $0) }
            (q.male, q.female, q.heapN, q.heapD, q.age6to29, q.age30to59) = (u[0], u[1], u[2], u[3], u[4], u[5])
            q.srcZN = (u[6], u[7], u[8]); q.srcZD = (u[9], u[10], u[11])
            q.srcCatN = (u[12], u[13], u[14]); q.srcCatD = (u[15], u[16], u[17])
            quality[c] = q
            for x in 0..<nr { reasons[c * nr + x] = try qR.int(i, r[53 + x]) }
            for x in 0..<20 { digits[c * 20 + x] = try qR.int(i, r[53 + nr + x]) }
        }
        let lR = Reader(name: "latest")
        for (i, r) in try table("latest", Self.latestColumns).rows.enumerated() {
            guard !r[0].isEmpty, latest.last.map({ $0.childKey.utf8.lexicographicallyPrecedes(r[0].utf8) }) ?? true else {
                throw AggregateError.cubeMalformed(why: "latest row \(i + 1): child keys are not unique and ascending")
            }
            let key = try lR.index(i, r[1], below: nk, what: "key")
            guard let m = YearMonth(r[2]) else { throw AggregateError.cubeMalformed(why: "latest row \(i + 1): month '\(r[2])'") }
            var f = Facts(status: .valid)
            f.sex = r[4].isEmpty ? nil : Sex(rawValue: try lR.int(i, r[4]))
            f.ageMonths = r[5].isEmpty ? nil : try lR.int(i, r[5])
            f.zlen = try lR.optionalDouble(i, r[6]); f.zwei = try lR.optionalDouble(i, r[7])
            f.zwfl = try lR.optionalDouble(i, r[8]); f.zbmi = try lR.optionalDouble(i, r[9])
            func flag(_ s: String) -> Bool? { s.isEmpty ? nil : s == "1" }
            f.flen = flag(r[10]); f.fwei = flag(r[11]); f.fwfl = flag(r[12]); f.fbmi = flag(r[13])
            f.oedema = r[14] == "1"
            var cat = [Int16](repeating: -1, count: 4)
            for k in 0..<4 where !r[15 + k].isEmpty {
                guard let j = codes.index[k][r[15 + k]] else {
                    throw AggregateError.cubeMalformed(why: "latest row \(i + 1): code '\(r[15 + k])' is not in the codes table")
                }
                cat[k] = j
            }
            f.cat = (cat[0], cat[1], cat[2], cat[3])
            latest.append(LatestFact(childKey: r[0], key: Int32(key), month: m,
                                     day: r[3].isEmpty ? .min : Int32(clamping: try lR.int(i, r[3])), facts: f))
        }
        let rR = Reader(name: "rejections")
        rejections = try table("rejections", ["file", "reason", "count"]).rows.enumerated().map { i, r in (r[0], r[1], try rR.int(i, r[2])) }
        let sR = Reader(name: "source")
        sourceAgreement = try table("source", ["file", "srcz_wei_n", "srcz_wei_d", "srcz_len_n", "srcz_len_d", "srcz_wfl_n", "srcz_wfl_d"])
            .rows.enumerated().map { i, r in (r[0], try r[1...].map { try sR.int(i, $0) }) }
        let saR = Reader(name: "sasaran")
        sasaran = try table("sasaran", ["kabupaten", "kecamatan", "desa", "posyandu", "period", "s"]).rows.enumerated().map { i, r in
            var row = SasaranRow(kecamatan: r[1], desa: r[2], posyandu: r[3], period: r[4].isEmpty ? nil : YearMonth(r[4]), s: try saR.int(i, r[5]))
            row.kabupaten = r[0]
            return row
        }
    }
}

/// The shortest text that reads back as the same `Double` ("" for nil).
@inline(__always) func exact(_ v: Double?) -> String { v.map { $0.description } ?? "" }

/// Where `AggregateCube.emit` writes a table, cell by cell.
protocol CubeTableSink {
    mutating func cell(_ s: String)
    mutating func cell(_ v: Int)
    mutating func endRow()
}

/// A cube table as a `Table` of text.
struct TextRows: CubeTableSink {
    var table: Table
    var row: [String] = []
    init(name: String, columns: [String]) { table = Table(name: name, columns: columns) }
    mutating func cell(_ s: String) { row.append(s) }
    mutating func cell(_ v: Int) { row.append(String(v)) }
    mutating func endRow() { table.rows.append(row); row = []; row.reserveCapacity(table.columns.count) }
}

/// A cube table as CSV bytes (`CSVRowBytes`, as `Table.csvBytes` writes it).
struct CSVRows: CubeTableSink {
    var name: String
    var w = CSVRowBytes()
    var rows = 0
    init(name: String, columns: [String]) { self.name = name; w.row(columns) }
    mutating func cell(_ s: String) { w.cell(s) }
    mutating func cell(_ v: Int) { w.cell(v) }
    mutating func endRow() { w.endRow(); rows += 1 }
    var rendered: RenderedTable { RenderedTable(name: name, rowCount: rows, csv: w.bytes) }
}
