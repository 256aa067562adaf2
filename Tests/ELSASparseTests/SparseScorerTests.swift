import ELSALinearAlgebra
import ELSASparse
import Testing
import _ELSASupport

@Suite("Sparse scorer x Ŵ Ŵᵀ − x")
struct SparseScorerTests {
    @Test("hand-computed scores on three items")
    func handScores() {
        // Ŵ: item 0 = (0.6, 0.8, 0), item 1 = (0, 1, 0), item 2 = (0, 0, -1).
        let embedding = CSRMatrix(rows: 3, columns: 3, rowOffsets: [0, 2, 3, 4], columnIndices: [0, 1, 1, 2],
                                  values: [0.6, 0.8, 1, -1])
        let scorer = SparseScorer(embedding: embedding)
        let histories = CSRMatrix(rows: 2, columns: 3, binaryRows: [[0], [1, 2]])
        let scores = scorer.scores(histories: histories, threads: 1)
        // User 0: h = (0.6, 0.8, 0) → (1, 0.8, 0) − (1, 0, 0). User 1: h = (0, 1, -1) → (0.8, 1, 1) − (0, 1, 1).
        let expected = DenseMatrix([[0, 0.8, 0], [0.8, 0, 0]])
        #expect(relativeError(scores, expected) <= 1e-6)
    }

    @Test("random normalized embeddings against the dense product", arguments: [(40, 5), (40, 40), (7, 1)])
    func againstDense(dimension: Int, k: Int) {
        var generator = SeededGenerator(seed: 700 + UInt64(dimension * 100 + k))
        let items = 83, users = 29
        let (normalized, _) = randomEmbedding(items: items, dimension: dimension, k: k, using: &generator).normalizedRows(threads: 1)
        var histories = randomBatch(users: users, items: items, density: 0.08, using: &generator)
        histories.values = histories.values.map { _ in Float.random(in: 0.5...2, using: &generator) }
        let weights = normalized.toDense()
        let x = histories.toDense()
        var expected = BLAS.multiply(BLAS.multiply(x, weights), weights, transposeB: .transpose)
        for i in expected.storage.indices { expected.storage[i] -= x.storage[i] }

        let scorer = SparseScorer(embedding: normalized)
        var scores = DenseMatrix(rows: users, columns: items, repeating: 9)
        scorer.scores(histories: histories, into: &scores, threads: 1)
        #expect(relativeError(scores, expected) <= 1e-5)
        for threads in [2, 4] {
            #expect(scorer.scores(histories: histories, threads: threads) == scores)
        }
    }

    @Test("rows of different lengths (a pruned general CSR) score like the dense product")
    func ragged() {
        var generator = SeededGenerator(seed: 750)
        let dense = randomDense(rows: 30, columns: 12, using: &generator)
        // Zero out a random half so that rows keep different counts after pruning.
        var sparseDense = dense
        for i in sparseDense.storage.indices where Bool.random(using: &generator) { sparseDense.storage[i] = 0 }
        let embedding = CSRMatrix.topK(of: CSRMatrix(dense: sparseDense), k: 4, threads: 1)
        let histories = randomBatch(users: 10, items: 30, density: 0.2, using: &generator)
        let weights = embedding.toDense()
        let x = histories.toDense()
        var expected = BLAS.multiply(BLAS.multiply(x, weights), weights, transposeB: .transpose)
        for i in expected.storage.indices { expected.storage[i] -= x.storage[i] }
        #expect(relativeError(SparseScorer(embedding: embedding).scores(histories: histories, threads: 2), expected) <= 1e-5)
    }
}
