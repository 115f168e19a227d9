import Foundation
import Camera
import CMuJoCo
import RobotIO

/// One simulated SO-101 with a task: its own model copy (randomized per
/// episode), its own mjData, random stream, action-latency queue and
/// preprocessors. Actions are absolute joint goals in joint units
/// (RobotSpec.so101 order), held for one 30 Hz control tick each.
///
/// Not thread-safe: one thread at a time steps it; rendering uses the
/// ``OffscreenRenderer`` of the calling thread.
public final class SimEnvironment {
    /// The settings.
    public let configuration: EnvironmentConfiguration
    /// The task.
    public let task: any SimTask
    /// This environment's model (colours, lights, cameras and textures change per episode).
    public let model: MuJoCoModel
    /// This environment's state.
    public let data: MuJoCoData
    /// Ids of the twin's parts.
    public let layout: TwinLayout
    /// Seed of the run; episode `k` of environment `index` draws from stream (index, k).
    public let seed: UInt64
    /// Index of this environment in its vector (its random stream).
    public let index: Int

    /// The current episode's setup.
    public private(set) var setup: EpisodeSetup
    /// Control steps taken in the current episode.
    public private(set) var episodeStep = 0
    /// Episodes started so far (the current one is `episodeIndex`).
    public private(set) var episodeIndex = -1
    /// Action latency of the current episode (control ticks).
    public private(set) var latency = 0
    /// Sum of rewards in the current episode.
    public private(set) var episodeReturn = 0.0
    /// The task's dense progress after the last step (or the reset), the shaping potential.
    public private(set) var progress = 0.0
    /// Whether the current episode has succeeded at some step.
    public private(set) var episodeSucceeded = false
    /// Why the current episode failed, once it has (ran out of time: the task's
    /// ``SimTask/failure(of:in:)``; or "physics diverged"); `nil` before that and on success.
    public private(set) var episodeFailure: String?

    private let randomizer: SceneRandomizer
    private let textures: TextureRandomizer
    /// The decoded ``EnvironmentConfiguration/backgroundImage``, full size.
    private let backgroundPhoto: RGBImage?
    /// Geoms (by id) that a background photo stays behind: every geom of a body (the arm, the
    /// cubes, plate, target and zone); the world's own geoms (table, wall, floor) are background.
    let foregroundGeoms: [Bool]
    private var random = SimRandom(seed: 0)
    /// Control steps at which an episode that has not succeeded is cut.
    public let maxSteps: Int
    private let jointCount: Int
    /// Ring of the last 3 actions in MJCF units, for latency.
    private var pending: [Double]
    private var pendingHead = 0
    /// The cameras, render to model input, in ``TwinCamera/all`` order.
    private let cameras: [CameraPipeline]

    /// Stream bit of the webcam effects' random stream (see ``reset(to:)``).
    private static let webcamStream: UInt64 = 1 << 40
    /// Stream bit of the visual shift's random stream.
    private static let visualShiftStream: UInt64 = 1 << 41
    /// Stream bit of the textures' random stream.
    private static let textureStream: UInt64 = 1 << 42

    /// The render of `camera` ("front", "wrist") from the last ``observe(using:)`` after the
    /// webcam effects and before preprocessing, with its size; `nil` for another name.
    public func lastRender(of camera: String) -> (pixels: [UInt8], width: Int, height: Int)? {
        cameras.first { $0.camera.name == camera }.map { ($0.pixels, $0.renderWidth, $0.renderHeight) }
    }

    /// Joint pose an episode starts near (joint units): gripper above the
    /// workspace, pointing down, jaws half open.
    public static let homePose: [Double] = [0, -0.6, 0.45, 1.6, 0, 0.5]

    /// Loads the twin and prepares environment `index` of a run seeded with `seed`.
    /// - Throws: ``SimulationError/backgroundImage(path:reason:)`` when the configuration's
    ///   background photo is missing or cannot be decoded; other errors for a bad configuration.
    public convenience init(configuration: EnvironmentConfiguration, seed: UInt64, index: Int = 0) throws(SimulationError) {
        try self.init(configuration: configuration, seed: seed, index: index, textureAssets: true)
    }

