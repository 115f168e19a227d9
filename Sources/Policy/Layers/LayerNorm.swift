/// Layer normalization over the last dimension, with an optional learned affine.
///
/// Shapes: `x`, `y` are `rows × width`; forward stores each row's mean and
/// reciprocal standard deviation (`rows` each) for backward. ε = 1e-6.
public struct LayerNorm: Sendable {
    /// The normalized width.
    public let width: Int
    /// Offsets of `γ` and `β`, when the layer has an affine.
    public let affine: (gamma: Int, beta: Int)?
    /// The variance floor.
    public static let epsilon: Float = 1e-6

    /// Registers `name.weight`/`name.bias` when `affine` is true.
    public init(_ name: String, width: Int, affine: Bool, layout: inout ParameterLayout) {
        self.width = width
        if affine {
            self.affine = (layout.add("\(name).weight", shape: [width]), layout.add("\(name).bias", shape: [width]))
        } else {
            self.affine = nil
        }
    }

    /// Sets `γ = 1`, `β = 0`.
    public func initialize(_ p: UnsafeMutablePointer<Float>) {
        guard let affine else { return }
        (p + affine.gamma).update(repeating: 1, count: width)
        (p + affine.beta).update(repeating: 0, count: width)
    }

    /// Normalizes each row; writes `mean` and `rstd` per row.
    public func forward(
        _ p: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>, rows: Int
    ) {
        for r in 0..<rows {
            let xr = x + r * width, yr = y + r * width
            let (m, rs) = VectorMath.moments(xr, count: width, epsilon: LayerNorm.epsilon)
            mean[r] = m; rstd[r] = rs
            if let affine {
                for i in 0..<width { yr[i] = (xr[i] - m) * rs * p[affine.gamma + i] + p[affine.beta + i] }
            } else {
                for i in 0..<width { yr[i] = (xr[i] - m) * rs }
            }
        }
    }

    /// Accumulates `dx` (adds to it) and, with an affine, `dγ`, `dβ`.
    public func backward(
        _ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
        x: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
        dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows: Int
    ) {
        let n = Float(width)
        for r in 0..<rows {
            let xr = x + r * width, dyr = dy + r * width, dxr = dx + r * width
            let m = mean[r], rs = rstd[r]
            var sumD: Float = 0, sumDN: Float = 0
            for i in 0..<width {
                let xhat = (xr[i] - m) * rs
                var d = dyr[i]
                if let affine {
                    g[affine.gamma + i] += d * xhat
                    g[affine.beta + i] += d
                    d *= p[affine.gamma + i]
                }
                sumD += d; sumDN += d * xhat
            }
            for i in 0..<width {
                let xhat = (xr[i] - m) * rs
                var d = dyr[i]
                if let affine { d *= p[affine.gamma + i] }
                dxr[i] += rs * (d - sumD / n - xhat * sumDN / n)
            }
        }
    }
}
