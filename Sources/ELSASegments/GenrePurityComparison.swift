/// Mean genre purity of a segmentation's segments against random item groups of the same
/// sizes drawn from the items of those segments (see `GenrePurity`).
public struct GenrePurityComparison: Sendable, Equatable, Codable {
    /// Unweighted mean over segments of the fraction of items having the segment's most common genre.
    public var segmentPurity: Double
    /// The same for random groups of the same sizes, averaged over `repetitions` seeded draws.
    public var randomPurity: Double
    /// Standard deviation of the random groups' mean purity over the draws.
    public var randomStandardDeviation: Double
    public var seed: UInt64
    public var repetitions: Int
    /// Segments compared (those of at least `minimumSize` items).
    public var segmentCount: Int
    public var minimumSize: Int

    /// Compares the segments of `segmentation` having at least `minimumSize` items (singletons
    /// are trivially pure, so the default leaves them out).
    /// - Parameter genres: genres by item index (`ItemMetadata.genres(of: model.itemIDs)`).
    /// - Precondition: `genres.count == segmentation.itemCount`.
    public init(_ segmentation: Segmentation, genres: [[String]], minimumSize: Int = 2, seed: UInt64 = 42, repetitions: Int = 10) {
        precondition(genres.count == segmentation.itemCount, "genres for \(genres.count) items, the segmentation has \(segmentation.itemCount)")
        let groups = segmentation.segments.map(\.items).filter { $0.count >= minimumSize }
        let population = groups.flatMap { $0 }
        segmentPurity = GenrePurity.meanPurity(of: groups, genres: genres)
        let draws = GenrePurity.randomPurities(sizes: groups.map(\.count), population: population, genres: genres,
                                               seed: seed, repetitions: repetitions)
        let mean = draws.reduce(0, +) / Double(draws.count)
        randomPurity = mean
        randomStandardDeviation = (draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count)).squareRoot()
        self.seed = seed
        self.repetitions = repetitions
        self.segmentCount = groups.count
        self.minimumSize = minimumSize
    }
}
