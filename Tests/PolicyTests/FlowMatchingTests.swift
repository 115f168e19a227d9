import Testing
@testable import Policy

/// docs/design/flow-rl.md §2: the time distribution and a few SFT steps on a fixed batch.
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

    /// A small policy initialized from `seed` and a fixed flow-matching problem of `n` samples.
    private func problem(seed: UInt64, n: Int) throws -> (FlowPolicy, ObservationBatch, [Float], [Float], [Float]) {
        let policy = try FlowPolicy(config: Support.smallConfig())
        policy.initialize(seed: seed)
        var rng = RandomSource(seed: seed + 1)
        let d = policy.dimension
        let batch = Support.randomBatch(policy.config, count: n, rng: &rng)
        let actions = (0..<(n * d)).map { _ in rng.gaussian() * 0.3 + 0.5 }
        let noise = (0..<(n * d)).map { _ in rng.gaussian() }
        let times = (0..<n).map { _ in FlowMatchingLoss.sampleTime(using: &rng) }
        return (policy, batch, actions, noise, times)
    }

    @Test func adamWStepsOnTheFlowMatchingLossReduceIt() throws {
        let (policy, batch, actions, noise, times) = try problem(seed: 102, n: 8)
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

    /// RL's replayed decisions are scored on stored prefix features: the loss and the
    /// gradient of every non-encoder parameter match re-encoding the observations.
    @Test func lossOnLoadedPrefixMatchesEncodingTheObservations() throws {
        let n = 5
        let (policy, batch, actions, noise, times) = try problem(seed: 104, n: n)
        let store = policy.parameters
        store.zeroGradients()
        let encoded = FlowMatchingLoss.loss(policy: policy, observations: batch, actions: actions, noise: noise, times: times,
                                            accumulateGradient: true, throughEncoder: false)
        let viaEncoding = Array(UnsafeBufferPointer(start: store.gradients, count: store.count))
        let prefix = policy.prefixFeatures
        store.zeroGradients()
        prefix.withUnsafeBufferPointer { policy.loadPrefixFeatures($0, count: n) }
        let loaded = FlowMatchingLoss.lossOnLoadedPrefix(policy: policy, rows: n, actions: actions, noise: noise, times: times,
                                                         accumulateGradient: true)
        let viaPrefix = Array(UnsafeBufferPointer(start: store.gradients, count: store.count))
        #expect(loaded == encoded)
        #expect(viaEncoding.contains { $0 != 0 })
        #expect(viaPrefix == viaEncoding)
    }
}
