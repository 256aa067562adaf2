import ELSALinearAlgebra
import ELSASparse

/// The item matrix of an ELSA model, items x dimension: dense, or sparse with a fixed
/// number of nonzeros per row (compressed ELSA).
public enum ItemEmbedding: Sendable, Equatable {
    case dense(DenseMatrix)
    case sparse(CSRMatrix)

    public var itemCount: Int {
        switch self { case .dense(let m): return m.rows; case .sparse(let m): return m.rows }
    }

    /// Latent dimension d.
    public var dimension: Int {
        switch self { case .dense(let m): return m.columns; case .sparse(let m): return m.columns }
    }

    /// Stored values per item (d for dense).
    public var nonzerosPerRow: Int {
        switch self {
        case .dense(let m): return m.columns
        case .sparse(let m): return m.rows == 0 ? 0 : m.rowOffsets.indices.dropFirst().map { m.rowOffsets[$0] - m.rowOffsets[$0 - 1] }.max() ?? 0
        }
    }

    /// Bytes per item vector as the paper counts them: 4 B per dense factor, 8 B (value + index) per sparse nonzero.
    public var bytesPerItem: Int {
        switch self {
        case .dense(let m): return 4 * m.columns
        case .sparse: return 8 * nonzerosPerRow
        }
    }

    /// The same matrix with every row scaled to unit L2 norm (zero rows stay zero).
    public func rowNormalized() -> ItemEmbedding {
        switch self {
        case .dense(var m):
            let d = m.columns
            m.storage.withUnsafeMutableBufferPointer { a in
                for r in 0..<m.rows {
                    let row = a.baseAddress! + r * d
                    let norm = BLAS.dot(count: d, row, row).squareRoot()
                    if norm > 0 { BLAS.scale(count: d, alpha: 1 / norm, x: row) }
                }
            }
            return .dense(m)
        case .sparse(var m):
            for r in 0..<m.rows {
                var sum: Float = 0
                for p in m.rowOffsets[r]..<m.rowOffsets[r + 1] { sum += m.values[p] * m.values[p] }
                let norm = sum.squareRoot()
                if norm > 0 { for p in m.rowOffsets[r]..<m.rowOffsets[r + 1] { m.values[p] /= norm } }
            }
            return .sparse(m)
        }
    }

    /// The matrix as dense (for export and tests).
    public func toDense() -> DenseMatrix {
        switch self { case .dense(let m): return m; case .sparse(let m): return m.toDense() }
    }
}
