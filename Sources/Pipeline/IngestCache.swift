import Foundation
import TimbangCore
import Ingest
import Report

/// The ingest output of each input file, kept in the stage store between runs
/// (`stages/ingest-files/`), so that a nightly run reads only the dumps that are new or have
/// changed: the output of a file depends on nothing but its own bytes and settings
/// (`FileOutput`), so reusing it gives the stage output, and the archive, a full run gives.
///
/// An entry is one `ColumnPack` file `<key>.pack` holding the file's records (the columns
/// ingest writes, `Record.writers`), its `files` row and its findings. Its key is the SHA-256
/// of its identity (`identity(of:)`): the timbang build, the provenance name, the file's size
/// and SHA-256, its unit defaults and the ingest limits (`IngestLimits`). Any difference is another key,
/// hence a miss: the same bytes under another name are read again (the name is in every
/// record's `file#record`), and a new build of timbang reads everything once.
///
/// The cache is never needed for a correct run: a missing, cut or damaged entry (every column
/// is checksummed) is a miss, and the file is read again. So entries are written under a
/// temporary name and renamed into place without fsync: a crash leaves at worst an entry that
/// fails its checks.
public struct IngestCache: Sendable {
    public let folder: String
    /// Identifies the timbang build (see `PipelineRunner.buildIdentity`): ingest's code is
    /// part of what decides a file's output.
    public let build: String
    public let limits: IngestLimits

    /// Bumped when the layout of an entry changes.
    static let layoutVersion = 1

    public init(folder: String, build: String, limits: IngestLimits) {
        self.folder = folder; self.build = build; self.limits = limits
    }

    /// The cache of a run folder's stage store.
    public init(store: StageStore, build: String, limits: IngestLimits) {
        self.init(folder: store.root + "/ingest-files", build: build, limits: limits)
    }

    /// Everything a file's ingest output depends on, as text: the preimage of its key, and
    /// kept in the entry so a read checks it whole.
    public func identity(of file: InputFile, _ fingerprint: FileFingerprint) -> String {
        func cells(_ c: UnitDefaults.Cells?) -> String {
            // JSON-quoted, so that no cell can run into the next one.
            c.map { [$0.kabupaten, $0.kecamatan, $0.puskesmas, $0.desa, $0.posyandu].map(JSON.quoted).joined(separator: ",") } ?? "none"
        }
        return """
        timbang ingest cache \(IngestCache.layoutVersion)
        build \(build)
        name \(JSON.quoted(file.name))
        bytes \(fingerprint.bytes)
        sha256 \(fingerprint.sha256)
        units.table \(cells(file.units?.table))
        units.path \(cells(file.units?.path))
        xlsx_shared_strings_bytes \(limits.sharedStringBytes)
        limits \(limits.inflatedBytes) \(limits.recordBytes) \(limits.fieldBytes) \(limits.columns)

        """
    }

    /// The entry's key: SHA-256 (hex) of its identity.
    public func key(of file: InputFile, _ fingerprint: FileFingerprint) -> String {
        sha256Hex(Array(identity(of: file, fingerprint).utf8))
    }

    func path(key: String) -> String { folder + "/" + key + ".pack" }

    /// The stored output of `file` with these bytes, or nil when there is none or it cannot
    /// be used (cut, damaged, of another layout): then the file is read again.
    public func read(_ file: InputFile, _ fingerprint: FileFingerprint) -> FileOutput? {
        let identity = identity(of: file, fingerprint)
        guard let columns = try? ColumnPack.read(path: path(key: sha256Hex(Array(identity.utf8)))),
              let stored = columns[Self.identityColumn], stored.type == .string, stored.rows == 1,
              stored.string(0, pool: []) == identity,
              let rowColumn = columns[Self.rowColumn], rowColumn.type == .string, rowColumn.rows == Ingest.fileColumns.count,
              let findingsColumn = columns[Self.findingsColumn], findingsColumn.type == .string,
              findingsColumn.rows % Finding.columns.count == 0
        else { return nil }
        var layer: [String: MappedColumn] = [:]
        for name in RecordStage.ingest.columns {
            guard let c = columns[name], c.type == Record.storedColumn(name)!.type else { return nil }
            layer[name] = c
        }
        let row = (0..<rowColumn.rows).map { rowColumn.string($0, pool: []) }
        let width = Finding.columns.count
        var findings: [Finding] = []
        for f in stride(from: 0, to: findingsColumn.rows, by: width) {
            guard let finding = try? Finding(cells: (f..<(f + width)).map { findingsColumn.string($0, pool: []) }) else { return nil }
            findings.append(finding)
        }
        guard let n = layer["file"]?.rows, Int(row[Ingest.fileColumns.firstIndex(of: "records")!]) == n,
              let records = try? Record.assemble(rows: n, layers: [Record.Layer(columns: layer, position: nil)], threads: 1)
        else { return nil }
        return FileOutput(records: records, row: row, findings: findings)
    }

    /// The bytes of the entry for `output`, the output of `file` with these bytes.
    public func entry(_ output: FileOutput, of file: InputFile, _ fingerprint: FileFingerprint) -> [UInt8] {
        entry(records: output.records, rows: output.records.indices, row: output.row, findings: output.findings[...],
              identity: identity(of: file, fingerprint))
    }

    /// The entry of one file's output within a run's records (encoded in place, not copied).
    func entry(records: [Record], rows: Range<Int>, row: [String], findings: ArraySlice<Finding>, identity: String) -> [UInt8] {
        func strings(_ name: String, _ values: [String]) -> (name: String, bytes: [UInt8]) {
            var b = ColumnBuilder(.string, capacity: values.count)
            for v in values { b.append(v) }
            return (name, b.fileBytes())
        }
        var columns = [strings(Self.identityColumn, [identity]), strings(Self.rowColumn, row),
                       strings(Self.findingsColumn, findings.flatMap { $0.cells() })]
        columns += Record.encodeColumns(RecordStage.ingest.columns, of: records, rows: rows, threads: 1)
        return ColumnPack.bytes(columns)
    }

    /// Stores an entry (see `entry`) under `key`: a temporary name, then renamed into place.
    public func write(_ bytes: [UInt8], key: String) throws {
        try AtomicFile.makeDirectories(folder)
        let tmp = folder + "/.tmp-" + key + "-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TableError("cannot write \(tmp): \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { b -> Bool in
            var done = 0
            while done < b.count {
                let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return true
        }
        close(fd)
        guard written, rename(tmp, path(key: key)) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw TableError("cannot write \(path(key: key)): \(reason)")
        }
    }

    /// Deletes every entry but those of `keys` (and what a killed run left), so the cache
    /// holds the inputs of the last run and no more.
    /// - Returns: how many entries were deleted.
    @discardableResult
    public func prune(keeping keys: Set<String>) -> Int {
        var removed = 0
        for e in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            if e.hasSuffix(".pack"), keys.contains(String(e.dropLast(5))) { continue }
            if unlink(folder + "/" + e) == 0, !e.hasPrefix(".") { removed += 1 }
        }
        return removed
    }

    /// The keys of the entries stored now (tests).
    public func storedKeys() -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".pack") }.map { String($0.dropLast(5)) })
    }

    static let identityColumn = "_identity"
    static let rowColumn = "_files_row"
    static let findingsColumn = "_findings"
}
