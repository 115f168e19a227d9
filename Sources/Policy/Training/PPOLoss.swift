/// The PPO loss terms of docs/design/flow-rl.md §5 as pure functions that also return their gradients
/// (CleanRL's names: `pgLoss`, `vLoss`, `clipCoef`).
///
/// The actor term works on whatever ratio granularity the log-likelihoods were computed
/// with (``RatioGranularity``): every entry of `logProb` is one ratio, with its advantage.
public enum PPOLoss {
    /// The clipped-surrogate actor loss and its diagnostics.
    public struct Actor: Sendable {
        /// `pgLoss = mean(max(−A·r, −A·clip(r, 1 − c, 1 + c)))`, `r = exp(log π − log π_old)`.
        public var pgLoss: Float
        /// `∂pgLoss/∂log π` per entry (zero where the clipped term is active).
        public var dLogProb: [Float]
        /// Fraction of entries whose ratio lies outside `[1 − c, 1 + c]`.
        public var clipFraction: Float
        /// The `(r − 1) − log r` estimate of KL(old ‖ new), averaged.
        public var approxKL: Float
    }

    /// The actor loss for per-entry log-likelihoods, old log-likelihoods and advantages.
    public static func actor(logProb: [Float], oldLogProb: [Float], advantages: [Float], clipCoef: Float = 0.2) -> Actor {
        precondition(logProb.count == oldLogProb.count && logProb.count == advantages.count && !logProb.isEmpty)
        let n = Float(logProb.count)
        var loss: Float = 0, clipped: Float = 0, kl: Float = 0
        var d = [Float](repeating: 0, count: logProb.count)
        for i in 0..<logProb.count {
            let logRatio = logProb[i] - oldLogProb[i]
            let r = _exp(logRatio), a = advantages[i]
            let unclippedTerm = -a * r
            let clippedTerm = -a * min(max(r, 1 - clipCoef), 1 + clipCoef)
            if r < 1 - clipCoef || r > 1 + clipCoef { clipped += 1 }
            kl += (r - 1) - logRatio
            if unclippedTerm >= clippedTerm {
                loss += unclippedTerm
                d[i] = -a * r / n  // ∂(−A·r)/∂log π = −A·r
            } else {
                loss += clippedTerm  // constant in log π: the ratio is clipped
            }
        }
        return Actor(pgLoss: loss / n, dLogProb: d, clipFraction: clipped / n, approxKL: kl / n)
    }

    /// The clipped value loss and its gradient.
    public struct Critic: Sendable {
        /// `vLoss = mean(max(huber(V − R), huber(V_old + clip(V − V_old, ±c) − R)))`.
        public var vLoss: Float
        /// `∂vLoss/∂V` per value.
        public var dValues: [Float]
    }

    /// Huber loss `½x²` for `|x| ≤ δ`, `δ(|x| − ½δ)` beyond, and its derivative.
    public static func huber(_ x: Float, delta: Float) -> (value: Float, derivative: Float) {
        abs(x) <= delta ? (0.5 * x * x, x) : (delta * (abs(x) - 0.5 * delta), x > 0 ? delta : -delta)
    }

    /// The critic loss with value clipping (±`clipCoef` around the old value) and a Huber loss (δ = 10).
    public static func critic(values: [Float], oldValues: [Float], returns: [Float], clipCoef: Float = 0.2, huberDelta: Float = 10) -> Critic {
        precondition(values.count == oldValues.count && values.count == returns.count && !values.isEmpty)
        let n = Float(values.count)
        var loss: Float = 0
        var d = [Float](repeating: 0, count: values.count)
        for i in 0..<values.count {
            let change = values[i] - oldValues[i]
            let clippedValue = oldValues[i] + min(max(change, -clipCoef), clipCoef)
            let u = huber(values[i] - returns[i], delta: huberDelta)
            let c = huber(clippedValue - returns[i], delta: huberDelta)
            if u.value >= c.value {
                loss += u.value
                d[i] = u.derivative / n
            } else {
                loss += c.value
                d[i] = abs(change) <= clipCoef ? c.derivative / n : 0
            }
        }
        return Critic(vLoss: loss / n, dValues: d)
    }

    /// Batch advantage normalization `(A − mean)/(std + 1e-5)` (population std).
    public static func normalizeAdvantages(_ advantages: [Float]) -> [Float] {
        guard !advantages.isEmpty else { return [] }
        let n = Double(advantages.count)
        let mean = advantages.reduce(0.0) { $0 + Double($1) } / n
        let variance = advantages.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let scale = 1 / (variance.squareRoot() + 1e-5)
        return advantages.map { Float((Double($0) - mean) * scale) }
    }
}
