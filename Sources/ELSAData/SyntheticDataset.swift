/// A generated dataset with the structure that was planted in it.
public struct SyntheticDataset: Sendable, Equatable {
    /// users x items; user and item ids are their 0-based indices as strings.
    public var dataset: InteractionDataset
    /// The planted segment (0 ..< segmentCount) of each item.
    public var itemSegments: [Int]
    /// The one or two planted segments of each user, ascending.
    public var userSegments: [[Int]]
    public var configuration: SyntheticConfiguration

    public init(dataset: InteractionDataset, itemSegments: [Int], userSegments: [[Int]],
                configuration: SyntheticConfiguration) {
        self.dataset = dataset
        self.itemSegments = itemSegments
        self.userSegments = userSegments
        self.configuration = configuration
    }

    /// The items of each segment, ascending.
    public var segmentItems: [[Int]] {
        var result = [[Int]](repeating: [], count: configuration.segmentCount)
        for (item, segment) in itemSegments.enumerated() { result[segment].append(item) }
        return result
    }
}
