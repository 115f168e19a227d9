import Testing
@testable import Policy

/// docs/design/flow-rl.md §7.4 (the PPO loss half) and §7.5: the PPO loss through the network's
/// log-likelihoods, entropy and critic, checked against finite differences; updates
/// move the likelihood the way the advantages say; clipped ratios give no gradient.
@Suite("PPO loss")
struct PPOLossTests {
    /// A policy, a batch of observations and a Flow-Noise chain sampled from the policy.
    static func setUp(seed: UInt64, steps: Int = 3) throws -> (FlowPolicy, ObservationBatch, FlowChain) {
        let policy = try FlowPolicy(config: Support.smallConfig())
        policy.initialize(seed: seed)
        var rng = RandomSource(seed: seed + 1)
        let batch = Support.randomBatch(policy.config, count: 4, rng: &rng)
        policy.encode(batch)
        let chain = FlowChain(batch: 4, dimension: policy.dimension, steps: steps)
        FlowSampler(method: .flowNoise).sample(policy, into: chain, using: &rng)
        return (policy, batch, chain)
    }

    @Test func huberAndClippingPieces() {
        #expect(PPOLoss.huber(3, delta: 10) == (4.5, 3))
        #expect(PPOLoss.huber(-12, delta: 10) == (70, -10))
        let a = PPOLoss.actor(logProb: [0, 0.5, -0.5], oldLogProb: [0, 0, 0], advantages: [1, 1, -1])
        // r = 1 → −1; r = e^0.5 > 1.2 with A > 0 → clipped −1.2; r = e^−0.5 < 0.8 with A < 0 → clipped 0.8.
        #expect(abs(a.pgLoss - (-1 - 1.2 + 0.8) / 3) < 1e-6)
        #expect(a.dLogProb[1] == 0 && a.dLogProb[2] == 0 && abs(a.dLogProb[0] + 1.0 / 3) < 1e-6)
        #expect(abs(a.clipFraction - 2.0 / 3) < 1e-6)
        let normalized = PPOLoss.normalizeAdvantages([1, 2, 3])
        #expect(abs(normalized[0] + 1.2247) < 1e-3 && abs(normalized[1]) < 1e-6)
        let c = PPOLoss.critic(values: [1.5, 0.1], oldValues: [1.0, 0.0], returns: [0.0, 0.0])
        // Value 1: clipped 1.2 → huber 0.72 < unclipped 1.125, so the unclipped term is used.
        #expect(abs(c.vLoss - (1.125 + 0.005) / 2) < 1e-6 && abs(c.dValues[0] - 0.75) < 1e-6)
    }

    /// `L = pgLoss + vLoss − β·mean(entropy)`, with log π recomputed from the stored chain.
    static func totalLoss(_ policy: FlowPolicy, _ batch: ObservationBatch, _ chain: FlowChain, options: LikelihoodOptions,
                          old: [Float], advantages: [Float], oldValues: [Float], returns: [Float], beta: Float,
                          accumulateGradient: Bool) -> Double {
        policy.encode(batch)
        let now = FlowLikelihood.evaluate(policy, chain: chain, options: options)
        let actor = PPOLoss.actor(logProb: now.logProb, oldLogProb: old, advantages: advantages)
        let critic = PPOLoss.critic(values: policy.values(), oldValues: oldValues, returns: returns)
        let entropy = now.entropy.reduce(0, +) / Float(now.batch)
        if accumulateGradient {
            _ = FlowLikelihood.evaluateWithGradient(policy, chain: chain, options: options, dLogProb: actor.dLogProb,
                                                    dEntropy: [Float](repeating: -beta / Float(now.batch), count: now.batch))
            policy.backwardValues(critic.dValues)
        }
        return Double(actor.pgLoss) + Double(critic.vLoss) - Double(beta * entropy)
    }

