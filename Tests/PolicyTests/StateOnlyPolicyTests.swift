import Foundation
import Testing
@testable import Policy

/// A policy with no cameras (`io.cameras == []`): the prefix is fused from the
/// instruction and the state alone, as the simulator trainer's low-dimensional
/// state policies need (joint state plus object state in one vector).
@Suite("State-only policy")
struct StateOnlyPolicyTests {
    /// `Support.smallConfig` without cameras and with a 6 + 7 state (joints + object pose).
    static func stateOnlyConfig(shared: Bool = true) -> PolicyConfig {
        var c = Support.smallConfig(shared: shared)
        c.io.cameras = []
        c.io.stateDim = 13
        return c
    }

    static func observation(_ config: PolicyConfig, seed: UInt64) -> RawObservation {
        var rng = RandomSource(seed: seed)
        return RawObservation(images: [:], state: (0..<config.io.stateDim).map { _ in rng.gaussian() }, prompt: "pick up the cube")
    }

    @Test(arguments: [true, false]) func buildsWithoutVisionParameters(sharedEncoder: Bool) throws {
        let config = Self.stateOnlyConfig(shared: sharedEncoder)
        try config.validate()
        let policy = try FlowPolicy(config: config)
        let names = policy.parameters.layout.entries.map(\.name)
        #expect(!names.contains { $0.hasPrefix("vision") }, "vision tensors in a state-only layout: \(names)")
        let a = config.architecture
        #expect(policy.parameters.layout.entry(named: "prefix.fuse.weight")?.shape == [a.prefixWidth, a.tokenWidth + a.stateWidth])
        #expect(policy.parameters.layout.entry(named: "state.proj.weight")?.shape == [a.stateWidth, 13])
        var withCameras = config
        withCameras.io.cameras = Support.smallConfig().io.cameras
        #expect(policy.parameters.count < (try FlowPolicy(config: withCameras)).parameters.count)
        #expect(policy.encoderFlops == policy.encoder.stateProjection.flopsPerRow + policy.encoder.fuse.flopsPerRow)

        // The default architecture without cameras: the whole CNN is gone.
        var big = PolicyConfig()
        big.io.cameras = []
        big.io.stateDim = 13
        let bigPolicy = try FlowPolicy(config: big)
        #expect(bigPolicy.parameters.count < (try FlowPolicy(config: PolicyConfig())).parameters.count)
        #expect(!bigPolicy.parameters.layout.entries.contains { $0.name.hasPrefix("vision") })
    }

    @Test func emptyCameraListSurvivesJSON() throws {
        let c = try JSONDecoder().decode(PolicyConfig.self, from: Data(#"{"io": {"cameras": [], "stateDim": 13}}"#.utf8))
        #expect(c.io.cameras.isEmpty && c.io.stateDim == 13)
        try c.validate()
        #expect(try JSONDecoder().decode(PolicyConfig.self, from: JSONEncoder().encode(c)) == c)
    }

    @Test func samplingGivesFiniteChunksOfTheRightSize() throws {
        let config = Self.stateOnlyConfig()
        let policy = try FlowPolicy(config: config)
        policy.initialize(seed: 91)
        let predictor = try ChunkPredictor(policy: policy, normStats: .identity(for: config))
        let observations = (0..<3).map { Self.observation(config, seed: 100 + UInt64($0)) }
        for method in [SamplerMethod.ode, .flowSDE, .flowNoise] {
            let chunks = try predictor.predict(observations, method: method, steps: 4, seed: 5)
            #expect(chunks.count == 3)
            for chunk in chunks {
                #expect(chunk.count == config.io.actionHorizon * config.io.actionDim)
                #expect(chunk.allSatisfy { $0.isFinite }, "\(method): non-finite chunk \(chunk)")
            }
            #expect(chunks[0] != chunks[1], "\(method): different states should give different chunks")
        }
        // The value head reads the same state-only prefix.
        #expect(policy.values().allSatisfy { $0.isFinite })
    }

    /// The finite-difference check of ``NetworkGradientTests`` with no CNN in front of the fuse.
    @Test func flowMatchingLossGradient() throws {
        let policy = try FlowPolicy(config: Self.stateOnlyConfig())
        policy.initialize(seed: 23)
        var rng = RandomSource(seed: 24)
        #expect(Support.randomBatch(policy.config, count: 1, rng: &rng).images.isEmpty)
        NetworkGradientTests.checkFlowMatchingGradient(policy, rng: &rng, "state-only FM loss")
    }

    @Test func checkpointRoundTripSamplesTheSameChunks() throws {
        let policy = try FlowPolicy(config: Self.stateOnlyConfig())
        policy.initialize(seed: 62)
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PolicyCheckpoint.save(policy, normStats: .identity(for: policy.config), to: dir)
        let weights = try SafeTensorsReader(path: PolicyCheckpoint.path(dir, PolicyCheckpoint.weightsFile))
        #expect(!weights.tensors.keys.contains { $0.hasPrefix("vision") })

        let (loaded, stats) = try PolicyCheckpoint.load(from: dir)
        #expect(loaded.config == policy.config && loaded.config.io.cameras.isEmpty)
        #expect(loaded.parameters.count == policy.parameters.count)
        for i in 0..<policy.parameters.count { #expect(loaded.parameters.values[i] == policy.parameters.values[i]) }

        let observations = [Self.observation(policy.config, seed: 7), Self.observation(policy.config, seed: 8)]
        let original = try ChunkPredictor(policy: policy, normStats: .identity(for: policy.config))
        let restored = try ChunkPredictor(policy: loaded, normStats: stats)
        for method in [SamplerMethod.ode, .flowSDE] {
            let a = try original.predict(observations, method: method, steps: 4, seed: 11)
            let b = try restored.predict(observations, method: method, steps: 4, seed: 11)
            #expect(a == b, "\(method): the loaded checkpoint samples differently")
        }
    }
}
