import ELSASparse

/// Sums across the processes that train one model together, each holding a contiguous range of its items.
///
/// The training steps need nothing else from them: the partial hidden layer, the per-user scalars of the loss and
/// the gradient with respect to the hidden layer are summed over the processes, in the same order on every one of
/// them (the calls are collective: every process makes the same calls with buffers of the same length).
/// `ELSADistributed.MPICommunicator` is the implementation over MPI.
public protocol ShardCommunicator: AnyObject, Sendable {
    /// This process's index, `0..<size`.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Replaces `values` on every process with their elementwise sum over all processes.
    func sum(_ values: UnsafeMutableBufferPointer<Float>)
    /// Replaces `values` on every process with their elementwise sum over all processes.
    func sum(_ values: UnsafeMutableBufferPointer<Double>)
    /// The bytes this process has handed to `sum` so far (each sum sends its buffer once, as an allreduce's input).
    var bytesSummed: Int { get }
    /// Rank 0 receives every process's `bytes`, in rank order (its own first); the others receive nil.
    func gather(_ bytes: [UInt8]) -> [[UInt8]]?
}

extension ShardCommunicator {
    /// The sum over all processes of one number each.
    public func sum(_ value: Double) -> Double {
        var buffer = [value]
        buffer.withUnsafeMutableBufferPointer { sum($0) }
        return buffer[0]
    }
}

/// This process's part of an item-sharded run: its rows of the item matrix and who it trains with.
public struct ItemShard: Sendable {
    /// The items whose rows (weights and optimizer state) this process holds.
    public let items: Range<Int>
    /// The items of the whole model.
    public let itemCount: Int
    public let communicator: ShardCommunicator

    public init(items: Range<Int>, itemCount: Int, communicator: ShardCommunicator) {
        precondition(items.lowerBound >= 0 && items.upperBound <= itemCount, "shard \(items) is not within 0..<\(itemCount)")
        self.items = items
        self.itemCount = itemCount
        self.communicator = communicator
    }

    /// The shard of `communicator.rank` when `itemCount` items are split into `communicator.size` contiguous ranges
    /// of sizes differing by at most one.
    public init(itemCount: Int, communicator: ShardCommunicator) {
        self.init(items: Self.range(rank: communicator.rank, of: communicator.size, itemCount: itemCount),
                  itemCount: itemCount, communicator: communicator)
    }

    /// Rank `rank`'s range of `itemCount` items split over `ranks` processes.
    public static func range(rank: Int, of ranks: Int, itemCount: Int) -> Range<Int> {
        precondition(ranks >= 1 && (0..<ranks).contains(rank), "rank \(rank) of \(ranks)")
        return (itemCount * rank / ranks)..<(itemCount * (rank + 1) / ranks)
    }

    /// Each process's `value`, by rank, on every process.
    public func each(_ value: Double) -> [Double] {
        var values = [Double](repeating: 0, count: communicator.size)
        values[communicator.rank] = value
        values.withUnsafeMutableBufferPointer { communicator.sum($0) }
        return values
    }

    /// True on every process when `flag` is true on every process.
    public func all(_ flag: Bool) -> Bool {
        communicator.sum(flag ? 0 : 1) == 0
    }
}

extension TrainingBatch {
    /// The part of this batch one shard computes: the inputs, targets and outputs among `items`, renumbered from 0.
    /// Users keep their rows (a user with no item in the range has an empty row).
    public func restricted(to items: Range<Int>) -> TrainingBatch {
        func columns(of matrix: CSRMatrix) -> CSRMatrix {
            var offsets = [Int](repeating: 0, count: matrix.rows + 1)
            var kept: [Int32] = [], values: [Float] = []
            let lower = Int32(items.lowerBound), upper = Int32(items.upperBound)
            for r in 0..<matrix.rows {
                for q in matrix.rowOffsets[r]..<matrix.rowOffsets[r + 1] {
                    let c = matrix.columnIndices[q]
                    if c >= lower && c < upper {
                        kept.append(c - lower)
                        values.append(matrix.values[q])
                    }
                }
                offsets[r + 1] = kept.count
            }
            return CSRMatrix(rows: matrix.rows, columns: items.count, rowOffsets: offsets, columnIndices: kept, values: values)
        }
        let lower = Int32(items.lowerBound), upper = Int32(items.upperBound)
        let local = outputs.items.filter { $0 >= lower && $0 < upper }.map { $0 - lower }
        let localRows = columns(of: rows)
        var batch = TrainingBatch(rows: localRows, inputRows: inputRows == rows ? nil : columns(of: inputRows),
                                  outputs: OutputItemSelection(items: local, itemCount: items.count))
        batch.users = users
        batch.outputCountOfAllShards = outputs.count
        return batch
    }
}
