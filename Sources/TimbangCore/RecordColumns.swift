/// How one `Record` column is kept in the stage store: its column file type, and how a
/// record's value is written to and read from that file.
public struct RecordColumn: Sendable {
    public let name: String
    public let type: ColumnType
    /// Reads the value through a pointer: passing a `Record` by value to a stored closure copies
    /// it (a retain and release of each of its strings), once per column and record.
    let put: @Sendable (UnsafePointer<Record>, inout ColumnBuilder) -> Void
    let get: @Sendable (inout Record, MappedColumn, Int, [String]) -> Void

    static func text(_ name: String, dictionary: Bool, _ read: @escaping @Sendable (UnsafePointer<Record>) -> String,
                     _ write: @escaping @Sendable (inout Record, String) -> Void) -> RecordColumn {
        RecordColumn(name: name, type: dictionary ? .dictionary : .string,
                     put: { $1.append(read($0)) }, get: { write(&$0, $1.string($2, pool: $3)) })
    }

    static func double(_ name: String, _ read: @escaping @Sendable (UnsafePointer<Record>) -> Double?,
                       _ write: @escaping @Sendable (inout Record, Double?) -> Void) -> RecordColumn {
        RecordColumn(name: name, type: .double, put: { $1.append(read($0)) }, get: { r, f, i, _ in write(&r, f.double(i)) })
    }

    static func day(_ name: String, _ read: @escaping @Sendable (UnsafePointer<Record>) -> Day?,
                    _ write: @escaping @Sendable (inout Record, Day?) -> Void) -> RecordColumn {
        RecordColumn(name: name, type: .int32, put: { $1.append(read($0)?.ordinal ?? ColumnFile.missingInt32) }, get: { r, f, i, _ in
            let v = f.int32(i)
            write(&r, v == ColumnFile.missingInt32 ? nil : Day(ordinal: v))
        })
    }

    static func int(_ name: String, _ read: @escaping @Sendable (UnsafePointer<Record>) -> Int?,
                    _ write: @escaping @Sendable (inout Record, Int?) -> Void) -> RecordColumn {
        RecordColumn(name: name, type: .int64, put: { $1.append(read($0).map(Int64.init) ?? ColumnFile.missingInt64) }, get: { r, f, i, _ in
            let v = f.int64(i)
            write(&r, v == ColumnFile.missingInt64 ? nil : Int(v))
        })
    }

    static func bool(_ name: String, _ read: @escaping @Sendable (UnsafePointer<Record>) -> Bool?,
                     _ write: @escaping @Sendable (inout Record, Bool?) -> Void) -> RecordColumn {
        RecordColumn(name: name, type: .optionalBool, put: { $1.append(read($0)) }, get: { r, f, i, _ in write(&r, f.optionalBool(i)) })
    }

    /// A small enum stored as its index in `values` (one byte).
    static func code<E: Equatable & Sendable>(_ name: String, _ values: [E], _ read: @escaping @Sendable (UnsafePointer<Record>) -> E,
                                              _ write: @escaping @Sendable (inout Record, E) -> Void) -> RecordColumn {
        RecordColumn(name: name, type: .uint8, put: { r, b in b.append(UInt8(values.firstIndex(of: read(r))!)) }, get: { r, f, i, _ in
            let c = Int(f.uint8(i))
            write(&r, c < values.count ? values[c] : values[0])
        })
    }
}

