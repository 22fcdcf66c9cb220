import Foundation
import Pipeline
import Synth
import TimbangCore

/// Scores a run against a synth truth, from the records the stage store reassembles.
func scoreRun(truth: String, runFolder: String) throws -> Score {
    let store = StageStore(runFolder: runFolder)
    return try Score.compute(truthDir: truth, link: store.readRecords(.link), growth: store.readRecords(.growth))
}

/// A fresh temporary folder per test.
func makeTempFolder(_ label: String = "t") -> String {
    let p = NSTemporaryDirectory() + "timbang-\(label)-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
}

func write(_ text: String, to path: String) {
    try! AtomicFile.write(text: text, to: path)
}

/// The repository's reference folder (tests run from anywhere).
let referenceFolder = ReferenceLocator.find(start: #filePath)!

/// Writes a pipeline file for `inputs` into `folder` and returns its path.
func writePipeline(in folder: String, name: String = "t", extra: String = "", asOf: String = "2024-03-31",
                   inputs: [String] = ["dumps"], output: String = "out", input: String = "") -> String {
    write("0123456789abcdef0123456789abcdef\n", to: folder + "/test.key")
    let path = folder + "/\(name).toml"
    write("""
    name = "\(name)"
    as_of = \(asOf)
    \(extra)
    [input]
    paths = [\(inputs.map { "\"\($0)\"" }.joined(separator: ", "))]
    \(input)
    [output]
    folder = "\(output)"
    [link]
    key_file = "test.key"
    [reference]
    folder = "\(referenceFolder)"
    """, to: path)
    return path
}

/// A small e-PPGBM-style dump.
let smallDump = """
No,NIK,Nama Anak,JK,Tgl Lahir,Nama Ortu,Kecamatan,Pukesmas,Desa/Kel,Posyandu,Tanggal Pengukuran,Berat (kg),Tinggi (cm),Cara Ukur
1,3301014107230001,Siti Aminah,P,01/07/2023,Ibu Sri,Kroya,Kroya I,Mergawati,Melati,15/01/2024,7.5,65.2,Terlentang
2,3301010505220002,Budi Santoso,L,05/05/2022,Ibu Ani,Kroya,Kroya I,Mergawati,Melati,15/01/2024,10.1,80.3,Terlentang
3,,Ahmad,L,10/10/2021,Ibu Tini,Adipala,Adipala,Karanganyar,Mawar,16/01/2024,11.2,86.0,Berdiri

"""
