import _COpenBLAS

/// Errors from LAPACK factorizations.
public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable {
    /// The matrix is not positive definite: the leading minor of this order is not positive.
    case notPositiveDefinite(order: Int)
    /// LAPACK reported an illegal argument (its `info` value).
    case illegalArgument(info: Int)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let order):
            return "matrix is not positive definite (leading minor of order \(order) is not positive)"
        case .illegalArgument(let info):
            return "LAPACK rejected argument \(-info)"
        }
    }
}

/// Symmetric positive definite inverse through Cholesky (LAPACKE `spotrf` + `spotri`).
public enum Cholesky {
    /// Replaces the symmetric positive definite `n x n` matrix in `matrix` with its inverse, in place.
    ///
    /// Only the upper triangle of the input is read (row-major); on return the
    /// whole matrix holds the symmetric inverse. The factorization is blocked:
    /// the diagonal blocks go to LAPACKE and everything else to BLAS-3 calls, so
    /// no threaded `potrf` runs on the whole matrix (Debian's OpenBLAS 0.3.21
    /// has crashed there on 25k x 25k Gram matrices).
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` when it is not.
    public static func invertSymmetricPositiveDefinite(_ matrix: inout DenseMatrix, blockSize: Int = 512) throws {
        precondition(matrix.rows == matrix.columns, "Cholesky needs a square matrix, got \(matrix.rows) x \(matrix.columns)")
        let n = matrix.rows
        if n == 0 { return }
        try matrix.storage.withUnsafeMutableBufferPointer { buffer in
            let a = buffer.baseAddress!
            // Row-major upper == column-major lower: work on the lower factor L in column-major
            // terms, i.e. on the upper factor U = Lᵀ with A = UᵀU in row-major terms.
            try factorUpper(a, n: n, blockSize: blockSize)
            try invertFromUpperFactor(a, n: n, blockSize: blockSize)
        }
        // Mirror the upper triangle into the lower one.
        matrix.storage.withUnsafeMutableBufferPointer { a in
            for r in 0..<n {
                for c in (r + 1)..<max(r + 1, n) { a[c * n + r] = a[r * n + c] }
            }
        }
    }

    /// Blocked right-looking Cholesky A = UᵀU on the upper triangle of a row-major matrix.
    static func factorUpper(_ a: UnsafeMutablePointer<Float>, n: Int, blockSize: Int) throws {
        var j = 0
        while j < n {
            let nb = min(blockSize, n - j)
            let diag = a + j * n + j
            // Factor the diagonal block: row-major upper == column-major lower.
            let info = LAPACKE_spotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(nb), diag, Int32(n))
            if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: j + Int(info)) }
            if info < 0 { throw LinearAlgebraError.illegalArgument(info: Int(info)) }
            let rest = n - j - nb
            if rest > 0 {
                // U_12 = U_11^-T A_12   (A_12 is nb x rest to the right of the diagonal block).
                let a12 = a + j * n + j + nb
                cblas_strsm(CblasRowMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit,
                            blasint(nb), blasint(rest), 1, diag, blasint(n), a12, blasint(n))
                // A_22 -= U_12ᵀ U_12 (upper triangle).
                let a22 = a + (j + nb) * n + j + nb
                cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, blasint(rest), blasint(nb),
                            -1, a12, blasint(n), 1, a22, blasint(n))
            }
            j += nb
        }
    }

    /// Given U (upper, row-major, A = UᵀU), writes A⁻¹ into the upper triangle with LAPACKE `spotri`
    /// (column-major lower in LAPACK's terms: the same storage).
    static func invertFromUpperFactor(_ a: UnsafeMutablePointer<Float>, n: Int, blockSize: Int) throws {
        let info = LAPACKE_spotri(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), a, Int32(n))
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info)) }
        if info < 0 { throw LinearAlgebraError.illegalArgument(info: Int(info)) }
    }
}
