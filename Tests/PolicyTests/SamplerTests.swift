import Testing
@testable import Policy

/// docs/design/flow-rl.md §7.1–7.3: marginals under the analytic Gaussian velocity, the Flow-SDE
/// schedule table, the Gaussian log-density and reductions, and determinism.
@Suite("Samplers and likelihoods", .serialized)
struct SamplerTests {
    static func moments(_ chain: FlowChain) -> (mean: Double, std: Double) {
        let n = chain.batch * chain.dimension
        var s = 0.0, s2 = 0.0
        for i in 0..<n { let v = Double(chain.actions[i]); s += v; s2 += v * v }
        let m = s / Double(n)
        return (m, (s2 / Double(n) - m * m).squareRoot())
    }

    @Test(arguments: [(SamplerMethod.ode, SDEStepSelection.single), (.flowSDE, .every), (.flowSDE, .single)])
    func marginalsMatchGaussianData(method: SamplerMethod, selection: SDEStepSelection) {
        let field = GaussianVelocityField(mean: 0.7, std: 0.3)
        let chain = FlowChain(batch: 200_000, dimension: 1, steps: 200, noiseLevel: 0.5)
        var rng = RandomSource(seed: 11)
        FlowSampler(method: method, sdeSelection: selection).sample(field, into: chain, using: &rng)
        let (m, s) = Self.moments(chain)
        #expect(abs(m - 0.7) < 0.01, "mean \(m)")
        #expect(abs(s - 0.3) / 0.3 < 0.03, "std \(s)")
    }

    @Test func coarseODEUnderestimatesTheSpread() {
        let field = GaussianVelocityField(mean: 0.7, std: 0.3)
        let chain = FlowChain(batch: 200_000, dimension: 1, steps: 4)
        var rng = RandomSource(seed: 12)
        FlowSampler(method: .ode).sample(field, into: chain, using: &rng)
        let (m, s) = Self.moments(chain)
        #expect(abs(m - 0.7) < 0.01)
        #expect(abs(s - 0.18) < 0.01, "K = 4 ODE std \(s), flow-rl.md says about 0.18")
    }

    @Test func flowSDEScheduleTable() {
        let schedule = FlowSchedule(steps: 4, noiseLevel: 0.5)
        let sigma = [1.0, 0.866, 0.5, 0.2887], std = [0.5, 0.433, 0.25, 0.144], drift = [0.125, 0.125, 0.0625, 0.0417]
        for k in 0..<4 {
            #expect(abs(schedule.sigma(k) - sigma[k]) < 1e-3, "σ_\(k) = \(schedule.sigma(k))")
            #expect(abs(schedule.sdeStd(k) - std[k]) < 1e-3, "s_\(k) = \(schedule.sdeStd(k))")
            #expect(abs(schedule.sdeDriftCoefficient(k) - drift[k]) < 1e-4, "drift_\(k) = \(schedule.sdeDriftCoefficient(k))")
        }
        #expect(abs(schedule.sigma(0) - 0.5 * 4.0.squareRoot()) < 1e-12, "σ₀ = a·√K")
        #expect(schedule.time(0) == 1 && schedule.time(4) == 0)
    }

    @Test func gaussianLogDensityMatchesClosedForm() {
        for (x, mu, s) in [(0.3, -0.1, 0.5), (2.0, 2.0, 0.08), (-1.0, 0.5, 1.3)] as [(Double, Double, Double)] {
            let closed = _log(1 / (s * (2 * Double.pi).squareRoot()) * _exp(-0.5 * (x - mu) * (x - mu) / (s * s)))
            let l = FlowLikelihood.gaussianLogDensity(Float(x), mean: Float(mu), logVariance: Float(2 * _log(s)))
            #expect(abs(Double(l) - closed) < 1e-5)
        }
    }

