import Dispatch
import ELSALinearAlgebra

extension CSRMatrix {
    /// self · dense: a `rows x dense.columns` matrix, each output row the weighted sum
    /// of the dense rows that row's entries point at.
    ///
    /// Cost nnz(self) · dense.columns. Each output row is written by one thread in a
    /// fixed order, so the result does not depend on `threads`.
    /// - Precondition: `columns == dense.rows`.
    public func multiplied(by dense: DenseMatrix, threads: Int = 1) -> DenseMatrix {
        precondition(columns == dense.rows, "CSR x dense needs \(columns) dense rows, got \(dense.rows)")
        let width = dense.columns
        var result = DenseMatrix(rows: rows, columns: width)
        if rows == 0 || width == 0 { return result }
        result.storage.withUnsafeMutableBufferPointer { out in
            dense.storage.withUnsafeBufferPointer { source in
                rowOffsets.withUnsafeBufferPointer { offsets in
                    columnIndices.withUnsafeBufferPointer { indices in
                        values.withUnsafeBufferPointer { vals in
                            let shared = ProductBuffers(out: out.baseAddress!, source: source.baseAddress!,
                                                        offsets: offsets, indices: indices, values: vals)
                            let pieces = Swift.min(rows, Swift.max(1, threads) * 4)
                            DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                                let lower = rows * piece / pieces, upper = rows * (piece + 1) / pieces
                                for r in lower..<upper {
                                    let target = shared.out + r * width
                                    for p in shared.offsets[r]..<shared.offsets[r + 1] {
                                        BLAS.axpy(count: width, alpha: shared.values[p],
                                                  x: shared.source + Int(shared.indices[p]) * width, y: target)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}

private struct ProductBuffers: @unchecked Sendable {
    let out: UnsafeMutablePointer<Float>
    let source: UnsafePointer<Float>
    let offsets: UnsafeBufferPointer<Int>
    let indices: UnsafeBufferPointer<Int32>
    let values: UnsafeBufferPointer<Float>
}
