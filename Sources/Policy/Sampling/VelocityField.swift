/// Anything the samplers can integrate: `v(x, t, o)` for a batch of rows.
///
/// Each row has its own chunk `x` (``dimension`` floats), its own time `t` and the
/// index of its observation (`conditions`), so one call can hold many observations
/// at one step (sampling) or many (sample, step) pairs (likelihood recomputation).
public protocol VelocityField {
    /// Floats per chunk (H·D).
    var dimension: Int { get }

    /// Writes `rows × dimension` velocities and, when `logVariance` is non-nil, the
    /// Flow-Noise head's per-entry log-variance for the same rows.
    func evaluate(
        x: UnsafePointer<Float>, t: UnsafePointer<Float>, conditions: UnsafePointer<Int32>, rows: Int,
        velocity: UnsafeMutablePointer<Float>, logVariance: UnsafeMutablePointer<Float>?)

    /// The distribution `N(mean, exp(logStd)²)` of each row's start `x⁽⁰⁾` (`rows × dimension`
    /// each), for a field that steers its initial noise (``PolicyConfig/Architecture/noiseSteeringWidth``).
    /// Returns false, writing nothing, when the start is the standard normal.
    func startDistribution(conditions: UnsafePointer<Int32>, rows: Int,
                           mean: UnsafeMutablePointer<Float>, logStd: UnsafeMutablePointer<Float>) -> Bool

    /// The smooth correction a residual head adds to each row's chunk: the basis it is
    /// synthesized with (nil, writing nothing, without a head) and `N(mean, exp(logStd)²)` of
    /// its coefficients (`rows × basis.coefficientCount` each), given the flow's chunks `chunks`.
    func residualDistribution(conditions: UnsafePointer<Int32>, chunks: UnsafePointer<Float>, rows: Int,
                              mean: UnsafeMutablePointer<Float>, logStd: UnsafeMutablePointer<Float>) -> ChunkNoiseBasis?

    /// The residual head's coefficients per chunk (0 without a head).
    var residualCoefficientCount: Int { get }
}

extension VelocityField {
    /// The standard normal start: nothing to write.
    public func startDistribution(conditions: UnsafePointer<Int32>, rows: Int,
                                  mean: UnsafeMutablePointer<Float>, logStd: UnsafeMutablePointer<Float>) -> Bool { false }

    /// No residual head.
    public func residualDistribution(conditions: UnsafePointer<Int32>, chunks: UnsafePointer<Float>, rows: Int,
                                     mean: UnsafeMutablePointer<Float>, logStd: UnsafeMutablePointer<Float>) -> ChunkNoiseBasis? { nil }

    /// No residual head.
    public var residualCoefficientCount: Int { 0 }
}

/// A velocity field that can backpropagate into its parameters.
public protocol DifferentiableVelocityField: VelocityField {
    /// Backpropagates the gradients of the outputs of the most recent ``evaluate``
    /// call (same rows) into the field's parameter gradients (accumulating).
    func backward(dVelocity: UnsafePointer<Float>, dLogVariance: UnsafePointer<Float>?)

    /// Backpropagates the gradients of the last ``VelocityField/startDistribution(conditions:rows:mean:logStd:)``'s
    /// means (`rows × dimension`) and log-stds (same shape) into the parameter gradients (accumulating).
    func backwardStart(dMean: UnsafePointer<Float>, dLogStd: UnsafePointer<Float>)

    /// Backpropagates the gradients of the last ``VelocityField/residualDistribution(conditions:chunks:rows:mean:logStd:)``'s
    /// means and log-stds into the parameter gradients (accumulating).
    func backwardResidual(dMean: UnsafePointer<Float>, dLogStd: UnsafePointer<Float>)
}

extension DifferentiableVelocityField {
    /// A field with the standard normal start has nothing to backpropagate.
    public func backwardStart(dMean: UnsafePointer<Float>, dLogStd: UnsafePointer<Float>) {
        preconditionFailure("this field's start is the standard normal; it has no parameters")
    }

    /// A field without a residual head has nothing to backpropagate.
    public func backwardResidual(dMean: UnsafePointer<Float>, dLogStd: UnsafePointer<Float>) {
        preconditionFailure("this field has no residual head")
    }
}

/// The exact velocity for one-dimensional Gaussian data `a ~ N(m, s²)` (docs/design/flow-rl.md §7.1):
/// `v*(x, t) = −m + (t − (1 − t)s²)/(t² + (1 − t)²s²) · (x − (1 − t)m)`, per entry.
public struct GaussianVelocityField: VelocityField, Sendable {
    /// Entries per row.
    public let dimension: Int
    /// The data mean m.
    public let mean: Double
    /// The data std s.
    public let std: Double
    /// The log-variance reported to Flow-Noise samplers (a fixed noise std).
    public let noiseLogVariance: Float

    /// Creates the field; `noiseStd` is what Flow-Noise sampling will inject.
    public init(dimension: Int = 1, mean: Double, std: Double, noiseStd: Double = 0.1) {
        self.dimension = dimension
        self.mean = mean
        self.std = std
        noiseLogVariance = Float(2 * _log(noiseStd))
    }

    /// Evaluates `v*` row by row.
    public func evaluate(
        x: UnsafePointer<Float>, t: UnsafePointer<Float>, conditions: UnsafePointer<Int32>, rows: Int,
        velocity: UnsafeMutablePointer<Float>, logVariance: UnsafeMutablePointer<Float>?
    ) {
        let s2 = std * std
        for r in 0..<rows {
            let tt = Double(t[r]), u = 1 - tt
            let gain = (tt - u * s2) / (tt * tt + u * u * s2)
            for i in 0..<dimension {
                let j = r * dimension + i
                velocity[j] = Float(-mean + gain * (Double(x[j]) - u * mean))
                logVariance?[j] = noiseLogVariance
            }
        }
    }
}
