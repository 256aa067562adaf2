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
