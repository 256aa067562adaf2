import Testing
import ELSAModels
import ELSASparse
@testable import ELSASegments

/// Eight items: 0-3 lean on +0, 4-6 on +1, 7 on −3.
let eightItems = model([[1, 0, 0, 0], [0.9, 0.1, 0, 0], [0.8, 0, 0.2, 0], [0.7, 0, 0, 0.3],
                        [0, 1, 0, 0], [0.1, 0.9, 0, 0], [0, 0.8, 0.2, 0], [0, 0, 0, -1]])

@Suite struct HomepageTests {
    func recommender() throws -> SegmentRecommender {
        try SegmentRecommender(model: eightItems, options: SegmentationOptions(mergeThreshold: 1))
    }

    @Test func segmentsOfTheFixture() throws {
        let segments = try recommender().segmentation.segments
        #expect(segments.map { $0.latents.map(\.description) } == [["+0"], ["+1"], ["-3"]])
        #expect(segments.map { Set($0.items) } == [[0, 1, 2, 3], [4, 5, 6], [7]])
    }

    @Test func homepageShowsUnseenItemsOfPositiveSegmentsByScore() throws {
        let recommender = try recommender()
        let users = histories([[0, 1], [0, 1, 2, 3], [7]], items: 8)
        let pages = try recommender.homepages(histories: users, layout: HomepageLayout(rows: 3, itemsPerRow: 2))
        let itemScores = eightItems.scores(for: users)
        let segmentScores = try recommender.segmentScores(histories: users)

        // User 0 ({0, 1}): +0 and +1 score positive, −3 scores 0 and gets no row.
        #expect(pages[0].segmentRows.map(\.segment) == [0, 1])
        #expect(pages[0].segmentRows[0].items.map(\.item) == [2, 3].sorted { itemScores[0, $0] > itemScores[0, $1] })
        let plusOne = [4, 5, 6].sorted { itemScores[0, $0] > itemScores[0, $1] }
        #expect(pages[0].segmentRows[1].items.map(\.item) == Array(plusOne.prefix(2)))
        #expect(pages[0].segmentRows[0].score == segmentScores[0, 0] && segmentScores[0, 2] == 0)
        // For you: the two best unseen items of the catalog.
        let unseen = (2..<8).sorted { (a: Int, b: Int) -> Bool in
            let scoreA: Float = itemScores[0, a], scoreB: Float = itemScores[0, b]
            return scoreA != scoreB ? scoreA > scoreB : a < b
        }
        #expect(pages[0].forYou.map(\.item) == Array(unseen.prefix(2)))

        // User 1 has all of +0: that segment has nothing to show and is skipped.
        #expect(segmentScores[1, 0] > 0)
        #expect(pages[1].segmentRows.map(\.segment) == [1])
        // User 2 ({7}) scores only −3 positive, and has its one item.
        #expect(pages[2].segmentRows.isEmpty)

        for (user, page) in pages.enumerated() {
            let seen = Set(users.columns(ofRow: user).map(Int.init))
            let shown = page.forYou.map(\.item) + page.segmentRows.flatMap { $0.items.map(\.item) }
            #expect(shown.allSatisfy { !seen.contains($0) })
        }
    }

    @Test func distinctItemsAppearOnce() throws {
        let users = histories([[0, 1]], items: 8)
        let layout = HomepageLayout(rows: 3, itemsPerRow: 2, forYouCount: 2, distinctItems: true)
        let page = try recommender().homepages(histories: users, layout: layout)[0]
        let shown = page.forYou.map(\.item) + page.segmentRows.flatMap { $0.items.map(\.item) }
        #expect(Set(shown).count == shown.count)
        // For you takes 2 and 3 (the rest of +0), so +0 has nothing left and +1 gets the first row.
        #expect(Set(page.forYou.map(\.item)) == [2, 3])
        #expect(page.segmentRows.map(\.segment) == [1])
    }

    @Test func plantedHomepagesRespectEveryRule() throws {
        let recommender = try SegmentRecommender(model: PlantedFixture.model)
        let users = PlantedFixture.data.dataset.interactions.selectingRows(0..<60)
        let layout = HomepageLayout(rows: 4, itemsPerRow: 5)
        let pages = try recommender.homepages(histories: users, layout: layout, batchSize: 16)
        let itemScores = PlantedFixture.model.scores(for: users)
        let segmentScores = try recommender.segmentScores(histories: users)
        let segments = recommender.segmentation.segments
        #expect(pages.count == 60)
        for (user, page) in pages.enumerated() {
            let seen = Set(users.columns(ofRow: user).map(Int.init))
            #expect(page.forYou.count == 5)
            #expect(page.segmentRows.count <= 4 && !page.segmentRows.isEmpty)
            #expect(page.forYou.allSatisfy { !seen.contains($0.item) })
            var previous = Float.infinity
            for row in page.segmentRows {
                #expect(row.score > 0 && row.score <= previous)
                #expect(row.score == segmentScores[user, row.segment])
                previous = row.score
                let members = Set(segments[row.segment].items)
                #expect(row.items.count == min(5, members.subtracting(seen).count))
                #expect(row.items.allSatisfy { members.contains($0.item) && !seen.contains($0.item) })
                #expect(row.items.allSatisfy { $0.score == itemScores[user, $0.item] })
                #expect(zip(row.items, row.items.dropFirst()).allSatisfy { $0.score >= $1.score })
                // Nothing better in the segment was left out.
                let worst = row.items.last!.score
                #expect(members.subtracting(seen).subtracting(row.items.map(\.item)).allSatisfy { itemScores[user, $0] <= worst })
            }
        }
        // The best-scoring segment of a user is mostly made of one of the user's planted segments
        // (its row may be missing from the page when the user has seen all of it).
        let planted = PlantedFixture.data
        var agree = 0
        for user in 0..<users.rows {
            let best = SegmentRecommender.topSegments(scores: segmentScores.row(user), count: 1, positiveOnly: true)[0]
            let counts = Dictionary(grouping: segments[best].items, by: { planted.itemSegments[$0] }).mapValues(\.count)
            if planted.userSegments[user].contains(counts.max { $0.value < $1.value }!.key) { agree += 1 }
        }
        #expect(agree >= 50)
    }

    @Test func badLayoutsThrow() throws {
        let recommender = try recommender()
        let users = histories([[0]], items: 8)
        #expect(throws: SegmentationError.self) { try recommender.homepages(histories: users, layout: HomepageLayout(rows: -1, itemsPerRow: 2)) }
        #expect(throws: SegmentationError.self) { try recommender.homepages(histories: users, layout: HomepageLayout(rows: 1, itemsPerRow: 0)) }
        #expect(throws: SegmentationError.self) { try recommender.homepages(histories: histories([[0]], items: 9), layout: HomepageLayout(rows: 1, itemsPerRow: 1)) }
    }
}
