import Testing
@testable import Policy

/// Smooth Flow-SDE noise: the cosine basis, its projection, and the chains and
/// likelihoods it produces.
@Suite("Smooth exploration noise")
struct ChunkNoiseBasisTests {
    /// The kept cosines are orthonormal over the rows, so `P = B·Bᵀ` is a projection.
    @Test(arguments: [1, 3, 10]) func basisIsOrthonormal(frequencies: Int) {
        let basis = ChunkNoiseBasis(horizon: 10, actionDim: 2, frequencies: frequencies)
        for f in 0..<frequencies {
            for g in 0..<frequencies {
                let dot = (0..<10).reduce(Float(0)) { $0 + basis.basis[$1 * frequencies + f] * basis.basis[$1 * frequencies + g] }
                #expect(abs(dot - (f == g ? 1 : 0)) < 1e-5, "cosines \(f), \(g): \(dot)")
            }
        }
    }

    /// Projecting twice changes nothing; one cosine keeps each joint's mean over the rows;
    /// all of them keep the chunk.
    @Test func projectionKeepsTheSmoothPart() {
        var rng = RandomSource(seed: 5)
        let chunk = (0..<30).map { _ in rng.gaussian() }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 10); defer { scratch.deallocate() }
        func projected(_ values: [Float], _ frequencies: Int) -> [Float] {
            var v = values
            v.withUnsafeMutableBufferPointer {
                ChunkNoiseBasis(horizon: 10, actionDim: 3, frequencies: frequencies).project($0.baseAddress!, scratch: scratch)
            }
            return v
        }
        let once = projected(chunk, 3)
        #expect(zip(projected(once, 3), once).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(zip(projected(chunk, 10), chunk).allSatisfy { abs($0 - $1) < 1e-5 })
        let means = projected(chunk, 1)
        for j in 0..<3 {
            let mean = (0..<10).reduce(Float(0)) { $0 + chunk[$1 * 3 + j] } / 10
            for h in 0..<10 { #expect(abs(means[h * 3 + j] - mean) < 1e-5) }
        }
        // A straight line per joint lies (almost entirely) in the first two cosines; row-to-row
        // jitter does not.
        let jitter = (0..<30).map { Float(($0 / 3) % 2 == 0 ? 1 : -1) }
        let energy = projected(jitter, 2).reduce(Float(0)) { $0 + $1 * $1 } / jitter.reduce(Float(0)) { $0 + $1 * $1 }
        #expect(energy < 0.05, "alternating rows keep \(energy) of their energy")
    }

