import TimbangCore

extension AggregateCube {
    /// One archive's cube in a merge, with the kabupaten its keys belong to.
    public struct Part: Sendable {
        public var kabupaten: String
        public var cube: AggregateCube
        public init(kabupaten: String, cube: AggregateCube) { self.kabupaten = kabupaten; self.cube = cube }
    }

    /// Adds the cubes of several archives into one with a `provinsi` level on top.
    ///
    /// - Each part's keys are put under its kabupaten (a part that is itself a merge keeps
    ///   its own kabupaten names); the sums of a key and month are added as they are.
    /// - `latest`: a child key in several parts (a child who moved between districts, keyed
    ///   alike with one province key) counts once, by its latest counted month, then its
    ///   latest measurement date, then the first part.
    /// - Files of `rejections` and `source_agreement` are named `KABUPATEN/file`.
    /// - Throws: `AggregateError.mergeConflict` when two parts name the same kabupaten.
    ///
    /// Each part's cube is let go once it is added, so that the merge holds the sum and the
    /// parts not yet added, never two copies of a part (the caller hands them over).
    public static func merge(_ parts: consuming [Part]) throws -> AggregateCube {
        var parts = parts
        var seen: Set<String> = []
        for p in parts {
            let names = p.cube.merged ? Set(p.cube.keys.map(\.kabupaten)) : [p.kabupaten]
            for n in names where !seen.insert(n).inserted {
                throw AggregateError.mergeConflict(why: "two archives are both of kabupaten \(n)")
            }
        }
        func placed(_ p: Part, _ k: CubeKey) -> CubeKey { p.cube.merged ? k : CubeKey(kabupaten: p.kabupaten, unit: k.unit) }

        // keys, months and category codes of the sum
        var keySet: [CubeKey: Bool] = [:]
        var monthSet: Set<YearMonth> = []
        var codes = CategoryCodes()
        var codeMap: [[[Int16]]] = []   // part → indicator → part code index → sum's index
        for p in parts {
            for (j, k) in p.cube.keys.enumerated() { keySet[placed(p, k), default: false] = keySet[placed(p, k)] == true || p.cube.keyHasValid[j] }
            monthSet.formUnion(p.cube.months)
            var map: [[Int16]] = []
            for k in 0..<4 {
                map.append(p.cube.codes.codes[k].enumerated().map { j, code in
                    let to = codes.add(k, code, z: nil)
                    for b in 0..<6 { codes.bands[k][Int(to)][b] += p.cube.codes.bands[k][j][b] }
                    return to
                })
            }
            codeMap.append(map)
        }
        let keys = keySet.keys.sorted()
        var out = AggregateCube(merged: true, keys: keys, keyHasValid: keys.map { keySet[$0]! },
                                months: monthSet.sorted(), codes: codes)
        var keyIndex: [CubeKey: Int] = [:]
        for (j, k) in keys.enumerated() { keyIndex[k] = j }
        var monthIndex: [YearMonth: Int] = [:]
        for (j, m) in out.months.enumerated() { monthIndex[m] = j }
        let nm = out.months.count, w = out.categoryWidth, nr = QualityBuilder.reasons.count

        var best: [String: LatestFact] = [:]
        for pi in parts.indices {
            let p = parts[pi]
            parts[pi].cube = AggregateCube()
            let c = p.cube, pm = c.months.count, pw = c.categoryWidth
            let keyTo = c.keys.map { keyIndex[placed(p, $0)]! }
            let monthTo = c.months.map { monthIndex[$0]! }
            for key in c.keys.indices {
                for m in 0..<pm {
                    guard let fromPair = c.pair(key, m) else { continue }
                    let toPair = out.slot(keyTo[key], monthTo[m])
                    for g in 0..<prevalenceGroups {
                        let from = fromPair * prevalenceGroups + g
                        guard c.prevalence[from].children > 0 else { continue }
                        let to = toPair * prevalenceGroups + g
                        out.prevalence[to].merge(c.prevalence[from])
                        for k in 0..<4 {
                            for j in c.codes.codes[k].indices {
                                out.categories[(to * 4 + k) * w + Int(codeMap[pi][k][j])] += c.categories[(from * 4 + k) * pw + j]
                            }
                        }
                    }
                    for g in 0..<skdnGroups {
                        out.skdn[toPair * skdnGroups + g].merge(c.skdn[fromPair * skdnGroups + g])
                    }
                }
                for slot in 0...pm {
                    let from = key * (pm + 1) + slot
                    let to = keyTo[key] * (nm + 1) + (slot < pm ? monthTo[slot] : nm)
                    out.quality[to].merge(c.quality[from])
                    for x in 0..<nr { out.reasons[to * nr + x] += c.reasons[from * nr + x] }
                    for x in 0..<20 { out.digits[to * 20 + x] += c.digits[from * 20 + x] }
                }
            }
            for var l in c.latest {
                l.key = Int32(keyTo[Int(l.key)])
                let cat = (0..<4).map { k in l.facts.cat(k) >= 0 ? codeMap[pi][k][l.facts.cat(k)] : -1 }
                l.facts.cat = (cat[0], cat[1], cat[2], cat[3])
                if let b = best[l.childKey], (b.month, b.day) >= (l.month, l.day) { continue }
                best[l.childKey] = l
            }
            let prefix = p.cube.merged ? "" : p.kabupaten + "/"
            out.rejections += c.rejections.map { (prefix + $0.file, $0.reason, $0.count) }
            out.sourceAgreement += c.sourceAgreement.map { (prefix + $0.file, $0.counts) }
            out.sasaran += c.sasaran.map { r in
                var r = r
                if !p.cube.merged { r.kabupaten = p.kabupaten }
                return r
            }
        }
        out.latest = best.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { best[$0]! }
        return out
    }
}
