#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader sees either the old content or the whole new one:
/// write to a temporary name in the same folder, fsync, rename, fsync the folder.
public enum AtomicFile {
    /// A file or folder could not be written.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// What could not be written (the final name, not the temporary one), when known.
        public var path: String?
        /// Why, as the system says it (`No space left on device`), when known.
        public var reason: String?

        public init(description: String) { self.description = description }

        /// `<verb> <path>: <strerror(code)>`.
        public init(_ verb: String, _ path: String, errno code: Int32) {
            self.path = path
            reason = String(cString: strerror(code))
            description = "\(verb) \(path): \(reason!)"
        }
    }

    /// Writes `bytes` to `path` atomically, creating parent folders.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws {
        let file = try AtomicFileWriter(path: path)
        if let direct = bytes.withContiguousStorageIfAvailable({ file.append(UnsafeRawBufferPointer($0)) }) {
            _ = direct
        } else {
            Array(bytes).withUnsafeBytes { file.append($0) }
        }
        try file.commit()
    }

    /// Writes UTF-8 text atomically.
    public static func write(text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    public static func parentDirectory(of path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return "." }
        return i == path.startIndex ? "/" : String(path[..<i])
    }

    /// `mkdir -p`.
    public static func makeDirectories(_ dir: String) throws {
        if dir.isEmpty || dir == "." || dir == "/" { return }
        var st = stat()
        if stat(dir, &st) == 0 { return }
        try makeDirectories(parentDirectory(of: dir))
        if let e = Failpoint.writeFault() { throw Failure("cannot create folder", dir, errno: e) }
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw Failure("cannot create folder", dir, errno: errno)
        }
    }
}

/// Reads a whole file; nil when it cannot be read.
public func readFileBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    let size = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : 0
    var out = [UInt8](repeating: 0, count: max(size, 1 << 16))
    var used = 0
    while true {
        if used == out.count { out.append(contentsOf: repeatElement(0, count: out.count)) }
        let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + used, $0.count - used) }
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        used += n
    }
    out.removeSubrange(used...)
    return out
}
