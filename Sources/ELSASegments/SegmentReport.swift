import Foundation

/// The JSON report of `elsa segments`: the segments with their signed latents and all their
/// items, summary statistics, and optional genre purity and segment-recommendation numbers.
///
/// Latents are encoded as strings: the sign, then the 0-based latent index (`"+12"`, `"-7"`,
/// `"+0"`); see `SignedLatent`. Items are the model's item ids (as in the input data), most
/// central first.
public struct SegmentReport: Sendable, Equatable, Codable {
    /// An item of a segment's top list.
    public struct Item: Sendable, Equatable, Codable {
        public var id: String
        /// From the metadata file; nil without one or when it lacks the item.
        public var title: String?
    }

    /// One segment.
    public struct Entry: Sendable, Equatable, Codable {
        public var id: Int
        public var size: Int
        /// Signed latents, e.g. `["+12", "-7"]`.
        public var latents: [String]
        /// The same latents as numbers: 0-based indices, and their signs (+1 or −1) in the same order.
        public var latentIndices: [Int]
        public var latentSigns: [Int]
        /// The titles (or ids) of the most central items, joined by " · ".
        public var name: String
        /// The most central items.
        public var topItems: [Item]
        /// All member item ids, most central first.
        public var items: [String]
        /// Fraction of items having `mostCommonGenre` (with genre metadata only).
        public var genrePurity: Double?
        public var mostCommonGenre: String?
    }

    /// How `latents` is written.
    public var latentEncoding = "latents: string, sign then 0-based latent index, e.g. \"+12\", \"-7\", \"+0\"; also latentIndices (0-based) with latentSigns (+1/-1)"
    public var options: SegmentationOptions
    public var summary: SegmentationSummary
    public var genrePurity: GenrePurityComparison?
    public var segmentRecommendation: SegmentHitRates?
    public var segments: [Entry]

    /// Builds the report; `genres` (by item index) adds per-segment genre purity.
    public init(_ segmentation: Segmentation, index: InvertedIndex, namer: SegmentNamer, topItemCount: Int = 5,
                genres: [[String]]? = nil) {
        options = segmentation.options
        summary = SegmentationSummary(segmentation, index: index)
        segments = segmentation.segments.map { segment in
            Entry(id: segment.id, size: segment.size, latents: segment.latents.map(\.description),
                  latentIndices: segment.latents.map(\.latent), latentSigns: segment.latents.map { $0.sign == .positive ? 1 : -1 },
                  name: namer.name(of: segment, count: 3),
                  topItems: segment.items.prefix(topItemCount).map { Item(id: namer.itemIDs[$0], title: namer.metadata?.title(of: namer.itemIDs[$0])) },
                  items: segment.items.map { namer.itemIDs[$0] },
                  genrePurity: genres.map { GenrePurity.purity(of: segment.items, genres: $0) },
                  mostCommonGenre: genres.flatMap { GenrePurity.mostCommonGenre(of: segment.items, genres: $0) })
        }
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
