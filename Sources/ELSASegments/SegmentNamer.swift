/// Human-readable labels: items by title (or id without metadata), segments by the titles of
/// their most central items and their size.
public struct SegmentNamer: Sendable {
    /// The model's item ids, by item index.
    public let itemIDs: [String]
    public let metadata: ItemMetadata?

    public init(itemIDs: [String], metadata: ItemMetadata? = nil) {
        self.itemIDs = itemIDs
        self.metadata = metadata
    }

    /// The title of the item, or its id when there is no metadata or the metadata lacks it.
    /// - Precondition: `item` is an index of `itemIDs`.
    public func label(of item: Int) -> String {
        let id = itemIDs[item]
        return metadata?.title(of: id) ?? id
    }

    /// The labels of the segment's `count` most central items, joined by `" · "`.
    public func name(of segment: Segment, count: Int = 3) -> String {
        segment.items.prefix(max(0, count)).map(label(of:)).joined(separator: " · ")
    }

    /// `name(of:count:)` followed by the size, e.g. `"A · B · C (+ 31 more, 34 items)"`.
    public func description(of segment: Segment, count: Int = 3) -> String {
        let shown = min(max(0, count), segment.size)
        let rest = segment.size - shown
        let size = segment.size == 1 ? "1 item" : "\(segment.size) items"
        return name(of: segment, count: count) + (rest > 0 ? " (+ \(rest) more, \(size))" : " (\(size))")
    }
}
