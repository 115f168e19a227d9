import Foundation
import Policy
import Testing
@testable import SimTrainer

@Suite("Checkpoints as chunk policies")
struct CheckpointPolicyTests {
    private func checkpoint(cameras: [String]) throws -> String {
        var config = PolicyConfig()
        config.io.cameras = cameras.map { PolicyConfig.Camera(name: $0, width: 32, height: 32) }
        let policy = try FlowPolicy(config: config)
        policy.initialize(seed: 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-ckpt-\(UInt32.random(in: 0...UInt32.max))").path
        try PolicyCheckpoint.save(policy, normStats: .identity(for: config), to: directory)
        return directory
    }

    @Test("A checkpoint drives the twin through the vector environment: rendered frames in, H × 6 chunks out")
    func evaluatesACheckpoint() throws {
        let directory = try checkpoint(cameras: ["base", "wrist"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let policy = try CheckpointPolicy(checkpoint: directory, seed: 3)
        #expect(policy.chunkLength == 10)
        #expect(policy.imageSize.width == 32 && policy.imageSize.height == 32)
        var configuration = EnvironmentConfiguration(task: .reach)
        configuration.cameraWidth = 32
        configuration.cameraHeight = 32
        configuration.maxSteps = 10
        let vector = try VectorEnvironment(configuration: configuration, count: 2, seed: 3, threads: 2)
        var chunks = [[Float]](repeating: [], count: 2)
        try policy.actionChunks(for: try vector.reset(), into: &chunks)
        #expect(chunks.allSatisfy { $0.count == 60 && $0.allSatisfy(\.isFinite) })
        let report = try Evaluator(actionsPerDecision: 5).evaluate(policy, on: vector, episodes: 2)
        #expect(report.success.episodes == 2 && report.meanLength <= 10)
    }

    @Test("denoisingSteps overrides the checkpoint's K: its own K reproduces the default chunks, another K changes them")
    func denoisingStepsOverride() throws {
        let directory = try checkpoint(cameras: [])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = EnvironmentConfiguration(task: .reach)
        configuration.renderImages = false
        let observations = try VectorEnvironment(configuration: configuration, count: 2, seed: 3, threads: 1).reset()
        func chunks(_ steps: Int?) throws -> [[Float]] {
            let policy = try CheckpointPolicy(checkpoint: directory, seed: 5)
            policy.denoisingSteps = steps
            var out = [[Float]](repeating: [], count: 2)
            try policy.actionChunks(for: observations, into: &out)
            return out
        }
        let own = try CheckpointPolicy(checkpoint: directory, seed: 0).predictor.policy.config.sampler.steps
        #expect(try chunks(own) == chunks(nil))
        #expect(try chunks(1) != chunks(nil))
    }

    @Test("A checkpoint with a camera the twin lacks is refused by name")
    func unknownCamera() throws {
        let directory = try checkpoint(cameras: ["overhead", "wrist"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect {
            _ = try CheckpointPolicy(checkpoint: directory, seed: 0)
        } throws: { error in
            guard case .invalidConfiguration(let message) = error as? SimulationError else { return false }
            return message.contains("overhead")
        }
    }
}
