import ELSAEvaluation
import ELSASparse
import Testing

@Suite struct EvaluatorTests {
    let log2of3 = 1.584962500721156

    @Test func handComputedSingleRow() throws {
        // Scores fall with the item index. Input {0}; target {2, 5}.
        // Ranking without item 0: 1, 2, 3, 4, 5, ...
        let recommender = ConstantScoreRecommender(itemScores: [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
        let inputs = CSRMatrix(rows: 1, columns: 8, binaryRows: [[0]])
        let targets = CSRMatrix(rows: 1, columns: 8, binaryRows: [[2, 5]])
        let evaluator = Evaluator(metrics: [.recall(at: 2), .recall(at: 5), .ndcg(at: 3), .ndcg(at: 5)], threadCount: 1)
        let result = try evaluator.evaluate(recommender, inputs: inputs, targets: targets)
        #expect(result.evaluatedCount == 1)
        #expect(result.metrics["recall@2"] == 1.0 / 2.0)  // top 2 = [1, 2]
        #expect(result.metrics["recall@5"] == 1.0)  // top 5 = [1, 2, 3, 4, 5]
        // ndcg@3: hit at rank 2 over an ideal of 2 hits.
        let ndcgAt3 = try #require(result.metrics["ndcg@3"])
        #expect(abs(ndcgAt3 - (1 / log2of3) / (1 + 1 / log2of3)) < 1e-12)
        // ndcg@5: hits at ranks 2 and 5 (1/log2 6, log2 6 = 2.584962500721156).
        let ndcgAt5 = try #require(result.metrics["ndcg@5"])
        #expect(abs(ndcgAt5 - (1 / log2of3 + 1 / 2.584962500721156) / (1 + 1 / log2of3)) < 1e-12)
    }

    @Test func averagesOverRows() throws {
        // Row 0 hits its one target at rank 1, row 1 misses: recall@1 = (1 + 0) / 2.
        let recommender = ConstantScoreRecommender(itemScores: [3, 2, 1, 0])
        let inputs = CSRMatrix(rows: 2, columns: 4, binaryRows: [[3], [0]])
        let targets = CSRMatrix(rows: 2, columns: 4, binaryRows: [[0], [3]])
        let result = try Evaluator(metrics: [.recall(at: 1)], threadCount: 2)
            .evaluate(recommender, inputs: inputs, targets: targets)
        #expect(result.metrics == ["recall@1": 0.5])
        #expect(result.evaluatedCount == 2)
    }

    /// The split, folds and model of the end-to-end tests: 300 users, 60 items.
    func fixture() throws -> (folds: EvaluationFolds, recommender: ItemWeightRecommender) {
        let interactions = Fixtures.randomInteractions(users: 300, items: 60, minimumItems: 1, maximumItems: 25, seed: 5)
        let split = try StrongGeneralizationSplit(interactions: interactions, testUserCount: 120, seed: 17)
        return (try split.testFolds(), ItemWeightRecommender(itemWeights: Fixtures.coarseItemWeights(items: 60, seed: 6)))
    }

    @Test func matchesADirectPerUserComputation() throws {
        let (folds, recommender) = try fixture()
        let metrics: [RankingMetric] = [.recall(at: 5), .recall(at: 20), .ndcg(at: 10), .ndcg(at: 100)]
        let result = try Evaluator(metrics: metrics, batchSize: 64, threadCount: 2).evaluate(recommender, on: folds)
        #expect(result.evaluatedCount == folds.count)
        #expect(folds.count > 400)

        var sums = [Double](repeating: 0, count: metrics.count)
        for row in 0..<folds.count {
            let single = folds.inputs.selectingRows([row])
            let scores = recommender.scores(for: single).row(0)
            let ranking = Fixtures.fullSortRanking(scores: scores, seen: Fixtures.itemSet(folds.inputs, row: row))
            let target = Fixtures.itemSet(folds.targets, row: row)
            for (index, metric) in metrics.enumerated() {
                sums[index] += metric.value(ranked: ranking.map(\.item), target: target)
            }
        }
        for (index, metric) in metrics.enumerated() {
            let expected = sums[index] / Double(folds.count)
            let actual = try #require(result[metric])
            #expect(abs(actual - expected) < 1e-12, "\(metric): \(actual) against \(expected)")
        }
    }

    @Test func resultsDoNotDependOnThreadsOrBatches() throws {
        let (folds, recommender) = try fixture()
        let reference = try Evaluator(batchSize: 1024, threadCount: 1).evaluate(recommender, on: folds)
        #expect(Set(reference.metrics.keys) == ["recall@20", "recall@50", "ndcg@100"])
        for (batchSize, threadCount) in [(1024, 2), (7, 2), (1, 1), (100, 3)] {
            let result = try Evaluator(batchSize: batchSize, threadCount: threadCount).evaluate(recommender, on: folds)
            #expect(result.metrics == reference.metrics, "batch \(batchSize), \(threadCount) threads")
            #expect(result.evaluatedCount == reference.evaluatedCount)
        }
    }

    @Test func rejectsMismatchedInput() throws {
        let (folds, _) = try fixture()
        let small = ConstantScoreRecommender(itemScores: [1, 2, 3])
        #expect(throws: EvaluationError.itemCountMismatch(recommenderItems: 3, dataItems: 60)) {
            try Evaluator().evaluate(small, on: folds)
        }
        let model = ConstantScoreRecommender(itemScores: [1, 2, 3])
        let inputs = CSRMatrix(rows: 1, columns: 3, binaryRows: [[0]])
        #expect(throws: EvaluationError.self) {  // an empty target row
            try Evaluator().evaluate(model, inputs: inputs, targets: CSRMatrix(rows: 1, columns: 3))
        }
        #expect(throws: EvaluationError.nothingToEvaluate) {
            try Evaluator().evaluate(model, inputs: CSRMatrix(rows: 0, columns: 3), targets: CSRMatrix(rows: 0, columns: 3))
        }
        #expect(throws: EvaluationError.self) {
            try Evaluator(threadCount: 0).evaluate(model, inputs: inputs, targets: inputs)
        }
    }
}
