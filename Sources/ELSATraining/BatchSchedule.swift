import ELSASparse
import _ELSASupport

/// The order of users in an epoch: a seeded shuffle, cut into batches.
public struct BatchSchedule: Sendable {
    public let batches: [[Int]]

    /// Shuffles `0..<users` with a generator seeded from `seed` and `epoch`, then cuts batches of `batchSize`.
    public init(users: Int, batchSize: Int, seed: UInt64, epoch: Int) {
        precondition(batchSize >= 1, "batch size must be at least 1, got \(batchSize)")
        var order = Array(0..<users)
        var generator = SeededGenerator(seed: seed, stream: UInt64(epoch) &+ 0x5EED)
        generator.shuffle(&order)
        batches = stride(from: 0, to: users, by: batchSize).map { Array(order[$0..<min(users, $0 + batchSize)]) }
    }
}
