import _COpenBLAS
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import _ELSASupport

/// The number of threads OpenBLAS uses inside one call.
///
/// Many small products run faster with 1 BLAS thread and Dispatch across them;
/// one large product wants all cores. Never both at once: that oversubscribes.
public enum BLASThreads {
    /// Sets OpenBLAS's thread count for subsequent calls (process-wide).
    /// - Precondition: `count >= 1`.
    public static func set(_ count: Int) {
        precondition(count >= 1, "BLAS thread count must be at least 1, got \(count)")
        openblas_set_num_threads(Int32(count))
    }

    /// OpenBLAS's current thread count.
    public static var current: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with `count` BLAS threads and restores the previous count.
    public static func with<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        let previous = current
        set(count)
        defer { set(previous) }
        return try body()
    }
}

/// How long OpenBLAS's idle workers spin, which only its environment can set.
///
/// After every threaded call OpenBLAS's worker threads keep spinning for 2^28 cycles
/// (about 0.1 s) waiting for more work (`OPENBLAS_THREAD_TIMEOUT`, read once when the
/// library loads). The trainers run Dispatch kernels right after their GEMMs, which then
/// share the 2 cores with the spinning workers: measured on amazon-book-kgat at d = 4096,
/// the sparse step's input product after a dense step took 0.13 s instead of 0.03 s.
/// The `elsa` and `speed` executables therefore start themselves again with a short spin
/// (`BLASEnvironment.relaunchIfNeeded()`).
public enum BLASWorkerSpin {
    /// The variable OpenBLAS reads: log2 of the cycles its idle workers spin (4 ... 30).
    public static let variable = "OPENBLAS_THREAD_TIMEOUT"
    /// The value the executables set: 2^4 cycles, i.e. workers sleep as soon as they are idle.
    public static let shortSpin = "4"
}

/// Which of OpenBLAS's kernel sets runs, and the one to force where its CPU detection fails.
///
/// Debian 12's OpenBLAS 0.3.21 carries kernels for every x86-64 core and picks one by the CPU's
/// family and model when it loads. A model newer than the library is not in its tables, and then it
/// falls back to its Prescott (SSE3) kernels whatever the CPU can do. Measured on an Intel Xeon of
/// family 6, model 207 (AVX-512): `cblas_sgemm` of 1024 x 40,981 x 4,096 on 2 threads ran at
/// 22-27 GFLOP/s with the Prescott kernels against 106-133 with the SkylakeX ones, alternated beside
/// a training run (docs/performance.md), and a dense training epoch took 550 s instead of 144 s.
/// `OPENBLAS_CORETYPE` (read once, when the library loads) overrides the detection.
public enum BLASCoreType {
    /// The variable OpenBLAS reads.
    public static let variable = "OPENBLAS_CORETYPE"
    /// What OpenBLAS's detection falls back to on an x86-64 CPU it does not know.
    public static let fallback = "Prescott"

    /// The kernel set OpenBLAS runs in this process (e.g. "Zen", "SkylakeX", "Prescott").
    public static var current: String {
        guard let name = openblas_get_corename() else { return "" }
        return String(cString: name)
    }

    /// The kernel set to force, or nil to keep OpenBLAS's choice. Only a fallback to Prescott is
    /// corrected, and only to kernels whose instructions the CPU has: SkylakeX with AVX-512
    /// (F, CD, BW, DQ and VL), else Haswell with AVX2 and FMA, else SandyBridge with AVX.
    /// `cpuFlags` is evaluated only for a fallback (at start-up it reads /proc/cpuinfo).
    public static func correction(detected: String, cpuFlags flagsOfCPU: @autoclosure () -> Set<String>) -> String? {
        guard detected.caseInsensitiveCompare(fallback) == .orderedSame else { return nil }
        let cpuFlags = flagsOfCPU()
        if cpuFlags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        if cpuFlags.contains("avx") { return "SandyBridge" }
        return nil
    }

    /// The flags of the first `flags` line of a `/proc/cpuinfo` text (the kernel lists only what the
    /// CPU has and the system has enabled); empty where there is none.
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        flags(CPUInfo.firstValues(cpuinfo))
    }

    /// The flags of this machine's CPU (Linux; empty elsewhere or when unreadable).
    public static var machineFlags: Set<String> { flags(CPUInfo.machine) }

    private static func flags(_ values: [String: String]) -> Set<String> {
        Set(values["flags", default: ""].split(separator: " ").map(String.init))
    }
}



/// The OpenBLAS settings the executables run with; both are read only when the library loads.
public enum BLASEnvironment {
    /// The variables to add to `environment` (name, value): a short worker spin unless set, and a
    /// kernel set where OpenBLAS fell back to Prescott on a CPU that can run better ones, unless set.
    public static func additions(environment: [String: String], detectedCore: String,
                                 cpuFlags: @autoclosure () -> Set<String>) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        if environment[BLASWorkerSpin.variable] == nil { result.append((BLASWorkerSpin.variable, BLASWorkerSpin.shortSpin)) }
        if environment[BLASCoreType.variable] == nil,
           let core = BLASCoreType.correction(detected: detectedCore, cpuFlags: cpuFlags()) {
            result.append((BLASCoreType.variable, core))
        }
        return result
    }

    /// Re-executes the running program with `additions` set, when there are any (a relaunched
    /// program finds them set and goes on). Call it first thing in `main`, before any output. If the
    /// re-execution fails, it returns and the program goes on with OpenBLAS's defaults.
    public static func relaunchIfNeeded() {
        #if os(Linux)
        let added = additions(environment: ProcessInfo.processInfo.environment,
                              detectedCore: BLASCoreType.current, cpuFlags: BLASCoreType.machineFlags)
        guard !added.isEmpty else { return }
        for (name, value) in added { setenv(name, value, 1) }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        #endif
    }
}
