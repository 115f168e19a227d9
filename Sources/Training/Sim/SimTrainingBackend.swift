import Foundation
import RobotIO
import Runtime
import SimTrainer

/// Training in the MuJoCo twin: ``SimChunkEnvironment``s over ``SimTrainer/VectorEnvironment``
/// and demonstrations from ``SimTrainer/DemoRecorder`` (the scripted expert).
public struct SimTrainingBackend: TrainingBackend {
    /// The simulator cameras the policy reads (``EnvironmentSettings/cameras``).
    public var cameras: [String]
    /// Whether the policy's state ends with the ``SimTrainer/ObjectState`` features.
    public var objectState: Bool

    /// A backend for a policy reading `cameras` (and the object features when `objectState`).
    public init(cameras: [String], objectState: Bool = false) {
        self.cameras = cameras
        self.objectState = objectState
    }

    /// A backend for the policy `settings` describe.
    public init(policy settings: PolicySettings) { self.init(cameras: settings.cameras, objectState: settings.objectState) }

    /// The simulator's configuration for `settings`; it renders only when the policy reads a camera.
    public func configuration(_ settings: EnvironmentSettings) throws -> EnvironmentConfiguration {
        guard let task = TaskKind(rawValue: settings.task) else {
            throw ConfigError(field: "environment.task", value: settings.task, rule: "one of \(TaskKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let split = SuiteSplit(rawValue: settings.split) else {
            throw ConfigError(field: "environment.split", value: settings.split, rule: "train or heldout")
        }
        var configuration = EnvironmentConfiguration(task: task)
        configuration.split = split
        configuration.cameraWidth = settings.imageSize
        configuration.cameraHeight = settings.imageSize
        configuration.imageWidth = settings.imageSize
        configuration.imageHeight = settings.imageSize
        configuration.shapedReward = settings.shapedReward
        guard let potential = ShapingPotential(rawValue: settings.shapingPotential) else {
            throw ConfigError(field: "environment.shapingPotential", value: settings.shapingPotential, rule: "distance or stages")
        }
        configuration.shapingPotential = potential
        configuration.maxSteps = settings.maxSteps
        configuration.renderImages = !cameras.isEmpty
        configuration.backgroundImage = settings.background
        configuration.cameraPose = try settings.cameraPose.map { path throws(SimulationError) in try TwinCameraPose.load(from: path) }
        configuration.randomization = settings.noRandomization ? .none : settings.randomization.applied(to: configuration.randomization)
        try configuration.validate()
        return configuration
    }

    public func makeEnvironment(_ settings: EnvironmentSettings, count: Int, seed: UInt64) throws -> any VectorChunkEnvironment {
        let vector = try VectorEnvironment(configuration: configuration(settings), count: count, seed: seed, threads: settings.threads)
        let steps = settings.safetyFilter
            ? SafetyFilter.maxSteps(for: RobotSpec.so101.joints.map(\.kind), arm: Float(settings.maxStepRad), gripper: Float(settings.maxGripperStep))
            : nil
        let rampTicks = Int((settings.safetyRampSeconds * vector.environments[0].configuration.controlRate).rounded())
        return SimChunkEnvironment(vector: vector, cameras: cameras, objectState: objectState, safetyFilter: steps, rampTicks: rampTicks)
    }

    public func recordDemonstrations(_ settings: EnvironmentSettings, episodes: Int, seed: UInt64, to directory: String) throws {
        let environment = try configuration(settings)
        let recorder = DemoRecorder(configuration: environment, seed: seed, environments: min(settings.envs, episodes),
                                    threads: settings.threads, images: environment.renderImages)
        _ = try recorder.record(episodes: episodes, to: URL(fileURLWithPath: directory))
    }
}
