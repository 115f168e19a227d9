import ArgumentParser
import Foundation
import SimTrainer

extension Bench {
    /// `pirl-robot bench sim`: simulator throughput.
    struct SimBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sim",
            abstract: "Simulator throughput: decisions/s for N environments, physics steps/s, ms per rendered frame.")

        @Option(parsing: .upToNextOption, help: "Environment counts to measure.")
        var envs: [Int] = [1, 8, 32]

        @Option(help: "Worker threads (default: the number of CPU cores).")
        var threads = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: "Actions executed per decision (H_exec).")
        var actionsPerDecision = 5

        @Option(help: "Model input width and height (pixels); each camera renders at the size its decoder would give (160x120 for 64).")
        var size = 64

        @Option(help: "Seconds per measurement.")
        var seconds = 3.0

        @Option(help: "Texture probability of the domain randomization (0: off, the default; 1: every table, wall, cube and plate textured).")
        var textures = 0.0

        @Option(help: "A background photo (PNG or JPEG) composited behind the front camera, to measure its cost.")
        var background: String?

        func validate() throws {
            guard !envs.isEmpty, envs.allSatisfy({ $0 > 0 }), threads > 0, actionsPerDecision > 0, seconds > 0 else {
                throw ValidationError("--envs, --threads, --actions-per-decision and --seconds must be positive.")
            }
            guard (0...1).contains(textures) else { throw ValidationError("--textures must be in 0…1, got \(textures).") }
        }

        func run() throws {
            let render = TwinCamera.front.renderSize(forInputWidth: size, height: size)
            print("bench sim: \(threads) threads, H_exec \(actionsPerDecision) at 30 Hz, physics 500 Hz, two cameras rendered at \(render.width)x\(render.height) into \(size)x\(size) inputs, task pick-place"
                + (textures > 0 ? ", texture probability \(textures)" : "") + (background != nil ? ", background photo" : ""))
            var configuration = EnvironmentConfiguration(task: .pickPlace)
            configuration.imageWidth = size
            configuration.imageHeight = size
            configuration.randomization.textureProbability = textures
            configuration.backgroundImage = background
            for count in envs {
                for render in [true, false] {
                    configuration.renderImages = render
                    let result = try SimBenchmark.decisionsPerSecond(
                        configuration: configuration, count: count, threads: threads,
                        actionsPerDecision: actionsPerDecision, seconds: seconds)
                    print("  N=\(count) \(render ? "rendering" : "no rendering"): \(String(twoDecimals: result.perSecond)) decisions/s (\(result.decisions) decisions)")
                }
            }
            let physics = try SimBenchmark.physicsStepsPerSecond(seconds: seconds)
            print("  physics only, one thread: \(Int(physics)) mj_step/s")
            configuration.renderImages = true
            let frame = try SimBenchmark.millisecondsPerFrame(width: render.width, height: render.height, frames: 1000, configuration: configuration)
            print("  render \(render.width)x\(render.height): \(String(twoDecimals: frame)) ms per frame")
        }
    }
}
