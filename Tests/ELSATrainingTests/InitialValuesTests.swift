import ELSALinearAlgebra
import ELSASparse
@testable import ELSATraining
import Testing

/// Initial values drawn when needed, or kept at a pattern, equal the rows of the stored Xavier matrix.
@Suite struct InitialValuesTests {
    /// 3,000 x 8 Xavier rows; a shard of 1,500 of them spans two of the 1,024-row blocks they are drawn in.
    static let matrix = XavierInitializer.matrix(rows: 3000, columns: 8, seed: 11)
    static let shard = 1000..<2500

    static func rows(_ range: Range<Int>) -> DenseMatrix {
        DenseMatrix(rows: range.count, columns: 8, storage: Array(matrix.storage[(range.lowerBound * 8)..<(range.upperBound * 8)]))
    }

    @Test func rowsDrawnFromAnyRowAreTheMatrixRows() {
        var stream = XavierInitializer.Rows(totalRows: 3000, columns: 8, seed: 11, from: 1000)
        #expect(stream.next(700).storage == Self.rows(1000..<1700).storage)
        #expect(stream.next(5000).storage == Self.rows(1700..<3000).storage)  // the rest, no more
        #expect(stream.next(1).rows == 0)
    }

    @Test func aShardsDrawnRowsGiveTheTopKAndTheGatherOfItsStoredRows() {
        let drawn = InitialValues.xavier(seed: 11, rows: Self.shard, totalRows: 3000, columns: 8)
        let stored = InitialValues.matrix(Self.rows(Self.shard))
        #expect(drawn.dense().storage == Self.rows(Self.shard).storage)
        #expect(drawn.storedBytes == 0)
        let pattern = drawn.topK(3, threads: 2)
        #expect(pattern == stored.topK(3, threads: 1))
        #expect(pattern == FixedPatternEmbedding(topKOf: Self.rows(Self.shard), nonzerosPerRow: 3, threads: 1))
        // A pattern with other values gets the initial ones back.
        var trained = pattern
        for p in trained.values.indices { trained.values[p] = Float(p) }
        #expect(drawn.gathered(at: trained) == pattern)
        #expect(stored.gathered(at: trained) == pattern)
    }

    @Test func valuesKeptAtAPatternServeEveryNarrowerPattern() {
        let wide = InitialValues.matrix(Self.matrix).topK(4, threads: 1)
        let kept = InitialValues.atPattern(wide)
        #expect(kept.storedBytes == 8 * 3000 * 4)
        var trained = wide
        for p in trained.values.indices { trained.values[p] = Float((p * 7919) % 101) - 50 }  // another order of magnitudes
        let narrow = FixedPatternEmbedding(topKOf: trained, nonzerosPerRow: 2, threads: 1)
        let rewound = kept.gathered(at: narrow)
        #expect(rewound.columnIndices == narrow.columnIndices)
        #expect(rewound == narrow.gatheringValues(from: Self.matrix))
    }
}
