import ELSAEvaluation
import Testing

@Suite struct RankingMetricsTests {
    // log2 values written out, not computed by the code under test.
    let log2of3 = 1.584962500721156
    let log2of5 = 2.321928094887362

    @Test func recallCountsHitsOverTargetSize() {
        // Hits: 1 (rank 2) and 3 (rank 4); 9 is missed. |target| = 3 < K = 20.
        let recall = RankingMetrics.recall(ranked: [5, 1, 7, 3], target: [1, 3, 9], cutoff: 20)
        #expect(recall == 2.0 / 3.0)
    }

    @Test func recallOnlyCountsTheTopK() {
        // Top 2 = [5, 1]: one hit, denominator min(2, 3) = 2.
        #expect(RankingMetrics.recall(ranked: [5, 1, 7, 3], target: [1, 3, 9], cutoff: 2) == 1.0 / 2.0)
        // Top 3 = [5, 1, 7]: one hit, denominator min(3, 3) = 3.
        #expect(RankingMetrics.recall(ranked: [5, 1, 7, 3], target: [1, 3, 9], cutoff: 3) == 1.0 / 3.0)
    }

    @Test func recallIsCalibratedWhenTheTargetIsSmallerThanK() {
        // Two targets, both ranked: 2 / min(50, 2) = 1, not 2/50.
        #expect(RankingMetrics.recall(ranked: [4, 8, 0, 1], target: [4, 8], cutoff: 50) == 1)
        // One of two: 1/2.
        #expect(RankingMetrics.recall(ranked: [4, 0, 1], target: [4, 8], cutoff: 50) == 0.5)
        // Target larger than K: 3 hits in the top 3 of 4 targets gives 3 / min(3, 4) = 1.
        #expect(RankingMetrics.recall(ranked: [1, 2, 3, 4], target: [1, 2, 3, 4], cutoff: 3) == 1)
    }

    @Test func ndcgUsesLogDiscountsOfOneBasedRanks() {
        // Hits at ranks 2 and 4; ideal: 3 hits at ranks 1, 2, 3.
        let dcg = 1 / log2of3 + 1 / log2of5
        let ideal = 1 / 1.0 + 1 / log2of3 + 1 / 2.0
        let ndcg = RankingMetrics.ndcg(ranked: [5, 1, 7, 3], target: [1, 3, 9], cutoff: 100)
        #expect(abs(ndcg - dcg / ideal) < 1e-12)
    }

    @Test func ndcgCutsBothGainAndIdealAtK() {
        // K = 3: only the hit at rank 2 counts; ideal has min(3, 3) = 3 terms.
        let ndcg = RankingMetrics.ndcg(ranked: [5, 1, 7, 3], target: [1, 3, 9], cutoff: 3)
        #expect(abs(ndcg - (1 / log2of3) / (1 + 1 / log2of3 + 0.5)) < 1e-12)
        // K = 1: a miss at rank 1 gives 0.
        #expect(RankingMetrics.ndcg(ranked: [5, 1, 7, 3], target: [1, 3, 9], cutoff: 1) == 0)
    }

    @Test func ndcgIsCalibratedWhenTheTargetIsSmallerThanK() {
        // A perfect ranking of 2 targets at K = 100 scores exactly 1.
        #expect(RankingMetrics.ndcg(ranked: [7, 2, 9, 11], target: [2, 7], cutoff: 100) == 1)
        // One target at rank 3: (1/log2 4) / (1/log2 2) = 1/2.
        #expect(RankingMetrics.ndcg(ranked: [0, 1, 6], target: [6], cutoff: 100) == 0.5)
    }

    @Test func missesAndShortRankingsGiveWhatTheyHit() {
        #expect(RankingMetrics.recall(ranked: [0, 1, 2], target: [5, 6], cutoff: 20) == 0)
        #expect(RankingMetrics.ndcg(ranked: [0, 1, 2], target: [5, 6], cutoff: 20) == 0)
        #expect(RankingMetrics.recall(ranked: [Int](), target: [5], cutoff: 20) == 0)
        // A ranking shorter than K: 1 hit of 4 targets, denominator min(20, 4) = 4.
        #expect(RankingMetrics.recall(ranked: [3], target: [3, 4, 5, 6], cutoff: 20) == 0.25)
    }

    @Test func metricNamesRoundTrip() throws {
        #expect(RankingMetric.defaults.map(\.description) == ["recall@20", "recall@50", "ndcg@100"])
        #expect(try RankingMetric(name: "recall@20") == .recall(at: 20))
        #expect(try RankingMetric(name: "NDCG@100") == .ndcg(at: 100))
        for bad in ["recall", "recall@", "recall@0", "recall@-3", "map@10", "ndcg@10@2", "ndcg@ten"] {
            #expect(throws: EvaluationError.unknownMetric(bad)) { try RankingMetric(name: bad) }
        }
    }

    @Test func namedMetricsAgreeWithTheFormulas() {
        let ranked = [9, 4, 2, 8, 1, 0]
        let target: Set<Int> = [2, 0, 5]
        #expect(RankingMetric.recall(at: 4).value(ranked: ranked, target: target)
                == RankingMetrics.recall(ranked: ranked, target: target, cutoff: 4))
        #expect(RankingMetric.ndcg(at: 6).value(ranked: ranked, target: target)
                == RankingMetrics.ndcg(ranked: ranked, target: target, cutoff: 6))
        // Recall@4: one hit (2) / min(4, 3).
        #expect(RankingMetric.recall(at: 4).value(ranked: ranked, target: target) == 1.0 / 3.0)
    }
}