    /// `textureAssets` false builds the scene without the texture assets (the scene as it was
    /// before textures, for tests that compare renders with it).
    init(configuration: EnvironmentConfiguration, seed: UInt64, index: Int, textureAssets: Bool) throws(SimulationError) {
        try configuration.validate()
        self.configuration = configuration
        self.seed = seed
        self.index = index
        task = configuration.task.task(split: configuration.split)
        let xml = SceneMJCF.xml(textures: textureAssets, cameras: configuration.cameras)
        let nominal = try MuJoCoModel(xml: xml)
        if textureAssets { SceneTextures.paint(nominal) }
        model = MuJoCoModel(copying: nominal)
        data = MuJoCoData(model: model)
        layout = try TwinLayout(model: model)
        randomizer = SceneRandomizer(nominal: nominal, layout: layout)
        textures = TextureRandomizer(nominal: nominal, layout: layout, materials: TextureMaterials(model: nominal))
        maxSteps = configuration.maxSteps ?? task.maxSteps
        jointCount = layout.jointQpos.count
        pending = [Double](repeating: 0, count: 3 * jointCount)
        let ids = [TwinCamera.front.name: layout.frontCamera, TwinCamera.wrist.name: layout.wristCamera]
        cameras = configuration.cameras.map {
            CameraPipeline(camera: $0, cameraID: ids[$0.name]!, width: configuration.imageWidth,
                           height: configuration.imageHeight, method: ResizeMethod(configuration.imageResize))
        }
        let m = model.pointer
        foregroundGeoms = (0..<Int(m.pointee.ngeom)).map { m.pointee.geom_bodyid[$0] != 0 }
        if let path = configuration.backgroundImage {
            do throws(CameraError) {
                backgroundPhoto = try ImageFile.read(path)
            } catch {
                if case let .imageReadFailed(_, reason) = error { throw .backgroundImage(path: path, reason: reason) }
                throw .backgroundImage(path: path, reason: error.description)
            }
        } else {
            backgroundPhoto = nil
        }
        setup = EpisodeSetup(instruction: "")
        for camera in cameras where camera.camera.name == TwinCamera.front.name {
            camera.backdrop = backdrop(width: camera.renderWidth, height: camera.renderHeight) ?? []
            camera.foreground = foregroundGeoms
        }
    }

    /// The background photo centre-cropped to `width:height` and resized (bilinear, as
    /// ``ImagePreprocessor`` resizes a camera frame) to `width × height` RGB8; `nil` without one.
    func backdrop(width: Int, height: Int) -> [UInt8]? {
        guard let backgroundPhoto else { return nil }
        var resized = RGBImage()
        ImagePreprocessor(width: width, height: height, method: .centerCropResize).resize(backgroundPhoto, into: &resized)
        return Array(resized.pixels.prefix(width * height * 3))
    }

    /// The texture each textured surface shows this episode, by geom name ("table", "wall",
    /// "cube_geom", "distractor1_geom", "distractor2_geom", "plate"); surfaces in their plain
    /// colour are left out.
    public var surfaceTextures: [String: String] {
        var out: [String: String] = [:]
        let m = model.pointer
        for surface in textures.surfaces {
            let material = m.pointee.geom_matid[surface.geom]
            guard material >= 0, let geom = mj_id2name(m, Int32(mjOBJ_GEOM.rawValue), Int32(surface.geom)),
                  let name = mj_id2name(m, Int32(mjOBJ_MATERIAL.rawValue), material) else { continue }
            let materialName = String(cString: name)
            out[String(cString: geom)] = String(materialName[materialName.index(after: materialName.firstIndex(of: "_")!)...])
        }
        return out
    }

    /// Starts the next episode of this environment (episode `episodeIndex + 1`),
    /// or episode `episode` when given: samples the task, randomizes the
    /// scene, places the arm near ``homePose`` and settles the physics.
    public func reset(episode: Int? = nil) {
        episodeIndex = episode ?? (episodeIndex + 1)
        random = SimRandom(seed: seed, stream: UInt64(index), UInt64(episodeIndex))
        setup = task.sampleEpisode(&random)
        reset(to: setup)
    }

