import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thread counts for the parallel kernels of this module.
///
/// Every kernel takes a `threads` argument and runs on at most that many
/// Dispatch worker threads (`DispatchQueue.concurrentPerform`). Work is split so
/// that each output element is computed by exactly one thread in a fixed order:
/// results are bit-identical for every thread count. Run these kernels with
/// one BLAS thread (`BLASThreads.set(1)`) when BLAS calls may overlap them.
public enum KernelThreads {
    /// The number of online processors (at least 1): the default for `threads` arguments.
    public static let available: Int = {
        let count = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return count > 0 ? Int(count) : 1
    }()
}
