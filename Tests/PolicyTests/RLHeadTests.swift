import Testing
@testable import Policy

/// The heads RL trains on a frozen flow (``GaussianHead``): noise steering, a Gaussian policy
/// over the flow's start `x⁽⁰⁾` (``SamplerMethod/noiseSteering``), and the residual, one over a
/// smooth correction of its chunk (``SamplerMethod/residual``).
@Suite("RL heads: noise steering and residual")
struct RLHeadTests {
    static func steeredConfig(width: Int = 5, sharedStd: Bool = false) -> PolicyConfig {
        var config = Support.smallConfig()
        config.architecture.noiseSteeringWidth = width
        config.architecture.noiseSteeringSharedStd = sharedStd
        return config
    }

    static func residualConfig(width: Int = 5, frequencies: Int = 2) -> PolicyConfig {
        var config = Support.smallConfig()
        config.architecture.residualWidth = width
        config.architecture.residualFrequencies = frequencies
        return config
    }

    /// Encodes `batch` and samples one chain (K = 3) per observation with `method`.
    static func sample(_ policy: FlowPolicy, _ batch: ObservationBatch, method: SamplerMethod = .ode,
                       using rng: inout RandomSource) -> FlowChain {
        let chain = FlowChain(batch: batch.count, dimension: policy.dimension, steps: 3)
        policy.encode(batch)
        FlowSampler(method: method).sample(policy, into: chain, using: &rng)
        return chain
    }

    /// ``sample(_:_:method:using:)`` with a fresh ODE stream from `seed`, so two policies draw the same noise.
    static func sample(_ policy: FlowPolicy, _ batch: ObservationBatch, seed: UInt64) -> FlowChain {
        var rng = RandomSource(seed: seed)
        return sample(policy, batch, using: &rng)
    }

    /// Random head weights and log-stds, so μ and σ vary with the observation and entry.
    static func randomizeHead(_ policy: FlowPolicy, rng: inout RandomSource) {
        for e in policy.parameters.layout.entries where FlowPolicy.isNoiseSteeringParameter(e.name) || FlowPolicy.isResidualParameter(e.name) {
            for i in e.range { policy.parameters.values[i] = Float(rng.uniformOpen() - 0.5) * (e.name.hasSuffix("log_std") ? 0.8 : 1.5) }
        }
    }

