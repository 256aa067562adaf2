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

/// A value handed to concurrent code whose thread safety the caller guarantees
/// (disjoint writes through pointers, read-only sharing).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs `body(slot)` for `slot` in `0..<slots`, concurrently when `slots > 1`.
///
/// `body` must only write memory that no other slot writes.
@inline(__always)
func runSlots(_ slots: Int, _ body: (Int) -> Void) {
    if slots <= 1 {
        body(0)
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let shared = UncheckedSendable(escapable)
        DispatchQueue.concurrentPerform(iterations: slots) { slot in shared.value(slot) }
    }
}

/// The contiguous share `slot` of `0..<count` when it is split into `slots` near-equal parts.
@inline(__always)
func contiguousShare(of count: Int, slot: Int, slots: Int) -> Range<Int> {
    (count * slot / slots)..<(count * (slot + 1) / slots)
}

/// Clamps a requested thread count to `1...max(1, workItems)`.
@inline(__always)
func effectiveThreads(_ requested: Int, workItems: Int) -> Int {
    precondition(requested >= 1, "threads must be at least 1, got \(requested)")
    return max(1, min(requested, workItems))
}
