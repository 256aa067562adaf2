import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file is locked by another process.
public struct FileLockError: Error, CustomStringConvertible, Equatable {
    public let file: String
    /// The holder's process id, when it wrote one.
    public let holder: Int32?
    public let reason: String?
    public var description: String {
        if let reason { return "\(file): cannot lock it: \(reason)" }
        return "\(file) is in use by another run" + (holder.map { " (process \($0))" } ?? "")
            + "; two runs on one checkpoint would overwrite each other: wait for it, or name another file"
    }
}

/// An advisory lock (`flock`) on `<path>.lock`, held until `release()` or the process ends, with the
/// holder's pid written in the lock file so that a refused run can name it.
public final class FileLock {
    public let path: String
    private var descriptor: Int32

    /// Takes the lock for `path` or throws `FileLockError` naming the process that holds it.
    public init(for path: String) throws {
        let lockPath = path + ".lock"
        self.path = lockPath
        descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileLockError(file: path, holder: nil, reason: String(cString: strerror(errno)))
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            close(descriptor)
            descriptor = -1  // deinit runs on this throw: it must neither unlock nor remove the holder's file
            let text = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
            throw FileLockError(file: path, holder: Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), reason: nil)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Releases the lock and removes the lock file.
    public func release() {
        guard descriptor >= 0 else { return }
        unlink(path)
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
