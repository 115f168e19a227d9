import Foundation
import Policy
import SimTrainer
import Testing
@testable import Runtime

/// `run --sim`: the same loop against the MuJoCo twin.
@Suite(.serialized) struct SimulatedRobotTests {
    static func twin(maxSteps: Int = 40) throws -> SimulatedRobot {
        var configuration = EnvironmentConfiguration(task: .reach)
        configuration.maxSteps = maxSteps
        try configuration.validate()
        return SimulatedRobot(configuration: configuration, seed: 3)
    }

    static func loop(_ robot: any RobotBackend, source: any ChunkSource, episodes: Int, hertz: Double = 200) -> ControlLoop {
        let safety = SafetyFilter(limits: robot.limits, maxStep: Array(repeating: 0.1, count: 6), rampTicks: 5,
                                  jointNames: robot.jointNames)
        return ControlLoop(robot: robot, source: source, safety: safety, blending: .crossFade,
                           options: LoopOptions(hertz: hertz, maxTicks: 2_000, maxEpisodes: episodes, refillThreshold: 5,
                                                watchdogTicks: 100, realtime: false))
    }

    @Test func episodesEndResetAndAreRecorded() throws {
        let twin = try Self.twin()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        twin.recorder = try EpisodeRecorder(directory: directory, task: "reach", fps: 30, cameras: ["front", "wrist"],
                                            imageWidth: 64, imageHeight: 64, seed: 3)
        let source = try PolicyChunkSource(predictor: try PolicyLoopTests.predictor(), images: twin.cameras,
                                           promptSource: { twin.cameras.prompt })
        // 50 Hz, not 200: the debug-build camera policy needs tens of milliseconds per chunk,
        // and at 200 Hz a loaded machine finished both episodes on 2 chunks and holds.
        let report = try Self.loop(twin, source: source, episodes: 2, hertz: 50).run()
        #expect(report.episodes.count == 2)
        #expect(report.stopReason == "2 episodes done")
        #expect(report.episodes.allSatisfy { $0.steps <= 40 && !$0.instruction.isEmpty })
        // A failed episode carries the task's reason, and the summary counts them.
        #expect(report.episodes.allSatisfy { $0.success == ($0.failure == nil) })
        let failed = report.episodes.filter { !$0.success }.count
        #expect(report.summary.contains("failures: ") == (failed > 0), "\(report.summary)")
        #expect(report.chunks >= 4)
        let episodes = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(episodes == ["episode_000000", "episode_000001"])
        let info = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("episode_000000/episode.json"))) as! [String: Any]
        #expect(info["length"] as? Int == report.episodes[0].steps)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("episode_000000").path)
        #expect(Set(files) == ["front.npy", "wrist.npy", "state.npy", "object_state.npy", "action.npy", "reward.npy", "time.npy", "episode.json"])
    }

    @Test func chunksFromThePreviousEpisodeAreNotExecuted() {
        let queue = ActionQueue(dimension: 1, capacity: 16, blending: .replace)
        let epoch = queue.epoch
        queue.clear()
        #expect(!queue.push(ActionChunk(startTick: 5, horizon: 2, dimension: 1, actions: [1, 2], epoch: epoch)))
        #expect(queue.push(ActionChunk(startTick: 5, horizon: 2, dimension: 1, actions: [1, 2], epoch: queue.epoch)))
    }

    @Test func dryRunInSimulationNeverSteps() throws {
        let twin = try Self.twin(maxSteps: 1000)
        let dry = try DryRunRobot(wrapping: twin, logPath: nil)
        let source = try PolicyChunkSource(predictor: try PolicyLoopTests.predictor(), images: twin.cameras, prompt: "reach")
        let safety = SafetyFilter(limits: dry.limits, maxStep: Array(repeating: 0.1, count: 6), rampTicks: 5,
                                  jointNames: dry.jointNames)
        let loop = ControlLoop(robot: dry, source: source, safety: safety, blending: .replace,
                               options: LoopOptions(hertz: 100, maxTicks: 30, realtime: false))
        var first: [Float]?
        var states: [[Float]] = []
        loop.onCommand = { _, _, state, _, _ in
            if first == nil { first = state }
            states.append(state)
        }
        let report = try loop.run()
        #expect(report.ticks == 30)
        #expect(dry.loggedCommands == 30)
        #expect(states.allSatisfy { $0 == first })  // the twin never moved
    }
}

/// Checkpoints that read the simulator's object features (state-based policies); in the
/// serialized suite, so they never run beside the other twin tests.
extension SimulatedRobotTests {
    static func stateBasedPredictor() throws -> ChunkPredictor {
        var config = PolicyConfig()
        config.io.cameras = []
        config.io.objectStateDim = ObjectState.count
        config.io.stateDim = 6 + ObjectState.count
        let policy = try FlowPolicy(config: config)
        policy.initialize(seed: 2)
        return try ChunkPredictor(policy: policy, normStats: .identity(for: config))
    }

    /// A real arm has no object features: the checkpoint is refused before anything moves.
    @Test func aRealRobotRefusesIt() throws {
        let twin = try SimulatedRobotTests.twin()
        #expect(throws: RuntimeSetupError.needsObjectState(features: ObjectState.count)) {
            _ = try PolicyChunkSource(predictor: try Self.stateBasedPredictor(), images: twin.cameras, prompt: "reach")
        }
        #expect(RuntimeSetupError.needsObjectState(features: 8).description.contains("--sim"))
    }

    /// `run --sim`: the twin publishes the features with each render and the policy reads them.
    @Test func theTwinFeedsItsObjectFeatures() throws {
        let twin = try SimulatedRobotTests.twin()
        let source = try PolicyChunkSource(predictor: try Self.stateBasedPredictor(), images: twin.cameras,
                                           promptSource: { twin.cameras.prompt }, objectState: { twin.cameras.objectState })
        let report = try SimulatedRobotTests.loop(twin, source: source, episodes: 1).run()
        #expect(report.episodes.count == 1 && report.chunks >= 1, "\(report)")
        let features = twin.cameras.objectState
        #expect(features.count == ObjectState.count)
        #expect(Array(features[5...]) != [0, 0, 0], "the reach target is the goal")
    }
}
