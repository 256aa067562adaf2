import _COpenBLAS

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
