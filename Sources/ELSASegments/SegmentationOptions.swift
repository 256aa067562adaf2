/// How `Segmentation` merges near-duplicate groups and which segments it keeps.
///
/// Merging rule (deterministic, average linkage): the similarity of two groups is the mean
/// cosine Â_i · Â_j over all pairs of an item i of one and an item j of the other, i.e. how
/// much their items put weight on the same latents with the same signs. The most similar pair
/// is merged first and its similarities recomputed, while some pair is above `mergeThreshold`.
/// See `Segmentation`.
public struct SegmentationOptions: Sendable, Equatable, Codable {
    /// The default merge threshold (mean item-pair cosine).
    public static let defaultMergeThreshold = 0.1

    /// Groups whose mean item-pair cosine is strictly above this are merged; in -1...1
    /// (1 disables merging).
    public var mergeThreshold: Double
    /// Segments with fewer items after merging are dropped; their items are left uncovered (>= 1).
    public var minimumSize: Int

    public init(mergeThreshold: Double = defaultMergeThreshold, minimumSize: Int = 1) {
        self.mergeThreshold = mergeThreshold
        self.minimumSize = minimumSize
    }

    /// What is wrong with the options, or nil.
    public var problem: String? {
        if !(-1...1).contains(mergeThreshold) { return "mergeThreshold must be in -1...1, got \(mergeThreshold)" }
        if minimumSize < 1 { return "minimumSize must be at least 1, got \(minimumSize)" }
        return nil
    }
}
