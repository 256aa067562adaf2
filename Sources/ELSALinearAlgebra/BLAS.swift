import _COpenBLAS

/// Whether a matrix operand of a BLAS call is used as stored or transposed.
public enum Transpose: Sendable {
    case none, transpose
    @usableFromInline var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Typed wrappers over the CBLAS calls the engine uses. All matrices are row-major.
public enum BLAS {
    /// C = alpha * op(A) * op(B) + beta * C on raw row-major buffers.
    ///
    /// `m x n` is the shape of C, `k` the inner dimension; `lda`, `ldb`, `ldc`
    /// are the row strides of the buffers as stored.
    @inlinable
    public static func gemm(
        _ transA: Transpose, _ transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas,
                    blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// Returns alpha * op(A) * op(B) as a new matrix.
    /// - Precondition: the inner dimensions agree.
    public static func multiply(_ a: DenseMatrix, _ b: DenseMatrix,
                                transposeA transA: Transpose = .none, transposeB transB: Transpose = .none,
                                alpha: Float = 1) -> DenseMatrix {
        let m = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        let kb = transB == .none ? b.rows : b.columns
        let n = transB == .none ? b.columns : b.rows
        precondition(k == kb, "gemm inner dimensions differ: \(k) against \(kb)")
        var c = DenseMatrix(rows: m, columns: n)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    gemm(transA, transB, m: m, n: n, k: k, alpha: alpha,
                         a: pa.baseAddress!, lda: max(1, a.columns),
                         b: pb.baseAddress!, ldb: max(1, b.columns),
                         beta: 0, c: pc.baseAddress!, ldc: max(1, n))
                }
            }
        }
        return c
    }

    /// Upper triangle of C = alpha * AᵀA + beta * C for A `k x n` row-major (C is `n x n`).
    @inlinable
    public static func syrkTransposed(n: Int, k: Int, alpha: Float = 1,
                                      a: UnsafePointer<Float>, lda: Int,
                                      beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if n == 0 { return }
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, blasint(n), blasint(k),
                    alpha, a, blasint(lda), beta, c, blasint(ldc))
    }

    /// y += alpha * x over `count` elements.
    @inlinable
    public static func axpy(count: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(blasint(count), alpha, x, 1, y, 1)
    }

    /// x · y over `count` elements.
    @inlinable
    public static func dot(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(blasint(count), x, 1, y, 1)
    }

    /// Whether every one of `count` elements is finite: the sum of magnitudes (`sasum`, in chunks that
    /// fit its index type) is finite exactly when no element is NaN or infinite, unless the finite
    /// elements themselves sum past Float's range (3.4e38), which no trained weight matrix does.
    public static func allFinite(count: Int, _ x: UnsafePointer<Float>) -> Bool {
        let chunk = 1 << 30
        var start = 0
        while start < count {
            let length = min(chunk, count - start)
            if !cblas_sasum(blasint(length), x + start, 1).isFinite { return false }
            start += length
        }
        return true
    }

    /// x *= alpha over `count` elements.
    @inlinable
    public static func scale(count: Int, alpha: Float, x: UnsafeMutablePointer<Float>) {
        cblas_sscal(blasint(count), alpha, x, 1)
    }
}
