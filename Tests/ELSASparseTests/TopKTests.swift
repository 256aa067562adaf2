import ELSALinearAlgebra
import ELSASparse
import Testing
import _ELSASupport

/// The top-k of one row by the definition: sort all (|value| descending, column ascending), keep k, sort by column.
private func referenceTopK(columns: [Int32], values: [Float], k: Int) -> [(Int32, Float)] {
    let ranked = zip(columns, values).sorted { a, b in
        abs(a.1) != abs(b.1) ? abs(a.1) > abs(b.1) : a.0 < b.0
    }
    return ranked.prefix(k).sorted { $0.0 < $1.0 }
}

@Suite("Row-wise top-k pruning")
struct TopKTests {
    @Test("hand-built rows: signs kept, ties to the lower column, columns ascending")
    func handBuilt() {
        let dense = DenseMatrix([
            [0.5, -3, 2, 0, -2],   // |.|: 3 (col 1), then a tie at 2 between cols 2 and 4
            [0, 0, 0, 1, 0],       // one nonzero: zeros fill the rest, lowest columns first
            [-1, 1, -1, 1, 1],     // all tied: the lowest columns win
        ])
        let pruned = CSRMatrix.topK(dense: dense, k: 2, threads: 1)
        #expect(pruned.rowOffsets == [0, 2, 4, 6])
        #expect(pruned.columnIndices == [1, 2, 0, 3, 0, 1])
        #expect(pruned.values == [-3, 2, 0, 1, -1, 1])
    }

    @Test("k = 0 and k = columns")
    func extremes() {
        var generator = SeededGenerator(seed: 1)
        let dense = randomDense(rows: 4, columns: 7, using: &generator)
        let none = CSRMatrix.topK(dense: dense, k: 0, threads: 2)
        #expect(none.nonzeroCount == 0 && none.rows == 4 && none.columns == 7)
        let all = CSRMatrix.topK(dense: dense, k: 7, threads: 2)
        #expect(all.toDense() == dense)
        #expect(all.columnIndices == Array(repeating: (0..<7).map { Int32($0) }, count: 4).flatMap { $0 })
    }

    @Test("dense top-k matches sorting, with many ties, for several k and thread counts")
    func denseAgainstSorting() {
        var generator = SeededGenerator(seed: 2)
        let rows = 23, columns = 301
        // Values from a small set of magnitudes make ties common.
        let dense = DenseMatrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in
            Float(Int.random(in: -6...6, using: &generator)) / 2
        })
        for k in [1, 2, 7, 64, 150, 300] {
            let pruned = CSRMatrix.topK(dense: dense, k: k, threads: 1)
            for r in 0..<rows {
                let expected = referenceTopK(columns: (0..<columns).map { Int32($0) }, values: dense.row(r), k: k)
                #expect(Array(pruned.columns(ofRow: r)) == expected.map { $0.0 }, "row \(r), k \(k)")
                #expect(Array(pruned.values(ofRow: r)) == expected.map { $0.1 }, "row \(r), k \(k)")
            }
            for threads in [2, 3, 5] {
                #expect(CSRMatrix.topK(dense: dense, k: k, threads: threads) == pruned)
            }
        }
    }

    @Test("sorted and reverse-sorted rows (quickselect worst cases) select correctly")
    func monotoneRows() {
        let columns = 2000
        let increasing = (0..<columns).map { Float($0) }
        let dense = DenseMatrix(rows: 3, columns: columns,
                                storage: increasing + increasing.reversed() + [Float](repeating: 1, count: columns))
        let pruned = CSRMatrix.topK(dense: dense, k: 10, threads: 1)
        #expect(Array(pruned.columns(ofRow: 0)) == (1990..<2000).map { Int32($0) })
        #expect(Array(pruned.columns(ofRow: 1)) == (0..<10).map { Int32($0) })
        #expect(Array(pruned.columns(ofRow: 2)) == (0..<10).map { Int32($0) })
    }

    @Test("sparse top-k matches sorting; short rows are kept whole")
    func sparseAgainstSorting() {
        var generator = SeededGenerator(seed: 3)
        let dense = randomDense(rows: 31, columns: 90, using: &generator)
        // Rows of varying length: row r keeps its r * 3 largest entries of the dense row.
        var rows: [[(Int32, Float)]] = []
        for r in 0..<31 {
            rows.append(referenceTopK(columns: (0..<90).map { Int32($0) }, values: dense.row(r), k: r * 3))
        }
        var offsets = [0]
        for row in rows { offsets.append(offsets.last! + row.count) }
        let sparse = CSRMatrix(rows: 31, columns: 90, rowOffsets: offsets,
                               columnIndices: rows.flatMap { $0.map { $0.0 } }, values: rows.flatMap { $0.map { $0.1 } })
        for k in [0, 1, 10, 45, 100] {
            let pruned = CSRMatrix.topK(of: sparse, k: k, threads: 2)
            for r in 0..<31 {
                let expected = referenceTopK(columns: rows[r].map { $0.0 }, values: rows[r].map { $0.1 }, k: k)
                #expect(Array(pruned.columns(ofRow: r)) == expected.map { $0.0 }, "row \(r), k \(k)")
                #expect(Array(pruned.values(ofRow: r)) == expected.map { $0.1 }, "row \(r), k \(k)")
            }
            #expect(CSRMatrix.topK(of: sparse, k: k, threads: 1) == pruned)
        }
    }

    @Test("progressive pruning: top-k of a top-K pattern equals top-k of the dense matrix")
    func nestedPruning() {
        var generator = SeededGenerator(seed: 4)
        let dense = randomDense(rows: 17, columns: 64, using: &generator)
        let wide = FixedPatternEmbedding(topKOf: dense, nonzerosPerRow: 32, threads: 2)
        let narrow = FixedPatternEmbedding(topKOf: wide, nonzerosPerRow: 8, threads: 2)
        #expect(narrow == FixedPatternEmbedding(topKOf: dense, nonzerosPerRow: 8, threads: 1))
        #expect(narrow.nonzerosPerRow == 8 && narrow.itemCount == 17 && narrow.dimension == 64)
    }
}
