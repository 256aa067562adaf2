import _COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

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
/// The `elsa` and `speed` executables therefore start themselves again with a short spin.
public enum BLASWorkerSpin {
    /// The variable OpenBLAS reads: log2 of the cycles its idle workers spin (4 ... 30).
    public static let variable = "OPENBLAS_THREAD_TIMEOUT"
    /// The value the executables set: 2^4 cycles, i.e. workers sleep as soon as they are idle.
    public static let shortSpin = "4"

    /// Re-executes the running program with `OPENBLAS_THREAD_TIMEOUT=4` unless the
    /// variable is already set (by the user or by an earlier relaunch). Call it first
    /// thing in `main`, before any output. If the re-execution fails, it returns and the
    /// program goes on with OpenBLAS's default spin.
    public static func relaunchWithShortSpinIfNeeded() {
        #if os(Linux)
        guard getenv(variable) == nil else { return }
        setenv(variable, shortSpin, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        #endif
    }
}