extension Record {
    /// Every column of `columns`, in that order, as the stage store keeps it. Places, codes,
    /// reasons, notes and keys are dictionary-encoded (few distinct values); names, NIKs,
    /// addresses and numbers as written are plain strings.
    public static let storedColumns: [RecordColumn] = {
        typealias C = RecordColumn
        let statuses: [Status] = [.pending, .valid, .invalid, .duplicate]
        return [
            C.text("file", dictionary: true, { $0.pointee.ref.file }, { $0.ref.file = $1 }),
            C.int("record", { $0.pointee.ref.record }, { $0.ref.record = $1 ?? 0 }),
            C.int("line", { $0.pointee.ref.line }, { $0.ref.line = $1 ?? 0 }),
            C.text("malformed", dictionary: true, { $0.pointee.malformed }, { $0.malformed = $1 }),
            C.text("ingest_notes", dictionary: true, { $0.pointee.ingestNotes }, { $0.ingestNotes = $1 }),
            C.text("no", dictionary: false, { $0.pointee.no }, { $0.no = $1 }),
            C.text("nik", dictionary: false, { $0.pointee.nik }, { $0.nik = $1 }),
            C.text("name", dictionary: false, { $0.pointee.name }, { $0.name = $1 }),
            C.text("sex_raw", dictionary: true, { $0.pointee.sexRaw }, { $0.sexRaw = $1 }),
            C.text("birth_date_raw", dictionary: true, { $0.pointee.birthDateRaw }, { $0.birthDateRaw = $1 }),
            C.text("parent_name", dictionary: false, { $0.pointee.parentName }, { $0.parentName = $1 }),
            C.text("province", dictionary: true, { $0.pointee.province }, { $0.province = $1 }),
            C.text("kabupaten", dictionary: true, { $0.pointee.kabupaten }, { $0.kabupaten = $1 }),
            C.text("kecamatan", dictionary: true, { $0.pointee.kecamatan }, { $0.kecamatan = $1 }),
            C.text("puskesmas", dictionary: true, { $0.pointee.puskesmas }, { $0.puskesmas = $1 }),
            C.text("desa", dictionary: true, { $0.pointee.desa }, { $0.desa = $1 }),
            C.text("posyandu", dictionary: true, { $0.pointee.posyandu }, { $0.posyandu = $1 }),
            C.text("rt", dictionary: true, { $0.pointee.rt }, { $0.rt = $1 }),
            C.text("rw", dictionary: true, { $0.pointee.rw }, { $0.rw = $1 }),
            C.text("address", dictionary: false, { $0.pointee.address }, { $0.address = $1 }),
            C.text("age_text", dictionary: true, { $0.pointee.ageText }, { $0.ageText = $1 }),
            C.text("measure_date_raw", dictionary: true, { $0.pointee.measureDateRaw }, { $0.measureDateRaw = $1 }),
            C.text("weight_raw", dictionary: true, { $0.pointee.weightRaw }, { $0.weightRaw = $1 }),
            C.text("height_raw", dictionary: true, { $0.pointee.heightRaw }, { $0.heightRaw = $1 }),
            C.text("method_raw", dictionary: true, { $0.pointee.methodRaw }, { $0.methodRaw = $1 }),
            C.text("muac_raw", dictionary: true, { $0.pointee.muacRaw }, { $0.muacRaw = $1 }),
            C.text("oedema_raw", dictionary: true, { $0.pointee.oedemaRaw }, { $0.oedemaRaw = $1 }),
            C.text("source_zwei", dictionary: true, { $0.pointee.sourceZWei }, { $0.sourceZWei = $1 }),
            C.text("source_zlen", dictionary: true, { $0.pointee.sourceZLen }, { $0.sourceZLen = $1 }),
            C.text("source_zwfl", dictionary: true, { $0.pointee.sourceZWfl }, { $0.sourceZWfl = $1 }),
            C.text("source_cat_wei", dictionary: true, { $0.pointee.sourceCatWei }, { $0.sourceCatWei = $1 }),
            C.text("source_cat_len", dictionary: true, { $0.pointee.sourceCatLen }, { $0.sourceCatLen = $1 }),
            C.text("source_cat_wfl", dictionary: true, { $0.pointee.sourceCatWfl }, { $0.sourceCatWfl = $1 }),
            C.text("source_growth", dictionary: true, { $0.pointee.sourceGrowth }, { $0.sourceGrowth = $1 }),
            C.code("sex", [nil, Sex.male, .female], { $0.pointee.sex }, { $0.sex = $1 }),
            C.day("birth_date", { $0.pointee.birthDate }, { $0.birthDate = $1 }),
            C.day("measure_date", { $0.pointee.measureDate }, { $0.measureDate = $1 }),
            C.double("weight_kg", { $0.pointee.weightKg }, { $0.weightKg = $1 }),
            C.double("height_cm", { $0.pointee.heightCm }, { $0.heightCm = $1 }),
            C.double("muac_cm", { $0.pointee.muacCm }, { $0.muacCm = $1 }),
            C.code("measure", [nil, Measure.lying, .standing], { $0.pointee.measure }, { $0.measure = $1 }),
            C.bool("oedema", { $0.pointee.oedema }, { $0.oedema = $1 }),
            C.code("status", statuses, { $0.pointee.status }, { $0.status = $1 }),
            C.text("reason", dictionary: true, { $0.pointee.reason }, { $0.reason = $1 }),
            C.text("notes", dictionary: true, { $0.pointee.notes }, { $0.notes = $1 }),
            C.text("duplicate_of", dictionary: true, { $0.pointee.duplicateOf }, { $0.duplicateOf = $1 }),
            C.text("child_key", dictionary: true, { $0.pointee.childKey }, { $0.childKey = $1 }),
            C.day("birth_date_reconciled", { $0.pointee.birthDateReconciled }, { $0.birthDateReconciled = $1 }),
            C.int("age_days", { $0.pointee.ageDays }, { $0.ageDays = $1 }),
            C.double("clenhei", { $0.pointee.clenhei }, { $0.clenhei = $1 }),
            C.code("cmeasure", [nil, Measure.lying, .standing], { $0.pointee.cmeasure }, { $0.cmeasure = $1 }),
            C.code("c9mo_flag", [false, true], { $0.pointee.c9mo }, { $0.c9mo = $1 }),
            C.double("cbmi", { $0.pointee.cbmi }, { $0.cbmi = $1 }),
            C.double("zlen", { $0.pointee.zlen }, { $0.zlen = $1 }),
            C.bool("flen", { $0.pointee.flen }, { $0.flen = $1 }),
            C.double("zwei", { $0.pointee.zwei }, { $0.zwei = $1 }),
            C.bool("fwei", { $0.pointee.fwei }, { $0.fwei = $1 }),
            C.double("zwfl", { $0.pointee.zwfl }, { $0.zwfl = $1 }),
            C.bool("fwfl", { $0.pointee.fwfl }, { $0.fwfl = $1 }),
            C.double("zbmi", { $0.pointee.zbmi }, { $0.zbmi = $1 }),
            C.bool("fbmi", { $0.pointee.fbmi }, { $0.fbmi = $1 }),
            C.double("zac", { $0.pointee.zac }, { $0.zac = $1 }),
            C.bool("fac", { $0.pointee.fac }, { $0.fac = $1 }),
            C.text("cat_wei", dictionary: true, { $0.pointee.catWei }, { $0.catWei = $1 }),
            C.text("cat_len", dictionary: true, { $0.pointee.catLen }, { $0.catLen = $1 }),
            C.text("cat_wfl", dictionary: true, { $0.pointee.catWfl }, { $0.catWfl = $1 }),
            C.text("cat_bmi", dictionary: true, { $0.pointee.catBmi }, { $0.catBmi = $1 }),
        ]
    }()

