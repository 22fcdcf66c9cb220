import Glibc

/// The process's memory between stages.
public enum Memory {
    /// Hands the memory the allocator holds free back to the system (glibc's `malloc_trim(0)`,
    /// looked up once; nothing where the C library has none). Returns whether it could.
    ///
    /// glibc keeps what is freed in its arenas for later use, and the arena of a thread keeps
    /// it for that thread: ingest parses on several threads and link builds large temporary
    /// tables, and at a million rows the memory they freed (about 1.2 GB) stayed resident
    /// under the next stages' own and raised the run's peak by as much. The runner calls this
    /// after each stage.
    @discardableResult
    public static func returnFreed() -> Bool {
        guard let trim = mallocTrim else { return false }
        _ = trim(0)
        return true
    }

    typealias Trim = @convention(c) (Int) -> Int32
    nonisolated(unsafe) static let mallocTrim: Trim? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
    }()

    /// A `/proc/self/status` memory figure in KiB (`VmHWM` = peak resident memory, `VmRSS` =
    /// now); 0 where there is no /proc.
    public static func statusKiB(_ key: String) -> Int {
        guard let bytes = readFileBytes("/proc/self/status") else { return 0 }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix(key + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// The process's resident memory now, KiB (`VmRSS`).
    public static func residentKiB() -> Int { statusKiB("VmRSS") }
}
