/// The heads RL trains on top of a frozen flow (``GaussianHead``): noise steering over the
/// start, the residual over a smooth correction of the chunk.
extension FlowPolicy {
    /// Whether the chain starts from the steering head's `N(μ(o), σ²)` rather than `N(0, I)`.
    public var steersNoise: Bool { noiseSteering != nil }
    /// Whether a residual head corrects the flow's chunks.
    public var correctsChunks: Bool { residual != nil }
    /// The residual head's coefficients per chunk (0 without a head).
    public var residualCoefficientCount: Int { residual?.basis.coefficientCount ?? 0 }

    /// The log-std range a head can express (σ ∈ [e⁻⁵, e]); stored values outside it act clamped.
    public static var startLogStdRange: ClosedRange<Float> { GaussianHead.logStdRange }
    /// Parameter names that belong to the noise-steering head.
    public static func isNoiseSteeringParameter(_ name: String) -> Bool { name.hasPrefix("noise_steering.") }
    /// Parameter names that belong to the residual head.
    public static func isResidualParameter(_ name: String) -> Bool { name.hasPrefix("residual.") }

    /// Initializes the steering and residual heads alone (a checkpoint without them grown into
    /// this layout): both start as "no change".
    public func initializeHeads(seed: UInt64) {
        var rng = RandomSource(seed: seed)
        noiseSteering?.initialize(parameters.values, using: &rng)
        residual?.head.initialize(parameters.values, using: &rng)
    }

    /// The steering head's start distribution for rows that index the encoded observations;
    /// false (nothing written) without a head.
    public func startDistribution(conditions: UnsafePointer<Int32>, rows: Int,
                                  mean: UnsafeMutablePointer<Float>, logStd: UnsafeMutablePointer<Float>) -> Bool {
        guard let head = noiseSteering else { return false }
        let act = workspace(&steeringActivations, head, rows: rows)
        head.forward(parameters.values, prefix: encodedPrefix, prefixWidth: prefixWidth, conditions: conditions, extra: nil,
                     rows: rows, act: act, mean: mean, logStd: logStd)
        return true
    }

    /// Accumulates the steering head's gradients for the last ``startDistribution(conditions:rows:mean:logStd:)``.
    public func backwardStart(dMean: UnsafePointer<Float>, dLogStd: UnsafePointer<Float>) {
        guard let head = noiseSteering, let act = steeringActivations else { preconditionFailure("backwardStart before startDistribution") }
        head.backward(parameters.values, parameters.gradients, dMean: dMean, dLogStd: dLogStd, act: act)
    }

    /// The residual head's distribution of correction coefficients for rows that index the
    /// encoded observations, given the flow's chunks; nil (nothing written) without a head.
    public func residualDistribution(conditions: UnsafePointer<Int32>, chunks: UnsafePointer<Float>, rows: Int,
                                     mean: UnsafeMutablePointer<Float>, logStd: UnsafeMutablePointer<Float>) -> ChunkNoiseBasis? {
        guard let (head, basis) = residual else { return nil }
        let act = workspace(&residualActivations, head, rows: rows)
        head.forward(parameters.values, prefix: encodedPrefix, prefixWidth: prefixWidth, conditions: conditions, extra: chunks,
                     rows: rows, act: act, mean: mean, logStd: logStd)
        return basis
    }

    /// Accumulates the residual head's gradients for the last ``residualDistribution(conditions:chunks:rows:mean:logStd:)``.
    public func backwardResidual(dMean: UnsafePointer<Float>, dLogStd: UnsafePointer<Float>) {
        guard let head = residual?.head, let act = residualActivations else { preconditionFailure("backwardResidual before residualDistribution") }
        head.backward(parameters.values, parameters.gradients, dMean: dMean, dLogStd: dLogStd, act: act)
    }

    /// A head's workspace with room for `rows`, grown (never shrunk) as needed.
    private func workspace(_ slot: inout GaussianHead.Activations?, _ head: GaussianHead, rows: Int) -> GaussianHead.Activations {
        if let act = slot, act.capacity >= rows { return act }
        let act = GaussianHead.Activations(head, capacity: rows)
        slot = act
        return act
    }
}
