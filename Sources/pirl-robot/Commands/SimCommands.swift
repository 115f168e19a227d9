import ArgumentParser
import Policy
import SimTrainer

extension PirlRobot {
    /// `pirl-robot sim …`: the MuJoCo digital twin.
    struct Sim: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The MuJoCo digital twin of the SO-101: snapshots, scripted demonstrations, and the twin served live.",
            subcommands: [Snapshot.self, Demos.self, Serve.self, Overlay.self])
    }
}

/// Options shared by the simulation commands.
struct SimTaskOptions: ParsableArguments {
    @Option(help: "Task: \(TaskKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var task: TaskKind = .lift

    @Option(help: "Pick-and-place suite split: train or heldout.")
    var split: SuiteSplit = .inDistribution

    @Option(help: "Run seed; the same seed gives the same episodes.")
    var seed: UInt64 = 0

    @Flag(help: "Turn domain randomization off (object poses are still sampled).")
    var noRandomization = false

    /// The environment configuration these options describe, for a model input of
    /// `imageWidth × imageHeight` fitted with `resize` (the cameras render at their own aspect).
    func configuration(imageWidth: Int, imageHeight: Int, resize: PolicyConfig.Camera.Resize = .pad) -> EnvironmentConfiguration {
        var configuration = EnvironmentConfiguration(task: task)
        configuration.split = split
        configuration.imageWidth = imageWidth
        configuration.imageHeight = imageHeight
        configuration.imageResize = resize
        if noRandomization { configuration.randomization = .none }
        return configuration
    }
}

extension TaskKind: ExpressibleByArgument {}
extension SuiteSplit: ExpressibleByArgument {}
