import Foundation
import Policy
@testable import Training

/// A small, fast training config for tests: 8×8 images, a tiny network, 2 envs.
enum Fixtures {
    static func config(iterations: Int = 3, algorithm: RLAlgorithm = .ppo, method: SamplerMethod = .flowNoise) -> TrainingConfig {
        var c = TrainingConfig()
        c.seed = 3
        c.environment.task = "reach"
        c.environment.envs = 4
        c.environment.imageSize = 8
        c.policy.horizon = 4
        c.policy.executedHorizon = 2
        c.policy.denoisingSteps = 3
        var a = PolicyConfig.Architecture()
        a.visionChannels = [4, 4]; a.tokenWidth = 8; a.stateWidth = 16; a.prefixWidth = 32; a.expertWidth = 32
        a.expertHiddenWidth = 64; a.expertBlocks = 1; a.timeEmbeddingWidth = 16; a.noiseHeadWidth = 16; a.valueWidth = 32
        a.vocabularySize = 64
        c.policy.architecture = a
        c.sft.demos = 4; c.sft.steps = 60; c.sft.batchSize = 16; c.sft.learningRate = 3e-3
        c.rl.algorithm = algorithm; c.rl.method = method
        c.rl.iterations = iterations; c.rl.rolloutLength = 6; c.rl.minibatchSize = 12; c.rl.epochs = 2
        c.rl.actorLearningRate = 3e-4; c.rl.criticLearningRate = 3e-3; c.rl.groupSize = 2
        c.rl.groupScoreMin = 0; c.rl.groupScoreMax = 1
        c.eval.episodes = 8; c.eval.periodicEpisodes = 4; c.eval.everyIterations = 2
        c.output.checkpointEvery = 2
        return c
    }
}

/// A vector of episodes for tests: the state holds a per-episode target pose; the
/// reward of a chunk is `−mean((a − target)²)` over its executed actions; an episode
/// succeeds (terminates) when that error is below ``successThreshold`` (0.01) and is cut
/// after 3 decisions.
final class TargetEnvironment: VectorChunkEnvironment {
    let count: Int
    let seed: UInt64
    let imageSize: Int
    private var episode: [Int]
    private var decision: [Int]
    private var returns: [Double]
    private var group = 1
    /// False: every episode has the same target (an easy problem for learning tests).
    let varyingTargets: Bool
    /// Decisions until the time limit.
    let decisionsPerEpisode: Int
    /// Mean squared error below which a chunk succeeds.
    let successThreshold: Double
    /// Also report the target as the observation's privileged state (what a simulator knows).
    let privilegedTarget: Bool
    /// The time limit in control steps, for decisions of the fixtures' executed horizon (2).
    var episodeStepLimit: Int { decisionsPerEpisode * 2 }

    init(count: Int, seed: UInt64, imageSize: Int, varyingTargets: Bool = true, decisionsPerEpisode: Int = 3,
         successThreshold: Double = 0.01, privilegedTarget: Bool = false) {
        self.count = count; self.seed = seed; self.imageSize = imageSize; self.varyingTargets = varyingTargets
        self.decisionsPerEpisode = decisionsPerEpisode; self.successThreshold = successThreshold
        self.privilegedTarget = privilegedTarget
        episode = .init(repeating: 0, count: count)
        decision = .init(repeating: 0, count: count)
        returns = .init(repeating: 0, count: count)
    }

    /// Target of environment e's current episode (shared within a reset group).
    func target(_ e: Int) -> [Float] {
        let stream = UInt64(e / group)
        var rng = RandomSource(seed: varyingTargets ? seed &+ stream &* 1_000_003 &+ UInt64(episode[e]) : seed)
        return (0..<6).map { _ in Float(rng.uniformOpen() - 0.5) }
    }

    func observation(_ e: Int) -> RawObservation {
        let frame = RGBFrame(width: imageSize, height: imageSize, rgb: [UInt8](repeating: 128, count: imageSize * imageSize * 3))
        return RawObservation(images: ["front": frame, "wrist": frame], state: target(e), prompt: "reach the target",
                              privileged: privilegedTarget ? target(e) : [])
    }

