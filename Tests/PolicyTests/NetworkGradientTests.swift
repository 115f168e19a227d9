import Testing
@testable import Policy

/// docs/design/flow-rl.md §7.4: finite-difference checks of the flow-matching loss and of log π
/// (with the entropy) w.r.t. a sample of parameters of every tensor of the network.
@Suite("Network gradients")
struct NetworkGradientTests {
    /// For every tensor: the entry with the largest analytic gradient plus two random ones.
    static func sampleIndices(_ policy: FlowPolicy, rng: inout RandomSource, include: (String) -> Bool) -> [(String, Int)] {
        var out: [(String, Int)] = []
        for e in policy.parameters.layout.entries where include(e.name) {
            var best = e.offset
            for i in e.range where abs(policy.parameters.gradients[i]) > abs(policy.parameters.gradients[best]) { best = i }
            out.append((e.name, best))
            for _ in 0..<2 { out.append((e.name, e.offset + rng.index(below: e.count))) }
        }
        return out
    }

    static func check(_ policy: FlowPolicy, _ indices: [(String, Int)], eps: Float, loss: () -> Double, _ what: String) {
        for (name, i) in indices {
            let a = Double(policy.parameters.gradients[i])
            let n = Support.centralDifference(policy.parameters.values, i, eps: eps, loss)
            let ok = abs(a - n) <= 3e-2 * max(abs(a), abs(n)) + 2e-4
            #expect(ok, "\(what): \(name) index \(i): analytic \(a) vs numeric \(n)")
        }
    }

    @Test(arguments: [true, false]) func flowMatchingLoss(sharedEncoder: Bool) throws {
        let policy = try FlowPolicy(config: Support.smallConfig(shared: sharedEncoder))
        policy.initialize(seed: 21)
        var rng = RandomSource(seed: 22)
        Self.checkFlowMatchingGradient(policy, rng: &rng, "FM loss")
    }

    /// Every trained tensor gets a gradient, and sampled entries match central differences.
    static func checkFlowMatchingGradient(_ policy: FlowPolicy, rng: inout RandomSource, _ what: String) {
        let n = 3, d = policy.dimension
        let batch = Support.randomBatch(policy.config, count: n, rng: &rng)
        let actions = (0..<(n * d)).map { _ in rng.gaussian() * 0.5 }
        let noise = (0..<(n * d)).map { _ in rng.gaussian() }
        let times = (0..<n).map { _ in FlowMatchingLoss.sampleTime(using: &rng) }
        policy.parameters.zeroGradients()
        _ = FlowMatchingLoss.loss(policy: policy, observations: batch, actions: actions, noise: noise, times: times, accumulateGradient: true)
        let trained = { (name: String) in !name.hasPrefix("noise_head") && !name.hasPrefix("value_head") }
        for e in policy.parameters.layout.entries where trained(e.name) {
            #expect(e.range.contains { policy.parameters.gradients[$0] != 0 }, "\(e.name) receives no gradient")
        }
        let indices = sampleIndices(policy, rng: &rng, include: trained)
        check(policy, indices, eps: 1e-2, loss: {
            Double(FlowMatchingLoss.loss(policy: policy, observations: batch, actions: actions, noise: noise, times: times, accumulateGradient: false))
        }, what)
    }

    /// `noiseFrequencies` > 0: Flow-SDE with smooth noise (``ChunkNoiseBasis``), whose
    /// gradient reaches the unexecuted rows through the projection.
    @Test(arguments: [(SamplerMethod.flowNoise, 0), (.flowSDE, 0), (.flowSDE, 2)])
    func logLikelihood(method: SamplerMethod, noiseFrequencies: Int) throws {
        let policy = try FlowPolicy(config: Support.smallConfig())
        policy.initialize(seed: 31)
        var rng = RandomSource(seed: 32)
        let batch = Support.randomBatch(policy.config, count: 3, rng: &rng)
        policy.encode(batch)
        let chain = FlowChain(batch: 3, dimension: policy.dimension, steps: 3)
        if noiseFrequencies > 0 {
            let io = policy.config.io
            chain.noiseBasis = ChunkNoiseBasis(horizon: io.actionHorizon, actionDim: io.actionDim, frequencies: noiseFrequencies)
        }
        FlowSampler(method: method).sample(policy, into: chain, using: &rng)
        var options = LikelihoodOptions(config: policy.config)
        options.granularity = .action
        options.reduction = .mean
        let weights = (0..<(3 * options.groupCount)).map { _ in Float(rng.uniformOpen() * 2 - 1) }
        let entropyWeights: [Float] = [0.5, -1, 2]
        policy.parameters.zeroGradients()
        policy.encode(batch)
        _ = FlowLikelihood.evaluateWithGradient(policy, chain: chain, options: options, dLogProb: weights,
                                                dEntropy: method == .flowNoise ? entropyWeights : nil)
        policy.backwardEncoder()
        func loss() -> Double {
            policy.encode(batch)
            let r = FlowLikelihood.evaluate(policy, chain: chain, options: options)
            var s = 0.0
            for (w, l) in zip(weights, r.logProb) { s += Double(w) * Double(l) }
            if method == .flowNoise { for (w, e) in zip(entropyWeights, r.entropy) { s += Double(w) * Double(e) } }
            return s
        }
        let include = { (name: String) in !name.hasPrefix("value_head") && (method == .flowNoise || !name.hasPrefix("noise_head")) }
        for e in policy.parameters.layout.entries where include(e.name) {
            #expect(e.range.contains { policy.parameters.gradients[$0] != 0 }, "\(e.name) receives no gradient")
        }
        Self.check(policy, Self.sampleIndices(policy, rng: &rng, include: include), eps: 1e-2, loss: loss,
                   "log π (\(method), \(noiseFrequencies) noise frequencies)")
    }

