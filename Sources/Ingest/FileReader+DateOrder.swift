import TimbangCore

/// Ingest's remark codes about dates and `Usia Saat Ukur` (in `Record.ingestNotes`).
enum DateRemark {
    /// The row's own `Usia Saat Ukur` settled an ambiguous value of a mixed column.
    static let orderFromAge = "DATE_ORDER_FROM_AGE"
    /// A value both orders read differently, in a column nothing settled: read D/M/Y.
    static let orderAssumed = "DATE_ORDER_ASSUMED"
    /// `Usia Saat Ukur` disagrees with the two dates.
    static let ageMismatch = "AGE_TEXT_MISMATCH"
    /// No birth date written; the one date that birth + `Usia Saat Ukur` = measurement date allows.
    static let birthFromAge = "BIRTH_DATE_FROM_AGE"
    /// A birth date written with day and month swapped: an exact `Usia Saat Ukur` fits only the
    /// date with its day and month exchanged, which is taken.
    static let birthSwapFromAge = "BIRTH_DATE_SWAP_FROM_AGE"
}

/// The two date columns, as remarks and findings name them.
private enum DateColumn: CaseIterable {
    case birth, measure
    var name: String { self == .birth ? "birth_date" : "measure_date" }
}

extension ParseState {
    /// Decides each date column's day/month order from the whole file and fixes the file's
    /// records up (docs/ingest.md, "Date order"):
    ///
    /// 1. a value with a part above 12 settles its column (both kinds: `mixed`);
    /// 2. else rows whose `Usia Saat Ukur` fits only one reading of an ambiguous value;
    /// 3. else the other date column's order;
    /// 4. else D/M/Y, with a `DATE_ORDER_ASSUMED` finding.
    ///
    /// Records were read D/M while streaming; only columns read otherwise, mixed or assumed
    /// columns, and files with an age column are visited again (one pass over the file's
    /// records, reading back only their raw text).
    mutating func resolveDateOrder() {
        let records = self.records.finished()
        guard records.count > 0 else { return }
        var birth = ParseState.orderFromValues(birthEvidence)
        var measure = ParseState.orderFromValues(measureEvidence)

        // 2. Usia Saat Ukur, for columns their values leave open.
        if ageColumn && (birth == nil || measure == nil) {
            for r in records where !r.ageText.isEmpty {
                guard let age = AgeText.parse(r.ageText, bareNumberIsMonths: ageInMonths) else { continue }
                let rb = FieldParser.dateReading(r.birthDateRaw), rm = FieldParser.dateReading(r.measureDateRaw)
                guard rb.isAmbiguous || rm.isAmbiguous else { continue }
                let fits = ParseState.orderFits(birth: rb, measure: rm, age: age, birthOrder: birth, measureOrder: measure)
                if birth == nil, rb.isAmbiguous, fits.birth.count == 1 {
                    if fits.birth.first == .dayFirst { birthEvidence.ageDayFirst += 1 } else { birthEvidence.ageMonthFirst += 1 }
                }
                if measure == nil, rm.isAmbiguous, fits.measure.count == 1 {
                    if fits.measure.first == .dayFirst { measureEvidence.ageDayFirst += 1 } else { measureEvidence.ageMonthFirst += 1 }
                }
            }
            if birth == nil { birth = ParseState.orderFromAge(birthEvidence) }
            if measure == nil { measure = ParseState.orderFromAge(measureEvidence) }
        }
        // 3. the other column; 4. assumed.
        let b0 = birth, m0 = measure
        if birth == nil { birth = m0?.order.map { .settled($0, .otherColumn) } ?? .settled(.dayFirst, .assumed) }
        if measure == nil { measure = b0?.order.map { .settled($0, .otherColumn) } ?? .settled(.dayFirst, .assumed) }
        let orders = (birth: birth!, measure: measure!)

        dateOrderLabel = orders.birth == orders.measure ? orders.birth.label
            : "birth_date \(orders.birth.label); measure_date \(orders.measure.label)"
        report(orders.birth, .birth, birthEvidence)
        report(orders.measure, .measure, measureEvidence)

        func plainDayFirst(_ o: ColumnOrder) -> Bool {
            o == .none || (o.order == .dayFirst && o != .settled(.dayFirst, .assumed))
        }
        guard ageColumn || !plainDayFirst(orders.birth) || !plainDayFirst(orders.measure) else { return }
        var contradicted = [0, 0], example = [0, 0]
        for i in records.indices {
            guard let c = ParseState.fixUp(&records[i], orders, ageInMonths: ageInMonths) else { continue }
            let k = c == .birth ? 0 : 1
            if contradicted[k] == 0 { example[k] = records[i].ref.line }
            contradicted[k] += 1
        }
        for (k, c) in DateColumn.allCases.enumerated() where contradicted[k] > 0 {
            let o = (c == .birth ? orders.birth : orders.measure).order ?? .dayFirst
            findings.append(Finding(file: file, severity: .warning, code: "DATE_ORDER_CONTRADICTED",
                                    message: "\(c.name) is read \(o.label), but in \(contradicted[k]) row(s) Usia Saat Ukur fits only the \(o.other.label) reading (first on line \(example[k])); those rows have AGE_TEXT_MISMATCH, or BIRTH_DATE_SWAP_FROM_AGE where an exact age took the birth date's other reading: check the file's date order"))
        }
    }

