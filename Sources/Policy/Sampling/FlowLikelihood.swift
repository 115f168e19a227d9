/// Log-likelihoods (and the Flow-Noise entropy) of stored chains, per decision and group.
public struct LogLikelihoods: Sendable {
    /// Decisions.
    public var batch: Int
    /// Groups per decision.
    public var groupCount: Int
    /// `batch × groupCount` values of log π.
    public var logProb: [Float]
    /// Per decision: the mean of `½·log(2πe·s²)` over scored entries and steps (Flow-Noise; 0 otherwise).
    public var entropy: [Float]
}

/// Recomputes log π of stored chains (docs/design/flow-rl.md §4) and its gradient w.r.t. the
/// field's parameters. One network evaluation per scored (sample, step) pair, all in
/// one batch; no backpropagation through the chain. Row (b, k) is evaluated with
/// condition index b, so a ``FlowPolicy`` must have encoded the chain's observations
/// in sample order first.
public enum FlowLikelihood {
    /// `ℓ(x' | μ, s) = −log s − ½·log(2π) − ½·((x' − μ)/s)²`, from the log-variance.
    public static func gaussianLogDensity(_ x: Float, mean: Float, logVariance: Float) -> Float {
        let r = x - mean
        return -0.5 * logVariance - halfLogTwoPi - 0.5 * r * r * _exp(-logVariance)
    }

    /// ½·log(2π).
    public static let halfLogTwoPi: Float = 0.918_938_533_204_672_7

    /// log π of every decision in `chain`.
    public static func evaluate(_ field: some VelocityField, chain: FlowChain, options: LikelihoodOptions) -> LogLikelihoods {
        if chain.method.trainsHead { return headLikelihood(field, chain: chain, options: options, gradient: nil, backward: nil) }
        return run(field, chain: chain, options: options, gradient: nil, backward: nil)
    }

    /// log π of every decision, and accumulates into the field's parameter gradients
    /// `Σ dLogProb·∂log π/∂θ + Σ dEntropy·∂entropy/∂θ` (`dLogProb` is `batch × groupCount`).
    public static func evaluateWithGradient(
        _ field: some DifferentiableVelocityField, chain: FlowChain, options: LikelihoodOptions,
        dLogProb: [Float], dEntropy: [Float]? = nil
    ) -> LogLikelihoods {
        precondition(dLogProb.count == chain.batch * options.groupCount, "dLogProb must be batch × groupCount")
        if chain.method.trainsHead {
            let start = chain.method == .noiseSteering
            return headLikelihood(field, chain: chain, options: options, gradient: (dLogProb, dEntropy)) {
                if start { field.backwardStart(dMean: $0, dLogStd: $1) } else { field.backwardResidual(dMean: $0, dLogStd: $1) }
            }
        }
        return run(field, chain: chain, options: options, gradient: (dLogProb, dEntropy)) {
            field.backward(dVelocity: $0, dLogVariance: $1)
        }
    }

    /// The (sample, step) pairs whose transitions are stochastic, and the number of
    /// terms in log π (including the initial-noise term for full chains).
    static func pairs(_ chain: FlowChain) -> (pairs: [(sample: Int, step: Int)], terms: Int, includesPrior: Bool) {
        switch (chain.method, chain.sdeSelection) {
        case (.ode, _):
            preconditionFailure("an ODE chain is deterministic and has no likelihood")
        case (.noiseSteering, _), (.residual, _):
            preconditionFailure("a noise-steering or residual chain is scored by its head alone")
        case (.flowSDE, .single):
            let pairs = (0..<chain.batch).map { b in
                let k = Int(chain.stochasticStep[b])
                precondition((0..<chain.steps).contains(k), "sample \(b) has no stochastic step k* (found \(k))")
                return (sample: b, step: k)
            }
            return (pairs, 1, false)
        case (.flowNoise, _), (.flowSDE, .every):
            var p: [(Int, Int)] = []
            p.reserveCapacity(chain.batch * chain.steps)
            for b in 0..<chain.batch { for k in 0..<chain.steps { p.append((b, k)) } }
            return (p, chain.steps + 1, true)
        }
    }

