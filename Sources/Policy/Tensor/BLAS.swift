import CBLAS
#if canImport(Glibc)
import Glibc
#endif

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

    /// The kernel family OpenBLAS is using (`openblas_get_corename`).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// Re-runs OpenBLAS's dynamic kernel selection when it fell back to a generic x86 core.
    ///
    /// OpenBLAS (DYNAMIC_ARCH builds, as Debian's) picks kernels once, at load time, from
    /// the CPUID model; on virtual CPUs that report a generic model ("Intel(R) Xeon(R)
    /// Processor") it falls back to Prescott (SSE3) kernels, 2–3× slower than the AVX2 or
    /// AVX-512 ones the CPU supports. When `OPENBLAS_CORETYPE` is unset and the selected
    /// core is Prescott/Core2/Katmai, this sets `OPENBLAS_CORETYPE` from the CPU's flags
    /// (Haswell for AVX2+FMA, SkylakeX for AVX-512F) and calls OpenBLAS's exported
    /// `gotoblas_dynamic_quit` / `gotoblas_dynamic_init` (looked up with `dlsym`, so builds
    /// without them are left alone). Call it once, before any BLAS work, from a program's
    /// entry point. Returns the core name in use afterwards.
    @discardableResult
    public static func correctKernelSelection() -> String {
        #if canImport(Glibc) && arch(x86_64)
        guard getenv("OPENBLAS_CORETYPE") == nil else { return coreName }
        let current = coreName.lowercased()
        guard ["prescott", "core2", "katmai", "unknown"].contains(current) else { return coreName }
        let target: String
        switch pirl_cpu_vector_level() {
        case 2: target = "SkylakeX"
        case 1: target = "Haswell"
        default: return coreName
        }
        guard let quit = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gotoblas_dynamic_quit"),
              let reinit = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gotoblas_dynamic_init") else { return coreName }
        typealias VoidFunction = @convention(c) () -> Void
        setenv("OPENBLAS_CORETYPE", target, 1)
        unsafeBitCast(quit, to: VoidFunction.self)()
        unsafeBitCast(reinit, to: VoidFunction.self)()
        #endif
        return coreName
    }

    /// `y = alpha · op(A) · x + beta · y` (`cblas_sgemv`), with `A` stored `rows × columns`.
    public static func gemv(
        _ trans: Transpose, rows: Int, columns: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil, x: UnsafePointer<Float>,
        beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        if rows == 0 || columns == 0 { return }
        cblas_sgemv(CblasRowMajor, trans.cblas, Int32(rows), Int32(columns), alpha, a, Int32(lda ?? columns), x, 1, beta, y, 1)
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
