/// Integrates a ``VelocityField`` from noise (t = 1) to an action chunk (t = 0)
/// with ODE, Flow-SDE or Flow-Noise transitions (docs/design/flow-rl.md §3). The start is `N(0, I)`,
/// or the field's steered start when it has one (``VelocityField/startDistribution(conditions:rows:mean:logStd:)``).
///
/// Every transition is `x⁽ᵏ⁺¹⁾ = μ_k + s_k ⊙ ξ` (Flow-SDE: ξ projected onto the chain's
/// ``FlowChain/noiseBasis`` when it has one). The whole chain is kept in the
/// ``FlowChain`` so log-likelihoods can be recomputed later.
public struct FlowSampler: Sendable {
    /// The transition kernel.
    public var method: SamplerMethod
    /// Which Flow-SDE steps are stochastic.
    public var sdeSelection: SDEStepSelection
    /// τ, the scale of the start's noise (``PolicyConfig/SamplerDefaults/startTemperature``).
    /// A chain sampled at τ ≠ 1 is not the distribution log π scores.
    public var startTemperature: Float

    /// Creates a sampler.
    public init(method: SamplerMethod, sdeSelection: SDEStepSelection = .single, startTemperature: Double = 1) {
        self.method = method
        self.sdeSelection = sdeSelection
        self.startTemperature = Float(startTemperature)
    }

    /// Samples `chain.batch` chunks; row b is conditioned on observation b.
    /// Draws ε, k* and ξ from `rng` in a fixed order, so the same seed gives the same chunks.
    public func sample(_ field: some VelocityField, into chain: FlowChain, using rng: inout RandomSource) {
        precondition(field.dimension == chain.dimension, "field and chain disagree on the chunk size")
        let n = chain.batch * chain.dimension, d = chain.dimension, batch = chain.batch
        let schedule = chain.schedule
        chain.method = method
        chain.sdeSelection = sdeSelection
        rng.fillGaussian(chain.state(0), count: n)
        chain.steeredStart = field.startDistribution(conditions: chain.conditions, rows: batch,
                                                     mean: chain.startMean, logStd: chain.startLogStd)
        let x0 = chain.state(0), tau = startTemperature
        if chain.steeredStart {
            let mean = chain.startMean, logStd = chain.startLogStd
            for i in 0..<n { x0[i] = mean[i] + tau * _exp(logStd[i]) * x0[i] }
        } else if tau != 1 {
            for i in 0..<n { x0[i] *= tau }
        }
        for b in 0..<batch {
            chain.stochasticStep[b] = (method == .flowSDE && sdeSelection == .single)
                ? Int32(rng.index(below: schedule.steps)) : -1
        }
        let delta = Float(schedule.delta)
        for k in 0..<schedule.steps {
            let t = Float(schedule.time(k))
            chain.times.update(repeating: t, count: batch)
            let x = chain.state(k), next = chain.state(k + 1), v = chain.velocity
            field.evaluate(x: x, t: chain.times, conditions: chain.conditions, rows: batch, velocity: v,
                           logVariance: method == .flowNoise ? chain.logVariance : nil)
            switch method {
            case .ode, .noiseSteering, .residual:
                for i in 0..<n { next[i] = x[i] - delta * v[i] }
            case .flowNoise:
                let lv = chain.logVariance
                for i in 0..<n { next[i] = x[i] - delta * v[i] + _exp(0.5 * lv[i]) * rng.gaussian() }
            case .flowSDE:
                let c = Float(schedule.sdeDriftCoefficient(k)), s = Float(schedule.sdeStd(k))
                for b in 0..<batch {
                    let stochastic = sdeSelection == .every || chain.stochasticStep[b] == Int32(k)
                    let lo = b * d, hi = lo + d
                    if stochastic {
                        // ξ for the whole chunk first (the same draws either way), then smoothed.
                        let noise = chain.noiseScratch
                        for i in 0..<d { noise[i] = rng.gaussian() }
                        chain.noiseBasis?.project(noise, scratch: noise + d)
                        for i in lo..<hi {
                            next[i] = Self.sdeMean(x: x[i], v: v[i], delta: delta, drift: c, t: t) + s * noise[i - lo]
                        }
                    } else {
                        for i in lo..<hi { next[i] = x[i] - delta * v[i] }
                    }
                }
            }
        }
        correct(field, chain, using: &rng)
    }

    /// The residual head's correction of the finished chunks, when the field has one; its
    /// draws come after the chain's, so a field without a head samples as before.
    private func correct(_ field: some VelocityField, _ chain: FlowChain, using rng: inout RandomSource) {
        chain.residualBasis = field.residualDistribution(conditions: chain.conditions, chunks: chain.state(chain.steps), rows: chain.batch,
                                                         mean: chain.residualMean, logStd: chain.residualLogStd)
        guard let basis = chain.residualBasis else { return }
        let m = basis.coefficientCount, d = chain.dimension
        for b in 0..<chain.batch {
            for j in 0..<m {
                chain.residualCoefficients[b * d + j] = chain.residualMean[b * m + j] + _exp(chain.residualLogStd[b * m + j]) * rng.gaussian()
            }
        }
        chain.correct(with: basis)
    }

    /// The Flow-SDE transition mean `x − δ·v − c·(x + (1 − t)·v)` of one entry (docs/design/flow-rl.md §3).
    @inline(__always)
    static func sdeMean(x: Float, v: Float, delta: Float, drift c: Float, t: Float) -> Float {
        x - delta * v - c * (x + (1 - t) * v)
    }
}
