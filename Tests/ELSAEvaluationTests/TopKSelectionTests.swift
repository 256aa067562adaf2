import ELSAData
import ELSAEvaluation
import Testing
import _ELSASupport

@Suite struct TopKSelectionTests {
    @Test func tiesGoToTheLowerItemIndex() {
        let scores: [Float] = [1, 3, 3, 2, 3, 0]
        let top = TopKSelection.select(scores: scores, count: 3)
        #expect(top.map(\.item) == [1, 2, 4])
        #expect(top.map(\.score) == [3, 3, 3])
        // With item 2 excluded the next tie (4) and then the 2 (item 3) move up.
        let excluded = TopKSelection.select(scores: scores, count: 3, excluding: [2])
        #expect(excluded.map(\.item) == [1, 4, 3])
    }

    @Test func excludedItemsAreNeverReturned() {
        let scores: [Float] = [9, 8, 7, 6, 5]
        let top = TopKSelection.select(scores: scores, count: 10, excluding: [0, 3, 3])
        #expect(top.map(\.item) == [1, 2, 4])  // fewer than K remain: all of them
        #expect(TopKSelection.select(scores: scores, count: 2, excluding: [4, 0, 1, 2, 3]).isEmpty)
        #expect(TopKSelection.select(scores: scores, count: 0).isEmpty)
    }

    @Test func nanRanksLast() {
        let scores: [Float] = [.nan, -1, .nan, 2]
        let top = TopKSelection.select(scores: scores, count: 4)
        #expect(top.map(\.item) == [3, 1, 0, 2])
        #expect(top[2].score == -.infinity && top[3].score == -.infinity)
    }

    @Test func matchesAFullSortWithTiesAndExclusions() {
        var generator = SeededGenerator(seed: 7)
        for trial in 0..<40 {
            let itemCount = 1 + generator.next(below: 300)
            // Few distinct values (including negatives and infinities) make ties common.
            let palette: [Float] = [-.infinity, -2, -0.5, 0, 0.25, 1, 1, 3, .infinity]
            let scores = (0..<itemCount).map { _ in palette[generator.next(below: palette.count)] }
            let excluded = (0..<generator.next(below: itemCount + 1)).map { _ in generator.next(below: itemCount) }
            let reference = Fixtures.fullSortRanking(scores: scores, seen: Set(excluded))
            for count in [0, 1, 2, 7, 50, itemCount, itemCount + 5] {
                let top = TopKSelection.select(scores: scores, count: count, excluding: excluded)
                let expected = reference.prefix(count)
                #expect(top.map(\.item) == expected.map(\.item), "trial \(trial), K = \(count)")
                #expect(top.map(\.score) == expected.map(\.score), "trial \(trial), K = \(count)")
            }
        }
    }
}
