import Foundation
import SimTrainer

/// Training in the MuJoCo twin: ``SimChunkEnvironment``s over ``SimTrainer/VectorEnvironment``
/// and demonstrations from ``SimTrainer/DemoRecorder`` (the scripted expert).
public struct SimTrainingBackend: TrainingBackend {
    /// The simulator cameras the policy reads (``EnvironmentSettings/cameras``).
    public var cameras: [String]

    /// A backend for a policy reading `cameras`.
    public init(cameras: [String]) { self.cameras = cameras }

    /// The simulator's configuration for `settings`.
    public static func configuration(_ settings: EnvironmentSettings) throws -> EnvironmentConfiguration {
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
        configuration.maxSteps = settings.maxSteps
        configuration.renderImages = true
        if settings.noRandomization { configuration.randomization = .none }
        try configuration.validate()
        return configuration
    }

    public func makeEnvironment(_ settings: EnvironmentSettings, count: Int, seed: UInt64) throws -> any VectorChunkEnvironment {
        var configuration = try Self.configuration(settings)
        // A state-only policy reads no image: skip the renders nobody would read.
        configuration.renderImages = !cameras.isEmpty
        let vector = try VectorEnvironment(configuration: configuration, count: count, seed: seed, threads: settings.threads)
        return SimChunkEnvironment(vector: vector, cameras: cameras)
    }

    public func recordDemonstrations(_ settings: EnvironmentSettings, episodes: Int, seed: UInt64, to directory: String) throws {
        let recorder = DemoRecorder(configuration: try Self.configuration(settings), seed: seed,
                                    environments: min(settings.envs, episodes), threads: settings.threads)
        _ = try recorder.record(episodes: episodes, to: URL(fileURLWithPath: directory))
    }
}
