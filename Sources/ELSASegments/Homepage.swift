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

/// The shape of a homepage.
public struct HomepageLayout: Sendable, Equatable {
    /// At most this many segment rows (R >= 0).
    public var rows: Int
    /// At most this many items per segment row (N >= 1).
    public var itemsPerRow: Int
    /// Items in the "for you" row (>= 0; 0 leaves it empty).
    public var forYouCount: Int
    /// Skip items already shown in an earlier row (the "for you" row included), so every
    /// item appears at most once on the page.
    public var distinctItems: Bool

    /// `forYouCount` defaults to `itemsPerRow`.
    public init(rows: Int, itemsPerRow: Int, forYouCount: Int? = nil, distinctItems: Bool = false) {
        self.rows = rows
        self.itemsPerRow = itemsPerRow
        self.forYouCount = forYouCount ?? itemsPerRow
        self.distinctItems = distinctItems
    }

    /// What is wrong with the layout, or nil.
    public var problem: String? {
        if rows < 0 { return "rows must be at least 0, got \(rows)" }
        if itemsPerRow < 1 { return "itemsPerRow must be at least 1, got \(itemsPerRow)" }
        if forYouCount < 0 { return "forYouCount must be at least 0, got \(forYouCount)" }
        return nil
    }
}
