import ELSAModels
import ELSASparse

/// For every latent dimension j of an item embedding Â (items x d), the items storing a
/// nonzero at j, with its value (and so its sign): the transpose of Â.
///
/// Entries with value exactly 0 are skipped, so the lists hold true nonzeros only. A dense
/// embedding is indexed as well, but then every latent lists (nearly) every item.
public struct InvertedIndex: Sendable, Equatable {
    /// latents x items: row j holds the items with a nonzero at latent j, ascending, with their weights.
    public let matrix: CSRMatrix

    /// Indexes `embedding` (items x d, any CSR matrix; models pass their row-normalized Â).
    public init(embedding: CSRMatrix) {
        var nonzero = embedding
        if embedding.values.contains(0) { nonzero = Self.droppingZeros(embedding) }
        matrix = nonzero.transposed()
    }

    /// Indexes the item matrix of `model` (dense embeddings are converted, skipping zeros).
    public init(model: ELSAModel) {
        self.init(embedding: model.embedding.sparseMatrix)
    }

    /// Number of latent dimensions d.
    public var latentCount: Int { matrix.rows }
    /// Number of items of the embedding.
    public var itemCount: Int { matrix.columns }

    /// The items with a nonzero at `latent`, ascending, with their signed weights.
    /// - Precondition: `0 <= latent < latentCount`.
    public func entries(ofLatent latent: Int) -> [(item: Int, weight: Float)] {
        precondition(latent >= 0 && latent < latentCount, "latent \(latent) is out of range 0..<\(latentCount)")
        return (matrix.rowOffsets[latent]..<matrix.rowOffsets[latent + 1]).map { (Int(matrix.columnIndices[$0]), matrix.values[$0]) }
    }

    /// The items whose weight at `signed.latent` has the sign `signed.sign`, ascending.
    /// - Precondition: `0 <= signed.latent < latentCount`.
    public func items(of signed: SignedLatent) -> [Int] {
        entries(ofLatent: signed.latent).filter { SignedLatent.Sign(of: $0.weight) == signed.sign }.map(\.item)
    }

    /// The length of every latent's list (items with a nonzero there, either sign).
    public var listLengths: [Int] { (0..<latentCount).map { matrix.count(ofRow: $0) } }

    static func droppingZeros(_ matrix: CSRMatrix) -> CSRMatrix {
        var offsets = [0], indices = [Int32](), values = [Float]()
        for row in 0..<matrix.rows {
            for p in matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1] where matrix.values[p] != 0 {
                indices.append(matrix.columnIndices[p]); values.append(matrix.values[p])
            }
            offsets.append(indices.count)
        }
        return CSRMatrix(rows: matrix.rows, columns: matrix.columns, rowOffsets: offsets, columnIndices: indices, values: values)
    }
}
