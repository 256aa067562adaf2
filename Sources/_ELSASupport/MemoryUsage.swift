import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's memory: what it holds now and the most it has held (resident set sizes, in bytes).
public enum MemoryUsage {
    /// The largest resident set of the process so far: `getrusage`'s maximum, or the resident set now when
    /// that is larger (Linux syncs the counters behind the maximum lazily, by up to a few hundred kilobytes).
    public static var peakResidentBytes: Int { max(reportedPeak, residentBytes ?? 0) }

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
