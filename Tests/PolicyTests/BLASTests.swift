import Testing
@testable import Policy

/// The row-major CBLAS wrappers against naive loops, for every transpose combination.
@Suite("BLAS wrappers")
struct BLASTests {
    @Test(arguments: [(BLAS.Transpose.none, BLAS.Transpose.none), (.none, .transposed), (.transposed, .none), (.transposed, .transposed)])
    func gemmMatchesNaiveProduct(transA: BLAS.Transpose, transB: BLAS.Transpose) {
        var rng = RandomSource(seed: 111)
        let m = 3, n = 5, k = 4
        let a = (0..<(m * k)).map { _ in rng.gaussian() }, b = (0..<(k * n)).map { _ in rng.gaussian() }
        var c = (0..<(m * n)).map { _ in rng.gaussian() }
        let c0 = c
        BLAS.gemm(transA, transB, m: m, n: n, k: k, alpha: 2, a: a, b: b, beta: 0.5, c: &c)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k {
                    let av = transA == .none ? a[i * k + p] : a[p * m + i]
                    let bv = transB == .none ? b[p * n + j] : b[j * k + p]
                    s += av * bv
                }
                #expect(abs(c[i * n + j] - (2 * s + 0.5 * c0[i * n + j])) < 1e-4)
            }
        }
    }

    @Test(arguments: [BLAS.Transpose.none, .transposed]) func gemvMatchesNaiveProduct(trans: BLAS.Transpose) {
        var rng = RandomSource(seed: 112)
        let rows = 4, columns = 6
        let a = (0..<(rows * columns)).map { _ in rng.gaussian() }
        let xCount = trans == .none ? columns : rows, yCount = trans == .none ? rows : columns
        let x = (0..<xCount).map { _ in rng.gaussian() }
        var y = (0..<yCount).map { _ in rng.gaussian() }
        let y0 = y
        BLAS.gemv(trans, rows: rows, columns: columns, a: a, x: x, beta: 1, y: &y)
        for i in 0..<yCount {
            var s: Float = 0
            for j in 0..<xCount { s += trans == .none ? a[i * columns + j] * x[j] : a[j * columns + i] * x[j] }
            #expect(abs(y[i] - (s + y0[i])) < 1e-4)
        }
    }

    @Test func linearSingleRowAndBatchAgree() {
        var rng = RandomSource(seed: 113)
        var layout = ParameterLayout()
        let layer = Linear("fc", inFeatures: 7, outFeatures: 5, layout: &layout)
        let store = ParameterStore(layout: layout)
        layer.initialize(store.values, using: &rng)
        let x = (0..<14).map { _ in rng.gaussian() }
        var both = [Float](repeating: 0, count: 10), one = [Float](repeating: 0, count: 5)
        layer.forward(store.values, x: x, y: &both, rows: 2)
        x.withUnsafeBufferPointer { layer.forward(store.values, x: $0.baseAddress! + 7, y: &one, rows: 1) }
        for i in 0..<5 { #expect(abs(one[i] - both[5 + i]) < 1e-5) }
        #expect(!BLAS.coreName.isEmpty)
    }
}
