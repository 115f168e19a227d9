import CBLAS

/// Row-major matrix products through OpenBLAS's CBLAS interface.
///
/// Every function here wraps exactly one CBLAS call and says which. Matrices are
/// row-major `Float` buffers; `lda`/`ldb`/`ldc` default to the packed row length.
public enum BLAS {
    /// Whether an operand enters a product as stored or transposed.
    public enum Transpose: Sendable {
        /// Use the matrix as stored.
        case none
        /// Use the transpose of the stored matrix.
        case transposed

        var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    }

    /// Sets how many threads OpenBLAS may use (`openblas_set_num_threads`).
    /// Small policy matrices run fastest on one thread.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    /// `C = alpha · op(A) · op(B) + beta · C` (`cblas_sgemm`), with `op(A)` of
    /// shape `m × k`, `op(B)` of shape `k × n` and `C` of shape `m × n`.
    public static func gemm(
        _ transA: Transpose, _ transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil,
        b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        if m == 0 || n == 0 { return }
        let lda = lda ?? (transA == .none ? k : m)
        let ldb = ldb ?? (transB == .none ? n : k)
        cblas_sgemm(
            CblasRowMajor, transA.cblas, transB.cblas,
            Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(max(lda, 1)), b, Int32(max(ldb, 1)), beta, c, Int32(ldc ?? n))
    }
}
