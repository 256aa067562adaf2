import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's memory: what it holds now and the most it has held (resident set sizes, in bytes).
public enum MemoryUsage {
    /// The largest resident set of the process so far: `getrusage`'s maximum, or the kernel's high-water mark
    /// (`peakSinceReset`) or the resident set now when that is larger (Linux syncs the counters behind `getrusage`
    /// lazily, by up to a few hundred kilobytes): the most any of these readings has shown, before or after a `resetPeak()`.
    public static var peakResidentBytes: Int {
        let now = max(reportedPeak, peakSinceReset ?? residentBytes ?? 0)
        observed.raise(to: now)
        return observed.value
    }

    /// Starts a new high-water mark for `peakSinceReset` (Linux: writes 5 to `/proc/self/clear_refs`, which sets the
    /// mark to the resident set now). `peakResidentBytes` still counts what came before. False where that is not possible.
    @discardableResult
    public static func resetPeak() -> Bool {
        _ = peakResidentBytes  // what came before the reset stays counted
        #if os(Linux)
        guard let file = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? file.close() }
        return (try? file.write(contentsOf: Data("5".utf8))) != nil
        #else
        return false
        #endif
    }

    /// The largest resident set since the last `resetPeak()` (Linux: `VmHWM` of `/proc/self/status`), or nil where
    /// it cannot be read.
    public static var peakSinceReset: Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return nil }
        let peak = max(kilobytes * 1024, residentBytes ?? 0)
        observed.raise(to: peak)
        return peak
    }

    /// The most any reading has shown (the kernel's own mark, which `getrusage` reads, starts again at a reset).
    private static let observed = RunningMaximum()

    /// `getrusage`'s maximum resident set (kilobytes on Linux, bytes on Darwin), in bytes.
    static var reportedPeak: Int {
        var usage = rusage()
        #if os(Linux)
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss)
        #endif
    }

    /// The resident set of the process now (Linux: `/proc/self/statm`; nil where it cannot be read).
    public static var residentBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// A maximum that any thread may raise.
private final class RunningMaximum: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return stored }
    func raise(to candidate: Int) { lock.lock(); stored = max(stored, candidate); lock.unlock() }
}