    /// Starts an episode with a given setup (random stream as for `reset`).
    public func reset(to setup: EpisodeSetup) {
        self.setup = setup
        let settings = configuration.randomization
        randomizer.apply(setup, settings, to: model, &random)
        latency = settings.maxActionLatency > 0 ? random.index(settings.maxActionLatency + 1) : 0
        // Textures, too, come from a stream of their own; with them off nothing is drawn or written.
        let shift = configuration.visualShift
        let textureOdds = shift.unseenTextures ? 1 : settings.textureProbability
        if textureOdds > 0 {
            var textureRandom = SimRandom(seed: seed, stream: UInt64(index) | Self.textureStream, UInt64(bitPattern: Int64(episodeIndex)))
            textures.apply(setup, probability: textureOdds, set: shift.unseenTextures ? .unseen : .training, to: model, &textureRandom)
        }
        // The webcam effects come from a stream of their own, so turning them on or off
        // leaves every other draw of the episode (poses, latency, noise) as it was.
        var webcam = SimRandom(seed: seed, stream: UInt64(index) | Self.webcamStream, UInt64(bitPattern: Int64(episodeIndex)))
        for camera in cameras { camera.effects = WebcamEffects.draw(settings, renderScale: camera.renderScale, &webcam) }
        if !shift.isNone {
            var shiftRandom = SimRandom(seed: seed, stream: UInt64(index) | Self.visualShiftStream, UInt64(bitPattern: Int64(episodeIndex)))
            shift.apply(to: model, layout: layout, &shiftRandom)
            if let quality = shift.jpegQuality { for camera in cameras { camera.effects.jpegQuality = quality } }
        }
        data.reset()
        let qpos = data.qpos, ctrl = data.ctrl
        for joint in 0..<jointCount {
            let kind = layout.kinds[joint]
            let jitter = kind == .revolute ? random.uniform(-0.05, 0.05) : 0
            let value = TwinJointUnits.mjcfValue(fromJointUnits: Self.homePose[joint] + jitter, kind: kind)
            qpos[layout.jointQpos[joint]] = value
            ctrl[layout.actuators[joint]] = value
            for slot in 0..<3 { pending[slot * jointCount + joint] = value }
        }
        for cube in 0..<layout.cubeQpos.count {
            let address = layout.cubeQpos[cube]
            let placed = cube < setup.cubes.count ? setup.cubes[cube] : nil
            let position = placed.map { Vector3($0.position.x, $0.position.y, SceneMJCF.cubeSize / 2) } ?? SceneMJCF.parking(cube)
            let yaw = placed?.yaw ?? 0
            qpos[address] = position.x; qpos[address + 1] = position.y; qpos[address + 2] = position.z
            qpos[address + 3] = cos(yaw / 2); qpos[address + 4] = 0; qpos[address + 5] = 0; qpos[address + 6] = sin(yaw / 2)
        }
        place(mocap: layout.plateMocap, at: setup.plate?.position, parking: 3)
        place(mocap: layout.targetMocap, at: setup.target?.position, parking: 4)
        place(mocap: layout.zoneMocap, at: setup.zone?.position, parking: 5)
        data.forward()
        progress = potential(task.outcome(of: setup, in: SceneState(data: data, layout: layout)))
        episodeStep = 0
        episodeReturn = 0
        episodeSucceeded = false
        episodeFailure = nil
        pendingHead = 0
    }

    private func place(mocap: Int, at position: Vector3?, parking: Int) {
        let p = position ?? SceneMJCF.parking(parking)
        let out = data.pointer.pointee.mocap_pos + 3 * mocap
        out[0] = p.x; out[1] = p.y; out[2] = p.z
    }

