#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Atomic whole-file writes: the bytes go to a temporary file beside the target
/// (`.NAME.tmp-PID-RANDOM`), which is flushed and then renamed over the target, so a
/// reader (or a crash) sees the old file or the complete new one, never a partial one.
///
/// A process killed between creating and renaming its temporary file leaves that file
/// behind. Every write removes the temporaries of the same target whose process no longer
/// exists (`removeAbandonedTemporaries`); those of live processes are left alone.
public enum AtomicFile {
    /// Writes `data` to `path` atomically, creating its folder if needed.
    /// - Throws: `DataError.cannotWrite` naming `path`.
    public static func write(_ data: Data, to path: String) throws {
        try createFolder(of: path)
        try data.withUnsafeBytes { raw in try FileIO.writeAtomically(path, chunks: [raw]) }
    }

    /// Writes `bytes` to `path` atomically, creating its folder if needed.
    /// - Throws: `DataError.cannotWrite` naming `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try createFolder(of: path)
        try bytes.withUnsafeBytes { raw in try FileIO.writeAtomically(path, chunks: [raw]) }
    }

    /// Writes `text` as UTF-8 to `path` atomically, creating its folder if needed.
    /// - Throws: `DataError.cannotWrite` naming `path`.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Removes the temporary files that atomic writes of `path` left in its folder when their
    /// process died between creating and renaming them (`.NAME.tmp-PID-RANDOM` with no process
    /// PID); those of live processes are kept, and so is every other file. Returns the paths removed.
    ///
    /// A process is judged dead only when `kill(PID, 0)` says there is no such process, so a
    /// temporary file of a process this one may not signal, or whose name does not parse, stays.
    @discardableResult
    public static func removeAbandonedTemporaries(of path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for name in names.sorted() where name.hasPrefix(prefix) {
            let fields = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard fields.count == 2, let pid = Int32(fields[0]), pid > 0, UInt32(fields[1]) != nil else { continue }
            if kill(pid, 0) == 0 || errno != ESRCH { continue }  // alive (or not ours to judge)
            let temporary = folder + "/" + name
            guard FileIO.kind(of: temporary) == .regularFile else { continue }
            if unlink(temporary) == 0 { removed.append(temporary) }
        }
        return removed
    }

    private static func createFolder(of path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DataError.cannotWrite(file: path, reason: "cannot create the folder \(folder.path): \(error.localizedDescription)")
        }
    }
}
