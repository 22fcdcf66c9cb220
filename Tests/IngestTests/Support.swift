import CZlibSystem
import Foundation
@testable import Ingest
import TimbangCore

/// A temporary folder of dumps written by one test.
final class Dumps {
    let dir: String

    init() {
        dir = NSTemporaryDirectory() + "timbang-ingest-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// Writes `bytes` as file `name`; returns its `InputFile`.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> InputFile {
        let path = dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return InputFile(path: path, name: name)
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> InputFile { write(name, Array(text.utf8)) }

    /// Writes `text` gzip-compressed.
    @discardableResult
    func writeGzip(_ name: String, _ text: String) -> InputFile { write(name, gzip(Array(text.utf8))) }
}

/// Gzip (RFC 1952) bytes of `data`, via zlib's deflate with a gzip wrapper.
func gzip(_ data: [UInt8]) -> [UInt8] {
    var z = z_stream()
    precondition(deflateInit2_(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    var out = [UInt8](repeating: 0, count: data.count + 1024)
    var input = data
    let produced = input.withUnsafeMutableBufferPointer { inp in
        out.withUnsafeMutableBufferPointer { o in
            z.next_in = inp.baseAddress
            z.avail_in = UInt32(inp.count)
            z.next_out = o.baseAddress
            z.avail_out = UInt32(o.count)
            precondition(deflate(&z, Z_FINISH) == Z_STREAM_END)
            return o.count - Int(z.avail_out)
        }
    }
    deflateEnd(&z)
    return Array(out[0..<produced])
}

/// Runs ingest on one file.
func ingest(_ file: InputFile, threads: Int = 1) -> IngestResult {
    Ingest.run(files: [file], threads: threads)
}

extension IngestResult {
    /// Finding codes in order.
    var codes: [String] { findings.map(\.code) }
    /// The `files` row of file `name` as column → value.
    func fileRow(_ name: String) -> [String: String] {
        guard let row = files.rows.first(where: { $0.first == name }) else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(files.columns, row))
    }
}

func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }

/// The header of a typical e-PPGBM export, with the spellings seen in the field.
let eppgbmHeader = "No,NIK,NAMA ANAK,JK,Tgl Lahir,BB Lahir,Nama Ortu, Prov ,Kab/Kota,Kec,Pukesmas,Desa / Kel,Posyandu,RT,RW,Alamat,Usia Saat Ukur,Tanggal Pengukuran,Berat,Tinggi(cm),Cara Ukur,LiLA,BB/U,ZS BB/U,TB/U,ZS TB/U,BB/TB,ZS BB/TB,Naik Berat Badan,Jml Vit A"
