import ArgumentParser
import Camera
import SimTrainer

extension PirlRobot.Sim {
    /// `pirl-robot sim snapshot`: the first frame of an episode, front and wrist side by side.
    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render an episode's scene (front camera left, wrist camera right) to a PNG file.")

        @OptionGroup var options: SimTaskOptions

        @Option(help: "Output PNG path.")
        var out: String

        @Option(help: "Width of each camera image (pixels).")
        var width = 320

        @Option(help: "Height of each camera image (pixels).")
        var height = 240

        @Option(help: "Episode of the run to show.")
        var episode = 0

        @Option(help: "Control steps of the scripted expert to run before rendering (0: the start of the episode).")
        var expertSteps = 0

        func validate() throws {
            guard (16...640).contains(width), (16...480).contains(height) else {
                throw ValidationError("--width must be 16…640 and --height 16…480, got \(width)x\(height).")
            }
            guard episode >= 0, expertSteps >= 0 else { throw ValidationError("--episode and --expert-steps must be 0 or more.") }
        }

        func run() throws {
            let environment = try SimEnvironment(
                configuration: options.configuration(cameraWidth: width, cameraHeight: height), seed: options.seed)
            environment.reset(episode: episode)
            let renderer = try OffscreenRenderer(model: environment.model, shadows: true)
            if expertSteps > 0 {
                let expert = try ScriptedExpert(seed: options.seed)
                var action = [Float](repeating: 0, count: 6)
                for _ in 0..<expertSteps {
                    let observation = try environment.observe(using: nil)
                    expert.action(for: observation, into: &action)
                    let result = action.withUnsafeBufferPointer { environment.step($0) }
                    if result.done { break }
                }
            }
            let image = try SceneSnapshot.image(of: environment, renderer: renderer)
            try PNGWriter.write(image, to: out)
            print("wrote \(out): \(image.width)x\(image.height), task \(options.task.rawValue), \"\(environment.setup.instruction)\"")
        }
    }
}
