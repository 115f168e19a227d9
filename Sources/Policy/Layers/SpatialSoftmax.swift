/// Spatial softmax (Levine et al. 2016, "End-to-End Training of Deep Visuomotor
/// Policies"; robomimic's `SpatialSoftmax`): each of `keypoints` feature maps becomes a
/// distribution over its positions, and the features are that distribution's expected
/// image coordinates. A global mean keeps *what* a map saw but not *where*; the expected
/// (x, y) is where, which is what reaching and placing need.
///
/// Shapes: `x` (the maps) and `probabilities` are `images × keypoints × height × width`;
/// the output row of an image is `[x₀, y₀, x₁, y₁, …]` (`2·keypoints` floats, each in
/// [−1, 1]: column 0 is x = −1, the last column x = +1; row 0 is y = −1). With a learned
/// temperature the logits are `x · exp(−s)`, `s` one parameter initialized to 0 (T = 1).
/// Forward keeps the probabilities and the output for backward.
public struct SpatialSoftmax: Sendable {
    /// Maps, each giving one (x, y) keypoint.
    public let keypoints: Int
    /// Offset of `s = log T`, when the temperature is learned.
    public let logTemperature: Int?

    /// Features per image: `2 · keypoints`.
    public var features: Int { 2 * keypoints }

    /// Registers `name.log_temperature` when `learnedTemperature` is true.
    public init(_ name: String, keypoints: Int, learnedTemperature: Bool, layout: inout ParameterLayout) {
        self.keypoints = keypoints
        logTemperature = learnedTemperature ? layout.add("\(name).log_temperature", shape: [1]) : nil
    }

    /// Sets `T = 1`.
    public func initialize(_ p: UnsafeMutablePointer<Float>) {
        if let logTemperature { p[logTemperature] = 0 }
    }

    /// FLOPs per image (max, exp, normalization and the two expectations, ~8 per position).
    public func flopsPerImage(spatial: Int) -> Int { 8 * keypoints * spatial }

    /// The x coordinate of column `j` of `width` (0 for a one-column map).
    @inline(__always) static func coordinate(_ j: Int, _ size: Int) -> Float {
        size > 1 ? Float(j) * (2 / Float(size - 1)) - 1 : 0
    }

    /// Writes the keypoints of `images` maps to `y` (row `b` at `y + b·yStride`) and the
    /// softmax to `probabilities`.
    public func forward(
        _ p: UnsafePointer<Float>, x: UnsafePointer<Float>, probabilities: UnsafeMutablePointer<Float>,
        y: UnsafeMutablePointer<Float>, yStride: Int, images: Int, height: Int, width: Int
    ) {
        let spatial = height * width
        let inverseT: Float = logTemperature.map { _exp(-p[$0]) } ?? 1
        for b in 0..<images {
            for k in 0..<keypoints {
                let xk = x + (b * keypoints + k) * spatial, pk = probabilities + (b * keypoints + k) * spatial
                var top = -Float.infinity
                for i in 0..<spatial { top = max(top, xk[i]) }
                var sum: Float = 0
                for i in 0..<spatial { let e = _exp((xk[i] - top) * inverseT); pk[i] = e; sum += e }
                let r = 1 / sum
                var ex: Float = 0, ey: Float = 0
                for row in 0..<height {
                    let py = Self.coordinate(row, height)
                    var rowSum: Float = 0
                    for col in 0..<width {
                        let i = row * width + col
                        pk[i] *= r
                        rowSum += pk[i]
                        ex += pk[i] * Self.coordinate(col, width)
                    }
                    ey += rowSum * py
                }
                y[b * yStride + 2 * k] = ex
                y[b * yStride + 2 * k + 1] = ey
            }
        }
    }

    /// Writes the maps' gradient to `dx` (overwrites) and accumulates `ds` when the
    /// temperature is learned. `y` is forward's output, `dy` its gradient (same strides).
    public func backward(
        _ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
        x: UnsafePointer<Float>, probabilities: UnsafePointer<Float>,
        y: UnsafePointer<Float>, dy: UnsafePointer<Float>, yStride: Int,
        dx: UnsafeMutablePointer<Float>, images: Int, height: Int, width: Int
    ) {
        let spatial = height * width
        let inverseT: Float = logTemperature.map { _exp(-p[$0]) } ?? 1
        var dS: Float = 0
        for b in 0..<images {
            for k in 0..<keypoints {
                let o = (b * keypoints + k) * spatial
                let pk = probabilities + o, xk = x + o, dxk = dx + o
                let dX = dy[b * yStride + 2 * k], dY = dy[b * yStride + 2 * k + 1]
                // dlogit_i = p_i·(dp_i − Σⱼ pⱼ·dpⱼ), dp_i = dX·x_i + dY·y_i, Σⱼ pⱼ·dpⱼ = dX·E[x] + dY·E[y].
                let mean = dX * y[b * yStride + 2 * k] + dY * y[b * yStride + 2 * k + 1]
                for row in 0..<height {
                    let yTerm = dY * Self.coordinate(row, height) - mean
                    for col in 0..<width {
                        let i = row * width + col
                        let dLogit = pk[i] * (dX * Self.coordinate(col, width) + yTerm)
                        dxk[i] = dLogit * inverseT
                        dS -= dLogit * xk[i]
                    }
                }
            }
        }
        if let logTemperature { g[logTemperature] += dS * inverseT }
    }
}
