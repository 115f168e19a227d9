import Foundation
import Policy
import RobotIO
import SimTrainer
import Synchronization

/// The MuJoCo twin behind the robot interface: each `writeGoals` is one control
/// tick of simulation (the loop's rate decides whether that is real time or
/// faster), `readState` renders the cameras and reads the joints.
///
/// MuJoCo data and the OSMesa context belong to the thread that creates them,
/// so they are created in `configure()`, which the loop calls on its control
/// thread; the inference thread gets the renders through `cameras`.
public final class SimulatedRobot: RobotBackend {
    /// The environment settings (task, camera size, randomization).
    public let configuration: EnvironmentConfiguration
    /// Episode seed.
    public let seed: UInt64
    public let jointNames = RobotSpec.so101.jointNames
    public let limits: JointLimits
    /// The renders, for the policy.
    public let cameras: SimulatedCameras
    /// Episodes finished, with their outcome, in order.
    public private(set) var outcomes: [EpisodeOutcome] = []
    /// Records every step when set (`--record`).
    public var recorder: EpisodeRecorder?

    private var environment: SimEnvironment?
    private var renderer: OffscreenRenderer?
    private var observation: SimObservation?
    private var pendingOutcome: EpisodeOutcome?
    private var episode = 0

    /// A twin for `configuration`; nothing is created until `configure()`.
    public init(configuration: EnvironmentConfiguration, seed: UInt64) {
        self.configuration = configuration
        self.seed = seed
        limits = .twin
        cameras = SimulatedCameras(width: configuration.cameraWidth, height: configuration.cameraHeight)
    }

    /// Creates the simulation and renderer on the calling (control) thread and starts episode 0.
    public func verify() throws {
        guard environment == nil else { return }
        let env = try SimEnvironment(configuration: configuration, seed: seed)
        renderer = configuration.renderImages ? try OffscreenRenderer(model: env.model) : nil
        env.reset(episode: 0)
        environment = env
        try observe()
    }

    public func configure() throws { try verify() }

    /// The twin's actuators are always powered.
    public func activate(holding pose: [Float]) throws {}

    public func deactivate() -> String? { nil }

    public func readState(into state: inout [Float]) throws {
        guard let observation else { throw RuntimeSetupError.simulationNotStarted }
        for i in state.indices { state[i] = observation.state[i] }
    }

    public func writeGoals(_ goals: [Float]) throws {
        guard let environment, let observation else { throw RuntimeSetupError.simulationNotStarted }
        let result = goals.withUnsafeBufferPointer { environment.step($0) }
        recorder?.append(observation, action: goals, reward: result.reward)
        if result.done {
            let outcome = EpisodeOutcome(episode: episode, success: environment.episodeSucceeded,
                                         steps: environment.episodeStep, episodeReturn: environment.episodeReturn,
                                         instruction: environment.setup.instruction, diverged: result.diverged,
                                         failure: environment.episodeFailure)
            outcomes.append(outcome)
            try recorder?.finish(outcome, setup: environment.setup)
            pendingOutcome = outcome
            episode += 1
            environment.reset(episode: episode)
        }
        try observe()
    }

    public func takeEpisodeOutcome() -> EpisodeOutcome? {
        defer { pendingOutcome = nil }
        return pendingOutcome
    }

    /// The current instruction (changes with every episode of a multi-task run).
    public var instruction: String { observation?.prompt ?? "" }

    private func observe() throws {
        guard let environment else { return }
        let next = try environment.observe(using: renderer)
        observation = next
        cameras.publish(next.frames, prompt: next.prompt, objectState: next.objectState)
    }
}

/// The twin's cameras as the policy's image source: the newest renders,
/// published by the control thread.
public final class SimulatedCameras: ImageSource, Sendable {
    /// Render size.
    public let width: Int
    public let height: Int
    /// One tick's publication: renders, instruction, object features and when they were published.
    private let slot = Mutex<(frames: [String: [UInt8]], prompt: String, objectState: [Float], timestamp: UInt64)>(([:], "", [], 0))

    /// Cameras rendering `width × height` frames.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var cameraNames: [String] { ["front", "wrist", "base"] }

    func publish(_ frames: [String: [UInt8]], prompt: String, objectState: [Float]) {
        let now = PeriodicSchedule.now()
        slot.withLock { $0 = (frames, prompt, objectState, now) }
    }

    /// The ``SimTrainer/ObjectState`` features of the newest render, for state-based checkpoints.
    public var objectState: [Float] { slot.withLock { $0.objectState } }

    /// The instruction of the episode being rendered.
    public var prompt: String { slot.withLock { $0.prompt } }

    public func capture() throws -> (images: [String: RGBFrame], oldestTimestampNanoseconds: UInt64) {
        let (frames, timestamp) = slot.withLock { ($0.frames, $0.timestamp) }
        guard !frames.isEmpty else { throw RuntimeSetupError.simulationNotStarted }
        var images: [String: RGBFrame] = [:]
        // Every name a checkpoint may use, mapped to the twin camera it means (the one mapping eval-sim uses).
        for name in cameraNames {
            guard let twin = CheckpointPolicy.twinCamera(for: name), let pixels = frames[twin] else { continue }
            images[name] = RGBFrame(width: width, height: height, rgb: pixels)
        }
        return (images, timestamp)
    }
}

/// How one simulated episode ended.
public struct EpisodeOutcome: Sendable, Codable, Equatable {
    /// Episode index.
    public var episode: Int
    /// The task's success predicate held.
    public var success: Bool
    /// Control ticks it lasted.
    public var steps: Int
    /// Sum of rewards.
    public var episodeReturn: Double
    /// The instruction.
    public var instruction: String
    /// The simulation diverged (NaN) and was reset.
    public var diverged: Bool
    /// Why it failed, in the task's words ("held over the plate"); `nil` on success.
    public var failure: String? = nil
}