    /// With time inputs the critic's gradient reaches `value_head.time.weight` as well, and
    /// the same observation at another time left gets another value.
    @Test(arguments: [0, 4]) func valueHead(timeInputs: Int) throws {
        var config = Support.smallConfig()
        config.architecture.valueTimeInputs = timeInputs
        let policy = try FlowPolicy(config: config)
        policy.initialize(seed: 41)
        #expect((policy.parameters.layout.entry(named: "value_head.time.weight") != nil) == (timeInputs > 0))
        var rng = RandomSource(seed: 42)
        let batch = Support.randomBatch(policy.config, count: 3, rng: &rng)
        let c: [Float] = [1, -0.5, 2]
        var time = [Float](repeating: 0, count: 3 * timeInputs)
        if timeInputs > 0 {
            time.withUnsafeMutableBufferPointer { out in
                for (row, remaining) in [Float(1), 0.6, 0.1].enumerated() {
                    EpisodeTimeFeatures.write(remaining: remaining, count: timeInputs, into: out.baseAddress! + row * timeInputs)
                }
            }
        }
        policy.encode(batch)
        let values = policy.values(timeFeatures: time)
        #expect(values.count == 3)
        if timeInputs > 0 {
            var later = time
            later.withUnsafeMutableBufferPointer { out in
                for row in 0..<3 { EpisodeTimeFeatures.write(remaining: 0, count: timeInputs, into: out.baseAddress! + row * timeInputs) }
            }
            #expect(zip(policy.values(timeFeatures: later), values).allSatisfy { $0 != $1 })
            _ = policy.values(timeFeatures: time)
        }
        policy.parameters.zeroGradients()
        policy.backwardValues(c)
        for e in policy.parameters.layout.entries where !e.name.hasPrefix("value_head") {
            #expect(!e.range.contains { policy.parameters.gradients[$0] != 0 }, "\(e.name): the critic's features are detached")
        }
        let indices = Self.sampleIndices(policy, rng: &rng, include: { $0.hasPrefix("value_head") })
        Self.check(policy, indices, eps: 1e-2, loss: {
            policy.encode(batch)
            return zip(policy.values(timeFeatures: time), c).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }, "value head")
    }

    /// docs/design/flow-rl.md §7.5 (the likelihood half): a step along +∇log π raises the log-likelihood
    /// of stored chunks, a step along −∇log π lowers it.
    @Test(arguments: [Float(1), -1]) func gradientStepMovesLogLikelihood(sign: Float) throws {
        let policy = try FlowPolicy(config: Support.smallConfig())
        policy.initialize(seed: 51)
        var rng = RandomSource(seed: 52)
        let batch = Support.randomBatch(policy.config, count: 4, rng: &rng)
        policy.encode(batch)
        let chain = FlowChain(batch: 4, dimension: policy.dimension, steps: 4)
        FlowSampler(method: .flowNoise).sample(policy, into: chain, using: &rng)
        let options = LikelihoodOptions(config: policy.config)
        policy.parameters.zeroGradients()
        let before = FlowLikelihood.evaluateWithGradient(policy, chain: chain, options: options, dLogProb: [Float](repeating: 1, count: 4))
        let p = policy.parameters
        for e in p.layout.entries where !policy.isEncoderParameter(e.name) {
            for i in e.range { p.values[i] += sign * 1e-3 * p.gradients[i] }
        }
        let after = FlowLikelihood.evaluate(policy, chain: chain, options: options)
        let delta = after.logProb.reduce(0, +) - before.logProb.reduce(0, +)
        #expect(sign * delta > 0, "log π moved by \(delta)")
    }
}