    /// One control tick: queues `action` (joint units, one value per joint),
    /// applies the action from ``latency`` ticks ago, runs 16–17 physics steps
    /// and evaluates the task. Allocates nothing in the physics loop.
    public func step(_ action: UnsafeBufferPointer<Float>) -> StepResult {
        precondition(action.count >= jointCount, "an action has \(jointCount) joint values, got \(action.count)")
        let slot = pendingHead
        for joint in 0..<jointCount {
            let kind = layout.kinds[joint]
            let clamped = TwinJointUnits.clamp(Double(action[joint]), joint: joint, kind: kind)
            pending[slot * jointCount + joint] = TwinJointUnits.mjcfValue(fromJointUnits: clamped, kind: kind)
        }
        let applied = (slot + 3 - latency) % 3
        pendingHead = (slot + 1) % 3
        let ctrl = data.ctrl
        for joint in 0..<jointCount { ctrl[layout.actuators[joint]] = pending[applied * jointCount + joint] }
        for _ in 0..<configuration.physicsSteps(inTick: episodeStep) { data.step() }
        episodeStep += 1
        if data.hasDiverged {
            episodeFailure = "physics diverged"
            return StepResult(reward: 0, terminated: true, truncated: false, success: false, diverged: true, steps: 1)
        }
        let outcome = task.outcome(of: setup, in: SceneState(data: data, layout: layout))
        var reward = outcome.success ? 1.0 : 0.0
        let now = potential(outcome)
        if configuration.shapedReward { reward += configuration.shapedRewardScale * (now - progress) }
        progress = now
        episodeReturn += reward
        episodeSucceeded = episodeSucceeded || outcome.success
        let truncated = !outcome.success && episodeStep >= maxSteps
        if truncated { episodeFailure = task.failure(of: setup, in: SceneState(data: data, layout: layout)) }
        return StepResult(reward: reward, terminated: outcome.success, truncated: truncated,
                          success: outcome.success, diverged: false, steps: 1)
    }

    /// Chunk execution (docs/design/flow-rl.md §5): runs the first `count` actions of
    /// `actions` (row-major, one row of joint values per step) in order, stops
    /// early when the episode ends; rewards summed, `steps` counts those run.
    public func step(chunk actions: UnsafeBufferPointer<Float>, count: Int) -> StepResult {
        precondition(actions.count >= count * jointCount, "a chunk of \(count) needs \(count * jointCount) values")
        var total = StepResult(reward: 0, terminated: false, truncated: false, success: false, diverged: false, steps: 0)
        for row in 0..<count {
            let result = step(UnsafeBufferPointer(rebasing: actions[(row * jointCount)..<((row + 1) * jointCount)]))
            total.reward += result.reward
            total.steps += 1
            total.terminated = result.terminated
            total.truncated = result.truncated
            total.success = result.success
            total.diverged = result.diverged
            if result.done { break }
        }
        return total
    }

    /// The shaping potential of `outcome` (``EnvironmentConfiguration/shapingPotential``).
    private func potential(_ outcome: TaskOutcome) -> Double {
        configuration.shapingPotential == .stages ? outcome.stageProgress ?? outcome.progress : outcome.progress
    }

    /// Noise-free joint positions in joint units, RobotSpec order.
    public func jointPositions() -> [Double] {
        (0..<jointCount).map { TwinJointUnits.jointUnits(fromMJCF: data.qpos[layout.jointQpos[$0]], kind: layout.kinds[$0]) }
    }

    /// Renders both cameras with `renderer` (when images are on) at their aspect ratio,
    /// applies the episode's webcam effects and observation noise, and preprocesses
    /// each render as `run` preprocesses a real camera's frame (``CameraPipeline``).
    public func observe(using renderer: OffscreenRenderer?) throws -> SimObservation {
        let settings = configuration.randomization
        let joints = jointPositions()
        let state = joints.map { Float($0 + (settings.stateNoise > 0 ? settings.stateNoise * random.normal() : 0)) }
        var images: [String: [Float]] = [:], frames: [String: [UInt8]] = [:]
        if configuration.renderImages, let renderer {
            for camera in cameras {
                try camera.capture(data, renderer: renderer) { pixels in
                    if settings.pixelNoise > 0 { addNoise(&pixels, amplitude: settings.pixelNoise) }
                }
                images[camera.camera.name] = camera.tensor
                frames[camera.camera.name] = camera.framePixels
            }
        }
        let scene = SceneState(data: data, layout: layout)
        return SimObservation(
            images: images, frames: frames, cameraWidth: configuration.cameraWidth, cameraHeight: configuration.cameraHeight,
            state: state, objectState: ObjectState.features(setup: setup, scene: scene), prompt: setup.instruction,
            timestamp: data.time, episodeStep: episodeStep, episodeIndex: episodeIndex,
            privileged: PrivilegedState(task: configuration.task, environment: index, setup: setup, scene: scene, joints: joints))
    }

    private func addNoise(_ pixels: inout [UInt8], amplitude: Int) {
        let span = UInt64(2 * amplitude + 1)
        pixels.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices {
                let delta = Int(random.next() % span) - amplitude
                buffer[i] = UInt8(clamping: Int(buffer[i]) + delta)
            }
        }
    }
}
