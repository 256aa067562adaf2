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
        // Most of a user's items come from its segments: 95% of draws come from them,
        // and a uniform noise draw lands in them with probability 1/10 or 2/10, so
        // about 96% of the items are in-segment (fewer only where repeats were given up).
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
        // Mean activity is near the configured 20 (uniform 10...30 draws, a few lost to repeats;
        // the mean of 600 such draws has standard deviation 0.25).
        let mean = Double(dataset.interactionCount) / Double(dataset.userCount)
        #expect(mean > 18 && mean < 21)
        #expect((0..<dataset.userCount).allSatisfy { dataset.interactions.count(ofRow: $0) >= 5 })
    }

    @Test func withoutNoiseEveryItemIsInTheUsersSegments() {
        var noiseless = small
        noiseless.noiseFraction = 0
        let synthetic = SyntheticData.generate(noiseless)
        for user in 0..<synthetic.dataset.userCount {
            let segments = Set(synthetic.userSegments[user])
            #expect(synthetic.dataset.interactions.columns(ofRow: user).allSatisfy {
                segments.contains(synthetic.itemSegments[Int($0)])
            })
        }
    }

    @Test func popularityExponentSkewsItemCounts() {
        // Large segments (200 items) so that users do not exhaust them.
        var configuration = SyntheticConfiguration(userCount: 600, itemCount: 1000, segmentCount: 5, interactionsPerUser: 20,
                                                   popularityExponent: 0, noiseFraction: 0.05, seed: 11)
        // Share of all interactions held by the 10% most used items: near 10% when flat.
        func topShare() -> Double {
            let counts = SyntheticData.generate(configuration).dataset.interactions.columnCounts().sorted()
            return Double(counts.suffix(counts.count / 10).reduce(0, +)) / Double(counts.reduce(0, +))
        }
        let flat = topShare()
        configuration.popularityExponent = 1.2
        let skewed = topShare()
        #expect(flat < 0.2)
        #expect(skewed > 0.4)
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
