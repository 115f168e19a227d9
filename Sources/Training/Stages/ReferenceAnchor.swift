import Policy

/// The reference anchor (``RLSettings/referenceCoefficient``): a penalty on the squared
/// difference between the actor's velocity field and a frozen reference policy's (the RL
/// start, i.e. the SFT checkpoint) at the denoising states of the stored rollout chains.
///
/// Why velocities at stored chain states: a Flow-SDE transition's mean is affine in the
/// velocity with the same std for both policies, so the penalty is proportional to the KL
/// divergence between their transitions, and it is exactly zero (with zero gradient) while
/// the actor still equals the reference. It holds the policy on the states the policy
/// gradient acts on; the demonstration anchor holds only the demonstrations' states.
public final class ReferenceAnchor {
    /// The frozen policy the actor is held to; its encoder must equal the actor's (RL freezes it).
    public let reference: FlowPolicy
    private var x: [Float] = [], times: [Float] = [], conditions: [Int32] = []
    private var target: [Float] = [], velocity: [Float] = [], dVelocity: [Float] = []

    /// An anchor to `reference`.
    public init(reference: FlowPolicy) {
        self.reference = reference
    }

    /// Adds `scale × ∂L/∂θ` to `policy`'s gradients and returns L, the mean over `rows` and
    /// chunk entries of `(v_θ − v_ref)²` at one denoising step per row, drawn from
    /// `streamSeed`. `chain` holds the rows' stored chains; `prefixes` their prefix
    /// features, which the caller has loaded into `policy` and which are loaded into the reference here.
    public func accumulateGradient(policy: FlowPolicy, chain: FlowChain, rows: Int, prefixes: UnsafeBufferPointer<Float>,
                                   streamSeed: UInt64, scale: Float) -> Float {
        let d = policy.dimension
        precondition(reference.dimension == d && reference.prefixWidth == policy.prefixWidth, "reference and actor disagree on shapes")
        precondition(rows <= chain.batch && prefixes.count >= rows * policy.prefixWidth)
        var rng = RandomSource(seed: streamSeed)
        resize(rows * d, rows)
        for b in 0..<rows {
            let k = rng.index(below: chain.steps)
            times[b] = Float(chain.schedule.time(k))
            x.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: b * d).update(from: chain.state(k) + b * d, count: d) }
        }
        reference.loadPrefixFeatures(UnsafeBufferPointer(rebasing: prefixes[0..<(rows * policy.prefixWidth)]), count: rows)
        reference.evaluateVelocity(x: x, t: times, conditions: conditions, rows: rows, into: &target)
        policy.evaluateVelocity(x: x, t: times, conditions: conditions, rows: rows, into: &velocity)
        let loss = FlowMatchingLoss.squaredError(velocity: velocity, target: target, gradientScale: scale, dVelocity: &dVelocity)
        dVelocity.withUnsafeBufferPointer { policy.backward(dVelocity: $0.baseAddress!, dLogVariance: nil) }
        return loss
    }

    private func resize(_ entries: Int, _ rows: Int) {
        if x.count != entries {
            x = [Float](repeating: 0, count: entries)
            target = x; velocity = x; dVelocity = x
        }
        if times.count != rows {
            times = [Float](repeating: 0, count: rows)
            conditions = (0..<rows).map(Int32.init)   // row b reads observation b
        }
    }
}
