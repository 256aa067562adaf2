/// The output columns of one batch: the items `O` whose scores are predicted,
/// in the order of the rows of the batch-transposed output matrices.
///
/// Built once per batch. The items must be distinct: each output row's
/// gradient is written by one thread, and a repeated item would be written by
/// two. Draw negatives without repetition (or deduplicate them) before building it.
public struct OutputItemSelection: Sendable, Equatable {
    /// The output items; output row `o` is item `items[o]`.
    public let items: [Int32]
    /// Number of items of the embedding (the range of `items`).
    public let itemCount: Int
    /// For every item, its output row or -1 when it is not an output.
    public let outputRowOfItem: [Int32]

    /// Number of output rows (`n_out`).
    public var count: Int { items.count }

    /// - Precondition: every item is in `0..<itemCount` and occurs once.
    public init(items: [Int32], itemCount: Int) {
        var rowOfItem = [Int32](repeating: -1, count: itemCount)
        for (row, item) in items.enumerated() {
            precondition(item >= 0 && Int(item) < itemCount, "output item \(item) at row \(row) is not in 0..<\(itemCount)")
            precondition(rowOfItem[Int(item)] < 0,
                         "output item \(item) occurs twice (rows \(rowOfItem[Int(item)]) and \(row)); output items must be distinct")
            rowOfItem[Int(item)] = Int32(row)
        }
        self.items = items
        self.itemCount = itemCount
        self.outputRowOfItem = rowOfItem
    }

    /// All items in order (no output sampling).
    public init(allItemsOf itemCount: Int) {
        self.init(items: (0..<itemCount).map { Int32($0) }, itemCount: itemCount)
    }
}
