import Foundation
import Testing
import Policy
import SimTrainer
@testable import Training

/// State-based policies (joints + ``SimTrainer/ObjectState``, no camera) and runs that
/// start from an existing checkpoint (`sft.fromCheckpoint`).
@Suite("State-based training and sft.fromCheckpoint", .serialized)
struct StateBasedTrainingTests {
    static func stateConfig() -> TrainingConfig {
        var c = Fixtures.config(iterations: 0)
        c.environment.task = "place"
        c.environment.envs = 2
        c.policy.cameras = []
        c.policy.objectState = true
        c.sft.demos = 2; c.sft.steps = 20
        return c
    }

    @Test func camerasMayBeEmptyOnlyWithObjectState() throws {
        var c = Self.stateConfig()
        try c.validate()
        let io = c.policyConfig().io
        #expect(io.cameras.isEmpty && io.objectStateDim == ObjectState.count && io.stateDim == 6 + ObjectState.count)
        c.policy.objectState = false
        #expect(throws: ConfigError.self) { try c.validate() }
        do { try c.validate() } catch { #expect("\(error)".contains("policy.cameras") && "\(error)".contains("objectState")) }
    }

    @Test func demosAndEnvironmentsAppendTheObjectFeatures() throws {
        let config = Self.stateConfig()
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let backend = SimTrainingBackend(policy: config.policy)
        try backend.recordDemonstrations(config.environment, episodes: 2, seed: 4, to: dir)
        let dataset = try DemoDataset(directory: dir, cameras: [], objectState: true)
        #expect(dataset.stateWidth == 14 && dataset.joints == 6)
        let joints = try DemoDataset(directory: dir, cameras: [])
        #expect(joints.stateWidth == 6)
        let first = dataset.observation(episode: 0, step: 0)
        #expect(first.images.isEmpty && first.state.count == 14)
        #expect(Array(first.state[0..<6]) == joints.observation(episode: 0, step: 0).state)
        #expect(abs(first.state[8] - 0.0125) < 0.003, "cube z on the table")
        #expect(dataset.normStats().normStats["state"]?.mean.count == 14)
        #expect(dataset.normStats().normStats["actions"]?.mean.count == 6)

        let environment = try backend.makeEnvironment(config.environment, count: 2, seed: 9) as! SimChunkEnvironment
        #expect(!environment.vector.environments[0].configuration.renderImages)
        let observations = try environment.reset(groupSize: 1)
        #expect(observations.allSatisfy { $0.images.isEmpty && $0.state.count == 14 })

        try FileManager.default.removeItem(atPath: dir + "/episode_000001/object_state.npy")
        do {
            _ = try DemoDataset(directory: dir, cameras: [], objectState: true)
            Issue.record("demos without object_state.npy were accepted")
        } catch {
            #expect("\(error)".contains("object_state.npy") && "\(error)".contains("record them again"))
        }
    }

    @Test func stateBasedRunTrainsAndItsCheckpointDrivesTheTwin() throws {
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = Self.stateConfig()
        config.eval.episodes = 2; config.eval.periodicEpisodes = 2
        config.environment.maxSteps = 30
        let run = try TrainSimRun(config: config, directory: dir, backend: SimTrainingBackend(policy: config.policy)) { _ in }
        try run.run()
        #expect(run.state.finalEvaluation?.episodes == 2)
        let saved = try PolicyCheckpoint.load(from: dir + "/checkpoints/final")
        #expect(saved.policy.config.io.objectStateDim == 8)
        #expect(saved.policy.parameters.layout.entries.map(\.name).allSatisfy { !$0.hasPrefix("vision") })
        // eval-sim's path: CheckpointPolicy feeds the features to the checkpoint.
        let policy = try CheckpointPolicy(checkpoint: dir + "/checkpoints/final", seed: 1)
        #expect(policy.readsObjectState)
        var settings = EnvironmentConfiguration(task: .place)
        settings.renderImages = false
        settings.maxSteps = 20
        let vector = try VectorEnvironment(configuration: settings, count: 2, seed: 3, threads: 1)
        let report = try Evaluator(actionsPerDecision: 2).evaluate(policy, on: vector, episodes: 2)
        #expect(report.success.episodes == 2)
    }

    @Test func runStartsFromAnotherRunsCheckpointWithItsOwnSampler() throws {
        let first = Support.temporaryDirectory(), second = Support.temporaryDirectory()
        defer { for d in [first, second] { try? FileManager.default.removeItem(atPath: d) } }
        _ = try RunTests.run(Fixtures.config(iterations: 0), in: first)
        var config = Fixtures.config(iterations: 2)
        config.sft.fromCheckpoint = first + "/checkpoints/sft"
        config.policy.denoisingSteps = 2
        config.policy.executedHorizon = 1
        let (run, lines) = try RunTests.run(config, in: second)
        #expect(lines.contains { $0.hasPrefix("sft: starting from \(first)/checkpoints/sft") })
        #expect(!lines.contains { $0.contains("recording") }, "no demos are recorded")
        #expect(run.state.rlIterations == 2)
        let source = try PolicyCheckpoint.load(from: first + "/checkpoints/sft")
        let adopted = try PolicyCheckpoint.load(from: second + "/checkpoints/sft")
        #expect(adopted.policy.config.sampler.steps == 2 && adopted.policy.config.io.executedHorizon == 1)
        let n = source.policy.parameters.count
        #expect(Array(UnsafeBufferPointer(start: adopted.policy.parameters.values, count: n))
                == Array(UnsafeBufferPointer(start: source.policy.parameters.values, count: n)))
        #expect(adopted.normStats == source.normStats)

        var other = Fixtures.config(iterations: 1)
        other.sft.fromCheckpoint = first + "/checkpoints/sft"
        other.policy.architecture.expertWidth = 48
        do {
            _ = try RunTests.run(other, in: Support.temporaryDirectory())
            Issue.record("a checkpoint of another network was adopted")
        } catch {
            #expect("\(error)".contains("sft.fromCheckpoint") && "\(error)".contains("architecture"))
        }
    }

