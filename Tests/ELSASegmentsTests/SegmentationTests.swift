import Testing
import ELSASparse
@testable import ELSASegments

@Suite struct SegmentationTests {
    @Test func itemsGoToTheirDominantSignedLatent() throws {
        let embedding = CSRMatrix(rows: 5, columns: 4, rowOffsets: [0, 2, 4, 6, 6, 8],
                                  columnIndices: [0, 2, 1, 3, 1, 3, 0, 2],
                                  values: [0.6, -0.8,     // |−0.8| wins: −2
                                           -0.6, 0.6,     // tie: the lower latent, −1
                                           0.3, 0.9,      // +3
                                                          // item 3: no entries
                                           0, -0.1])      // the stored zero is ignored: −2
        let segmentation = try Segmentation(embedding: embedding, options: SegmentationOptions(mergeThreshold: 1))
        #expect(segmentation.dominantLatents.map { $0?.description } == ["-2", "-1", "+3", nil, "-2"])
        #expect(segmentation.groupCount == 3)
        // Largest first, then by latent: {0, 4} on −2, {1} on −1, {2} on +3.
        #expect(segmentation.segments.map(\.latents) == [[SignedLatent("-2")!], [SignedLatent("-1")!], [SignedLatent("+3")!]])
        #expect(segmentation.segments.map { Set($0.items) } == [[0, 4], [1], [2]])
        #expect(segmentation.segments.map(\.id) == [0, 1, 2])
        #expect(segmentation.itemSegments == [0, 1, 2, nil, 0])
        #expect(segmentation.coveredItemCount == 4)
        // Centrality: weight on −2 is −Â_i2: 0.8 for item 0, 0.1 for item 4.
        #expect(segmentation.segments[0].items == [0, 4])
        #expect(segmentation.segments[0].centralities == [0.8, 0.1])
    }

    /// p = (1, 0, 0) on +0, q = (0.6, 0.8, 0) on +1, r = (0, 0.6, 0.8) on +2:
    /// p·q = 0.6, q·r = 0.48, p·r = 0.
    let chain = sparse([[1, 0, 0], [0.6, 0.8, 0], [0, 0.6, 0.8]])

    @Test func averageLinkageMergesWithoutChaining() throws {
        // τ = 0.4: p and q merge (0.6); then {p, q} to r is (0 + 0.48) / 2 = 0.24 <= 0.4, so r stays
        // alone although q·r = 0.48 (single linkage would chain it in).
        let merged = try Segmentation(embedding: chain, options: SegmentationOptions(mergeThreshold: 0.4))
        #expect(merged.segments.map { $0.latents.map(\.description) } == [["+0", "+1"], ["+2"]])
        // Centrality on B̂ = (1, 1, 0)/√2: q has 1.4/√2, p 1/√2.
        #expect(merged.segments[0].items == [1, 0])
        #expect(abs(merged.segments[0].centralities[0] - 1.4 / Float(2).squareRoot()) < 1e-6)
        #expect(abs(merged.segments[0].centralities[1] - 1 / Float(2).squareRoot()) < 1e-6)
        #expect(merged.itemSegments == [0, 0, 1])
        // τ = 0.2: 0.24 > 0.2, so r joins.
        let all = try Segmentation(embedding: chain, options: SegmentationOptions(mergeThreshold: 0.2))
        #expect(all.segments.map { $0.latents.map(\.description) } == [["+0", "+1", "+2"]])
        #expect(all.segments[0].size == 3)
        // τ = 0.61: no pair is above it, nothing merges.
        let none = try Segmentation(embedding: chain, options: SegmentationOptions(mergeThreshold: 0.61))
        #expect(none.segments.count == 3)
    }

    @Test func mergingNeverJoinsBothSignsOfALatent() throws {
        // a = (0.7, 0, 0.5, 0.5) on +0, b = (−0.7, 0, 0.5, 0.5) on −0, c = (0, 0, 0.8, 0.6) on +2.
        // a·c = b·c = 0.7, a·b = 0.01: c merges with a or b (a on a tie: lower groups first);
        // the merged pair to the third would be (0.01 + 0.7) / 2 = 0.355 > 0.005, but it would
        // hold both +0 and −0, so it never merges.
        let embedding = sparse([[0.7, 0, 0.5, 0.5], [-0.7, 0, 0.5, 0.5], [0, 0, 0.8, 0.6]])
        let segmentation = try Segmentation(embedding: embedding, options: SegmentationOptions(mergeThreshold: 0.005))
        #expect(segmentation.segments.count == 2)
        #expect(segmentation.segments[0].latents.contains(SignedLatent("+2")!) && segmentation.segments[0].size == 2)
        #expect(segmentation.segments[1].size == 1)
        for segment in segmentation.segments {
            #expect(Set(segment.latents.map(\.latent)).count == segment.latents.count)
        }
        // Directly: a·b = 0.01 > 0.005, yet groups on +0 and −0 stay apart.
        let pair = try Segmentation(embedding: sparse([[0.7, 0, 0.5, 0.5], [-0.7, 0, 0.5, 0.5]]),
                                    options: SegmentationOptions(mergeThreshold: 0.005))
        #expect(pair.segments.count == 2)
    }

    @Test func minimumSizeDropsSmallSegments() throws {
        let segmentation = try Segmentation(embedding: chain, options: SegmentationOptions(mergeThreshold: 0.4, minimumSize: 2))
        #expect(segmentation.segments.count == 1)
        #expect(segmentation.itemSegments == [0, 0, nil])
        #expect(segmentation.coveredItemCount == 2)
        let summary = SegmentationSummary(segmentation, index: InvertedIndex(embedding: chain))
        #expect(summary.segmentCount == 1 && summary.groupCount == 3 && summary.coveredItemCount == 2)
        #expect(summary.sizes.minimum == 2 && summary.sizes.maximum == 2)
        #expect(summary.invertedListLengths.maximum == 2 && summary.invertedListLengths.minimum == 1)
    }

    @Test func badOptionsThrow() {
        #expect(throws: SegmentationError.self) { try Segmentation(embedding: chain, options: SegmentationOptions(minimumSize: 0)) }
        #expect(throws: SegmentationError.self) { try Segmentation(embedding: chain, options: SegmentationOptions(mergeThreshold: 1.5)) }
    }

    @Test func resultIsDeterministic() throws {
        let first = try Segmentation(model: PlantedFixture.model)
        let second = try Segmentation(model: PlantedFixture.model)
        #expect(first == second)
    }

    @Test func summaryQuantilesAreNearestRank() {
        let distribution = SegmentationSummary.Distribution([5, 1, 3, 2, 4, 100, 7, 8])
        // Sorted: 1 2 3 4 5 7 8 100; nearest rank: q25 = 2nd, median = 4th, q75 = 6th.
        #expect(distribution.minimum == 1 && distribution.lowerQuartile == 2 && distribution.median == 4)
        #expect(distribution.upperQuartile == 7 && distribution.maximum == 100)
        #expect(distribution.mean == 130.0 / 8)
        #expect(SegmentationSummary.Distribution([]).maximum == 0)
    }
}
