import ELSATraining
import Dispatch
import ELSALinearAlgebra
import ELSASparse
import _ELSASupport

/// The item-item Gram matrix XᵀX of a binary users x items matrix.
public enum GramMatrix {
    /// How the Gram matrix is formed.
    public enum Method: Sendable {
        /// Chooses by estimated cost: sparse accumulation unless the data is dense enough for syrk to win.
        case automatic
        /// BLAS `ssyrk` on dense chunks of user rows (cost users · items²).
        case syrk
        /// Row-by-row accumulation from the sparse matrix (cost Σ_u nnz(x_u)²).
        case sparse
    }

    /// XᵀX as a dense `items x items` matrix (both triangles filled).
    /// - Parameters:
    ///   - interactions: users x items.
    ///   - threads: threads for the sparse accumulation.
    public static func compute(_ interactions: CSRMatrix, method: Method = .automatic, threads: Int = 2) -> DenseMatrix {
        let chosen: Method
        switch method {
        case .automatic:
            // syrk does users·n² multiply-adds at ~100 GFLOP/s; sparse does Σ nnz² scattered adds at ~1 G/s.
            var pairs = 0.0
            for u in 0..<interactions.rows { let c = Double(interactions.count(ofRow: u)); pairs += c * c }
            let syrkCost = Double(interactions.rows) * Double(interactions.columns) * Double(interactions.columns) / 100
            chosen = syrkCost < pairs ? .syrk : .sparse
        default:
            chosen = method
        }
        return chosen == .syrk ? viaSyrk(interactions) : viaSparse(interactions, threads: threads)
    }

    static func viaSyrk(_ x: CSRMatrix) -> DenseMatrix {
        let n = x.columns
        var gram = DenseMatrix(rows: n, columns: n)
        let chunk = max(1, min(x.rows, (64 << 20) / max(1, n)))  // ~256 MB of dense rows per chunk
        var dense = [Float](repeating: 0, count: chunk * n)
        var start = 0
        while start < x.rows {
            let count = min(chunk, x.rows - start)
            for i in dense.indices { dense[i] = 0 }
            for r in 0..<count {
                for p in x.rowOffsets[start + r]..<x.rowOffsets[start + r + 1] {
                    dense[r * n + Int(x.columnIndices[p])] = x.values[p]
                }
            }
            dense.withUnsafeBufferPointer { a in
                gram.storage.withUnsafeMutableBufferPointer { c in
                    BLAS.syrkTransposed(n: n, k: count, a: a.baseAddress!, lda: n, beta: 1, c: c.baseAddress!, ldc: n)
                }
            }
            start += count
        }
        gram.storage.withUnsafeMutableBufferPointer { g in
            for r in 0..<n { for c in (r + 1)..<max(r + 1, n) { g[c * n + r] = g[r * n + c] } }
        }
        return gram
    }

    static func viaSparse(_ x: CSRMatrix, threads: Int) -> DenseMatrix {
        let n = x.columns
        let byItem = x.transposed()  // items x users
        var gram = DenseMatrix(rows: n, columns: n)
        gram.storage.withUnsafeMutableBufferPointer { g in
            let out = UncheckedSendable(g.baseAddress!)
            x.rowOffsets.withUnsafeBufferPointer { offsets in
            x.columnIndices.withUnsafeBufferPointer { columns in
            x.values.withUnsafeBufferPointer { values in
            byItem.rowOffsets.withUnsafeBufferPointer { itemOffsets in
            byItem.columnIndices.withUnsafeBufferPointer { itemUsers in
            byItem.values.withUnsafeBufferPointer { itemValues in
                let pieces = max(1, threads) * 8
                let o = SendableBuffers(offsets, columns, values, itemOffsets, itemUsers, itemValues)
                DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                    var i = piece
                    while i < n {
                        let row = out.value + i * n
                        for p in o.itemOffsets[i]..<o.itemOffsets[i + 1] {
                            let u = Int(o.itemUsers[p])
                            let weight = o.itemValues[p]
                            for q in o.offsets[u]..<o.offsets[u + 1] {
                                row[Int(o.columns[q])] += weight * o.values[q]
                            }
                        }
                        i += pieces
                    }
                }
            }}}}}}
        }
        return gram
    }
}

/// Read-only CSR buffers of a matrix and its transpose, shared with workers.
private struct SendableBuffers: @unchecked Sendable {
    let offsets: UnsafeBufferPointer<Int>
    let columns: UnsafeBufferPointer<Int32>
    let values: UnsafeBufferPointer<Float>
    let itemOffsets: UnsafeBufferPointer<Int>
    let itemUsers: UnsafeBufferPointer<Int32>
    let itemValues: UnsafeBufferPointer<Float>
    init(_ a: UnsafeBufferPointer<Int>, _ b: UnsafeBufferPointer<Int32>, _ c: UnsafeBufferPointer<Float>,
         _ d: UnsafeBufferPointer<Int>, _ e: UnsafeBufferPointer<Int32>, _ f: UnsafeBufferPointer<Float>) {
        offsets = a; columns = b; values = c; itemOffsets = d; itemUsers = e; itemValues = f
    }
}
