import Testing
@testable import Policy

/// The privileged probe (``PolicyConfig/Architecture/privilegedProbe``): an auxiliary linear
/// map from the prefix to the simulator's object state whose loss trains the encoder.
@Suite("Privileged probe")
struct PrivilegedProbeTests {
    static func policy() throws -> FlowPolicy {
        var config = Support.smallConfig()
        config.architecture.privilegedProbe = 3
        let policy = try FlowPolicy(config: config)
        policy.initialize(seed: 41)
        return policy
    }

    @Test func gradientsMatchCentralDifferencesThroughTheEncoder() throws {
        let policy = try Self.policy()
        var rng = RandomSource(seed: 42)
        let n = 4
        let batch = Support.randomBatch(policy.config, count: n, rng: &rng)
        let targets = (0..<(n * 3)).map { _ in rng.gaussian() }
        func loss() -> Double {
            policy.encode(batch)
            return Double(policy.privilegedProbeLoss(targets: targets, accumulateGradient: false)) * 0.7
        }
        policy.parameters.zeroGradients()
        policy.encode(batch)
        _ = policy.privilegedProbeLoss(targets: targets, gradientScale: 0.7)
        policy.backwardEncoder()
        // The probe and the encoder (cameras, state, fuse) get gradients; the flow does not.
        for e in policy.parameters.layout.entries {
            let moved = e.range.contains { policy.parameters.gradients[$0] != 0 }
            let shouldMove = e.name.hasPrefix("privileged_probe") || policy.isEncoderParameter(e.name) && !e.name.hasPrefix("language")
            if shouldMove { #expect(moved, "\(e.name) receives no gradient") }
            if e.name.hasPrefix("expert") || e.name.hasPrefix("value_head") { #expect(!moved, "\(e.name) moved") }
        }
        let indices = NetworkGradientTests.sampleIndices(policy, rng: &rng) {
            $0.hasPrefix("privileged_probe") || $0.hasPrefix("vision") || $0.hasPrefix("prefix") || $0.hasPrefix("state")
        }
        NetworkGradientTests.check(policy, indices, eps: 1e-2, loss: loss, "probe loss")
    }

    @Test func aProbeIsAddedLastAndOldConfigsHaveNone() throws {
        let plain = try FlowPolicy(config: Support.smallConfig())
        let probed = try Self.policy()
        #expect(plain.privilegedProbeWidth == 0 && probed.privilegedProbeWidth == 3)
        // Every tensor of the plain layout sits at the same offset: a checkpoint without a probe loads as before.
        for (a, b) in zip(plain.parameters.layout.entries, probed.parameters.layout.entries) {
            #expect(a.name == b.name && a.offset == b.offset)
        }
        #expect(probed.parameters.layout.entries.last?.name.hasPrefix("privileged_probe") == true)
        var config = Support.smallConfig()
        config.architecture.privilegedProbe = -1
        #expect(throws: PolicyConfigError.self) { try config.validate() }
    }
}
