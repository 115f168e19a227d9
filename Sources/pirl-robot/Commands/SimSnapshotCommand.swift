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

        @Option(help: "Show what a policy with this model input size (square, pixels) sees instead: each camera's frame after the webcam effects and the letterboxing `run` applies.")
        var modelInput: Int?

        @Option(help: "With --model-input: draw each pixel as a zoom × zoom block.")
        var zoom = 4

        @Option(help: "Textures: the chance (0…1) that the table, the wall, each cube and the plate get a texture of the training set (randomization textureProbability).")
        var textures: Double?

        @Flag(help: "Textures of the unseen set on every surface (as eval-sim --unseen-textures).")
        var unseenTextures = false

        @Option(help: "A photo (PNG or JPEG) of your scene composited behind the front camera (as eval-sim --background).")
        var background: String?

        func validate() throws {
            guard (16...640).contains(width), (16...480).contains(height) else {
                throw ValidationError("--width must be 16…640 and --height 16…480, got \(width)x\(height).")
            }
            guard episode >= 0, expertSteps >= 0 else { throw ValidationError("--episode and --expert-steps must be 0 or more.") }
            if let modelInput, !(16...480).contains(modelInput) { throw ValidationError("--model-input must be 16…480, got \(modelInput).") }
            guard (1...16).contains(zoom) else { throw ValidationError("--zoom must be 1…16, got \(zoom).") }
            if let textures, !(0...1).contains(textures) { throw ValidationError("--textures must be in 0…1, got \(textures).") }
        }

        func run() throws {
            var configuration = options.configuration(imageWidth: modelInput ?? 64, imageHeight: modelInput ?? 64)
            if let textures { configuration.randomization.textureProbability = textures }
            configuration.visualShift.unseenTextures = unseenTextures
            configuration.backgroundImage = background
            let environment = try SimEnvironment(configuration: configuration, seed: options.seed)
            environment.reset(episode: episode)
            // The model input is rendered as in training (no shadows); a picture for people with them.
            let renderer = try OffscreenRenderer(model: environment.model, shadows: modelInput == nil)
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
            let image = modelInput != nil
                ? try SceneSnapshot.modelInput(of: environment, renderer: renderer, zoom: zoom)
                : try SceneSnapshot.image(of: environment, renderer: renderer, width: width, height: height)
            try PNGWriter.write(image, to: out)
            let surfaces = environment.surfaceTextures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            print("wrote \(out): \(image.width)x\(image.height), task \(options.task.rawValue), \"\(environment.setup.instruction)\""
                + (surfaces.isEmpty ? "" : ", textures \(surfaces.joined(separator: " "))"))
        }
    }
}
