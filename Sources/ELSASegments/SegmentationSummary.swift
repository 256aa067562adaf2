import Foundation

/// Summary statistics of a segmentation: counts, the size distribution, coverage and the
/// lengths of the inverted lists.
public struct SegmentationSummary: Sendable, Equatable, Codable {
    /// A distribution by its order statistics (nearest-rank quantiles; all 0 when empty).
    public struct Distribution: Sendable, Equatable, Codable {
        public var minimum: Int
        public var lowerQuartile: Int
        public var median: Int
        public var upperQuartile: Int
        public var maximum: Int
        public var mean: Double

        public init(_ values: [Int]) {
            let sorted = values.sorted()
            func quantile(_ q: Double) -> Int {
                sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
            }
            minimum = sorted.first ?? 0
            lowerQuartile = quantile(0.25)
            median = quantile(0.5)
            upperQuartile = quantile(0.75)
            maximum = sorted.last ?? 0
            mean = sorted.isEmpty ? 0 : Double(sorted.reduce(0, +)) / Double(sorted.count)
        }
    }

    public var itemCount: Int
    public var dimension: Int
    public var segmentCount: Int
    /// Groups (distinct dominant signed latents) before merging.
    public var groupCount: Int
    /// Items in some segment.
    public var coveredItemCount: Int
    /// Segment sizes.
    public var sizes: Distribution
    /// Signed latents per segment.
    public var latentsPerSegment: Distribution
    /// Items per latent in the inverted index (either sign).
    public var invertedListLengths: Distribution

    public init(_ segmentation: Segmentation, index: InvertedIndex) {
        itemCount = segmentation.itemCount
        dimension = segmentation.dimension
        segmentCount = segmentation.segments.count
        groupCount = segmentation.groupCount
        coveredItemCount = segmentation.coveredItemCount
        sizes = Distribution(segmentation.segments.map(\.size))
        latentsPerSegment = Distribution(segmentation.segments.map(\.latents.count))
        invertedListLengths = Distribution(index.listLengths)
    }

    /// A few lines of text.
    public var text: String {
        func line(_ d: Distribution) -> String {
            "min \(d.minimum), quartiles \(d.lowerQuartile) / \(d.median) / \(d.upperQuartile), max \(d.maximum), mean \(String(format: "%.1f", d.mean))"
        }
        let coverage = itemCount == 0 ? 0 : 100 * Double(coveredItemCount) / Double(itemCount)
        return """
        \(segmentCount) segments from \(groupCount) dominant-latent groups (d = \(dimension))
        covered items: \(coveredItemCount) of \(itemCount) (\(String(format: "%.1f", coverage))%)
        segment sizes: \(line(sizes))
        latents per segment: \(line(latentsPerSegment))
        inverted list lengths: \(line(invertedListLengths))
        """
    }
}