    /// Per-joint counts: each joint keeps its own cosines, and a joint with none is zeroed.
    @Test func perJointFrequencies() {
        var rng = RandomSource(seed: 6)
        let chunk = (0..<30).map { _ in rng.gaussian() }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 10); defer { scratch.deallocate() }
        func projected(_ basis: ChunkNoiseBasis) -> [Float] {
            var v = chunk
            v.withUnsafeMutableBufferPointer { basis.project($0.baseAddress!, scratch: scratch) }
            return v
        }
        let mixed = projected(ChunkNoiseBasis(horizon: 10, frequencies: [3, 1, 0]))
        let three = projected(ChunkNoiseBasis(horizon: 10, actionDim: 3, frequencies: 3))
        let one = projected(ChunkNoiseBasis(horizon: 10, actionDim: 3, frequencies: 1))
        for h in 0..<10 {
            #expect(abs(mixed[h * 3] - three[h * 3]) < 1e-5)
            #expect(abs(mixed[h * 3 + 1] - one[h * 3 + 1]) < 1e-5)
            #expect(mixed[h * 3 + 2] == 0)
        }
    }

    /// A joint without noise follows the transition mean exactly and adds only the constant
    /// part of its Gaussian terms to log π, so its velocity gets no gradient.
    @Test func jointWithoutNoiseFollowsTheMean() {
        let horizon = 4, dims = 2, d = horizon * dims, batch = 16
        let field = GaussianVelocityField(dimension: d, mean: 0.2, std: 0.5)
        let chain = FlowChain(batch: batch, dimension: d, steps: 4)
        chain.noiseBasis = ChunkNoiseBasis(horizon: horizon, frequencies: [2, 0])
        var rng = RandomSource(seed: 10)
        FlowSampler(method: .flowSDE).sample(field, into: chain, using: &rng)
        let v = UnsafeMutablePointer<Float>.allocate(capacity: d); defer { v.deallocate() }
        var moved = 0
        for b in 0..<batch {
            let k = Int(chain.stochasticStep[b])
            var t = Float(chain.schedule.time(k)); var c: Int32 = 0
            field.evaluate(x: chain.state(k) + d * b, t: &t, conditions: &c, rows: 1, velocity: v, logVariance: nil)
            let drift = Float(chain.schedule.sdeDriftCoefficient(k))
            for e in 0..<d {
                let x = chain.state(k)[d * b + e]
                let residual = chain.state(k + 1)[d * b + e] - (x - v[e] / 4 - drift * (x + (1 - t) * v[e]))
                if e % dims == 1 { #expect(abs(residual) < 1e-5, "sample \(b), entry \(e): the still joint moved") }
                else if abs(residual) > 1e-3 { moved += 1 }
            }
        }
        #expect(moved > batch, "the noisy joint must explore")
        let options = LikelihoodOptions(horizon: horizon, actionDim: dims, executedRows: horizon, scoredDims: dims,
                                        reduction: .sum, granularity: .token)
        var dVelocity: [Float] = []
        _ = FlowLikelihood.run(field, chain: chain, options: options,
                               gradient: ([Float](repeating: 1, count: batch * options.groupCount), nil)) { dv, _ in
            dVelocity = Array(UnsafeBufferPointer(start: dv, count: batch * d))
        }
        #expect(!dVelocity.isEmpty && dVelocity.contains { $0 != 0 })
        for (i, g) in dVelocity.enumerated() where i % dims == 1 { #expect(g == 0, "entry \(i) of the still joint has gradient \(g)") }
    }

    /// With a basis, the stochastic step's noise lies in the smooth subspace, and log π is
    /// the Gaussian density of the projected residual on the scored entries.
    @Test func smoothChainsAndTheirLikelihood() {
        let horizon = 5, dims = 2, d = horizon * dims
        let field = GaussianVelocityField(dimension: d, mean: 0.2, std: 0.5)
        let chain = FlowChain(batch: 32, dimension: d, steps: 4)
        let basis = ChunkNoiseBasis(horizon: horizon, actionDim: dims, frequencies: 2)
        chain.noiseBasis = basis
        var rng = RandomSource(seed: 9)
        FlowSampler(method: .flowSDE).sample(field, into: chain, using: &rng)
        let options = LikelihoodOptions(horizon: horizon, actionDim: dims, executedRows: horizon, scoredDims: dims,
                                        reduction: .sum, granularity: .chunk)
        let logProb = FlowLikelihood.evaluate(field, chain: chain, options: options).logProb
        let v = UnsafeMutablePointer<Float>.allocate(capacity: d), scratch = UnsafeMutablePointer<Float>.allocate(capacity: d)
        defer { v.deallocate(); scratch.deallocate() }
        for b in 0..<32 {
            let k = Int(chain.stochasticStep[b])
            var t = Float(chain.schedule.time(k)); var c: Int32 = 0
            field.evaluate(x: chain.state(k) + d * b, t: &t, conditions: &c, rows: 1, velocity: v, logVariance: nil)
            let drift = Float(chain.schedule.sdeDriftCoefficient(k)), s = Float(chain.schedule.sdeStd(k))
            var residual = (0..<d).map { j -> Float in
                let x = chain.state(k)[d * b + j]
                return chain.state(k + 1)[d * b + j] - (x - v[j] / 4 - drift * (x + (1 - t) * v[j]))
            }
            let raw = residual
            residual.withUnsafeMutableBufferPointer { basis.project($0.baseAddress!, scratch: scratch) }
            #expect(zip(residual, raw).allSatisfy { abs($0 - $1) < 1e-4 }, "sample \(b): the noise leaves the smooth subspace")
            let expected = residual.reduce(Float(0)) { $0 - _log(s) - FlowLikelihood.halfLogTwoPi - 0.5 * $1 * $1 / (s * s) }
            #expect(abs(logProb[b] - expected) < 1e-3 * max(1, abs(expected)))
        }
    }
}
