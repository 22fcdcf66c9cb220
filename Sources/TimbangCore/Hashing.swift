import Crypto

/// SHA-256 of bytes as lower-case hex.
public func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
    hex(SHA256.hash(data: Array(bytes)))
}

/// Lower-case hex of bytes.
public func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}

/// An incremental SHA-256 (for streaming whole input files).
public struct SHA256Stream {
    var h = SHA256()
    public init() {}
    public mutating func update(_ buf: UnsafeRawBufferPointer) { h.update(bufferPointer: buf) }
    public func finalizeHex() -> String { hex(h.finalize()) }
}
