import Dispatch

/// A value handed to concurrent code whose thread safety the caller guarantees: pointers whose
/// memory the workers write in disjoint parts, or read-only shared buffers. The one such box of the
/// engine; every parallel kernel passes its pointers through it.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    @inlinable public init(_ value: Value) { self.value = value }
}

/// Runs `body(slot)` for `slot` in `0..<slots`, concurrently on Dispatch's workers when `slots > 1`.
///
/// `body` must only write memory that no other slot writes; with that, results do not depend on the
/// number of slots when each output is computed by one slot in a fixed order.
@inlinable
public func runSlots(_ slots: Int, _ body: (Int) -> Void) {
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
@inlinable
public func contiguousShare(of count: Int, slot: Int, slots: Int) -> Range<Int> {
    (count * slot / slots)..<(count * (slot + 1) / slots)
}

/// Clamps a requested thread count to `1...max(1, workItems)`.
@inlinable
public func effectiveThreads(_ requested: Int, workItems: Int) -> Int {
    precondition(requested >= 1, "threads must be at least 1, got \(requested)")
    return max(1, min(requested, workItems))
}

/// The parallel loops of the engine, on Dispatch's workers.
public enum ParallelFor {
    /// `body(slot, range)` for one contiguous share of `0..<count` per thread (at most `threads`,
    /// at most `count`), concurrently; everything on the calling thread when one share remains.
    @inlinable
    public static func contiguous(_ count: Int, threads: Int, _ body: (Int, Range<Int>) -> Void) {
        let slots = max(1, min(threads, count))
        runSlots(slots) { slot in body(slot, contiguousShare(of: count, slot: slot, slots: slots)) }
    }

    /// `body(range)` over contiguous chunks covering `0..<count`, a few per thread so that rows of
    /// uneven cost balance, on at most `threads` threads at once. Chunk boundaries never change a
    /// per-row result. With one thread (or one chunk) everything runs on the calling thread.
    public static func chunks(count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunkCount = threads <= 1 ? 1 : min(count, threads * 4)
        if chunkCount == 1 {
            body(0..<count)
            return
        }
        // Worker w takes chunks w, w + workers, ...: never more than `threads` at once.
        let workerCount = min(threads, chunkCount)
        DispatchQueue.concurrentPerform(iterations: workerCount) { worker in
            for chunk in stride(from: worker, to: chunkCount, by: workerCount) {
                body((chunk * count / chunkCount)..<((chunk + 1) * count / chunkCount))
            }
        }
    }
}