    /// Step 1: the column's own values; nil when they leave it open.
    private static func orderFromValues(_ e: DateColumnEvidence) -> ColumnOrder? {
        if e.dayFirst > 0 && e.monthFirst > 0 { return .mixed }
        if e.dayFirst > 0 { return .settled(.dayFirst, .values) }
        if e.monthFirst > 0 { return .settled(.monthFirst, .values) }
        if e.ambiguous == 0 { return ColumnOrder.none }
        return nil
    }

    /// Step 2: rows' ages; rows that fit both ways make the column `mixed` (each ambiguous
    /// value then needs its own row's age). Nil when no row decides.
    private static func orderFromAge(_ e: DateColumnEvidence) -> ColumnOrder? {
        if e.ageDayFirst > 0 && e.ageMonthFirst > 0 { return .mixed }
        if e.ageDayFirst > 0 { return .settled(.dayFirst, .age) }
        if e.ageMonthFirst > 0 { return .settled(.monthFirst, .age) }
        return nil
    }

    /// The readings of each column's value that make birth + age give the measurement date.
    /// A column with a settled order is read only that way; an open or mixed one both ways
    /// when its value is ambiguous.
    static func orderFits(birth rb: DateReading, measure rm: DateReading, age: AgeText,
                          birthOrder: ColumnOrder?, measureOrder: ColumnOrder?) -> (birth: Set<DateOrder>, measure: Set<DateOrder>) {
        func candidates(_ r: DateReading, _ o: ColumnOrder?) -> [DateOrder] {
            if r.isAmbiguous { return o?.order.map { [$0] } ?? [.dayFirst, .monthFirst] }
            return [r.settles ?? .dayFirst]
        }
        var fb = Set<DateOrder>(), fm = Set<DateOrder>()
        for bo in candidates(rb, birthOrder) {
            guard let b = rb.day(bo) else { continue }
            for mo in candidates(rm, measureOrder) {
                guard let m = rm.day(mo), age.agrees(birth: b, measure: m) else { continue }
                fb.insert(bo); fm.insert(mo)
            }
        }
        return (fb, fm)
    }

    /// The file-level finding for a column read month first, mixed or assumed.
    private mutating func report(_ o: ColumnOrder, _ c: DateColumn, _ e: DateColumnEvidence) {
        switch o {
        case .settled(.monthFirst, let basis):
            let why: String
            switch basis {
            case .values: why = "\(e.monthFirst) value(s) have a second part above 12 (first on line \(e.monthFirstLine))"
            case .age: why = "Usia Saat Ukur fits only that reading in \(e.ageMonthFirst) row(s)"
            default: why = "the file's other date column is month first"
            }
            findings.append(Finding(file: file, severity: .info, code: "DATE_ORDER_MONTH_FIRST",
                                    message: "\(c.name) read month first (M/D/Y): \(why)"))
        case .mixed:
            let why = e.dayFirst > 0 && e.monthFirst > 0
                ? "\(e.dayFirst) value(s) only D/M/Y reads (first on line \(e.dayFirstLine)) and \(e.monthFirst) only M/D/Y reads (first on line \(e.monthFirstLine))"
                : "Usia Saat Ukur fits D/M/Y in \(e.ageDayFirst) row(s) and M/D/Y in \(e.ageMonthFirst)"
            findings.append(Finding(file: file, severity: .warning, code: "DATE_ORDER_MIXED",
                                    message: "\(c.name) has \(why): each value is read as it says; a value both orders read is read only where its row's Usia Saat Ukur settles it, else DATE_ORDER_AMBIGUOUS"))
        case .settled(.dayFirst, .assumed):
            findings.append(Finding(file: file, severity: .warning, code: "DATE_ORDER_ASSUMED",
                                    message: "nothing in the file settles whether \(c.name) is D/M/Y or M/D/Y (\(e.ambiguous) value(s) read either way, no part above 12, no Usia Saat Ukur that decides); read D/M/Y, the Indonesian convention"))
        default:
            break
        }
    }

