/// A two-dimensional homepage for one user: a "for you" row of the best unseen items,
/// then rows of segments, each holding the segment's best unseen items for the user.
public struct Homepage: Sendable, Equatable {
    /// An item with the user's score for it (x Â Âᵀ − x).
    public struct RankedItem: Sendable, Equatable {
        /// Item index (row of Â; `model.itemIDs[item]` is its id).
        public var item: Int
        public var score: Float
        public init(item: Int, score: Float) { self.item = item; self.score = score }
    }

    /// A segment row.
    public struct SegmentRow: Sendable, Equatable {
        /// The segment's id (`Segmentation.segments[segment]`).
        public var segment: Int
        /// The user's segment score (x Â B̂ᵀ), positive.
        public var score: Float
        /// The segment's unseen items, best first by the user's item scores.
        public var items: [RankedItem]
        public init(segment: Int, score: Float, items: [RankedItem]) {
            self.segment = segment; self.score = score; self.items = items
        }
    }

    /// The best unseen items of the whole catalog, best first.
    public var forYou: [RankedItem]
    /// Segment rows by segment score, best first.
    public var segmentRows: [SegmentRow]

    public init(forYou: [RankedItem], segmentRows: [SegmentRow]) {
        self.forYou = forYou
        self.segmentRows = segmentRows
    }
}
