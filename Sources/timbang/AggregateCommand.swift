import ArgumentParser
import Aggregate
import Monitor
import TimbangCore

#if canImport(Glibc)
import Glibc
#endif

extension Timbang {
    /// Reruns monitor and aggregate from a persisted growth `records` table.
    struct BenchAggregate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-aggregate",
            abstract: "Time the monitor and aggregate stages on a synthetic district and print the kabupaten figures.",
            discussion: """
                Example:
                  timbang bench-aggregate --children 3000 --months 12
                """
        )

        @Option(help: "Children in the synthetic district.")
        var children = 3000

        @Option(help: "Months of weighing (from January 2024).")
        var months = 12

        @Option(help: "Seed of the generator.")
        var seed: UInt64 = 7

        @Option(help: "Folder to write the tables into (optional).")
        var out: String?

        func validate() throws {
            guard children >= 1 else { throw ValidationError("--children must be 1 or more (got \(children)).") }
            guard (1...60).contains(months) else { throw ValidationError("--months must be 1–60 (got \(months)).") }
        }

        func run() throws {
            var t0 = now()
            let records = SyntheticDistrict.records(children: children, months: months, seed: seed)
            print("generated \(records.count) records in \(formatFixed(now() - t0, decimals: 2)) s")
            t0 = now()
            let kbm = KBMTable(edition: "kia2023", gramsByMonth: [1: 800, 2: 900, 3: 800, 4: 600, 5: 500, 6: 400, 7: 300, 12: 200])
            // what the monitor stage does: the typed months, and child_months rendered once
            let output = Monitor.compute(records, settings: MonitorSettings(kbm: kbm))
            let childMonthsCSV = output.childMonthsCSV(records)
            let tMonitor = now() - t0
            t0 = now()
            let tables = try Aggregate.run(records: records, childMonths: output.childMonths, settings: AggregateSettings())
            let monitor = [output.childMonthsTable(records), output.followup]
            let tAggregate = now() - t0
            print("monitor \(formatFixed(tMonitor, decimals: 2)) s (child_months \(childMonthsCSV.count) bytes), aggregate \(formatFixed(tAggregate, decimals: 2)) s")
            for t in monitor + tables { print("  \(t.name): \(t.rows.count) rows") }
            let prevalence = tables.first { $0.name == "prevalence" }!
            SyntheticDistrict.summary(prevalence)
            if let out {
                do {
                    try AtomicFile.makeDirectories(out)
                    for t in monitor + tables { try RecordTable.write(t, to: out + "/" + t.name + ".csv") }
                } catch {
                    throw fail("\(error)", .cannotWrite)
                }
            }
        }

        func now() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }
    }
}

/// A synthetic district for timing: 10 kecamatan × 8 desa (desa names repeat across
/// kecamatan) × 3 posyandu, monthly weighings with absences, z-scores drawn per child.
enum SyntheticDistrict {

    static let desaNames = ["SUKAMAJU", "MEKARSARI", "SUKAJADI", "CIBODAS", "MARGAMULYA", "SINDANGSARI",
                            "KARANGANYAR", "TANJUNGSARI", "PASIRJAYA", "BOJONGSARI", "NEGLASARI", "CIKUPA"]

