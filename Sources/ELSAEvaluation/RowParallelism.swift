import Dispatch

/// A buffer handed to `concurrentPerform`; each chunk writes only its own rows.
struct SendableMutableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
}

/// A read-only buffer handed to `concurrentPerform`.
struct SendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Element>
}

enum RowParallelism {
    /// Runs `body(rowRange)` over contiguous chunks covering `0 ..< rowCount`, on at most
    /// `threadCount` threads at once. Chunk boundaries never change a per-row result.
    /// With `threadCount == 1` (or one chunk) everything runs on the calling thread.
    static func forEachChunk(rowCount: Int, threadCount: Int, _ body: @Sendable (Range<Int>) -> Void) {
        guard rowCount > 0 else { return }
        // A few chunks per thread balances rows of uneven cost.
        let chunkCount = threadCount <= 1 ? 1 : min(rowCount, threadCount * 4)
        if chunkCount == 1 {
            body(0..<rowCount)
            return
        }
        // Worker w takes chunks w, w + workers, ...: never more than `threadCount` at once.
        let workerCount = min(threadCount, chunkCount)
        DispatchQueue.concurrentPerform(iterations: workerCount) { worker in
            for chunk in stride(from: worker, to: chunkCount, by: workerCount) {
                body((chunk * rowCount / chunkCount)..<((chunk + 1) * rowCount / chunkCount))
            }
        }
    }
}
