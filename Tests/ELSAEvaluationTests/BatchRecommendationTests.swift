import ELSAEvaluation
import ELSASparse
import Testing

@Suite struct BatchRecommendationTests {
    let histories = Fixtures.randomInteractions(users: 90, items: 40, minimumItems: 0, maximumItems: 38, seed: 12)
    let recommender = ItemWeightRecommender(itemWeights: Fixtures.coarseItemWeights(items: 40, seed: 13))

    @Test func matchesPerUserFullSorts() throws {
        let recommended = try recommend(recommender, histories: histories, count: 10, batchSize: 16, threadCount: 2)
        #expect(recommended.count == histories.rows)
        for user in 0..<histories.rows {
            let seen = Fixtures.itemSet(histories, row: user)
            let scores = recommender.scores(for: histories.selectingRows([user])).row(0)
            let expected = Fixtures.fullSortRanking(scores: scores, seen: seen).prefix(10)
            #expect(recommended[user].map(\.item) == expected.map(\.item), "user \(user)")
            #expect(recommended[user].map(\.score) == expected.map(\.score), "user \(user)")
            #expect(recommended[user].count == min(10, 40 - seen.count))
            #expect(recommended[user].allSatisfy { !seen.contains($0.item) })
        }
    }

    @Test func sameAnswerForAnyThreadCountAndBatchSize() throws {
        let reference = try recommend(recommender, histories: histories, count: 25, batchSize: 1024, threadCount: 1)
        for (batchSize, threadCount) in [(1024, 2), (5, 2), (1, 3)] {
            let other = try recommend(recommender, histories: histories, count: 25, batchSize: batchSize,
                                      threadCount: threadCount)
            #expect(other.map { $0.map(\.item) } == reference.map { $0.map(\.item) })
            #expect(other.map { $0.map(\.score) } == reference.map { $0.map(\.score) })
        }
    }

    @Test func edgeCounts() throws {
        #expect(try recommend(recommender, histories: histories, count: 0).allSatisfy(\.isEmpty))
        let all = try recommend(recommender, histories: histories, count: 100)
        for user in 0..<histories.rows { #expect(all[user].count == 40 - histories.count(ofRow: user)) }
        #expect(throws: EvaluationError.self) { try recommend(recommender, histories: histories, count: -1) }
        #expect(try recommend(recommender, histories: CSRMatrix(rows: 0, columns: 40), count: 5).isEmpty)
    }

    @Test func rowByRowScoringGivesTheBatchedAnswer() throws {
        let rowScoring = RowScoringItemWeightRecommender(itemWeights: recommender.itemWeights)
        for threadCount in [1, 2, 3] {
            let fused = try recommend(rowScoring, histories: histories, count: 12, batchSize: 16, threadCount: threadCount)
            let batched = try recommend(recommender, histories: histories, count: 12, batchSize: 16, threadCount: threadCount)
            #expect(fused.map { $0.map(\.item) } == batched.map { $0.map(\.item) })
            #expect(fused.map { $0.map(\.score) } == batched.map { $0.map(\.score) })
        }
        // The fused path ran: every user was scored by a row scorer, three times over.
        #expect(rowScoring.rowsScored == 3 * histories.rows)
    }
}