    @Test(arguments: RatioGranularity.allCases) func ppoLossGradientMatchesFiniteDifferences(granularity: RatioGranularity) throws {
        let (policy, batch, chain) = try Self.setUp(seed: 91)
        var options = LikelihoodOptions(config: policy.config)
        options.granularity = granularity
        var rng = RandomSource(seed: 92)
        policy.encode(batch)
        let base = FlowLikelihood.evaluate(policy, chain: chain, options: options)
        // Old log-likelihoods a little off, so ratios sit inside the clip range but differ from 1.
        let old = base.logProb.map { $0 + Float(rng.uniformOpen() * 0.1 - 0.05) }
        let advantages = (0..<base.logProb.count).map { _ in rng.gaussian() }
        let oldValues = policy.values().map { $0 + 0.05 }
        let returns = (0..<4).map { _ in rng.gaussian() }
        policy.parameters.zeroGradients()
        _ = Self.totalLoss(policy, batch, chain, options: options, old: old, advantages: advantages, oldValues: oldValues,
                           returns: returns, beta: 0.005, accumulateGradient: true)
        let include = { (name: String) in !policy.isEncoderParameter(name) }
        for e in policy.parameters.layout.entries where include(e.name) {
            #expect(e.range.contains { policy.parameters.gradients[$0] != 0 }, "\(e.name) receives no gradient")
        }
        let indices = NetworkGradientTests.sampleIndices(policy, rng: &rng, include: include)
        NetworkGradientTests.check(policy, indices, eps: 1e-2, loss: {
            Self.totalLoss(policy, batch, chain, options: options, old: old, advantages: advantages, oldValues: oldValues,
                           returns: returns, beta: 0.005, accumulateGradient: false)
        }, "PPO loss (\(granularity))")
    }

    /// A few AdamW steps on the actor loss with advantages of one sign move log π that way.
    @Test(arguments: [Float(1), -1]) func updateFollowsTheAdvantageSign(sign: Float) throws {
        let (policy, batch, chain) = try Self.setUp(seed: 93)
        let options = LikelihoodOptions(config: policy.config)
        policy.encode(batch)
        let old = FlowLikelihood.evaluate(policy, chain: chain, options: options).logProb
        let advantages = [Float](repeating: sign, count: old.count)
        var optimizer = AdamW(groups: [
            .init(name: "actor", layout: policy.parameters.layout, learningRate: 1e-3, weightDecay: 0.01,
                  where: { !policy.isEncoderParameter($0) && !$0.hasPrefix("value_head") }),
        ])
        for _ in 0..<3 {
            policy.parameters.zeroGradients()
            policy.encode(batch)
            let now = FlowLikelihood.evaluate(policy, chain: chain, options: options)
            let actor = PPOLoss.actor(logProb: now.logProb, oldLogProb: old, advantages: advantages)
            _ = FlowLikelihood.evaluateWithGradient(policy, chain: chain, options: options, dLogProb: actor.dLogProb)
            #expect(optimizer.step(policy.parameters).applied)
        }
        policy.encode(batch)
        let new = FlowLikelihood.evaluate(policy, chain: chain, options: options).logProb
        for (n, o) in zip(new, old) { #expect(sign * (n - o) > 0, "log π moved from \(o) to \(n)") }
    }

    /// With every ratio outside the clip range on the side the advantage pushes toward, the
    /// actor gradient is exactly zero.
    @Test(arguments: [Float(1), -1]) func clippedRatiosGiveNoActorGradient(sign: Float) throws {
        let (policy, batch, chain) = try Self.setUp(seed: 95)
        let options = LikelihoodOptions(config: policy.config)
        policy.encode(batch)
        let now = FlowLikelihood.evaluate(policy, chain: chain, options: options).logProb
        // A > 0 with r = e ≫ 1.2, or A < 0 with r = 1/e ≪ 0.8.
        let old = now.map { $0 - sign }
        let actor = PPOLoss.actor(logProb: now, oldLogProb: old, advantages: [Float](repeating: sign, count: now.count))
        #expect(actor.clipFraction == 1)
        policy.parameters.zeroGradients()
        _ = FlowLikelihood.evaluateWithGradient(policy, chain: chain, options: options, dLogProb: actor.dLogProb)
        #expect(!(0..<policy.parameters.count).contains { policy.parameters.gradients[$0] != 0 })
        // The same chunks with the ratio inside the range do get a gradient.
        let inside = PPOLoss.actor(logProb: now, oldLogProb: now, advantages: [Float](repeating: sign, count: now.count))
        _ = FlowLikelihood.evaluateWithGradient(policy, chain: chain, options: options, dLogProb: inside.dLogProb)
        #expect((0..<policy.parameters.count).contains { policy.parameters.gradients[$0] != 0 })
    }
}
