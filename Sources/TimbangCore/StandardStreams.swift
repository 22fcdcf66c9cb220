#if canImport(Glibc)
import Glibc
#endif

/// Writes bytes to a file descriptor, all of them (retrying short and interrupted writes).
/// Returns false when the descriptor refuses them (a closed pipe, a full disk).
@discardableResult
public func writeAll(fd: Int32, _ buf: UnsafeRawBufferPointer) -> Bool {
    guard let base = buf.baseAddress else { return true }
    var done = 0
    while done < buf.count {
        let n = Glibc.write(fd, base + done, buf.count - done)
        if n <= 0 { if n < 0 && errno == EINTR { continue }; return false }
        done += n
    }
    return true
}

/// Writes bytes to a file descriptor, all of them.
@discardableResult
public func writeAll(fd: Int32, _ bytes: some Collection<UInt8>) -> Bool {
    Array(bytes).withUnsafeBytes { writeAll(fd: fd, $0) }
}

/// Writes text to standard error (fd 2), unbuffered.
public func writeStderr(_ s: String) { writeAll(fd: 2, Array(s.utf8)) }

/// Writes bytes to standard output (fd 1), unbuffered.
public func writeStdout(_ bytes: some Collection<UInt8>) { writeAll(fd: 1, bytes) }
