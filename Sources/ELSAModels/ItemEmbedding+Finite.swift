import ELSALinearAlgebra

extension ItemEmbedding {
    /// Whether every stored value is finite (no NaN, no infinity).
    public var allValuesFinite: Bool {
        switch self {
        case .dense(let m): return m.storage.withUnsafeBufferPointer { $0.isEmpty || BLAS.allFinite(count: $0.count, $0.baseAddress!) }
        case .sparse(let m): return m.values.withUnsafeBufferPointer { $0.isEmpty || BLAS.allFinite(count: $0.count, $0.baseAddress!) }
        }
    }
}
