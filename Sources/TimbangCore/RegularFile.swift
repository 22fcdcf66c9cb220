#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why `openRegularFile` gave no descriptor.
public enum RegularFileError: Error, CustomStringConvertible {
    /// `open` or `fstat` failed (no such file, permission denied, …): the system's words.
    case system(String)
    /// Not a regular file after symlinks: what it is instead (`a folder`, `a FIFO (named
    /// pipe)`, `a socket`, `a device`, `not a regular file`).
    case notRegular(String)

    public var description: String {
        switch self {
        case .system(let why): why
        case .notRegular(let what): "not a regular file: \(what)"
        }
    }
}

/// Opens a file for reading only when it is a regular file (after symlinks), without ever
/// waiting: the open is `O_NONBLOCK` (a FIFO would otherwise block it), cleared once the file
/// is known to be regular. timbang's one opener of files it is handed: the input dumps
/// (ingest) and the archives of `verify` and `diff`.
/// - Returns: the descriptor (the caller closes it) and the file's status at opening.
public func openRegularFile(_ path: String) -> Result<(fd: Int32, status: stat), RegularFileError> {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { return .failure(.system(String(cString: strerror(errno)))) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
        let e = String(cString: strerror(errno)); close(fd)
        return .failure(.system(e))
    }
    let type = st.st_mode & S_IFMT
    guard type == S_IFREG else {
        close(fd)
        let what = type == S_IFDIR ? "a folder" : type == S_IFIFO ? "a FIFO (named pipe)" : type == S_IFSOCK ? "a socket"
            : (type == S_IFCHR || type == S_IFBLK) ? "a device" : "not a regular file"
        return .failure(.notRegular(what))
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    return .success((fd, st))
}
