#if canImport(Glibc)
import Glibc
#endif

/// Writes bytes to a file descriptor, all of them (retrying short writes).
public func writeAll(fd: Int32, _ bytes: some Collection<UInt8>) {
    let a = Array(bytes)
    a.withUnsafeBytes { buf in
        var off = 0
        while off < buf.count {
            let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
            if n <= 0 { return }
            off += n
        }
    }
}

/// Writes text to standard error (fd 2), unbuffered.
public func writeStderr(_ s: String) { writeAll(fd: 2, Array(s.utf8)) }

/// Writes bytes to standard output (fd 1), unbuffered.
public func writeStdout(_ bytes: some Collection<UInt8>) { writeAll(fd: 1, bytes) }
