import Testing
@testable import ELSAData

@Suite struct SyntheticDataTests {
    let small = SyntheticConfiguration(userCount: 600, itemCount: 300, segmentCount: 10, interactionsPerUser: 20,
                                       popularityExponent: 0.8, noiseFraction: 0.05, secondSegmentProbability: 0.5, seed: 11)

    @Test func sameSeedSameDataDifferentSeedDifferentData() {
        let first = SyntheticData.generate(small)
        let again = SyntheticData.generate(small)
        #expect(first == again)
        var otherSeed = small
        otherSeed.seed = 12
        let other = SyntheticData.generate(otherSeed)
        #expect(other.dataset.interactions != first.dataset.interactions)
        #expect(other.itemSegments != first.itemSegments)
    }

    @Test func plantedStructureIsThere() {
        let synthetic = SyntheticData.generate(small)
        let dataset = synthetic.dataset
        #expect(dataset.userCount == 600 && dataset.itemCount == 300)
        // Segments are balanced: 300 items in 10 segments of exactly 30.
        #expect(synthetic.segmentItems.map(\.count) == [Int](repeating: 30, count: 10))
        // Every user has one or two distinct segments; about half have two.
        #expect(synthetic.userSegments.allSatisfy { (1...2).contains($0.count) && Set($0).count == $0.count })
        let twoSegmentUsers = synthetic.userSegments.filter { $0.count == 2 }.count
        #expect(abs(twoSegmentUsers - 300) < 75)  // binomial(600, 0.5): standard deviation 12
        // Most of a user's items come from its segments: 95% of draws are in-segment,
        // and a uniform noise draw lands in-segment with probability 1/10 or 2/10.
        var inSegment = 0
        var minimumFraction = 1.0
        for user in 0..<dataset.userCount {
            let segments = Set(synthetic.userSegments[user])
            let items = dataset.interactions.columns(ofRow: user)
            let hits = items.filter { segments.contains(synthetic.itemSegments[Int($0)]) }.count
            inSegment += hits
            minimumFraction = min(minimumFraction, Double(hits) / Double(items.count))
        }
        let fraction = Double(inSegment) / Double(dataset.interactionCount)
        #expect(fraction > 0.93)
        #expect(minimumFraction > 0.6)
        // Mean activity is near the configured 20 (uniform 10...30 draws, a few lost to repeats).
        let mean = Double(dataset.interactionCount) / Double(dataset.userCount)
        #expect(mean > 17 && mean <= 20.5)
        #expect((0..<dataset.userCount).allSatisfy { dataset.interactions.count(ofRow: $0) >= 5 })
    }

    @Test func popularityIsSkewedAndNoiseAddsOutOfSegmentItems() {
        var flat = small
        flat.popularityExponent = 0
        flat.noiseFraction = 0
        let uniform = SyntheticData.generate(flat)
        // Without noise every item of every user is in the user's segments.
        for user in 0..<uniform.dataset.userCount {
            let segments = Set(uniform.userSegments[user])
            #expect(uniform.dataset.interactions.columns(ofRow: user).allSatisfy {
                segments.contains(uniform.itemSegments[Int($0)])
            })
        }
        var skewed = flat
        skewed.popularityExponent = 1.2
        let skewedCounts = SyntheticData.generate(skewed).dataset.interactions.columnCounts().sorted()
        let uniformCounts = uniform.dataset.interactions.columnCounts().sorted()
        // Share of the 10% most popular items: near 10% when flat, far more when skewed.
        func topShare(_ counts: [Int]) -> Double {
            Double(counts.suffix(counts.count / 10).reduce(0, +)) / Double(counts.reduce(0, +))
        }
        #expect(topShare(uniformCounts) < 0.2)
        #expect(topShare(skewedCounts) > 0.3)
    }

    @Test func defaultConfigurationIsTheDocumentedSize() {
        let configuration = SyntheticConfiguration.default
        #expect(configuration.problem == nil)
        #expect(configuration.userCount == 3000 && configuration.itemCount == 1000 && configuration.segmentCount == 20)
        var broken = configuration
        broken.noiseFraction = 2
        #expect(broken.problem != nil)
        broken = configuration
        broken.segmentCount = 2000
        #expect(broken.problem != nil)
    }
}
