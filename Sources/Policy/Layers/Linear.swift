/// A fully connected layer `y = x·Wᵀ + b`.
///
/// Shapes: `x` is `rows × inFeatures`, `W` is `outFeatures × inFeatures` (PyTorch
/// layout), `b` is `outFeatures`, `y` is `rows × outFeatures`.
/// Backward needs only `x` (kept by the caller) and `dy`.
public struct Linear: Sendable {
    /// Input width.
    public let inFeatures: Int
    /// Output width.
    public let outFeatures: Int
    /// Offset of `W` in the parameter buffer.
    public let weight: Int
    /// Offset of `b` in the parameter buffer.
    public let bias: Int

    /// Registers `name.weight` and `name.bias` in `layout`.
    public init(_ name: String, inFeatures: Int, outFeatures: Int, layout: inout ParameterLayout) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = layout.add("\(name).weight", shape: [outFeatures, inFeatures])
        bias = layout.add("\(name).bias", shape: [outFeatures])
    }

    /// Uniform(±1/√in) initialization, as PyTorch's default for `nn.Linear`.
    public func initialize(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        let bound = 1 / Float(inFeatures).squareRoot()
        for i in 0..<(inFeatures * outFeatures) { p[weight + i] = Float(rng.uniformOpen() * 2 - 1) * bound }
        for i in 0..<outFeatures { p[bias + i] = Float(rng.uniformOpen() * 2 - 1) * bound }
    }

    /// `y = x·Wᵀ + b` for `rows` rows.
    public func forward(_ p: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int) {
        for r in 0..<rows { (y + r * outFeatures).update(from: p + bias, count: outFeatures) }
        if rows == 1 {
            // One row: a matrix–vector product avoids sgemm's packing of W.
            BLAS.gemv(.none, rows: outFeatures, columns: inFeatures, a: p + weight, x: x, beta: 1, y: y)
        } else {
            BLAS.gemm(.none, .transposed, m: rows, n: outFeatures, k: inFeatures,
                      a: x, b: p + weight, beta: 1, c: y)
        }
    }

    /// Accumulates `dW += dyᵀ·x`, `db += Σ dy`; writes (or, with `accumulate`, adds)
    /// `dx = dy·W` when `dx` is given.
    public func backward(
        _ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
        x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
        rows: Int, accumulate: Bool = false
    ) {
        BLAS.gemm(.transposed, .none, m: outFeatures, n: inFeatures, k: rows,
                  a: dy, b: x, beta: 1, c: g + weight)
        VectorMath.accumulateColumnSums(dy, rows: rows, columns: outFeatures, into: g + bias)
        if let dx {
            BLAS.gemm(.none, .none, m: rows, n: inFeatures, k: outFeatures,
                      a: dy, b: p + weight, beta: accumulate ? 1 : 0, c: dx)
        }
    }

    /// Multiply–adds per row.
    public var flopsPerRow: Int { 2 * inFeatures * outFeatures }
}
