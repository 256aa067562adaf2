/// How well the top segments of a user cover the user's held-out items: the model's
/// segment choice against the most popular segments (see `SegmentRecommendationEvaluation`).
public struct SegmentHitRates: Sendable, Equatable, Codable {
    /// Segments chosen per user (R).
    public var rows: Int
    /// Number of (user, fold) rows averaged over.
    public var evaluatedCount: Int
    /// Mean share of held-out items inside the R segments with the highest score x Â B̂ᵀ.
    public var modelShare: Double
    /// Mean share of held-out items inside the R segments of highest training popularity.
    public var popularityShare: Double
    /// The R most popular segments (ids), most popular first.
    public var popularSegments: [Int]

    public init(rows: Int, evaluatedCount: Int, modelShare: Double, popularityShare: Double, popularSegments: [Int]) {
        self.rows = rows
        self.evaluatedCount = evaluatedCount
        self.modelShare = modelShare
        self.popularityShare = popularityShare
        self.popularSegments = popularSegments
    }
}
