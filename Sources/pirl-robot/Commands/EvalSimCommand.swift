import ArgumentParser
import Foundation
import Policy
import SimTrainer
import Training

extension PirlRobot {
    /// `pirl-robot eval-sim`: success rate of a policy in simulation.
    struct EvalSim: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval-sim",
            abstract: "Evaluate a policy on a simulated task; print the success rate with its 95 % Wilson interval.")

        @OptionGroup var options: SimTaskOptions

        @Flag(help: "Evaluate the scripted expert (IK + waypoints).")
        var expert = false

        @Option(help: "Evaluate a flow-policy checkpoint directory (config.json, model.safetensors, norm_stats.json).")
        var checkpoint: String?

        @Option(help: "Episodes to run.")
        var episodes = 200

        @Option(help: "Parallel environments.")
        var envs = 8

        @Option(help: "Worker threads (default: the number of CPU cores).")
        var threads = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: "Actions executed per decision (H_exec; default: the checkpoint's executed horizon, 5 for the expert).")
        var actionsPerDecision: Int?

        @Option(help: "Denoising steps K per chunk (default: the checkpoint's).")
        var denoisingSteps: Int?

        @Option(help: "Sampler for a --checkpoint policy: ode, flow-sde, flow-noise or noise-steering (default: the checkpoint's, the ODE as deployed). flow-sde measures the exploration policy RL trains.")
        var sampler: SamplerMethod?

        @Option(help: "Scale τ of the start's noise, x⁽⁰⁾ = μ + τ·σ·ε, in [0, 1] (default: the checkpoint's, 1; 0 acts with the steering head's mean, or from the flow's origin without one).")
        var startTemperature: Double?

        @Option(help: "Flow-SDE noise level a (default: the checkpoint's).")
        var noiseLevel: Double?

        @Option(help: "Flow-SDE smooth noise, as rl.noiseFrequencies: cosines kept per joint, one count for all joints (3) or one per joint (3,3,3,3,3,0).")
        var noiseFrequencies: NoiseFrequencies?

        @Option(help: "Flow-SDE: single (one random stochastic step per chunk, as RL's default) or every step, as rl.sdeSteps.")
        var sdeSteps: SDEStepSelection = .single

        @Flag(help: "Render and preprocess both cameras at every decision, as a learned policy needs (the expert does not).")
        var render = false

        @Flag(help: "Print the report as JSON, with every episode (setup, outcome, failure reason).")
        var json = false

        @Option(help: "Visual shift: move the front camera this many centimetres from its mount, in a random direction per episode.")
        var cameraOffsetCm: Double = 0

        @Option(help: "Visual shift: turn the front camera this many degrees about a random axis per episode.")
        var cameraTiltDeg: Double = 0

        @Option(help: "Visual shift: multiply every light's brightness by this (e.g. 0.5 or 1.5).")
        var lightScale: Double = 1

        @Option(help: "Visual shift: compress every camera frame as JPEG at this quality (1–100) instead of the randomized one.")
        var jpegQuality: Int?

        @Flag(help: "Visual shift: give the table, the wall, the cubes and the plate textures of the unseen set (pattern families training never shows) in every episode.")
        var unseenTextures = false

        @Option(help: "A photo (PNG or JPEG) of your own scene, taken by the real front camera from its mount, composited behind the twin's front camera: the table and everything else that is not the arm or a task object shows the photo.")
        var background: String?

        @OptionGroup var cameraPose: CameraPoseOption

        /// The visual shift the options ask for.
        var visualShift: VisualShift {
            var shift = VisualShift()
            shift.cameraOffset = cameraOffsetCm / 100
            shift.cameraTilt = cameraTiltDeg * .pi / 180
            shift.lightScale = lightScale
            shift.jpegQuality = jpegQuality
            shift.unseenTextures = unseenTextures
            return shift
        }

        func validate() throws {
            guard expert != (checkpoint != nil) else {
                throw ValidationError("say which policy to evaluate: either --checkpoint DIR or --expert.")
            }
            guard episodes > 0, envs > 0, threads > 0, (actionsPerDecision ?? 1) > 0, (denoisingSteps ?? 1) > 0 else {
                throw ValidationError("--episodes, --envs, --threads, --actions-per-decision and --denoising-steps must be positive.")
            }
            guard denoisingSteps == nil || checkpoint != nil else {
                throw ValidationError("--denoising-steps applies to a --checkpoint policy; the expert does not denoise.")
            }
            guard sampler == nil || checkpoint != nil else {
                throw ValidationError("--sampler applies to a --checkpoint policy; the expert does not denoise.")
            }
            guard (noiseLevel == nil && noiseFrequencies == nil && sdeSteps == .single) || sampler == .flowSDE else {
                throw ValidationError("--noise-level, --noise-frequencies and --sde-steps shape Flow-SDE's noise: add --sampler flow-sde.")
            }
            guard startTemperature == nil || checkpoint != nil else {
                throw ValidationError("--start-temperature applies to a --checkpoint policy; the expert does not denoise.")
            }
            if let startTemperature, !(startTemperature >= 0 && startTemperature <= 1) {
                throw ValidationError("--start-temperature must be in [0, 1], got \(startTemperature).")
            }
            do { try visualShift.validate() } catch { throw ValidationError("\(error)") }
            guard (visualShift.isNone && background == nil) || checkpoint != nil else {
                throw ValidationError("--camera-offset-cm, --camera-tilt-deg, --light-scale, --jpeg-quality, --unseen-textures and --background change what cameras see: evaluate a camera --checkpoint.")
            }
            if let noiseLevel, !(noiseLevel > 0 && noiseLevel <= 5) {
                throw ValidationError("--noise-level must be in (0, 5], got \(noiseLevel).")
            }
            if let noiseFrequencies, !noiseFrequencies.counts(joints: 1).contains(where: { $0 > 0 }) {
                throw ValidationError("--noise-frequencies must be a count (3) or one count per joint (3,3,3,3,3,0), at least one positive; got \(noiseFrequencies.description).")
            }
        }

        /// The smooth-noise basis for `policy`'s chunks, or nil without --noise-frequencies.
        func noiseBasis(for policy: FlowPolicy) throws -> ChunkNoiseBasis? {
            guard let noiseFrequencies else { return nil }
            let io = policy.config.io
            let counts = noiseFrequencies.counts(joints: io.actionDim)
            guard counts.count == io.actionDim, counts.allSatisfy({ $0 <= io.actionHorizon }) else {
                throw ValidationError("--noise-frequencies: the checkpoint has \(io.actionDim) joints (\(io.jointNames.joined(separator: ", "))) and \(io.actionHorizon) rows per chunk; give one count, or one per joint, each at most \(io.actionHorizon).")
            }
            return ChunkNoiseBasis(horizon: io.actionHorizon, frequencies: counts)
        }

        func run() throws {
            let policy: ChunkPolicy
            var configuration: EnvironmentConfiguration
            var perDecision = actionsPerDecision ?? 5
            if let checkpoint {
                let loaded = try CheckpointPolicy(checkpoint: checkpoint, seed: options.seed)
                loaded.denoisingSteps = denoisingSteps
                loaded.sampler = sampler
                loaded.startTemperature = startTemperature
                loaded.sdeNoise = FlowSDENoise(level: noiseLevel, basis: try noiseBasis(for: loaded.predictor.policy), steps: sdeSteps)
                perDecision = actionsPerDecision ?? loaded.predictor.policy.config.io.executedHorizon
                configuration = options.configuration(imageWidth: loaded.imageSize.width, imageHeight: loaded.imageSize.height,
                                                      resize: loaded.imageResize)
                configuration.renderImages = !loaded.predictor.policy.config.io.cameras.isEmpty
                guard (visualShift.isNone && background == nil) || configuration.renderImages else {
                    throw ValidationError("the visual-shift and --background options change what cameras see; \(checkpoint) reads no camera.")
                }
                configuration.visualShift = visualShift
                configuration.backgroundImage = background
                policy = loaded
            } else {
                configuration = options.configuration(imageWidth: 64, imageHeight: 64)
                configuration.renderImages = render
                policy = try ExpertPolicy(environments: envs, seed: options.seed, chunkLength: perDecision)
            }
            configuration.cameraPose = try cameraPose.pose
            let vector = try VectorEnvironment(configuration: configuration, count: envs, seed: options.seed, threads: threads)
            let report = try Evaluator(actionsPerDecision: perDecision).evaluate(policy, on: vector, episodes: episodes)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                let s = report.success
                print("\(options.task.rawValue): \(expert ? "expert" : "checkpoint") success \(s.successes)/\(s.episodes) = \(String(twoDecimals: 100 * s.rate)) % (95 % Wilson CI \(String(twoDecimals: 100 * s.lower))–\(String(twoDecimals: 100 * s.upper)) %), mean length \(String(twoDecimals: report.meanLength)) steps, \(report.diverged) diverged, \(String(twoDecimals: report.seconds)) s")
                if !report.failures.isEmpty { print("failures: \(report.failureSummary)") }
            }
        }
    }
}

/// `--noise-frequencies 3` (every joint) or `3,3,3,3,3,0` (one count per joint), as `rl.noiseFrequencies`.
extension NoiseFrequencies: ExpressibleByArgument {
    public init?(argument: String) {
        let counts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard counts.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        self = counts.count == 1 ? .all(counts[0]!) : .perJoint(counts.map { $0! })
    }
}
