import CZlibSystem
import Foundation
import TimbangCore

/// Writes realistic e-PPGBM measurement exports for `bench-ingest`: children of several
/// posyandu measured month after month, names, NIKs, places, dates in the usual styles,
/// decimal weights and heights, e-PPGBM's own z-scores and categories.
struct DumpGenerator {
    private var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }

    private mutating func next() -> UInt64 { rng.next() }
    private mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    private mutating func pick(_ a: [String]) -> String { a[int(a.count)] }

    static let header = "No,NIK,Nama,JK,Tgl Lahir,BB Lahir,TB Lahir,Nama Ortu,Prov,Kab/Kota,Kec,Pukesmas,Desa/Kel,Posyandu,RT,RW,Alamat,Usia Saat Ukur,Tanggal Pengukuran,Berat,Tinggi,Cara Ukur,LiLA,BB/U,ZS BB/U,TB/U,ZS TB/U,BB/TB,ZS BB/TB,Naik Berat Badan"
    static let first = ["Muhammad", "Aisyah", "Ahmad", "Putri", "Rizky", "Siti", "Dimas", "Nur", "Bayu", "Dewi", "Fajar", "Aulia", "Galih", "Intan", "Yusuf", "Zahra", "Raka", "Nabila", "Arif", "Kirana"]
    static let last = ["Pratama", "Saputra", "Lestari", "Hidayat", "Rahmawati", "Nugroho", "Wulandari", "Setiawan", "Kurniawan", "Maharani", "Ramadhan", "Putra", "Anggraini", "Firmansyah", "Utami"]
    static let parents = ["SRI WAHYUNI", "SITI AMINAH", "DWI ASTUTI", "RINA MARLINA", "ENDANG SUSILOWATI", "NUR HAYATI", "YULIANTI", "TRI WULANDARI", "ANI SURYANI", "LILIS KARLINA"]
    static let kecamatan = ["KEDUNGREJA", "SIDAREJA", "MAJENANG", "KAWUNGANTEN", "GANDRUNGMANGU", "BANTARSARI"]
    static let desa = ["TAMBAKREJA", "SIDAMULYA", "BUMIREJA", "CIKEDONDONG", "KALIWUNGU", "RAWAJAYA", "SUKAMAJU", "KARANGSARI"]
    static let posyandu = ["MAWAR", "MELATI", "ANGGREK", "KENANGA", "DAHLIA", "FLAMBOYAN", "SAKURA", "TERATAI"]
    static let wei = ["Normal", "Normal", "Normal", "Kurang", "Sangat Kurang", "Risiko Lebih"]
    static let len = ["Normal", "Normal", "Pendek", "Sangat Pendek"]
    static let wfl = ["Gizi Baik", "Gizi Baik", "Gizi Baik", "Gizi Kurang", "Berisiko Gizi Lebih"]
    static let months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]

    /// Writes `rows` records to `path`; returns the CSV text size and the size on disk.
    mutating func write(rows: Int, to path: String, gzip: Bool) throws -> (text: Int, stored: Int) {
        var sink = try Sink(path: path, gzip: gzip)
        sink.append(DumpGenerator.header + "\n")
        let kec = int(DumpGenerator.kecamatan.count)
        var row = 0
        while row < rows {
            // One posyandu at a time, its children measured over consecutive months.
            let desa = DumpGenerator.desa[int(DumpGenerator.desa.count)]
            let pos = DumpGenerator.posyandu[int(DumpGenerator.posyandu.count)] + " " + String(1 + int(5))
            let children = 40 + int(60)
            let visits = 6 + int(6)
            let kids = (0..<children).map { _ in self.child() }
            for month in 0..<visits {
                for c in kids {
                    guard row < rows else { break }
                    row += 1
                    let ageMonths = c.ageMonths + month
                    let weight = 3.3 + Double(ageMonths) * 0.22 + Double(int(30)) / 10
                    let height = 50 + Double(ageMonths) * 0.75 + Double(int(40)) / 10
                    let day = 1 + int(28)
                    let measureDate = int(3) == 0
                        ? "\(day) \(DumpGenerator.months[month % 12]) 2023"
                        : two(day) + "/" + two(month % 12 + 1) + "/2023"
                    var line = ""
                    line.reserveCapacity(320)
                    line += String(row) + "," + c.nik + "," + c.name + "," + c.sex + "," + c.birth + ",3.1,49,"
                    line += c.parent + ",JAWA TENGAH,CILACAP," + DumpGenerator.kecamatan[kec] + ",PUSKESMAS "
                    line += DumpGenerator.kecamatan[kec] + "," + desa + "," + pos + ",00" + String(1 + int(9))
                    line += ",00" + String(1 + int(5)) + ",\"" + c.address + "\","
                    line += "\(ageMonths / 12) Tahun - \(ageMonths % 12) Bulan - \(int(30)) Hari,"
                    line += measureDate + "," + decimal(weight) + "," + decimal(height) + ","
                    line += (ageMonths < 24 ? "Terlentang" : "Berdiri") + "," + decimal(12 + Double(int(40)) / 10) + ","
                    line += pick(DumpGenerator.wei) + "," + z() + "," + pick(DumpGenerator.len) + "," + z() + ","
                    line += pick(DumpGenerator.wfl) + "," + z() + "," + (month == 0 ? "B" : pick(["N", "N", "T", "O"])) + "\n"
                    sink.append(line)
                }
            }
        }
        return try sink.close()
    }

    private struct Child { var nik, name, sex, birth, parent, address: String; var ageMonths: Int }

    private mutating func child() -> Child {
        let female = int(2) == 0
        let d = 1 + int(28), m = 1 + int(12), y = 2019 + int(4)
        var nik = "330101" + two(female ? d + 40 : d) + two(m) + two(y % 100)
        nik += String(1000 + int(9000))
        let name = pick(DumpGenerator.first) + " " + pick(DumpGenerator.last)
        let address = "Jl. " + pick(DumpGenerator.posyandu).capitalized + " No. " + String(1 + int(120)) + ", Dusun " + String(1 + int(6))
        return Child(nik: nik, name: name, sex: female ? "P" : "L", birth: two(d) + "/" + two(m) + "/" + String(y),
                     parent: pick(DumpGenerator.parents), address: address, ageMonths: (2023 - y) * 12 + (1 - m) + 12)
    }

    private mutating func z() -> String {
        let v = int(801) - 400
        return (v < 0 ? "-" : "") + String(abs(v) / 100) + "." + two(abs(v) % 100)
    }

    private func decimal(_ v: Double) -> String {
        let t = Int((v * 10).rounded())
        return String(t / 10) + "." + String(t % 10)
    }

    private func two(_ v: Int) -> String { v < 10 ? "0" + String(v) : String(v) }
}

/// A buffered file writer, plain or gzip.
private struct Sink {
    private var buffer: [UInt8] = []
    private let file: UnsafeMutablePointer<FILE>?
    private let gz: gzFile?
    private var textBytes = 0
    private let path: String

    init(path: String, gzip: Bool) throws {
        self.path = path
        if gzip {
            gz = gzopen(path, "wb6")
            file = nil
            guard gz != nil else { throw CocoaError(.fileWriteUnknown) }
        } else {
            file = fopen(path, "wb")
            gz = nil
            guard file != nil else { throw CocoaError(.fileWriteUnknown) }
        }
        buffer.reserveCapacity(1 << 20)
    }

    mutating func append(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    private mutating func flush() {
        textBytes += buffer.count
        buffer.withUnsafeBytes { b in
            if let gz { _ = gzwrite(gz, b.baseAddress, UInt32(b.count)) } else { _ = fwrite(b.baseAddress, 1, b.count, file) }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws -> (text: Int, stored: Int) {
        flush()
        if let gz { gzclose(gz) } else { fclose(file) }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return (textBytes, size)
    }
}