    /// Reads one record's dates in the file's orders, cross-checks `Usia Saat Ukur`, and
    /// fills a missing birth date from it when exactly one date fits.
    /// - Returns: the column whose other day/month reading alone would fit the age, when the
    ///   age does not fit as read (`AGE_TEXT_MISMATCH:fits <column> <order>`): evidence that the
    ///   file's order is wrong.
    private static func fixUp(_ r: inout Record, _ orders: (birth: ColumnOrder, measure: ColumnOrder), ageInMonths: Bool) -> DateColumn? {
        var swapped: DateColumn? = nil
        var notes: [String] = []
        let age = r.ageText.isEmpty ? nil : AgeText.parse(r.ageText, bareNumberIsMonths: ageInMonths)
        var rb = DateReading.unreadable, rm = DateReading.unreadable
        var open: [DateColumn] = []
        for c in DateColumn.allCases {
            let raw = c == .birth ? r.birthDateRaw : r.measureDateRaw
            let o = c == .birth ? orders.birth : orders.measure
            guard !raw.isEmpty, o != .none, o != .settled(.dayFirst, .values), o != .settled(.dayFirst, .age),
                  o != .settled(.dayFirst, .otherColumn) else { continue }
            let reading = FieldParser.dateReading(raw)
            if c == .birth { rb = reading } else { rm = reading }
            var day: Day?
            switch o {
            case .settled(let order, let basis):
                day = reading.day(order)
                if basis == .assumed && reading.isAmbiguous { notes.append(DateRemark.orderAssumed + ":" + c.name) }
            case .mixed:
                // read as it says: the order its part above 12 proves, or either (`5/5/2023`)
                if reading.isAmbiguous { open.append(c); day = nil } else { day = reading.day(reading.settles ?? .dayFirst) }
            case .none:
                continue
            }
            if c == .birth { r.birthDate = day } else { r.measureDate = day }
        }
        if !open.isEmpty {
            if case .unreadable = rb, !r.birthDateRaw.isEmpty { rb = FieldParser.dateReading(r.birthDateRaw) }
            if case .unreadable = rm, !r.measureDateRaw.isEmpty { rm = FieldParser.dateReading(r.measureDateRaw) }
            let fits = age.map {
                orderFits(birth: rb, measure: rm, age: $0, birthOrder: open.contains(.birth) ? nil : orders.birth,
                          measureOrder: open.contains(.measure) ? nil : orders.measure)
            }
            for c in open {
                let set = c == .birth ? fits?.birth : fits?.measure
                let raw = c == .birth ? r.birthDateRaw : r.measureDateRaw
                if let set, set.count == 1, let o = set.first {
                    let day = (c == .birth ? rb : rm).day(o)
                    if c == .birth { r.birthDate = day } else { r.measureDate = day }
                    notes.append(DateRemark.orderFromAge + ":" + c.name + " " + o.label)
                } else {
                    notes.append(Reason.dateOrderAmbiguous.rawValue + ":" + c.name + " " + raw)
                }
            }
        }
        if let a = age {
            if let b = r.birthDate, let m = r.measureDate {
                if !a.agrees(birth: b, measure: m) {
                    var note = DateRemark.ageMismatch
                    let birthOrder = orders.birth.order
                    let c0 = b.civil
                    if a.isExact, c0.day <= 12, c0.day != c0.month, !r.birthDateRaw.contains(where: \.isLetter), let sw = Day(year: c0.year, month: c0.day, day: c0.month),
                       a.agrees(birth: sw, measure: m) {
                        // An age to the day fits only the birth date with its day and month
                        // exchanged, in digits whatever the format (`2023-06-01`, `6/1/2023` in an
                        // M/D/Y file; not `1 Juni 2023`): the cadre swapped them in this one date. Taken, and said; in a
                        // column read by an order, the file's finding still counts the row.
                        r.birthDate = sw
                        note = DateRemark.birthSwapFromAge + ":" + r.birthDateRaw
                        if birthOrder != nil, FieldParser.dateReading(r.birthDateRaw).isAmbiguous { swapped = .birth }
                    } else {
                        // would the other reading of one settled column's ambiguous value fit?
                        for c in DateColumn.allCases {
                            guard let o = (c == .birth ? orders.birth : orders.measure).order else { continue }
                            let reading = FieldParser.dateReading(c == .birth ? r.birthDateRaw : r.measureDateRaw)
                            guard reading.isAmbiguous, let other = reading.day(o.other) else { continue }
                            if c == .birth ? a.agrees(birth: other, measure: m) : a.agrees(birth: b, measure: other) {
                                note += ":fits \(c.name) \(o.other.label)"
                                swapped = c
                                break
                            }
                        }
                    }
                    notes.append(note)
                }
            } else if r.birthDateRaw.isEmpty, r.birthDate == nil, let m = r.measureDate, let b = a.birthDate(measuredOn: m) {
                r.birthDate = b
                notes.append(DateRemark.birthFromAge)
            }
        }
        guard !notes.isEmpty else { return nil }
        let text = notes.joined(separator: ";")
        r.ingestNotes = r.ingestNotes.isEmpty ? text : r.ingestNotes + ";" + text
        return swapped
    }
}