    /// Trains a head-less SFT checkpoint into `directory` and returns a 2-iteration config that
    /// adopts it and grows a head of width 16 for `method` (noise steering or residual).
    static func headConfig(_ method: SamplerMethod, adopting directory: String) throws -> TrainingConfig {
        _ = try RunTests.run(Fixtures.config(iterations: 0), in: directory)
        var config = Fixtures.config(iterations: 2, method: method)
        config.sft.fromCheckpoint = directory + "/checkpoints/sft"
        if method == .noiseSteering { config.policy.architecture.noiseSteeringWidth = 16 } else { config.policy.architecture.residualWidth = 16 }
        config.rl.granularity = .chunk
        config.rl.criticWarmupIterations = 0
        return config
    }

    /// Runs `headConfig(.noiseSteering, …)` changed by `configure` in scratch directories and
    /// returns the adopted (head grown, untrained) and the trained policy.
    static func steeringRun(_ configure: (inout TrainingConfig) -> Void) throws -> (adopted: FlowPolicy, trained: FlowPolicy) {
        let first = Support.temporaryDirectory(), second = Support.temporaryDirectory()
        defer { for d in [first, second] { try? FileManager.default.removeItem(atPath: d) } }
        var config = try headConfig(.noiseSteering, adopting: first)
        configure(&config)
        _ = try RunTests.run(config, in: second)
        return (try PolicyCheckpoint.load(from: second + "/checkpoints/sft").policy,
                try PolicyCheckpoint.load(from: second + "/checkpoints/rl-latest").policy)
    }

