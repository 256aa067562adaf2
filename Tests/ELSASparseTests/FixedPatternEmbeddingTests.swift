import ELSALinearAlgebra
import ELSASparse
import Testing
import _ELSASupport

@Suite("Fixed-pattern embedding: construction and row normalization")
struct FixedPatternEmbeddingTests {
    @Test("construction from CSR and gathering values from a dense matrix")
    func construction() {
        let matrix = CSRMatrix(rows: 2, columns: 4, rowOffsets: [0, 2, 4], columnIndices: [0, 3, 1, 2], values: [3, 4, 0, 0])
        let embedding = FixedPatternEmbedding(matrix)
        #expect(embedding.itemCount == 2 && embedding.dimension == 4 && embedding.nonzerosPerRow == 2)
        #expect(embedding.matrix == matrix)
        let initial = DenseMatrix([[1, 2, 3, 4], [5, 6, 7, 8]])
        let rewound = embedding.gatheringValues(from: initial)
        #expect(rewound.columnIndices == embedding.columnIndices)
        #expect(rewound.values == [1, 4, 6, 7])
    }

    @Test("filling existing dense storage and a mask overwrites every element", arguments: [1, 2, 3])
    func fillDense(threads: Int) {
        let embedding = FixedPatternEmbedding(CSRMatrix(rows: 3, columns: 4, rowOffsets: [0, 2, 4, 6],
                                                        columnIndices: [0, 3, 1, 2, 2, 3], values: [3, -4, 5, 0.5, -1, 2]))
        var dense = DenseMatrix([[9, 9, 9, 9], [9, 9, 9, 9], [9, 9, 9, 9]])
        var mask = [UInt8](repeating: 7, count: 12)
        embedding.fillDense(&dense, mask: &mask, threads: threads)
        #expect(dense == DenseMatrix([[3, 0, 0, -4], [0, 5, 0.5, 0], [0, 0, -1, 2]]))
        #expect(dense == embedding.toDense())
        #expect(mask == [1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1])
    }

    @Test("hand-computed norms: a 3-4-5 row, a zero row, a single entry")
    func handNorms() {
        let embedding = FixedPatternEmbedding(itemCount: 3, dimension: 3, nonzerosPerRow: 2,
                                              columnIndices: [0, 2, 0, 1, 1, 2], values: [3, -4, 0, 0, 0, 2])
        let (normalized, norms) = embedding.normalizedRows(threads: 2)
        #expect(norms == [5, 0, 2])
        #expect(normalized.values == [0.6, -0.8, 0, 0, 0, 1])
        #expect(normalized.columnIndices == embedding.columnIndices)
    }

    @Test("random rows come out with unit norm and the same direction, for any thread count")
    func randomNorms() {
        var generator = SeededGenerator(seed: 11)
        let embedding = randomEmbedding(items: 45, dimension: 40, k: 13, using: &generator)
        let (normalized, norms) = embedding.normalizedRows(threads: 1)
        for i in 0..<45 {
            let row = Array(embedding.values[(i * 13)..<((i + 1) * 13)]).map(Double.init)
            let norm = row.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(abs(Double(norms[i]) - norm) <= 1e-6 * norm)
            for j in 0..<13 {
                #expect(abs(Double(normalized.values[i * 13 + j]) - row[j] / norm) <= 1e-6)
            }
        }
        for threads in [2, 3] {
            let again = embedding.normalizedRows(threads: threads)
            #expect(again.normalized == normalized && again.norms == norms)
        }
    }

    @Test("backward through normalization matches finite differences of g · rownorm(a)")
    func backwardAgainstFiniteDifferences() {
        var generator = SeededGenerator(seed: 12)
        let k = 6, items = 9
        var embedding = randomEmbedding(items: items, dimension: 10, k: k, using: &generator)
        // Row 4 is all zero: it must get a zero gradient.
        for j in 0..<k { embedding.values[4 * k + j] = 0 }
        let upstream = (0..<(items * k)).map { _ in Float.random(in: -1...1, using: &generator) }
        let (normalized, norms) = embedding.normalizedRows(threads: 1)
        var gradient = upstream
        normalized.backpropagateRowNormalization(gradient: &gradient, norms: norms, threads: 2)

        // L(a) = Σ_j g_j a_j / ‖a‖ per row, in double precision, by central differences.
        func loss(_ row: [Double], _ g: ArraySlice<Float>) -> Double {
            let norm = row.map { $0 * $0 }.reduce(0, +).squareRoot()
            return zip(row, g).map { $0 / norm * Double($1) }.reduce(0, +)
        }
        let step = 1e-6
        for i in 0..<items where i != 4 {
            let row = embedding.values[(i * k)..<((i + 1) * k)].map(Double.init)
            let g = upstream[(i * k)..<((i + 1) * k)]
            for j in 0..<k {
                var plus = row, minus = row
                plus[j] += step
                minus[j] -= step
                let numeric = (loss(plus, g) - loss(minus, g)) / (2 * step)
                #expect(abs(Double(gradient[i * k + j]) - numeric) <= 1e-4 * max(1, abs(numeric)), "item \(i), entry \(j)")
            }
        }
        #expect(gradient[(4 * k)..<(5 * k)].allSatisfy { $0 == 0 })

        var again = upstream
        normalized.backpropagateRowNormalization(gradient: &again, norms: norms, threads: 1)
        #expect(again == gradient)
    }

    @Test("output selection maps items to output rows")
    func outputSelection() {
        let selection = OutputItemSelection(items: [4, 0, 2], itemCount: 5)
        #expect(selection.count == 3)
        #expect(selection.outputRowOfItem == [1, -1, 2, -1, 0])
        #expect(OutputItemSelection(allItemsOf: 3).items == [0, 1, 2])
    }
}
