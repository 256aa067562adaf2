import ELSALinearAlgebra
import ELSAModels
import ELSASparse

/// B̂: the segments x d matrix with B[s, j] = ±1 for the signed latents of segment s and 0
/// elsewhere, each row scaled to unit L2 norm (1/√|s|), and the segment scores x Â B̂ᵀ.
public struct SegmentMatrix: Sendable, Equatable {
    /// segments x d, CSR; row s holds ±1/√|s| (the latent's sign) at each latent of segment s.
    public let matrix: CSRMatrix

    /// Builds B̂ for `segments` over `dimension` latents. A segment without latents gets an empty row.
    /// - Precondition: every latent index is in `0 ..< dimension`, and no segment lists a latent twice.
    public init(segments: [Segment], dimension: Int) {
        var offsets = [0], indices = [Int32](), values = [Float]()
        for segment in segments {
            let scale = 1 / Float(max(1, segment.latents.count)).squareRoot()
            let sorted = segment.latents.sorted { $0.latent < $1.latent }
            for (position, signed) in sorted.enumerated() {
                precondition(signed.latent >= 0 && signed.latent < dimension,
                             "segment \(segment.id) has latent \(signed.latent), outside 0..<\(dimension)")
                precondition(position == 0 || sorted[position - 1].latent != signed.latent,
                             "segment \(segment.id) lists latent \(signed.latent) twice")
                indices.append(Int32(signed.latent))
                values.append(signed.sign.unit * scale)
            }
            offsets.append(indices.count)
        }
        matrix = CSRMatrix(rows: segments.count, columns: dimension, rowOffsets: offsets, columnIndices: indices, values: values)
    }

    /// B̂ of a segmentation's segments.
    public init(_ segmentation: Segmentation) {
        self.init(segments: segmentation.segments, dimension: segmentation.dimension)
    }

    /// Number of segments (rows).
    public var segmentCount: Int { matrix.rows }

    /// The segment scores x Â B̂ᵀ: a `histories.rows x segmentCount` matrix.
    ///
    /// Computed sparsely per user: h = x Â accumulated over the nonzeros of the user's items,
    /// then h · B̂_s over each segment's latents. Histories may hold any values (binary in practice).
    /// - Throws: `SegmentationError.itemCountMismatch` when `histories.columns != embedding.rows`;
    ///   `.invalidArgument` when `embedding.columns` is not the dimension of B̂.
    public func scores(histories: CSRMatrix, embedding: CSRMatrix) throws -> DenseMatrix {
        guard histories.columns == embedding.rows else {
            throw SegmentationError.itemCountMismatch(expected: embedding.rows, got: histories.columns, what: "the histories")
        }
        guard embedding.columns == matrix.columns else {
            throw SegmentationError.invalidArgument("the embedding has d = \(embedding.columns), the segment matrix d = \(matrix.columns)")
        }
        let segmentCount = matrix.rows
        var result = DenseMatrix(rows: histories.rows, columns: segmentCount)
        var hidden = [Float](repeating: 0, count: matrix.columns)
        for user in 0..<histories.rows {
            for p in histories.rowOffsets[user]..<histories.rowOffsets[user + 1] {
                let item = Int(histories.columnIndices[p]), value = histories.values[p]
                for q in embedding.rowOffsets[item]..<embedding.rowOffsets[item + 1] {
                    hidden[Int(embedding.columnIndices[q])] += value * embedding.values[q]
                }
            }
            for segment in 0..<segmentCount {
                var sum: Float = 0
                for q in matrix.rowOffsets[segment]..<matrix.rowOffsets[segment + 1] {
                    sum += hidden[Int(matrix.columnIndices[q])] * matrix.values[q]
                }
                result[user, segment] = sum
            }
            for p in histories.rowOffsets[user]..<histories.rowOffsets[user + 1] {
                let item = Int(histories.columnIndices[p])
                for q in embedding.rowOffsets[item]..<embedding.rowOffsets[item + 1] { hidden[Int(embedding.columnIndices[q])] = 0 }
            }
        }
        return result
    }

    /// The segment scores x Â B̂ᵀ with the item matrix of `model`; see `scores(histories:embedding:)`.
    public func scores(histories: CSRMatrix, model: ELSAModel) throws -> DenseMatrix {
        try scores(histories: histories, embedding: model.embedding.sparseMatrix)
    }
}
