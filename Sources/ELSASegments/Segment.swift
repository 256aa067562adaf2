/// A segment: a set of signed latents and the items whose dominant signed latent is one of them.
public struct Segment: Sendable, Equatable {
    /// 0-based position in `Segmentation.segments` (largest segment first).
    public var id: Int
    /// The signed latents of the segment, ascending (never both signs of one latent).
    public var latents: [SignedLatent]
    /// Member item indices (rows of Â), most central first: by `centralities` descending,
    /// ties by item index.
    public var items: [Int]
    /// For each entry of `items`, its weight on the segment's latents, Â_i · B̂_s =
    /// Σ_{j ∈ s} sign_j Â_ij / √|s| (usually positive: a member's dominant weight counts with its
    /// sign, but its other entries on the segment's latents may have the opposite sign).
    public var centralities: [Float]

    public init(id: Int, latents: [SignedLatent], items: [Int], centralities: [Float]) {
        precondition(items.count == centralities.count, "\(items.count) items but \(centralities.count) centralities")
        self.id = id
        self.latents = latents
        self.items = items
        self.centralities = centralities
    }

    /// Number of member items.
    public var size: Int { items.count }
}