    /// Flow-Noise chains: log π recomputed from the stored chain equals the sum of closed-form
    /// terms; `mean` is `sum / (K + 1)`; the token, action and chunk granularities agree.
    @Test func flowNoiseLogLikelihoodReductionsAndGranularity() {
        let h = 3, d = 2, k = 4
        let std = 0.12
        let field = GaussianVelocityField(dimension: h * d, mean: 0.2, std: 0.5, noiseStd: std)
        let chain = FlowChain(batch: 3, dimension: h * d, steps: k)
        var rng = RandomSource(seed: 13)
        FlowSampler(method: .flowNoise).sample(field, into: chain, using: &rng)
        // Closed form for sample 0, executed block rows < 2, dims < 1.
        var expected = 0.0
        let v = UnsafeMutablePointer<Float>.allocate(capacity: h * d); defer { v.deallocate() }
        for r in 0..<2 {
            let x0 = Double(chain.state(0)[r * d])
            expected += -0.5 * _log(2 * Double.pi) - 0.5 * x0 * x0
        }
        for step in 0..<k {
            var t = Float(chain.schedule.time(step)); var c: Int32 = 0
            field.evaluate(x: chain.state(step), t: &t, conditions: &c, rows: 1, velocity: v, logVariance: nil)
            for r in 0..<2 {
                let i = r * d
                let mu = Double(chain.state(step)[i]) - Double(v[i]) / Double(k)
                let x1 = Double(chain.state(step + 1)[i])
                expected += -_log(std) - 0.5 * _log(2 * Double.pi) - 0.5 * (x1 - mu) * (x1 - mu) / (std * std)
            }
        }
        var options = LikelihoodOptions(horizon: h, actionDim: d, executedRows: 2, scoredDims: 1, reduction: .sum, granularity: .chunk)
        let sum = FlowLikelihood.evaluate(field, chain: chain, options: options)
        #expect(abs(Double(sum.logProb[0]) - expected) < 1e-3 * abs(expected) + 1e-3, "\(sum.logProb[0]) vs \(expected)")
        options.reduction = .mean
        let mean = FlowLikelihood.evaluate(field, chain: chain, options: options)
        for b in 0..<3 { #expect(abs(mean.logProb[b] - sum.logProb[b] / Float(k + 1)) < 1e-4) }
        options.reduction = .sum
        options.granularity = .action
        let perAction = FlowLikelihood.evaluate(field, chain: chain, options: options)
        #expect(perAction.groupCount == 2)
        options.granularity = .token
        let perToken = FlowLikelihood.evaluate(field, chain: chain, options: options)
        #expect(perToken.groupCount == 2)
        for b in 0..<3 {
            #expect(abs(perAction.logProb[2 * b] + perAction.logProb[2 * b + 1] - sum.logProb[b]) < 1e-3)
            #expect(abs(perToken.logProb[2 * b] + perToken.logProb[2 * b + 1] - sum.logProb[b]) < 1e-3)
        }
        // Entropy: ½·log(2πe·s²) for a fixed std.
        let entropy = 0.5 * _log(2 * Double.pi * _exp(1.0) * std * std)
        for b in 0..<3 { #expect(abs(Double(sum.entropy[b]) - entropy) < 1e-4) }
    }

    /// Hybrid Flow-SDE: one stochastic step per sample; log π is that step's Gaussian term.
    @Test func hybridFlowSDEScoresItsStochasticStep() {
        let field = GaussianVelocityField(dimension: 2, mean: 0.7, std: 0.3)
        let chain = FlowChain(batch: 64, dimension: 2, steps: 4)
        var rng = RandomSource(seed: 14)
        FlowSampler(method: .flowSDE).sample(field, into: chain, using: &rng)
        var seen = Set<Int32>()
        let options = LikelihoodOptions(horizon: 1, actionDim: 2, executedRows: 1, scoredDims: 2, reduction: .sum, granularity: .chunk)
        let result = FlowLikelihood.evaluate(field, chain: chain, options: options)
        let v = UnsafeMutablePointer<Float>.allocate(capacity: 2); defer { v.deallocate() }
        for b in 0..<64 {
            let ks = Int(chain.stochasticStep[b])
            seen.insert(chain.stochasticStep[b])
            #expect((0..<4).contains(ks))
            // Every other step is a plain Euler step.
            for step in 0..<4 where step != ks {
                var t = Float(chain.schedule.time(step)); var c: Int32 = 0
                field.evaluate(x: chain.state(step) + 2 * b, t: &t, conditions: &c, rows: 1, velocity: v, logVariance: nil)
                for j in 0..<2 { #expect(abs(chain.state(step + 1)[2 * b + j] - (chain.state(step)[2 * b + j] - v[j] / 4)) < 1e-6) }
            }
            var t = Float(chain.schedule.time(ks)); var c: Int32 = 0
            field.evaluate(x: chain.state(ks) + 2 * b, t: &t, conditions: &c, rows: 1, velocity: v, logVariance: nil)
            let drift = chain.schedule.sdeDriftCoefficient(ks), s = chain.schedule.sdeStd(ks), tt = chain.schedule.time(ks)
            var expected = 0.0
            for j in 0..<2 {
                let x = Double(chain.state(ks)[2 * b + j]), vj = Double(v[j])
                let mu = x - vj / 4 - drift * (x + (1 - tt) * vj)
                let x1 = Double(chain.state(ks + 1)[2 * b + j])
                expected += -_log(s) - 0.5 * _log(2 * Double.pi) - 0.5 * (x1 - mu) * (x1 - mu) / (s * s)
            }
            #expect(abs(Double(result.logProb[b]) - expected) < 1e-3)
        }
        #expect(seen.count == 4, "k* covers every step over 64 samples")
    }

    @Test(arguments: SamplerMethod.allCases) func sameSeedSameChunks(method: SamplerMethod) {
        let field = GaussianVelocityField(dimension: 6, mean: 0.1, std: 0.4)
        func run(_ seed: UInt64) -> [Float] {
            let chain = FlowChain(batch: 5, dimension: 6, steps: 4)
            var rng = RandomSource(seed: seed)
            FlowSampler(method: method).sample(field, into: chain, using: &rng)
            return (0..<5).flatMap { chain.chunk($0) }
        }
        #expect(run(42) == run(42))
        #expect(run(42) != run(43))
    }
}
