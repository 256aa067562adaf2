/// The transpose of a fixed pattern: for each latent dimension `c`, the items
/// that store an entry at `c` and where that entry sits in `values`.
///
/// Build it once per training stage (the pattern is fixed within a stage); it
/// stays valid while only the values of the embedding change. The entries of
/// each latent are in ascending item order. Memory: 8 bytes per stored entry.
public struct LatentIndex: Sendable, Equatable {
    /// Number of latent dimensions (`d`).
    public let dimension: Int
    /// Number of items of the embedding it was built from.
    public let itemCount: Int
    /// Stored entries per item row of that embedding.
    public let nonzerosPerRow: Int
    /// `dimension + 1` offsets: latent `c` owns `latentOffsets[c] ..< latentOffsets[c + 1]`.
    public let latentOffsets: [Int]
    /// The item of each entry.
    public let items: [Int32]
    /// The position of each entry in the embedding's `values` (`item * nonzerosPerRow + j`).
    public let valuePositions: [Int32]
    /// The length of the longest latent list.
    public let longestList: Int

    /// Builds the index of `embedding`'s pattern (a counting sort, `O(itemCount · k + d)`).
    /// - Precondition: `itemCount * nonzerosPerRow` fits in `Int32`.
    public init(_ embedding: FixedPatternEmbedding) {
        let total = embedding.columnIndices.count
        precondition(total <= Int(Int32.max), "a latent index holds at most \(Int32.max) entries, got \(total)")
        var offsets = [Int](repeating: 0, count: embedding.dimension + 1)
        for column in embedding.columnIndices { offsets[Int(column) + 1] += 1 }
        var longest = 0
        for c in 0..<embedding.dimension {
            longest = max(longest, offsets[c + 1])
            offsets[c + 1] += offsets[c]
        }
        var next = offsets
        var items = [Int32](repeating: 0, count: total)
        var positions = [Int32](repeating: 0, count: total)
        let perRow = embedding.nonzerosPerRow
        for p in 0..<total {
            let c = Int(embedding.columnIndices[p])
            items[next[c]] = Int32(p / perRow)
            positions[next[c]] = Int32(p)
            next[c] += 1
        }
        self.dimension = embedding.dimension
        self.itemCount = embedding.itemCount
        self.nonzerosPerRow = perRow
        self.latentOffsets = offsets
        self.items = items
        self.valuePositions = positions
        self.longestList = longest
    }

    /// Whether this index was built from an embedding of the same shape as `embedding`
    /// (the pattern itself is not compared).
    public func matchesShape(of embedding: FixedPatternEmbedding) -> Bool {
        dimension == embedding.dimension && itemCount == embedding.itemCount
            && nonzerosPerRow == embedding.nonzerosPerRow
    }
}
