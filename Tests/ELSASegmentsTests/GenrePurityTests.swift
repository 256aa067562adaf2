import Testing
@testable import ELSASegments

@Suite struct GenrePurityTests {
    let genres: [[String]] = [["Drama"], ["Drama", "War"], ["Comedy"], ["War"], [], ["Comedy", "Drama"]]

    @Test func purityIsTheShareOfTheMostCommonGenre() {
        #expect(GenrePurity.purity(of: [0, 1, 2], genres: genres) == 2.0 / 3)         // Drama in 0, 1
        #expect(GenrePurity.purity(of: [1, 3, 4], genres: genres) == 2.0 / 3)         // War in 1, 3; 4 has none
        #expect(GenrePurity.purity(of: [4], genres: genres) == 0)
        #expect(GenrePurity.purity(of: [], genres: genres) == 0)
        #expect(GenrePurity.mostCommonGenre(of: [0, 1, 2, 5], genres: genres) == "Drama")
        #expect(GenrePurity.mostCommonGenre(of: [2, 3], genres: genres) == "Comedy")  // tie: alphabetical
        let expectedMean: Double = (2.0 / 3 + 1) / 2
        #expect(GenrePurity.meanPurity(of: [[0, 1, 2], [3]], genres: genres) == expectedMean)
    }

    @Test func randomBaselineIsSeededAndUsesEveryItemOnce() {
        let first = GenrePurity.randomPurities(sizes: [2, 3], population: [0, 1, 2, 3, 5], genres: genres, seed: 9, repetitions: 4)
        let second = GenrePurity.randomPurities(sizes: [2, 3], population: [0, 1, 2, 3, 5], genres: genres, seed: 9, repetitions: 4)
        #expect(first == second && first.count == 4)
        // One group of everything: the purity is fixed, Drama in 0, 1, 5 of 5.
        #expect(GenrePurity.randomPurities(sizes: [5], population: [0, 1, 2, 3, 5], genres: genres, seed: 1, repetitions: 3)
                == [0.6, 0.6, 0.6])
    }
}
