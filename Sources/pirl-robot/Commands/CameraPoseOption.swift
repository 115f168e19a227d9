import ArgumentParser
import SimTrainer

/// `--camera-pose FILE`: the twin's front camera where the user's real one stands
/// (`pirl-robot sim overlay --save-pose FILE`), for the commands that build the twin's scene.
struct CameraPoseOption: ParsableArguments {
    @Option(name: .customLong("camera-pose"),
            help: "Pose file of the twin's front camera (from `pirl-robot sim overlay --save-pose`): position, look-at point and field of view of your real camera.")
    var path: String?

    func validate() throws { _ = try pose }

    /// The file's pose; nil without the option.
    var pose: TwinCameraPose? {
        get throws {
            guard let path else { return nil }
            do { return try TwinCameraPose.load(from: path) } catch { throw CommandFailure("\(error)") }
        }
    }
}
