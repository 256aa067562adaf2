import Testing
import ELSALinearAlgebra
import ELSASparse
@testable import ELSASegments

@Suite struct SegmentMatrixTests {
    let segments = [
        Segment(id: 0, latents: [SignedLatent("-2")!, SignedLatent("+0")!], items: [0], centralities: [1]),
        Segment(id: 1, latents: [SignedLatent("+1")!], items: [1], centralities: [1]),
        Segment(id: 2, latents: [SignedLatent("+1")!, SignedLatent("-3")!, SignedLatent("+4")!], items: [2], centralities: [1]),
    ]

    @Test func rowsHaveUnitNormAndTheLatentSigns() {
        let b = SegmentMatrix(segments: segments, dimension: 5)
        let dense = b.matrix.toDense()
        let half = 1 / Float(2).squareRoot(), third = 1 / Float(3).squareRoot()
        #expect(dense.row(0) == [half, 0, -half, 0, 0])
        #expect(dense.row(1) == [0, 1, 0, 0, 0])
        #expect(dense.row(2) == [0, third, 0, -third, third])
        for row in 0..<3 {
            let norm = dense.row(row).reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-6)
        }
    }

    @Test func scoresMatchDenseReference() throws {
        // 6 items x 5 latents, rows of varied signs; three users.
        let a: [[Float]] = [[0.5, 0, -0.5, 0.7, 0], [0, 0.9, 0, 0, -0.4], [-0.3, 0, 0.8, 0, 0.5],
                            [0, -0.6, 0, 0.6, 0.5], [0.2, 0.2, 0.2, -0.9, 0], [0, 0, 0, 0, 1]]
        let x: [[Int32]] = [[0, 2], [1, 3, 5], []]
        let b = SegmentMatrix(segments: segments, dimension: 5)
        let scores = try b.scores(histories: histories(x, items: 6), embedding: sparse(a))
        let bDense = b.matrix.toDense()
        for (user, items) in x.enumerated() {
            var hidden = [Float](repeating: 0, count: 5)
            for item in items { for j in 0..<5 { hidden[j] += a[Int(item)][j] } }
            for segment in 0..<3 {
                var expected: Float = 0
                for j in 0..<5 { expected += hidden[j] * bDense[segment, j] }
                #expect(abs(scores[user, segment] - expected) < 1e-6)
            }
        }
        #expect(scores.row(2) == [0, 0, 0])
        // User 0 by hand on segment 0 (+0, −2): ((0.5 − 0.3) − (−0.5 + 0.8)) / √2 = −0.1 / √2.
        #expect(abs(scores[0, 0] - (-0.1 / Float(2).squareRoot())) < 1e-6)
    }

    @Test func mismatchedShapesThrow() {
        let b = SegmentMatrix(segments: segments, dimension: 5)
        #expect(throws: SegmentationError.self) {
            try b.scores(histories: histories([[0]], items: 3), embedding: sparse([[1, 0, 0, 0, 0]]))
        }
        #expect(throws: SegmentationError.self) {
            try b.scores(histories: histories([[0]], items: 1), embedding: sparse([[1, 0, 0]]))
        }
    }
}
