import ELSAModels
import ELSASparse

extension ItemEmbedding {
    /// The item matrix as CSR: the sparse matrix itself, or the nonzeros of a dense one.
    public var sparseMatrix: CSRMatrix {
        switch self {
        case .sparse(let matrix): return matrix
        case .dense(let matrix): return CSRMatrix(dense: matrix)
        }
    }
}
