import ArgumentParser
import Camera
import Foundation
import Policy
import RobotIO
import Runtime
import SimTrainer

/// `pirl-robot run`: the policy in the real-time loop on a real arm, or in a dry run.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a policy on the arm: cameras and joints in, action chunks out, goals to the motors.",
        discussion: """
            Everything is checked before anything moves: the checkpoint's cameras and joints against \
            --camera and --robot, the calibration against the motors' EEPROM. The arm then ramps slowly \
            from where it stands. Ctrl-C holds the last safe command, then turns torque off.
            --dry-run reads every sensor and runs the policy and the safety filter, but never enables \
            torque or writes a goal; each would-be command is logged as one JSON line.
            """)

    @Option(help: "Robot: so101, so100 or koch.")
    var robot: String = "so101"

    @Option(help: "Serial port of the arm's bus.")
    var port: String?

    @Option(help: "The arm's calibration file (LeRobot format, from `pirl-robot calibrate`).")
    var calibration: String?

    @Flag(help: "Drive the MuJoCo twin instead of a real arm.")
    var sim = false

    @Option(help: "Simulated task (with --sim): reach, lift, place, push or pick-place.")
    var task: TaskKind = .place

    @Option(help: "Stop after this many simulated episodes (with --sim).")
    var episodes: Int?

    @Option(help: "Simulation speed as a multiple of real time (with --sim).")
    var speed: Double = 1

    @Option(help: "A photo (PNG or JPEG) of your own scene, taken by the real front camera from its mount, composited behind the twin's front camera (with --sim).")
    var background: String?

    @OptionGroup var cameraPose: CameraPoseOption

    @Option(help: "Record every step here: frames, states, actions, timestamps (format of docs/sim-demos.md).")
    var record: String?

    @Option(help: "Seed of the simulated episodes and of the sampler.")
    var seed: UInt64 = 0

    @Option(name: .customLong("camera"), help: "NAME=DEVICE for each camera the checkpoint uses (repeatable), e.g. front=/dev/video0.")
    var cameras: [String] = []

    @Option(help: "Checkpoint directory (config.json, model.safetensors, norm_stats.json).")
    var checkpoint: String

    @Option(help: "The instruction, e.g. \"put the red cube on the blue plate\" (with --sim: default the episode's).")
    var prompt: String?

    @Option(help: "A file holding the instruction, re-read whenever it changes (e.g. `sim serve --prompt-file`, which writes each episode's there).")
    var promptFile: String?

    @Option(help: "Control rate in Hz (default: the checkpoint's).")
    var hz: Double?

    @Option(help: "Stop after this many seconds (default: until Ctrl-C).")
    var duration: Double?

    @Flag(help: "Never actuate: read sensors, run the policy and safety filter, log would-be commands.")
    var dryRun = false

    @Option(help: "Where the dry run writes its JSONL command log.")
    var dryRunLog: String = "dry-run.jsonl"

    @Option(help: "Sampler override: ode, flow-sde or flow-noise.")
    var sampler: SamplerMethod?

    @Option(help: "Denoising steps override.")
    var steps: Int?

    @Option(help: "Largest change of an arm joint per tick (radians).")
    var maxStepRad: Float = SafetyFilter.defaultMaxStepRadians

    @Option(help: "Largest change of the gripper opening per tick (0 closed … 1 open).")
    var maxGripperStep: Float = SafetyFilter.defaultMaxGripperStep

    @Option(help: "Seconds of robot time (simulated time with --sim) over which the step limit ramps up at start.")
    var rampS: Double = SafetyFilter.defaultRampSeconds

    @Option(help: "How overlapping chunks blend: cross-fade, replace or ensemble.")
    var blending: BlendingChoice = .crossFade

    @Flag(help: "Do not try SCHED_FIFO / mlockall.")
    var noRealtime = false

    func validate() throws {
        guard RobotSpec.named(robot) != nil else {
            throw ValidationError("unknown robot '\(robot)'; known: \(RobotSpec.all.map(\.name).joined(separator: ", "))")
        }
        for camera in cameras where camera.split(separator: "=", maxSplits: 1).count != 2 {
            throw ValidationError("--camera takes NAME=DEVICE, got '\(camera)'")
        }
        if let hz, !(hz > 0 && hz <= 1000) { throw ValidationError("--hz must be in (0, 1000], got \(hz)") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        guard maxStepRad > 0 else { throw ValidationError("--max-step-rad must be positive") }
        guard maxGripperStep > 0 else { throw ValidationError("--max-gripper-step must be positive") }
        guard rampS >= 0 else { throw ValidationError("--ramp-s must not be negative") }
        if prompt != nil && promptFile != nil { throw ValidationError("give the instruction once: --prompt or --prompt-file") }
        if sim {
            if port != nil || calibration != nil || !cameras.isEmpty {
                throw ValidationError("--sim drives the simulated twin: leave out --port, --calibration and --camera")
            }
            if let background {
                var configuration = EnvironmentConfiguration(task: task)
                configuration.backgroundImage = background
                do { try configuration.validate() } catch { throw ValidationError("\(error)") }
            }
            guard robot == "so101" else { throw ValidationError("the simulated twin is an SO-101 (--robot so101)") }
            if let episodes, episodes < 1 { throw ValidationError("--episodes must be at least 1") }
            guard speed > 0, speed <= 100 else { throw ValidationError("--speed must be in (0, 100]") }
        } else {
            guard port != nil else { throw ValidationError("give the arm's --port (or --sim for the simulated twin)") }
            guard calibration != nil else {
                throw ValidationError("give the arm's --calibration file (make one with `pirl-robot calibrate`)")
            }
            guard prompt != nil || promptFile != nil else {
                throw ValidationError("give the instruction with --prompt, or a file holding it with --prompt-file")
            }
            guard background == nil else { throw ValidationError("--background composites a photo behind the simulated front camera: add --sim") }
            guard cameraPose.path == nil else { throw ValidationError("--camera-pose places the twin's front camera: add --sim (on the arm the camera is where it stands)") }
            if episodes != nil {
                throw ValidationError("--episodes works with --sim (episodes need a success check); use --duration")
            }
        }
    }

    func run() throws {
        BLAS.correctKernelSelection()
        // One BLAS thread: small matrices gain nothing from more, and the control thread needs a core.
        BLAS.setThreadCount(1)
        let spec = RobotSpec.named(robot)!
        let predictor = try ChunkPredictor(checkpoint: checkpoint)
        let io = predictor.policy.config.io
        guard io.jointNames == spec.jointNames else {
            throw RuntimeSetupError.jointMismatch(checkpoint: io.jointNames, robot: spec.jointNames)
        }
        if sim {
            try runSimulated(predictor: predictor)
            return
        }
        let calibrationFile = try Calibration.load(from: calibration!, robot: spec)
        let feeds = try io.cameras.map { camera -> CameraFeed in
            guard let device = cameraDevices[camera.name] else {
                throw RuntimeSetupError.cameraMismatch(checkpoint: io.cameras.map(\.name), given: Array(cameraDevices.keys).sorted())
            }
            return try CameraFeed(name: camera.name, device: device, width: camera.width, height: camera.height,
                                  resize: ResizeMethod(camera.resize))
        }
        let rig = CameraRig(feeds: feeds)
        let instruction = try instructionSource()
        let source = try PolicyChunkSource(predictor: predictor, images: rig, promptSource: { instruction() ?? "" },
                                           method: sampler, steps: steps, seed: seed)

        let bus = try RobotBus.open(robot: spec, port: port!)
        defer { bus.bus.close() }
        let serial = try SerialRobot(robotBus: bus, calibration: calibrationFile)
        let backend: any RobotBackend
        var dry: DryRunRobot?
        if dryRun {
            dry = try DryRunRobot(wrapping: serial, logPath: dryRunLog, ticksFor: { serial.ticks(for: $0, into: &$1) })
            backend = dry!
        } else {
            backend = serial
        }
        let rate = hz ?? io.controlRateHz
        var recorder: EpisodeRecorder?
        if let record {
            // A state-only checkpoint records no frames; the size is then unused.
            let size = io.cameras.first ?? PolicyConfig.Camera(name: "none")
            guard io.cameras.allSatisfy({ $0.width == size.width && $0.height == size.height })
            else { throw ValidationError("--record needs every camera of the checkpoint at one size") }
            recorder = try EpisodeRecorder(directory: URL(fileURLWithPath: record), task: "hardware", fps: rate,
                                           cameras: io.cameras.map(\.name), imageWidth: size.width,
                                           imageHeight: size.height, seed: seed)
        }
        try runLoop(backend: backend, dry: dry, source: source, rig: rig, hertz: rate, robotHertz: rate,
                    horizon: io.actionHorizon, executed: io.executedHorizon, recorder: recorder)
        if let recorder {
            try recorder.finishRun(instruction: source.lastPrompt.isEmpty ? (instruction() ?? "") : source.lastPrompt)
            print("recorded \(recorder.written.count) episode(s) to \(recorder.directory.path)")
        }
    }

    /// `--sim`: the twin, rendering the checkpoint's camera size, stepped once per tick.
    func runSimulated(predictor: ChunkPredictor) throws {
        let io = predictor.policy.config.io
        // A state-only checkpoint reads no image; the twin still renders (for --record) at the default 64×64.
        let size = io.cameras.first ?? PolicyConfig.Camera(name: "front")
        var environment = EnvironmentConfiguration(task: task)
        environment.imageWidth = size.width
        environment.imageHeight = size.height
        environment.imageResize = size.resize
        environment.backgroundImage = background
        environment.cameraPose = try cameraPose.pose
        try environment.validate()
        let twin = SimulatedRobot(configuration: environment, seed: seed)
        if let record {
            twin.recorder = try EpisodeRecorder(
                directory: URL(fileURLWithPath: record), task: task.rawValue, fps: environment.controlRate,
                cameras: ["front", "wrist"], imageWidth: size.width, imageHeight: size.height, seed: seed)
        }
        let fixed = try instructionSource()
        // The closures hold the cameras, not the twin: the twin (and its OSMesa context) must be
        // freed here on the main thread, not wherever the last closure happens to be released.
        let cameras = twin.cameras
        let source = try PolicyChunkSource(predictor: predictor, images: cameras,
                                           promptSource: { fixed() ?? cameras.prompt },
                                           objectState: { cameras.objectState },
                                           method: sampler, steps: steps, seed: seed)
        var backend: any RobotBackend = twin
        var dry: DryRunRobot?
        if dryRun {
            dry = try DryRunRobot(wrapping: twin, logPath: dryRunLog)
            backend = dry!
        }
        try runLoop(backend: backend, dry: dry, source: source, rig: nil, hertz: environment.controlRate * speed,
                    robotHertz: environment.controlRate, horizon: io.actionHorizon, executed: io.executedHorizon,
                    maxEpisodes: episodes)
        if let recorder = twin.recorder { print("recorded \(recorder.written.count) episode(s) to \(recorder.directory.path)") }
    }

    /// The instruction before each chunk (on the inference thread): --prompt, or --prompt-file
    /// re-read when it changes; nil without either (with --sim: the episode's own).
    func instructionSource() throws -> () -> String? {
        if let promptFile {
            let file = try PromptFile(path: promptFile) { line in
                FileHandle.standardError.write(Data("run: \(line)\n".utf8))
            }
            print("run: instruction \"\(file.instruction)\" from \(promptFile), re-read when it changes")
            return { file.current() }
        }
        let fixed = prompt
        return { fixed }
    }

    /// --camera NAME=DEVICE as a dictionary.
    var cameraDevices: [String: String] {
        Dictionary(cameras.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts[1])
        }, uniquingKeysWith: { _, last in last })
    }

    /// Runs the control loop at `hertz` ticks per wall-clock second; `robotHertz` is the robot's own
    /// rate (the simulated control rate when `--speed` runs the twin faster than real time), which
    /// the start-up ramp is measured in.
    func runLoop(backend: any RobotBackend, dry: DryRunRobot?, source: any ChunkSource, rig: CameraRig?,
                 hertz: Double, robotHertz: Double, horizon: Int, executed: Int, maxEpisodes: Int? = nil,
                 recorder: EpisodeRecorder? = nil) throws {
        // The ramp is robot time: at --speed 4, a 2 s ramp counted in wall-clock ticks would cover
        // 8 s of the twin's motion, longer than a whole `place` episode.
        let safety = SafetyFilter(forRunOn: backend, kinds: RobotSpec.named(robot)!.joints.map(\.kind),
                                  robotHertz: robotHertz, arm: maxStepRad, gripper: maxGripperStep, rampSeconds: rampS)
        let options = LoopOptions(hertz: hertz, maxTicks: duration.map { Int($0 * hertz) }, maxEpisodes: maxEpisodes,
                                  refillThreshold: max(0, horizon - executed), watchdogTicks: max(horizon, Int(hertz / 2)),
                                  realtime: !noRealtime)
        let loop = ControlLoop(robot: backend, source: source, safety: safety, blending: blending.value, options: options)
        if dry != nil || recorder != nil {
            loop.onCommand = { tick, time, state, command, flags in
                dry?.annotate(tick: tick, timeSeconds: time, flags: flags)
                recorder?.append(frames: rig?.latestImages ?? [:], state: state, action: command)
            }
        }
        try rig?.start()
        defer { rig?.stop() }
        let title = (sim ? "sim " : "") + (dry == nil ? "run" : "dry run")
        let report = try LoopRunner.run(loop, title: title, hertz: hertz)
        print(report.summary)
        if let dry { print("dry run: \(dry.loggedCommands) would-be commands logged to \(dryRunLog); nothing was written to the motors") }
    }
}

/// Blending names on the command line.
enum BlendingChoice: String, ExpressibleByArgument, CaseIterable {
    case crossFade = "cross-fade"
    case replace
    case ensemble

    var value: ChunkBlending {
        switch self {
        case .crossFade: .crossFade
        case .replace: .replace
        case .ensemble: .temporalEnsemble(m: 0.1)
        }
    }
}