    /// log π (and, with `gradient`, its upstream-weighted derivatives handed to `backward`).
    static func run(
        _ field: some VelocityField, chain: FlowChain, options: LikelihoodOptions,
        gradient: (dLogProb: [Float], dEntropy: [Float]?)?,
        backward: ((UnsafePointer<Float>, UnsafePointer<Float>?) -> Void)?
    ) -> LogLikelihoods {
        let d = chain.dimension, batch = chain.batch, schedule = chain.schedule
        precondition(d == options.horizon * options.actionDim, "chunk size disagrees with the options")
        let (pairs, terms, includesPrior) = Self.pairs(chain)
        let rows = pairs.count
        let termScale: Float = options.reduction == .mean ? 1 / Float(terms) : 1
        let groups = options.groupCount
        var logProb = [Float](repeating: 0, count: batch * groups)
        var entropy = [Float](repeating: 0, count: batch)
        let scored = options.executedRows * options.scoredDims
        let flowNoise = chain.method == .flowNoise

        if includesPrior {
            for b in 0..<batch {
                let x0 = chain.state(0) + b * d
                for r in 0..<options.executedRows {
                    for j in 0..<options.scoredDims {
                        let v = x0[r * options.actionDim + j]
                        logProb[b * groups + options.group(row: r, dim: j)] += termScale * (-halfLogTwoPi - 0.5 * v * v)
                    }
                }
            }
        }

        var x = [Float](repeating: 0, count: rows * d), times = [Float](repeating: 0, count: rows)
        var conditions = [Int32](repeating: 0, count: rows)
        var velocity = [Float](repeating: 0, count: rows * d), logVariance = [Float](repeating: 0, count: rows * d)
        var dVelocity = [Float](repeating: 0, count: gradient == nil ? 0 : rows * d)
        var dLogVariance = [Float](repeating: 0, count: gradient == nil || !flowNoise ? 0 : rows * d)
        for (i, p) in pairs.enumerated() {
            for j in 0..<d { x[i * d + j] = chain.state(p.step)[p.sample * d + j] }
            times[i] = Float(schedule.time(p.step))
            conditions[i] = Int32(p.sample)
        }
        x.withUnsafeBufferPointer { xp in
            times.withUnsafeBufferPointer { tp in
                conditions.withUnsafeBufferPointer { cp in
                    velocity.withUnsafeMutableBufferPointer { vp in
                        logVariance.withUnsafeMutableBufferPointer { lp in
                            field.evaluate(x: xp.baseAddress!, t: tp.baseAddress!, conditions: cp.baseAddress!, rows: rows,
                                           velocity: vp.baseAddress!, logVariance: flowNoise ? lp.baseAddress! : nil)
                        }
                    }
                }
            }
        }

        let delta = Float(schedule.delta)
        let entropyScale = 1 / Float(scored * pairs.count / max(batch, 1))
        let halfLogTwoPiE: Float = halfLogTwoPi + 0.5
        var projectionScratch = [Float](repeating: 0, count: chain.noiseBasis == nil ? 0 : 3 * d)
        for (i, p) in pairs.enumerated() {
            let k = p.step, b = p.sample
            let t = Float(schedule.time(k))
            let next = chain.state(k + 1) + b * d
            let c: Float = flowNoise ? 0 : Float(schedule.sdeDriftCoefficient(k))
            let sdeLogVariance: Float = flowNoise ? 0 : Float(2 * _log(schedule.sdeStd(k)))
            let dMeanDV: Float = -delta - c * (1 - t)
            if !flowNoise, let basis = chain.noiseBasis {
                scoreProjected(basis, pair: i, sample: b, next: next, x: x, velocity: velocity, delta: delta, c: c, t: t,
                               logVariance: sdeLogVariance, dMeanDV: dMeanDV, termScale: termScale, options: options,
                               dLogProb: gradient?.dLogProb, logProb: &logProb, dVelocity: &dVelocity, scratch: &projectionScratch)
                continue
            }
            for r in 0..<options.executedRows {
                for j in 0..<options.scoredDims {
                    let e = i * d + r * options.actionDim + j
                    let xe = x[e], ve = velocity[e]
                    let mu = FlowSampler.sdeMean(x: xe, v: ve, delta: delta, drift: c, t: t)
                    let lv = flowNoise ? logVariance[e] : sdeLogVariance
                    let g = b * groups + options.group(row: r, dim: j)
                    logProb[g] += termScale * gaussianLogDensity(next[r * options.actionDim + j], mean: mu, logVariance: lv)
                    if flowNoise { entropy[b] += entropyScale * (0.5 * lv + halfLogTwoPiE) }
                    if let gradient {
                        let upstream = gradient.dLogProb[g] * termScale
                        let residual = next[r * options.actionDim + j] - mu
                        let invVar = _exp(-lv)
                        dVelocity[e] = upstream * residual * invVar * dMeanDV
                        if flowNoise {
                            var dlv = upstream * (-0.5 + 0.5 * residual * residual * invVar)
                            if let dEntropy = gradient.dEntropy { dlv += dEntropy[b] * entropyScale * 0.5 }
                            dLogVariance[e] = dlv
                        }
                    }
                }
            }
        }
        if let backward {
            dVelocity.withUnsafeBufferPointer { dv in
                dLogVariance.withUnsafeBufferPointer { dl in
                    backward(dv.baseAddress!, flowNoise ? dl.baseAddress! : nil)
                }
            }
        }
        return LogLikelihoods(batch: batch, groupCount: groups, logProb: logProb, entropy: entropy)
    }

