#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Whole-file reads and atomic whole-file writes with errors that name the file.
enum FileIO {
    /// What is at a path.
    enum Kind { case missing, regularFile, directory, other }

    static func kind(of path: String) -> Kind {
        var information = stat()
        guard stat(path, &information) == 0 else { return .missing }
        switch information.st_mode & S_IFMT {
        case S_IFREG: return .regularFile
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// The whole file as bytes, read with one `read` loop (no per-line work).
    /// - Throws: `DataError.cannotRead` naming `path` (missing, a directory, unreadable).
    static func readBytes(_ path: String) throws -> [UInt8] {
        switch kind(of: path) {
        case .missing: throw DataError.cannotRead(file: path, reason: "no such file")
        case .directory: throw DataError.cannotRead(file: path, reason: "is a directory, expected a file")
        case .regularFile, .other: break
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DataError.cannotRead(file: path, reason: systemMessage(errno))
        }
        defer { close(descriptor) }
        var information = stat()
        guard fstat(descriptor, &information) == 0 else {
            throw DataError.cannotRead(file: path, reason: systemMessage(errno))
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
    /// old file or the complete new one, never a partial write.
    /// - Throws: `DataError.cannotWrite` naming `path`.
    static func writeAtomically(_ path: String, chunks: [UnsafeRawBufferPointer]) throws {
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
    static func contents(of directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw DataError.cannotRead(file: directory, reason: "cannot list the folder: \(error.localizedDescription)")
        }
    }
}
