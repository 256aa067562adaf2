/// How `Segmentation` groups items and merges near-duplicate groups.
///
/// Merging rule (deterministic): every item's *top signed latents* are the
/// `latentsPerItem` entries of its row of largest magnitude, with their signs. For a
/// signed latent s, let M(s) be the items having s among their top signed latents.
/// Two groups (dominant latents s and t) are near-duplicates when the Jaccard overlap
/// |M(s) ∩ M(t)| / |M(s) ∪ M(t)| exceeds `mergeThreshold`. See `Segmentation`.
public struct SegmentationOptions: Sendable, Equatable, Codable {
    /// Groups whose Jaccard overlap is strictly above this are merged; in 0...1
    /// (1 disables merging, 0 merges every pair that shares an item).
    public var mergeThreshold: Double
    /// How many of an item's largest-magnitude signed latents count for merging (>= 1;
    /// 1 disables merging, since then the lists M(s) are the disjoint groups themselves).
    public var latentsPerItem: Int
    /// Segments with fewer items after merging are dropped; their items are left uncovered (>= 1).
    public var minimumSize: Int

    public init(mergeThreshold: Double = 0.3, latentsPerItem: Int = 3, minimumSize: Int = 1) {
        self.mergeThreshold = mergeThreshold
        self.latentsPerItem = latentsPerItem
        self.minimumSize = minimumSize
    }

    /// What is wrong with the options, or nil.
    public var problem: String? {
        if !(0...1).contains(mergeThreshold) { return "mergeThreshold must be in 0...1, got \(mergeThreshold)" }
        if latentsPerItem < 1 { return "latentsPerItem must be at least 1, got \(latentsPerItem)" }
        if minimumSize < 1 { return "minimumSize must be at least 1, got \(minimumSize)" }
        return nil
    }
}