    /// A head on the frozen flow (``SamplerMethod/trainsHead``): log π is the density of what the
    /// head drew, one ratio per chunk; the flow's steps are deterministic. Noise steering scores
    /// the start `x⁽⁰⁾` under `N(μ(o), σ²)` over the whole chunk (every entry of the start moves
    /// the executed actions); the residual scores the correction's coefficients under
    /// `N(μ(o, x⁽ᴷ⁾), σ²)`.
    static func headLikelihood(
        _ field: some VelocityField, chain: FlowChain, options: LikelihoodOptions,
        gradient: (dLogProb: [Float], dEntropy: [Float]?)?,
        backward: ((UnsafePointer<Float>, UnsafePointer<Float>) -> Void)?
    ) -> LogLikelihoods {
        let d = chain.dimension, batch = chain.batch
        if chain.method == .noiseSteering {
            return headDensity(batch: batch, count: d, stride: d, values: chain.state(0), options: options, gradient: gradient, backward: backward) {
                precondition(field.startDistribution(conditions: chain.conditions, rows: batch, mean: $0, logStd: $1),
                             "noise steering needs a policy with a steering head (architecture.noiseSteeringWidth)")
            }
        }
        let m = field.residualCoefficientCount
        precondition(m > 0, "the residual method needs a policy with a residual head (architecture.residualWidth)")
        return headDensity(batch: batch, count: m, stride: d, values: chain.residualCoefficients, options: options,
                           gradient: gradient, backward: backward) {
            _ = field.residualDistribution(conditions: chain.conditions, chunks: chain.state(chain.steps), rows: batch, mean: $0, logStd: $1)
        }
    }