    /// A flow without a steering or residual head is adopted by a config with one: it grows the
    /// head (registered last, starting as "no change"), RL trains the head and the critic and
    /// leaves every flow tensor bit-identical, and the saved checkpoint loads back with the head
    /// (a steering head with one σ for the whole start, too).
    @Test(arguments: [(SamplerMethod.noiseSteering, false), (.noiseSteering, true), (.residual, false)])
    func adoptedCheckpointGrowsAnRLHead(method: SamplerMethod, sharedStd: Bool) throws {
        let first = Support.temporaryDirectory(), second = Support.temporaryDirectory()
        defer { for d in [first, second] { try? FileManager.default.removeItem(atPath: d) } }
        var config = try Self.headConfig(method, adopting: first)
        config.policy.architecture.noiseSteeringSharedStd = sharedStd
        let (run, lines) = try RunTests.run(config, in: second)
        let grown = method == .noiseSteering ? "noise-steering" : "residual"
        #expect(lines.contains { $0.hasPrefix("sft: the flow grows a \(grown) head of width 16") })
        #expect(run.state.rlIterations == 2)
        let source = try PolicyCheckpoint.load(from: first + "/checkpoints/sft").policy
        let adopted = try PolicyCheckpoint.load(from: second + "/checkpoints/sft").policy
        let trained = try PolicyCheckpoint.load(from: second + "/checkpoints/rl-latest").policy
        #expect(!source.steersNoise && !source.correctsChunks)
        #expect(adopted.steersNoise == (method == .noiseSteering) && trained.correctsChunks == (method == .residual))
        let n = source.parameters.count
        #expect(Array(UnsafeBufferPointer(start: adopted.parameters.values, count: n))
                == Array(UnsafeBufferPointer(start: source.parameters.values, count: n)))
        for e in trained.parameters.layout.entries {
            let moved = e.range.contains { trained.parameters.values[$0] != adopted.parameters.values[$0] }
            let expected = ParameterGroups.isRLHead(e.name) || ParameterGroups.isCritic(e.name)
            #expect(moved == expected, "\(e.name) \(moved ? "moved" : "stayed")")
        }
        let head = try #require(adopted.parameters.layout.entry(named: method == .noiseSteering ? "noise_steering.log_std" : "residual.log_std"))
        #expect(head.range.upperBound == adopted.parameters.count)
        #expect((head.range.count == 1) == sharedStd && trained.config.architecture.noiseSteeringSharedStd == sharedStd)
        let fresh: Float = method == .noiseSteering ? 0 : Float(log(config.policy.architecture.residualStd))
        #expect(head.range.allSatisfy { abs(adopted.parameters.values[$0] - fresh) < 1e-6 })
    }

    /// `rl.startStdAnneal` lowers the steering head's σ during RL: with the cap at 0.5 from the
    /// first iteration on, the trained head's log-std sits at log 0.5 (up to the updates'
    /// steps after the last cap) where a fresh head's is 0.
    @Test func startStdAnnealCapsTheSteeringHead() throws {
        let (_, trained) = try Self.steeringRun { $0.rl.startStdAnneal = LinearAnneal(to: 0.5, from: 0, until: 1) }
        let logStd = try #require(trained.parameters.layout.entry(named: "noise_steering.log_std"))
        let cap = Float(log(0.5))
        #expect(logStd.range.allSatisfy { abs(trained.parameters.values[$0] - cap) < 0.05 })
    }

    /// `rl.actorLearningRateAnneal` sets the actor's rate per iteration: annealed to 0 from the
    /// first iteration on, the steering head ends bit-identical to the adopted one while the
    /// critic still trains (without the schedule the same config moves the head:
    /// `adoptedCheckpointGrowsAnRLHead`).
    @Test func actorLearningRateAnnealDrivesTheActorsRate() throws {
        let (adopted, trained) = try Self.steeringRun { $0.rl.actorLearningRateAnneal = LinearAnneal(to: 0, from: 0, until: 1) }
        for e in trained.parameters.layout.entries where ParameterGroups.isRLHead(e.name) || ParameterGroups.isCritic(e.name) {
            let moved = e.range.contains { trained.parameters.values[$0] != adopted.parameters.values[$0] }
            #expect(moved == ParameterGroups.isCritic(e.name), "\(e.name) \(moved ? "moved" : "stayed")")
        }
    }

    /// A checkpoint whose critic has no time inputs is adopted by a config that asks for
    /// them: every tensor it has is kept, the critic gains `value_head.time.weight`, and RL
    /// trains that tensor too.
    @Test func adoptedCheckpointGrowsTheCriticsTimeInputs() throws {
        let first = Support.temporaryDirectory(), second = Support.temporaryDirectory()
        defer { for d in [first, second] { try? FileManager.default.removeItem(atPath: d) } }
        _ = try RunTests.run(Fixtures.config(iterations: 0), in: first)
        var config = Fixtures.config(iterations: 2)
        config.sft.fromCheckpoint = first + "/checkpoints/sft"
        config.policy.architecture.valueTimeInputs = 4
        config.rl.bootstrapTimeLimit = false
        let (run, lines) = try RunTests.run(config, in: second)
        #expect(lines.contains("sft: the critic grows 4 time inputs (architecture.valueTimeInputs)"))
        #expect(run.state.rlIterations == 2)
        let source = try PolicyCheckpoint.load(from: first + "/checkpoints/sft").policy
        let adopted = try PolicyCheckpoint.load(from: second + "/checkpoints/sft").policy
        let trained = try PolicyCheckpoint.load(from: second + "/checkpoints/rl-latest").policy
        #expect(adopted.config.architecture.valueTimeInputs == 4 && source.config.architecture.valueTimeInputs == 0)
        let n = source.parameters.count
        #expect(Array(UnsafeBufferPointer(start: adopted.parameters.values, count: n))
                == Array(UnsafeBufferPointer(start: source.parameters.values, count: n)))
        let time = try #require(adopted.parameters.layout.entry(named: "value_head.time.weight"))
        #expect(time.shape == [config.policy.architecture.valueWidth, 4] && time.range.upperBound == adopted.parameters.count)
        #expect(time.range.contains { adopted.parameters.values[$0] != 0 }, "initialized")
        #expect(time.range.contains { adopted.parameters.values[$0] != trained.parameters.values[$0] }, "trained by RL")
    }
}
