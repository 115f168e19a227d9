import Testing
@testable import Policy

/// flow-rl.md §2: the time distribution and a few SFT steps on a fixed batch.
@Suite("Flow matching")
struct FlowMatchingTests {
    @Test func timesFollowShiftedBeta() {
        var rng = RandomSource(seed: 101)
        let times = (0..<100_000).map { _ in Double(FlowMatchingLoss.sampleTime(using: &rng)) }
        #expect(times.allSatisfy { $0 >= 0.001 && $0 <= 1 })
        // Beta(1.5, 1) has mean 0.6, so t has mean 0.001 + 0.999·0.6.
        let mean = times.reduce(0, +) / Double(times.count)
        #expect(abs(mean - (0.001 + 0.999 * 0.6)) < 0.005, "mean \(mean)")
        // P(b ≤ 0.5) = 0.5^1.5.
        let below = Double(times.filter { ($0 - 0.001) / 0.999 <= 0.5 }.count) / Double(times.count)
        #expect(abs(below - 0.353_553) < 0.005, "P(b ≤ ½) = \(below)")
    }

    @Test func adamWStepsOnTheFlowMatchingLossReduceIt() throws {
        let policy = try FlowPolicy(config: Support.smallConfig())
        policy.initialize(seed: 102)
        var rng = RandomSource(seed: 103)
        let n = 8, d = policy.dimension
        let batch = Support.randomBatch(policy.config, count: n, rng: &rng)
        let actions = (0..<(n * d)).map { _ in rng.gaussian() * 0.3 + 0.5 }
        let noise = (0..<(n * d)).map { _ in rng.gaussian() }
        let times = (0..<n).map { _ in FlowMatchingLoss.sampleTime(using: &rng) }
        var optimizer = AdamW(groups: [.init(name: "all", layout: policy.parameters.layout, learningRate: 3e-3, weightDecay: 0, where: { _ in true })])
        let first = FlowMatchingLoss.loss(policy: policy, observations: batch, actions: actions, noise: noise, times: times, accumulateGradient: false)
        for _ in 0..<60 {
            policy.parameters.zeroGradients()
            _ = FlowMatchingLoss.loss(policy: policy, observations: batch, actions: actions, noise: noise, times: times, accumulateGradient: true)
            _ = optimizer.step(policy.parameters)
        }
        let last = FlowMatchingLoss.loss(policy: policy, observations: batch, actions: actions, noise: noise, times: times, accumulateGradient: false)
        #expect(last < 0.5 * first, "FM loss \(first) → \(last)")
    }
}
