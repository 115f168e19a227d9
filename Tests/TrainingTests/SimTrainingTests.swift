import Foundation
import Testing
import Policy
import SimTrainer
@testable import Training

/// The CI-sized end-to-end run in the MuJoCo twin: SFT on a few scripted `reach`
/// demonstrations, then a few PPO iterations; success must rise above the SFT checkpoint's.
@Suite("train-sim on the simulator", .serialized)
struct SimTrainingTests {
    static func config() -> TrainingConfig {
        var c = TrainingConfig()
        c.seed = 1
        c.environment.task = "reach"
        c.environment.envs = 16
        c.environment.imageSize = 64
        c.environment.shapedReward = true
        c.policy.horizon = 10
        c.policy.executedHorizon = 5
        var a = PolicyConfig.Architecture()
        a.visionChannels = [8, 16, 32]; a.prefixWidth = 64; a.stateWidth = 32; a.tokenWidth = 16
        a.expertWidth = 64; a.expertHiddenWidth = 128; a.expertBlocks = 2; a.timeEmbeddingWidth = 32
        a.noiseHeadWidth = 32; a.valueWidth = 64; a.vocabularySize = 256
        c.policy.architecture = a
        c.sft.demos = 4; c.sft.steps = 200; c.sft.batchSize = 32; c.sft.learningRate = 1e-3
        c.rl.method = .flowSDE
        c.rl.granularity = .token
        c.rl.noiseLevel = 0.3
        c.rl.iterations = 12; c.rl.rolloutLength = 24; c.rl.minibatchSize = 64; c.rl.epochs = 4
        c.rl.actorLearningRate = 1e-3; c.rl.criticLearningRate = 1e-3; c.rl.criticWarmupIterations = 1
        c.eval.episodes = 96; c.eval.periodicEpisodes = 96; c.eval.everyIterations = 6
        c.output.checkpointEvery = 6
        return c
    }

    @Test func ppoRaisesSuccessAboveTheSFTCheckpoint() throws {
        BLAS.correctKernelSelection()
        let config = Self.config()
        let dir = Support.temporaryDirectory()
        var lines: [String] = []
        let run = try TrainSimRun(config: config, directory: dir, backend: SimTrainingBackend(cameras: config.policy.cameras)) {
            lines.append($0)
        }
        try run.run()
        let sft = try #require(run.state.sftSuccess)
        let final = try #require(run.state.finalEvaluation)
        let log = lines.joined(separator: "\n")
        #expect(final.rate > sft, "SFT \(sft) → RL \(final.rate)\n\(log)")
    }

    /// GRPO groups: members of a group start from their leader's episode setup.
    @Test func groupResetSharesTheEpisodeSetup() throws {
        var settings = EnvironmentSettings()
        settings.task = "place"
        settings.imageSize = 32
        let environment = try SimTrainingBackend(cameras: ["front", "wrist"]).makeEnvironment(settings, count: 4, seed: 11) as! SimChunkEnvironment
        let observations = try environment.reset(groupSize: 2)
        let setups = environment.vector.environments.map(\.setup)
        #expect(setups[0] == setups[1] && setups[2] == setups[3])
        #expect(setups[0] != setups[2])
        #expect(observations[0].prompt == observations[1].prompt)
        #expect(observations.allSatisfy { $0.images["front"]?.rgb.count == 32 * 32 * 3 && $0.state.count == 6 })
        let single = try environment.reset(groupSize: 1)
        #expect(single.count == 4)
    }
}