    static func records(children: Int, months: Int, seed: UInt64) -> [Record] {
        var rng = SplitMix64(seed: seed)
        let start = Day(year: 2024, month: 1, day: 1)!
        var out: [Record] = []
        out.reserveCapacity(children * months)
        var n = 0
        for c in 0..<children {
            let kec = c % 10, desa = (c / 10) % 8, pos = (c / 80) % 3
            let desaName = desaNames[(kec * 3 + desa) % desaNames.count]
            let sex: Sex = rng.uniform() < 0.51 ? .male : .female
            let birth = start + -Int(rng.uniform() * 59 * 30.4)
            var zlen = -1.0 + 1.15 * rng.normal()
            var zwfl = -0.3 + 1.0 * rng.normal()
            let attendance = 0.6 + 0.35 * rng.uniform()
            for m in 0..<months where rng.uniform() < attendance {
                let ym = YearMonth(index: YearMonth(year: 2024, month: 1).index + m)
                let date = Day(year: ym.year, month: ym.month, day: 5 + Int(rng.uniform() * 20))!
                let ageDays = date - birth
                guard ageDays < 1826 else { continue }
                zlen += 0.08 * rng.normal(); zwfl += 0.25 * rng.normal()
                let zwei = 0.55 * zlen + 0.75 * zwfl
                let ageM = Double(ageDays) / 30.4375
                let median = ageM < 12 ? (ageM + 9) / 2 : 2 * ageM / 12 + 8
                var weight = median * (1 + 0.11 * zwei)
                weight = rng.uniform() < 0.3 ? (weight * 2).rounded() / 2 : (weight * 10).rounded() / 10
                n += 1
                var r = Record(ref: RowRef(file: "dump.csv", record: n, line: n + 1))
                r.childKey = "child\(pad(c, 7))"
                r.nik = rng.uniform() < 0.1 ? "" : "3201" + pad(c, 12)
                r.kecamatan = "KEC \(pad(kec + 1, 2))"
                r.puskesmas = kec == 0 ? "PKM KEC 01 \(desa % 2 == 0 ? "A" : "B")" : "PKM KEC \(pad(kec + 1, 2))"
                r.desa = desaName
                r.posyandu = "POSYANDU \(desaName) \(pos + 1)"
                r.sex = sex; r.sexRaw = sex.code
                r.birthDate = birth; r.birthDateRaw = birth.iso
                r.measureDate = date; r.measureDateRaw = date.iso
                r.ageDays = ageDays
                r.weightKg = weight; r.weightRaw = formatNumber(weight)
                let u = rng.uniform()
                if u < 0.03 {
                    r.status = .invalid; r.reason = u < 0.015 ? "AGE_OVER_60" : "WEIGHT_IMPLAUSIBLE"
                } else if u < 0.04 {
                    r.status = .duplicate
                } else {
                    r.status = .valid
                }
                r.zwei = roundHalfAway(zwei, decimals: 2); r.fwei = zwei < -6 || zwei > 5
                r.catWei = PermenkesIndex.bbu.label(band: PermenkesIndex.bbu.band(z: zwei))
                if rng.uniform() < 0.85 {
                    let spike = rng.uniform() < 0.005 ? -7.0 : 0
                    let length = 50 + 1.9 * ageM - 0.016 * ageM * ageM
                    r.heightCm = ((length * (1 + 0.037 * zlen)) * 10).rounded() / 10
                    r.heightRaw = formatNumber(r.heightCm)
                    let hz = spike != 0 ? spike : zlen
                    r.zlen = roundHalfAway(hz, decimals: 2); r.flen = abs(hz) > 6
                    r.zwfl = roundHalfAway(zwfl, decimals: 2); r.fwfl = abs(zwfl) > 5
                    r.catLen = PermenkesIndex.tbu.label(band: PermenkesIndex.tbu.band(z: hz))
                    r.catWfl = PermenkesIndex.bbtb.label(band: PermenkesIndex.bbtb.band(z: zwfl))
                }
                out.append(r)
            }
        }
        return out
    }

    /// Prints the kabupaten `latest` prevalence and the range across desa.
    static func summary(_ t: Table) {
        let col = { (name: String) in t.column(name)! }
        let latest = t.rows.filter { $0[col("period")] == "latest" && $0[col("sex")] == "all" && $0[col("age_group")] == "all" }
        for name in ["stunting", "wasting", "underweight"] {
            let kab = latest.first { $0[col("level")] == "kabupaten" }!
            let desa = latest.filter { $0[col("level")] == "desa" }.compactMap { Double($0[col(name + "_pct")]) }
            print("\(name): kabupaten \(kab[col(name + "_pct")]) % (\(kab[col(name + "_n")])/\(kab[col(name + "_d")])), "
                  + "desa \(formatFixed(desa.min(), decimals: 1))–\(formatFixed(desa.max(), decimals: 1)) % over \(desa.count) desa")
        }
    }
}
