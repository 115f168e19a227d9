/// The flow-matching (SFT) loss of docs/design/flow-rl.md §2 and its gradient.
///
/// `x_t = t·ε + (1 − t)·a`, target `u = ε − a`, `L = mean((v_θ(x_t, t, o) − u)²)` over
/// all `batch × H·D` entries. Time convention: t = 1 is noise, t = 0 the action.
public enum FlowMatchingLoss {
    /// `t = 0.001 + 0.999·b`, `b ~ Beta(1.5, 1)` (inverse CDF: `b = U^(1/1.5)`).
    public static func sampleTime(using rng: inout RandomSource) -> Float {
        Float(0.001 + 0.999 * _pow(rng.uniformOpen(), 1 / 1.5))
    }

    /// The loss for `actions` (`batch × H·D`, normalized) given fixed `noise` and `times`;
    /// with `accumulateGradient`, also adds `gradientScale × ∂L/∂θ` to the gradients, through the
    /// encoder unless `throughEncoder` is false (a frozen encoder gets no gradient at all).
    public static func loss(
        policy: FlowPolicy, observations: ObservationBatch, actions: [Float], noise: [Float], times: [Float],
        accumulateGradient: Bool, gradientScale: Float = 1, throughEncoder: Bool = true
    ) -> Float {
        policy.encode(observations)
        let loss = lossOnLoadedPrefix(policy: policy, rows: observations.count, actions: actions, noise: noise, times: times,
                                      accumulateGradient: accumulateGradient, gradientScale: gradientScale)
        if accumulateGradient && throughEncoder { policy.backwardEncoder() }
        return loss
    }

    /// The same loss for `rows` observations whose prefix features the policy already holds
    /// (``FlowPolicy/loadPrefixFeatures(_:count:)``, as RL's replayed decisions); the
    /// gradient stops at the prefix.
    public static func lossOnLoadedPrefix(
        policy: FlowPolicy, rows n: Int, actions: [Float], noise: [Float], times: [Float],
        accumulateGradient: Bool, gradientScale: Float = 1
    ) -> Float {
        let d = policy.dimension
        precondition(actions.count == n * d && noise.count == n * d && times.count == n)
        var x = [Float](repeating: 0, count: n * d), target = x, v = x
        for b in 0..<n {
            for j in 0..<d {
                let i = b * d + j
                x[i] = times[b] * noise[i] + (1 - times[b]) * actions[i]
                target[i] = noise[i] - actions[i]
            }
        }
        policy.evaluateVelocity(x: x, t: times, conditions: (0..<n).map(Int32.init), rows: n, into: &v)
        var dV = [Float](repeating: 0, count: n * d)
        let loss = squaredError(velocity: v, target: target, gradientScale: gradientScale, dVelocity: &dV)
        if accumulateGradient {
            dV.withUnsafeBufferPointer { policy.backward(dVelocity: $0.baseAddress!, dLogVariance: nil) }
        }
        return loss
    }

    /// `L = mean((v − target)²)` over every entry, with `gradientScale × ∂L/∂v` written into
    /// `dVelocity` (same count): the regression both flow matching and the RL reference anchor use.
    public static func squaredError(velocity: [Float], target: [Float], gradientScale: Float, dVelocity: inout [Float]) -> Float {
        let count = velocity.count
        precondition(target.count == count && dVelocity.count == count)
        var loss: Double = 0
        let scale = gradientScale / Float(count)
        for i in 0..<count {
            let r = velocity[i] - target[i]
            loss += Double(r * r)
            dVelocity[i] = 2 * r * scale
        }
        return Float(loss / Double(count))
    }
}

extension FlowPolicy {
    /// ``evaluate(x:t:conditions:rows:velocity:logVariance:)`` on arrays, without the noise head.
    public func evaluateVelocity(x: [Float], t: [Float], conditions: [Int32], rows: Int, into velocity: inout [Float]) {
        precondition(x.count >= rows * dimension && t.count >= rows && conditions.count >= rows && velocity.count >= rows * dimension)
        x.withUnsafeBufferPointer { xp in t.withUnsafeBufferPointer { tp in conditions.withUnsafeBufferPointer { cp in
            velocity.withUnsafeMutableBufferPointer { vp in
                evaluate(x: xp.baseAddress!, t: tp.baseAddress!, conditions: cp.baseAddress!, rows: rows,
                         velocity: vp.baseAddress!, logVariance: nil)
            }
        } } }
    }
}
