#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Whole-file reads and atomic whole-file writes with errors that name the file.
///
/// Reads accept only regular files: a FIFO without a writer would block forever and a
/// pipe or terminal (`/dev/stdin`) would read as empty, so both are refused with an error.
public enum FileIO {
    /// What is at a path.
    public enum Kind: Sendable { case missing, regularFile, directory, other }

    public static func kind(of path: String) -> Kind {
        var information = stat()
        guard stat(path, &information) == 0 else { return .missing }
        switch information.st_mode & S_IFMT {
        case S_IFREG: return .regularFile
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    public static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    public static let notRegularFile = "not a regular file (a pipe, FIFO, terminal or device such as /dev/stdin); "
        + "give the path of a file"

    /// The whole file as bytes, read with one `read` loop (no per-line work).
    /// - Throws: `DataError.cannotRead` naming `path` (missing, a directory, not a regular
    ///   file, unreadable).
    public static func readBytes(_ path: String) throws -> [UInt8] {
        switch kind(of: path) {
        case .missing: throw DataError.cannotRead(file: path, reason: "no such file")
        case .directory: throw DataError.cannotRead(file: path, reason: "is a directory, expected a file")
        case .other: throw DataError.cannotRead(file: path, reason: notRegularFile)
        case .regularFile: break
        }
        // O_NONBLOCK: should the path have become a FIFO since `stat`, opening it does not wait for a writer.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw DataError.cannotRead(file: path, reason: systemMessage(errno))
        }
        defer { close(descriptor) }
        var information = stat()
        guard fstat(descriptor, &information) == 0 else {
            throw DataError.cannotRead(file: path, reason: systemMessage(errno))
        }
        guard information.st_mode & S_IFMT == S_IFREG else {
            throw DataError.cannotRead(file: path, reason: notRegularFile)
        }
        let size = Int(information.st_size)
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            var done = 0
            while done < size {
                let result = read(descriptor, buffer.baseAddress! + done, size - done)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if result == 0 { break }  // the file shrank while we read it
                done += result
            }
            initializedCount = done
        }
        if failure != 0 { throw DataError.cannotRead(file: path, reason: systemMessage(failure)) }
        return bytes
    }

    /// Writes `chunks` one after the other to a temporary file in the directory
    /// of `path`, flushes it and renames it over `path`: readers see either the
    /// old file or the complete new one, never a partial write. The temporary file is
    /// `.NAME.tmp-PID-RANDOM`; those that earlier writes of `path` left behind when their
    /// process died are removed first (see `AtomicFile.removeAbandonedTemporaries`).
    /// - Throws: `DataError.cannotWrite` naming `path`.
    public static func writeAtomically(_ path: String, chunks: [UnsafeRawBufferPointer]) throws {
        AtomicFile.removeAbandonedTemporaries(of: path)
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        // Only uniqueness matters here (O_EXCL refuses a clash), not reproducibility.
        var randomBits = SeededGenerator(seed: UInt64(truncatingIfNeeded: getpid()) ^ UInt64(truncatingIfNeeded: clock())
                                             ^ UInt64(truncatingIfNeeded: time(nil)))
        let temporaryPath = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(randomBits.next() & 0xFFFF_FFFF)"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw DataError.cannotWrite(file: path, reason: "cannot create \(temporaryPath): \(systemMessage(errno))")
        }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporaryPath) }
        }
        for chunk in chunks where chunk.count > 0 {
            var done = 0
            while done < chunk.count {
                let result = write(descriptor, chunk.baseAddress! + done, chunk.count - done)
                if result < 0 {
                    if errno == EINTR { continue }
                    let code = errno
                    close(descriptor)
                    throw DataError.cannotWrite(file: path, reason: systemMessage(code))
                }
                done += result
            }
        }
        if fsync(descriptor) != 0 {
            let code = errno
            close(descriptor)
            throw DataError.cannotWrite(file: path, reason: "fsync: \(systemMessage(code))")
        }
        if close(descriptor) != 0 {
            throw DataError.cannotWrite(file: path, reason: "close: \(systemMessage(errno))")
        }
        if rename(temporaryPath, path) != 0 {
            throw DataError.cannotWrite(file: path, reason: "rename: \(systemMessage(errno))")
        }
        succeeded = true
    }

    /// File names (not paths) in `directory`, sorted.
    public static func contents(of directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw DataError.cannotRead(file: directory, reason: "cannot list the folder: \(error.localizedDescription)")
        }
    }
}
