import ELSALinearAlgebra
import ELSASparse
import Testing
import _ELSASupport

@Suite("Prune and regrow: the pattern update between epochs")
struct RegrowthTests {
    /// Row 0 stores latents 0, 2, 4 (0.5, −0.1, 0.3); outside it latent 3 has the largest |score| (0.7),
    /// then 1 (0.2), then 5 (0.1). Row 1 has no score outside its pattern.
    let embedding = FixedPatternEmbedding(itemCount: 2, dimension: 6, nonzerosPerRow: 3,
                                          columnIndices: [0, 2, 4, 1, 2, 5], values: [0.5, -0.1, 0.3, 2, -3, 1])
    let scores = DenseMatrix([[9, 0.2, 4, -0.7, 5, 0.1],
                              [0, 7, 7, 0, 0, 7]])

    @Test("one swap: the smallest stored entry leaves, the largest |score| outside joins at zero")
    func oneSwap() {
        let (next, sources) = embedding.regrowing(count: 1, scores: scores, threads: 1)
        #expect(next.columnIndices == [0, 3, 4, 1, 2, 5])
        #expect(next.values == [0.5, 0, 0.3, 2, -3, 1])
        #expect(sources == [0, -1, 2, 3, 4, 5])
    }

    @Test("two swaps: only the largest stored entry stays; a row without scores outside keeps its pattern")
    func twoSwaps() {
        let (next, sources) = embedding.regrowing(count: 2, scores: scores, threads: 1)
        #expect(next.columnIndices == [0, 1, 3, 1, 2, 5])
        #expect(next.values == [0.5, 0, 0, 2, -3, 1])
        #expect(sources == [0, -1, -1, 3, 4, 5])
    }

    @Test("more swaps than latents outside the pattern: capped at d − k; zero count changes nothing")
    func capped() {
        let (all, sources) = embedding.regrowing(count: 10, scores: scores, threads: 1)
        #expect(all.columnIndices == [1, 3, 5, 1, 2, 5])
        #expect(all.values == [0, 0, 0, 2, -3, 1])
        #expect(sources == [-1, -1, -1, 3, 4, 5])
        let (same, identity) = embedding.regrowing(count: 0, scores: scores, threads: 1)
        #expect(same == embedding && identity == Array(0..<6))
    }

    @Test("random rows: k per row, ascending, grown entries are the best-scored outside, kept ones the largest",
          arguments: [1, 2, 3])
    func randomRows(threads: Int) {
        var generator = SeededGenerator(seed: 7)
        let (items, d, k, count) = (40, 32, 8, 3)
        let old = randomEmbedding(items: items, dimension: d, k: k, using: &generator)
        let scores = randomDense(rows: items, columns: d, using: &generator)
        let (next, sources) = old.regrowing(count: count, scores: scores, threads: threads)
        #expect(FixedPatternEmbedding.patternIsValid(next.columnIndices, nonzerosPerRow: k, dimension: d))
        #expect(next == old.regrowing(count: count, scores: scores, threads: 1).embedding)
        for row in 0..<items {
            let oldRow = Set(old.columnIndices[(row * k)..<((row + 1) * k)])
            let positions = (row * k)..<((row + 1) * k)
            let grown = positions.filter { sources[$0] < 0 }.map { Int(next.columnIndices[$0]) }
            #expect(grown.count == count)
            // Grown: the `count` latents outside the old pattern of largest |score| (sorted here by brute force).
            let outside = (0..<d).filter { !oldRow.contains(Int32($0)) }
            let best = outside.sorted { abs(scores[row, $0]) > abs(scores[row, $1]) }.prefix(count)
            #expect(Set(grown) == Set(best))
            // Kept: the k − count old entries of largest magnitude, values unchanged; grown ones start at 0.
            let oldPositions = Array(positions)
            let largest = oldPositions.sorted { abs(old.values[$0]) > abs(old.values[$1]) }.prefix(k - count)
            #expect(Set(positions.compactMap { sources[$0] >= 0 ? sources[$0] : nil }) == Set(largest))
            for p in positions {
                if sources[p] >= 0 {
                    #expect(next.values[p] == old.values[sources[p]] && next.columnIndices[p] == old.columnIndices[sources[p]])
                } else {
                    #expect(next.values[p] == 0)
                }
            }
        }
    }
}