    func reset(groupSize: Int) throws -> [RawObservation] {
        group = groupSize
        for e in 0..<count { episode[e] += 1; decision[e] = 0; returns[e] = 0 }
        return (0..<count).map(observation)
    }

    func step(chunks: [[Float]], length: Int) throws -> ChunkStep {
        var rewards = [Double](repeating: 0, count: count), terminated = [Bool](repeating: false, count: count)
        var truncated = terminated, finished: [EpisodeOutcome] = []
        for e in 0..<count {
            let t = target(e)
            var error = 0.0
            for row in 0..<length { for j in 0..<6 { let d = Double(chunks[e][row * 6 + j] - t[j]); error += d * d } }
            error /= Double(length * 6)
            rewards[e] = -error
            returns[e] += -error
            decision[e] += 1
            terminated[e] = error < successThreshold
            truncated[e] = !terminated[e] && decision[e] >= decisionsPerEpisode
            if terminated[e] || truncated[e] {
                finished.append(EpisodeOutcome(environment: e, success: terminated[e], episodeReturn: returns[e], length: decision[e] * length))
                episode[e] += 1; decision[e] = 0; returns[e] = 0
            }
        }
        return ChunkStep(observations: (0..<count).map(observation), rewards: rewards, terminated: terminated, truncated: truncated,
                         executedSteps: .init(repeating: length, count: count), finished: finished)
    }
}

/// Environments and demonstrations for ``TrainSimRun`` in tests: ``TargetEnvironment``s,
/// and demos whose actions are the target (written in the `pirl-robot-demos/1` layout).
struct TargetBackend: TrainingBackend {
    func makeEnvironment(_ settings: EnvironmentSettings, count: Int, seed: UInt64) throws -> any VectorChunkEnvironment {
        TargetEnvironment(count: count, seed: seed, imageSize: settings.imageSize)
    }

    func recordDemonstrations(_ settings: EnvironmentSettings, episodes: Int, seed: UInt64, to directory: String) throws {
        let environment = TargetEnvironment(count: 1, seed: seed, imageSize: settings.imageSize)
        var names: [String] = []
        _ = try environment.reset(groupSize: 1)
        for k in 0..<episodes {
            let name = String(format: "episode_%06d", k)
            let steps = 6, size = settings.imageSize
            let target = environment.target(0)
            let states = (0..<steps).flatMap { _ in target }
            try DemoWriter.write(directory: directory + "/" + name, instruction: "reach the target", states: states, actions: states,
                                 steps: steps, size: size)
            names.append(name)
            _ = try environment.reset(groupSize: 1)
        }
        let dataset: [String: Any] = ["format": "pirl-robot-demos/1", "task": settings.task, "episodes": episodes,
                                      "successes": episodes, "seed": seed, "episode_directories": names]
        try JSONSerialization.data(withJSONObject: dataset).write(to: URL(fileURLWithPath: directory + "/dataset.json"))
    }
}

/// Writes demonstration episodes and `.npy` files the way the simulator's recorder does.
enum DemoWriter {
    static func npy(descr: String, shape: [Int], data: [UInt8]) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        let n = header.utf8.count
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8) + data)
    }

    static func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    static func write(directory: String, instruction: String, states: [Float], actions: [Float], steps: Int, size: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pixels = [UInt8](repeating: 128, count: steps * size * size * 3)
        for camera in ["front", "wrist"] {
            try npy(descr: "|u1", shape: [steps, size, size, 3], data: pixels).write(to: URL(fileURLWithPath: directory + "/\(camera).npy"))
        }
        try npy(descr: "<f4", shape: [steps, 6], data: floats(states)).write(to: URL(fileURLWithPath: directory + "/state.npy"))
        try npy(descr: "<f4", shape: [steps, 6], data: floats(actions)).write(to: URL(fileURLWithPath: directory + "/action.npy"))
        let info: [String: Any] = ["task": "reach", "instruction": instruction, "success": true, "length": steps, "fps": 30,
                                   "joint_names": ["a", "b", "c", "d", "e", "f"], "cameras": ["front", "wrist"],
                                   "image_width": size, "image_height": size, "seed": 0, "environment": 0, "environment_episode": 0]
        try JSONSerialization.data(withJSONObject: info).write(to: URL(fileURLWithPath: directory + "/episode.json"))
    }
}