    /// The stored column called `name`.
    public static func storedColumn(_ name: String) -> RecordColumn? { storedColumns.first { $0.name == name } }

    /// The column files (name, bytes) of `names`, encoded in parallel, one column per task.
    /// - Parameter rows: the records to encode (default all), e.g. one input file's.
    public static func encodeColumns(_ names: [String], of records: [Record], rows: Range<Int>? = nil,
                                     threads: Int = Int.max) -> [(name: String, bytes: [UInt8])] {
        let specs = names.map { storedColumn($0)! }
        let rows = rows ?? records.indices
        return parallelMap(specs.count, threads: threads) { k in
            let spec = specs[k]
            var b = ColumnBuilder(spec.type, capacity: rows.count)
            // By index, borrowing each record: `for r in records` would copy every record
            // (a retain and release of each of its strings) once per column.
            records.withUnsafeBufferPointer { buf in
                guard let base = buf.baseAddress else { return }
                for i in rows { spec.put(base + i, &b) }
            }
            return (spec.name, b.fileBytes())
        }
    }

    /// One layer of an assembled record table: the columns one stage stored and, when that
    /// stage's rows are not in the assembled table's order, the output position of each row.
    public struct Layer {
        public var columns: [String: MappedColumn]
        public var position: [Int]?
        public init(columns: [String: MappedColumn], position: [Int]?) { self.columns = columns; self.position = position }
    }

    /// Builds `rows` records from stored columns; for each column the last layer holding it wins.
    /// - Throws: `TableError` when a column is missing from every layer, of the wrong type, or
    ///   of another row count.
    public static func assemble(rows n: Int, layers: [Layer], threads: Int = Int.max) throws -> [Record] {
        struct Source { let spec: RecordColumn; let file: MappedColumn; let pool: [String]; let position: [Int]? }
        var sources: [Source] = []
        for spec in storedColumns {
            guard let li = layers.lastIndex(where: { $0.columns[spec.name] != nil }) else {
                // A column no stage up to this one writes keeps its default.
                continue
            }
            let f = layers[li].columns[spec.name]!
            guard f.type == spec.type else { throw TableError("\(f.path): column type \(f.type), expected \(spec.type)") }
            guard f.rows == n else { throw TableError("\(f.path): \(f.rows) rows, the table has \(n)") }
            if let p = layers[li].position, p.count != n { throw TableError("\(f.path): row order of \(p.count) rows, the table has \(n)") }
            sources.append(Source(spec: spec, file: f, pool: f.type == .dictionary ? f.pool() : [], position: layers[li].position))
        }
        var out = [Record](repeating: Record(ref: RowRef(file: "", record: 0, line: 0)), count: n)
        let chunk = 1 << 15
        out.withUnsafeMutableBufferPointer { buf in
            let target = RecordBuffer(base: buf.baseAddress)
            _ = parallelMap((n + chunk - 1) / chunk, threads: threads) { c in
                let rows = (c * chunk)..<min(n, (c + 1) * chunk)
                for s in sources {
                    if let p = s.position {
                        for k in rows { s.spec.get(&target.base![p[k]], s.file, k, s.pool) }
                    } else {
                        for k in rows { s.spec.get(&target.base![k], s.file, k, s.pool) }
                    }
                }
                return 0
            }
        }
        return out
    }
}

/// The records being assembled; each worker writes distinct rows.
private struct RecordBuffer: @unchecked Sendable { let base: UnsafeMutablePointer<Record>? }
