#if canImport(Glibc)
import Glibc
#endif

/// Finds the project's `reference/` folder (WHO tables, KBM editions, cut-offs).
///
/// Order: `$TIMBANG_REFERENCE`; `./reference`; then walking up from the executable
/// (so `.build/release/timbang` finds the checkout's `reference/`); then walking up
/// from `start` (tests pass `#filePath`).
public enum ReferenceLocator {
    public static func find(start: String? = nil) -> String? {
        if let env = getenv("TIMBANG_REFERENCE") { return String(cString: env) }
        if isDirectory("reference/who-growth-standards") {
            var buf = [CChar](repeating: 0, count: 4096)
            if getcwd(&buf, buf.count) != nil {
                return String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/reference"
            }
            return "reference"
        }
        var candidates: [String] = []
        if let exe = executablePath() { candidates.append(exe) }
        if let start { candidates.append(start) }
        for c in candidates {
            var dir = AtomicFile.parentDirectory(of: c)
            for _ in 0..<8 {
                if isDirectory(dir + "/reference/who-growth-standards") { return dir + "/reference" }
                let up = AtomicFile.parentDirectory(of: dir)
                if up == dir { break }
                dir = up
            }
        }
        return nil
    }

    static func executablePath() -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// True when `path` is an existing folder.
public func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}