    /// `Σ log N(values; μ, σ²)` over `count` entries per row (row b at `values + b·stride`),
    /// with `μ` and log σ written packed (`batch × count`) by `distribution`; the entropy is the
    /// mean of `log σ + ½·log(2πe)` over the entries. With `gradient`, hands
    /// `∂/∂μ` and `∂/∂log σ` (packed) to `backward`.
    private static func headDensity(
        batch: Int, count: Int, stride: Int, values: UnsafePointer<Float>, options: LikelihoodOptions,
        gradient: (dLogProb: [Float], dEntropy: [Float]?)?,
        backward: ((UnsafePointer<Float>, UnsafePointer<Float>) -> Void)?,
        distribution: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> LogLikelihoods {
        precondition(options.groupCount == 1, "a head's density is one ratio per chunk (granularity chunk)")
        var mean = [Float](repeating: 0, count: batch * count), logStd = [Float](repeating: 0, count: batch * count)
        mean.withUnsafeMutableBufferPointer { m in logStd.withUnsafeMutableBufferPointer { l in distribution(m.baseAddress!, l.baseAddress!) } }
        var logProb = [Float](repeating: 0, count: batch), entropy = [Float](repeating: 0, count: batch)
        var dMean = [Float](repeating: 0, count: gradient == nil ? 0 : batch * count)
        var dLogStd = [Float](repeating: 0, count: gradient == nil ? 0 : batch * count)
        let perEntry = 1 / Float(count), halfLogTwoPiE: Float = halfLogTwoPi + 0.5
        for b in 0..<batch {
            let upstream = gradient?.dLogProb[b] ?? 0, dEntropy = gradient?.dEntropy?[b] ?? 0
            for j in 0..<count {
                let i = b * count + j
                let ls = logStd[i], invStd = _exp(-ls), z = (values[b * stride + j] - mean[i]) * invStd
                logProb[b] += -ls - halfLogTwoPi - 0.5 * z * z
                entropy[b] += perEntry * (ls + halfLogTwoPiE)
                if gradient != nil {
                    dMean[i] = upstream * z * invStd
                    dLogStd[i] = upstream * (z * z - 1) + dEntropy * perEntry
                }
            }
        }
        if let backward {
            dMean.withUnsafeBufferPointer { dm in dLogStd.withUnsafeBufferPointer { dl in backward(dm.baseAddress!, dl.baseAddress!) } }
        }
        return LogLikelihoods(batch: batch, groupCount: 1, logProb: logProb, entropy: entropy)
    }

    /// One Flow-SDE transition with smooth noise (``ChunkNoiseBasis``): the Gaussian terms of
    /// the projected residual `P·(x' − μ)` on the scored entries, and `P·(w ⊙ P·(x' − μ))/s²`
    /// as the gradient with respect to μ, which reaches every entry of the scored joints.
    private static func scoreProjected(
        _ basis: ChunkNoiseBasis, pair i: Int, sample b: Int, next: UnsafePointer<Float>, x: [Float], velocity: [Float],
        delta: Float, c: Float, t: Float, logVariance lv: Float, dMeanDV: Float, termScale: Float, options: LikelihoodOptions,
        dLogProb: [Float]?, logProb: inout [Float], dVelocity: inout [Float], scratch: inout [Float]
    ) {
        let d = options.horizon * options.actionDim, groups = options.groupCount, invVar = _exp(-lv)
        scratch.withUnsafeMutableBufferPointer { buffer in
            let residual = buffer.baseAddress!, weighted = residual + d, coefficients = residual + 2 * d
            for e in 0..<d {
                let xe = x[i * d + e], ve = velocity[i * d + e]
                residual[e] = next[e] - FlowSampler.sdeMean(x: xe, v: ve, delta: delta, drift: c, t: t)
                weighted[e] = 0
            }
            basis.project(residual, scratch: coefficients)
            for r in 0..<options.executedRows {
                for j in 0..<options.scoredDims {
                    let e = r * options.actionDim + j, g = b * groups + options.group(row: r, dim: j)
                    let pr = residual[e]
                    logProb[g] += termScale * (-0.5 * lv - halfLogTwoPi - 0.5 * pr * pr * invVar)
                    if let dLogProb { weighted[e] = dLogProb[g] * termScale * pr * invVar }
                }
            }
            guard dLogProb != nil else { return }
            basis.project(weighted, scratch: coefficients)
            for e in 0..<d { dVelocity[i * d + e] = weighted[e] * dMeanDV }
        }
    }
}