    /// A fresh head is the standard normal start: the flow's tensors are a prefix of the
    /// layout with the same values, and from the same seed the steered and the plain policy
    /// sample bit-identical chunks.
    @Test func freshHeadSamplesAsThePlainFlow() throws {
        let plain = try FlowPolicy(config: Support.smallConfig()), steered = try FlowPolicy(config: Self.steeredConfig())
        plain.initialize(seed: 5)
        steered.initialize(seed: 5)
        let n = plain.parameters.count
        #expect(Array(plain.parameters.layout.entries.map(\.name)) == Array(steered.parameters.layout.entries.prefix(plain.parameters.layout.entries.count).map(\.name)))
        #expect(Array(UnsafeBufferPointer(start: plain.parameters.values, count: n))
                == Array(UnsafeBufferPointer(start: steered.parameters.values, count: n)))
        #expect(steered.parameters.layout.entries.suffix(5).map(\.name)
                == ["noise_steering.fc1.weight", "noise_steering.fc1.bias", "noise_steering.fc2.weight", "noise_steering.fc2.bias", "noise_steering.log_std"])
        var rng = RandomSource(seed: 6)
        let batch = Support.randomBatch(plain.config, count: 3, rng: &rng)
        let a = Self.sample(plain, batch, seed: 7), b = Self.sample(steered, batch, seed: 7)
        #expect(!a.steeredStart && b.steeredStart)
        #expect((0..<3).allSatisfy { a.chunk($0) == b.chunk($0) })
    }

    /// The start is `μ + σ·ε` with `|μ| ≤ bound`: with a saturated output layer and the
    /// smallest std, every start sits on ±bound.
    @Test func startStaysWithinTheBound() throws {
        var config = Self.steeredConfig()
        config.architecture.noiseSteeringBound = 1.5
        let policy = try FlowPolicy(config: config)
        policy.initialize(seed: 8)
        let bias = try #require(policy.parameters.layout.entry(named: "noise_steering.fc2.bias"))
        let logStd = try #require(policy.parameters.layout.entry(named: "noise_steering.log_std"))
        for (k, i) in bias.range.enumerated() { policy.parameters.values[i] = k.isMultiple(of: 2) ? 40 : -40 }
        for i in logStd.range { policy.parameters.values[i] = -9 }  // clamped to −5
        var rng = RandomSource(seed: 9)
        let chain = Self.sample(policy, Support.randomBatch(config, count: 4, rng: &rng), method: .noiseSteering, using: &rng)
        for i in 0..<(4 * policy.dimension) {
            let target: Float = (i % policy.dimension).isMultiple(of: 2) ? 1.5 : -1.5
            #expect(abs(chain.startMean[i] - target) < 1e-5 && chain.startLogStd[i] == -5)
            #expect(abs(chain.state(0)[i] - target) < 0.05, "start \(chain.state(0)[i]) against μ \(target), σ = e⁻⁵")
        }
    }

    /// `noiseSteeringStd` sets a fresh head's σ: the start is drawn around μ = 0 with that σ,
    /// i.e. the plain flow's start scaled by it, from the same seed.
    @Test func freshHeadStartsAtItsConfiguredStd() throws {
        var config = Self.steeredConfig()
        config.architecture.noiseSteeringStd = 0.6
        let policy = try FlowPolicy(config: config), plain = try FlowPolicy(config: Support.smallConfig())
        policy.initialize(seed: 10)
        plain.initialize(seed: 10)
        let logStd = try #require(policy.parameters.layout.entry(named: "noise_steering.log_std"))
        #expect(logStd.range.allSatisfy { abs(policy.parameters.values[$0] - Float(_log(0.6))) < 1e-6 })
        var rng = RandomSource(seed: 11)
        let batch = Support.randomBatch(config, count: 2, rng: &rng)
        let steered = Self.sample(policy, batch, seed: 12), base = Self.sample(plain, batch, seed: 12)
        #expect(steered.steeredStart)
        for i in 0..<(2 * policy.dimension) {
            #expect(abs(steered.state(0)[i] - 0.6 * base.state(0)[i]) < 1e-5)
        }
    }

    /// τ scales the start's noise: at 0 the start is the steering head's mean (the origin
    /// without a head), at 1 it is what the sampler draws by default, from the same seed.
    @Test(arguments: [true, false]) func startTemperatureScalesTheNoise(steered: Bool) throws {
        let policy = try FlowPolicy(config: steered ? Self.steeredConfig() : Support.smallConfig())
        policy.initialize(seed: 13)
        var rng = RandomSource(seed: 14)
        if steered { Self.randomizeHead(policy, rng: &rng) }
        let batch = Support.randomBatch(policy.config, count: 2, rng: &rng)
        func start(_ tau: Double?) -> (x0: [Float], mean: [Float]) {
            var rng = RandomSource(seed: 15)
            let chain = FlowChain(batch: 2, dimension: policy.dimension, steps: 2)
            policy.encode(batch)
            let sampler = tau.map { FlowSampler(method: .ode, startTemperature: $0) } ?? FlowSampler(method: .ode)
            sampler.sample(policy, into: chain, using: &rng)
            let n = 2 * policy.dimension
            return (Array(UnsafeBufferPointer(start: chain.state(0), count: n)),
                    steered ? Array(UnsafeBufferPointer(start: chain.startMean, count: n)) : [Float](repeating: 0, count: n))
        }
        let cold = start(0), half = start(0.5), full = start(1), plain = start(nil)
        #expect(cold.x0 == cold.mean)
        #expect(full.x0 == plain.x0 && full.x0 != cold.x0)
        for i in full.x0.indices { #expect(abs(half.x0[i] - (cold.x0[i] + full.x0[i]) / 2) < 1e-5) }
    }

    /// log π of a head's chain is the density of what the head drew (noise steering: the start;
    /// the residual: the correction's coefficients given the flow's chunk). It depends on that
    /// head alone (every other tensor gets exactly zero gradient), and its gradient and the
    /// entropy's match central differences; with one σ shared by the whole start too.
    @Test(arguments: [(SamplerMethod.noiseSteering, false), (.noiseSteering, true), (.residual, false)])
    func logLikelihoodGradientReachesTheHeadAlone(method: SamplerMethod, sharedStd: Bool) throws {
        let steering = method == .noiseSteering
        let policy = try FlowPolicy(config: steering ? Self.steeredConfig(sharedStd: sharedStd) : Self.residualConfig())
        policy.initialize(seed: 11)
        var rng = RandomSource(seed: 12)
        Self.randomizeHead(policy, rng: &rng)
        let batch = Support.randomBatch(policy.config, count: 3, rng: &rng)
        let chain = Self.sample(policy, batch, method: method, using: &rng)
        if sharedStd {
            let std = try #require(policy.parameters.layout.entry(named: "noise_steering.log_std"))
            #expect(std.range.count == 1)
            let n = 3 * policy.dimension
            #expect(Set(UnsafeBufferPointer(start: chain.startLogStd, count: n)) == [policy.parameters.values[std.range.lowerBound]])
        }
        var options = LikelihoodOptions(config: policy.config)
        options.granularity = .chunk
        let weights: [Float] = [0.7, -1.2, 0.4], entropyWeights: [Float] = [0.5, -1, 2]
        policy.parameters.zeroGradients()
        policy.encode(batch)
        let first = FlowLikelihood.evaluateWithGradient(policy, chain: chain, options: options, dLogProb: weights, dEntropy: entropyWeights)
        #expect(first.logProb.allSatisfy { $0.isFinite })
        func loss() -> Double {
            policy.encode(batch)
            let r = FlowLikelihood.evaluate(policy, chain: chain, options: options)
            return zip(weights, r.logProb).reduce(0) { $0 + Double($1.0) * Double($1.1) }
                + zip(entropyWeights, r.entropy).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let head = steering ? FlowPolicy.isNoiseSteeringParameter : FlowPolicy.isResidualParameter
        for e in policy.parameters.layout.entries {
            let moved = e.range.contains { policy.parameters.gradients[$0] != 0 }
            #expect(moved == head(e.name), "\(e.name): gradient \(moved ? "present" : "absent")")
        }
        NetworkGradientTests.check(policy, NetworkGradientTests.sampleIndices(policy, rng: &rng, include: head),
                                   eps: 1e-2, loss: loss, "\(method.rawValue) log π")
    }

    /// A fresh residual head adds `B·c` with `c ~ N(0, σ₀²)`: the chunk is the flow's own plus a
    /// smooth correction in the span of each joint's first cosines, the chain itself is the
    /// plain flow's, and the correction's coefficients are what the basis reads back.
    @Test func freshResidualAddsASmoothCorrection() throws {
        let plain = try FlowPolicy(config: Support.smallConfig()), corrected = try FlowPolicy(config: Self.residualConfig())
        plain.initialize(seed: 5)
        corrected.initialize(seed: 5)
        var rng = RandomSource(seed: 6)
        let batch = Support.randomBatch(plain.config, count: 3, rng: &rng)
        let a = Self.sample(plain, batch, seed: 7), b = Self.sample(corrected, batch, seed: 7)
        let io = plain.config.io, d = plain.dimension
        let basis = ChunkNoiseBasis(horizon: io.actionHorizon, actionDim: io.actionDim, frequencies: 2)
        #expect(a.residualBasis == nil && b.residualBasis == basis && corrected.residualCoefficientCount == 2 * io.actionDim)
        #expect(Array(UnsafeBufferPointer(start: a.states, count: 4 * 3 * d)) == Array(UnsafeBufferPointer(start: b.states, count: 4 * 3 * d)))
        for s in 0..<3 {
            var correction = zip(b.chunk(s), a.chunk(s)).map { $0 - $1 }
            #expect(correction.contains { abs($0) > 1e-3 } && correction.allSatisfy { abs($0) < 1 }, "σ₀ = 0.1: \(correction)")
            var projected = correction
            projected.withUnsafeMutableBufferPointer { p in
                var scratch = [Float](repeating: 0, count: basis.width)
                scratch.withUnsafeMutableBufferPointer { basis.project(p.baseAddress!, scratch: $0.baseAddress!) }
            }
            for i in correction.indices { #expect(abs(projected[i] - correction[i]) < 1e-5, "the correction lies in the basis' span") }
            correction.removeAll()
            for j in 0..<(2 * io.actionDim) { #expect(abs(b.residualMean[s * 2 * io.actionDim + j]) == 0 && abs(b.residualLogStd[s * 2 * io.actionDim + j] - Float(_log(0.1))) < 1e-6) }
        }
    }

    /// Gradient ascent on log π of fixed corrections pulls the residual head's distribution onto
    /// them (the likelihood half of the policy gradient): log π of the stored coefficients rises
    /// and the head's means move toward them.
    @Test func residualAscentFitsTheStoredCorrections() throws {
        let policy = try FlowPolicy(config: Self.residualConfig())
        policy.initialize(seed: 18)
        var rng = RandomSource(seed: 19)
        let batch = Support.randomBatch(policy.config, count: 3, rng: &rng)
        let chain = Self.sample(policy, batch, method: .residual, using: &rng)
        let m = policy.residualCoefficientCount, d = policy.dimension
        // Targets 0.2 away from the sampled coefficients' fresh mean of 0.
        for b in 0..<3 { for j in 0..<m { chain.residualCoefficients[b * d + j] = j.isMultiple(of: 2) ? 0.2 : -0.2 } }
        var options = LikelihoodOptions(config: policy.config)
        options.granularity = .chunk
        func logProb() -> Float { FlowLikelihood.evaluate(policy, chain: chain, options: options).logProb.reduce(0, +) }
        let before = logProb()
        for _ in 0..<200 {
            policy.parameters.zeroGradients()
            _ = FlowLikelihood.evaluateWithGradient(policy, chain: chain, options: options, dLogProb: [1, 1, 1])
            for e in policy.parameters.layout.entries where FlowPolicy.isResidualParameter(e.name) {
                for i in e.range { policy.parameters.values[i] += 1e-3 * policy.parameters.gradients[i] }
            }
        }
        #expect(logProb() > before + 10, "log π \(before) → \(logProb())")
        var mean = [Float](repeating: 0, count: 3 * m), logStd = mean
        let conditions: [Int32] = [0, 1, 2]
        _ = mean.withUnsafeMutableBufferPointer { mp in
            logStd.withUnsafeMutableBufferPointer { lp in
                policy.residualDistribution(conditions: conditions, chunks: chain.state(3), rows: 3, mean: mp.baseAddress!, logStd: lp.baseAddress!)
            }
        }
        for b in 0..<3 { for j in 0..<m { #expect(abs(mean[b * m + j] - (j.isMultiple(of: 2) ? 0.2 : -0.2)) < 0.05, "mean \(mean[b * m + j])") } }
    }
}
