import Foundation

/// `/proc/cpuinfo` as `key : value` lines, one block per processor.
public enum CPUInfo {
    /// The first value of every key in a `/proc/cpuinfo` text, trimmed: the first processor's, for
    /// the keys it lists.
    public static func firstValues(_ cpuinfo: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if values[key] == nil { values[key] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return values
    }

    /// This machine's (Linux; empty elsewhere or when unreadable), read once.
    public static let machine: [String: String] = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [:] }
        return firstValues(text)
    }()
}

/// The vendor and family of a CPU, as the first processor of `/proc/cpuinfo` names them.
///
/// The GEMM kernel set alone does not say how fast the GEMM runs: OpenBLAS 0.3.21 runs its
/// Cooperlake (AVX-512) kernels on an AMD EPYC of family 25, model 17 (Zen 4), which executes each
/// 512-bit operation as two 256-bit halves, so those kernels run its GEMM no faster than the AVX2
/// (Haswell) ones do: 188-212 against 183-213 GFLOP/s (docs/performance.md). `DensePathSwitch`
/// uses this to tell it from the Intel cores with full-width 512-bit units.
public struct CPUIdentity: Equatable, Sendable {
    /// `vendor_id`, e.g. "AuthenticAMD" or "GenuineIntel"; empty when unknown.
    public var vendor: String
    /// `cpu family` (decimal), or nil when unknown.
    public var family: Int?

    public init(vendor: String, family: Int?) {
        self.vendor = vendor
        self.family = family
    }

    /// Nothing known (not Linux, or `/proc/cpuinfo` unreadable).
    public static let unknown = CPUIdentity(vendor: "", family: nil)

    /// AMD's family 25 (Zen 3 and Zen 4): where it has AVX-512 (Zen 4), each 512-bit operation runs
    /// as two 256-bit halves.
    public var splitsAVX512Operations: Bool { vendor == "AuthenticAMD" && family == 25 }

    /// The first `vendor_id` and `cpu family` lines of a `/proc/cpuinfo` text (the first
    /// processor's); a field that is missing or unreadable stays unknown.
    public static func parse(cpuinfo: String) -> CPUIdentity {
        identity(CPUInfo.firstValues(cpuinfo))
    }

    /// This machine's CPU (Linux; `unknown` elsewhere or when unreadable).
    public static let machine = identity(CPUInfo.machine)

    private static func identity(_ values: [String: String]) -> CPUIdentity {
        CPUIdentity(vendor: values["vendor_id", default: ""], family: values["cpu family"].flatMap { Int($0) })
    }
}
