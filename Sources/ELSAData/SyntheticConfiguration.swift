/// Parameters of `SyntheticData.generate`: users, items, planted segments,
/// activity, popularity skew, noise and the seed that fixes everything.
public struct SyntheticConfiguration: Sendable, Equatable {
    /// Number of users (rows).
    public var userCount: Int
    /// Number of items (columns).
    public var itemCount: Int
    /// Number of planted segments; every item belongs to exactly one, sizes differ by at most 1.
    public var segmentCount: Int
    /// Mean number of draws per user: each user draws uniformly between half and
    /// one and a half times this many (at most `itemCount`). Draws that hit an
    /// item the user already has are retried a few times, so with small or very
    /// skewed segments a user may end with somewhat fewer distinct items.
    public var interactionsPerUser: Double
    /// Item popularity follows a power law: the item of popularity rank r
    /// (0-based, a seeded random order) has weight (r + 1)^-popularityExponent.
    /// 0 is uniform; about 1 is typical of real catalogs.
    public var popularityExponent: Double
    /// Fraction of draws that pick a uniformly random item of the whole catalog.
    public var noiseFraction: Double
    /// Probability that a user has two segments rather than one.
    public var secondSegmentProbability: Double
    /// Seed of the `SeededGenerator` that makes every choice.
    public var seed: UInt64

    public init(userCount: Int, itemCount: Int, segmentCount: Int, interactionsPerUser: Double,
                popularityExponent: Double = 0.8, noiseFraction: Double = 0.05,
                secondSegmentProbability: Double = 0.5, seed: UInt64 = 42) {
        self.userCount = userCount
        self.itemCount = itemCount
        self.segmentCount = segmentCount
        self.interactionsPerUser = interactionsPerUser
        self.popularityExponent = popularityExponent
        self.noiseFraction = noiseFraction
        self.secondSegmentProbability = secondSegmentProbability
        self.seed = seed
    }

    /// 3,000 users, 1,000 items, 20 segments of 50 items, 30 draws per user,
    /// popularity exponent 0.8, 5% noise, half the users with two segments,
    /// seed 42: about 85,000 interactions, handled by a full pipeline in seconds.
    public static let `default` = SyntheticConfiguration(userCount: 3000, itemCount: 1000, segmentCount: 20,
                                                         interactionsPerUser: 30)

    /// What is wrong with the configuration, or `nil` when it can be generated
    /// (for command-line validation; `generate` traps on the same conditions).
    public var problem: String? {
        if userCount < 1 { return "userCount must be at least 1, got \(userCount)" }
        if segmentCount < 1 { return "segmentCount must be at least 1, got \(segmentCount)" }
        if itemCount < segmentCount {
            return "itemCount (\(itemCount)) must be at least segmentCount (\(segmentCount))"
        }
        if !(interactionsPerUser >= 1) || Double(itemCount) < interactionsPerUser {
            return "interactionsPerUser must be between 1 and itemCount (\(itemCount)), got \(interactionsPerUser)"
        }
        if !(popularityExponent >= 0) || !popularityExponent.isFinite {
            return "popularityExponent must be finite and 0 or more, got \(popularityExponent)"
        }
        if !(0...1).contains(noiseFraction) { return "noiseFraction must be in 0...1, got \(noiseFraction)" }
        if !(0...1).contains(secondSegmentProbability) {
            return "secondSegmentProbability must be in 0...1, got \(secondSegmentProbability)"
        }
        return nil
    }
}
