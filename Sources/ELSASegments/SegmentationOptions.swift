/// How `Segmentation` merges near-duplicate groups and which segments it keeps.
///
/// Merging rule (deterministic, centroid linkage): a group's centroid is the sum of its
/// items' rows of Â; two groups are near-duplicates when the cosine of their centroids
/// exceeds `mergeThreshold`, i.e. when their items put their weight on the same latents
/// with the same signs. The most similar pair is merged first and the merged centroid
/// recomputed, until no pair is above the threshold. See `Segmentation`.
public struct SegmentationOptions: Sendable, Equatable, Codable {
    /// The default merge threshold (centroid cosine).
    public static let defaultMergeThreshold = 0.3

    /// Groups whose centroid cosine is strictly above this are merged; in -1...1
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
