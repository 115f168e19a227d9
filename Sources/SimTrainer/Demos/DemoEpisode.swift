import Foundation

/// Metadata of one recorded episode (`episode.json`).
public struct DemoEpisodeInfo: Codable, Sendable {
    /// Task name (`TaskKind` raw value).
    public var task: String
    /// The instruction given.
    public var instruction: String
    /// Whether the task's success predicate held.
    public var success: Bool
    /// Control steps recorded (T).
    public var length: Int
    /// Control rate (Hz).
    public var fps: Double
    /// Joint names, the column order of `state.npy` and `action.npy`.
    public var jointNames: [String]
    /// Camera names, one `.npy` per camera.
    public var cameras: [String]
    /// Image size (pixels).
    public var imageWidth: Int, imageHeight: Int
    /// Run seed, environment index and that environment's episode index.
    public var seed: UInt64, environment: Int, environmentEpisode: Int
    /// The episode's scene: object positions and colours.
    public var setup: EpisodeSetup

    /// Creates the description of one recorded episode.
    public init(task: String, instruction: String, success: Bool, length: Int, fps: Double, jointNames: [String],
                cameras: [String], imageWidth: Int, imageHeight: Int, seed: UInt64, environment: Int,
                environmentEpisode: Int, setup: EpisodeSetup) {
        self.task = task
        self.instruction = instruction
        self.success = success
        self.length = length
        self.fps = fps
        self.jointNames = jointNames
        self.cameras = cameras
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.seed = seed
        self.environment = environment
        self.environmentEpisode = environmentEpisode
        self.setup = setup
    }

    enum CodingKeys: String, CodingKey {
        case task, instruction, success, length, fps, cameras, seed, environment, setup
        case jointNames = "joint_names", imageWidth = "image_width", imageHeight = "image_height"
        case environmentEpisode = "environment_episode"
    }
}

/// The arrays of one episode as it is recorded, step by step: at step t the
/// observation (images, state) is the one the action of step t was chosen on.
public struct DemoEpisode: Sendable {
    /// Camera name → T × H × W × 3 bytes, appended per step.
    public var frames: [String: [UInt8]] = [:]
    /// T × 6 joint states (joint units).
    public var states: [Float] = []
    /// T × ``ObjectState/count`` object features.
    public var objectStates: [Float] = []
    /// T × 6 actions (joint units).
    public var actions: [Float] = []
    /// T rewards.
    public var rewards: [Float] = []
    /// Steps recorded.
    public var length = 0

    /// An empty episode.
    public init() {}

    /// Appends one step.
    public mutating func append(_ observation: SimObservation, action: [Float], reward: Double) {
        for (name, pixels) in observation.frames { frames[name, default: []].append(contentsOf: pixels) }
        states.append(contentsOf: observation.state)
        objectStates.append(contentsOf: observation.objectState)
        actions.append(contentsOf: action)
        rewards.append(Float(reward))
        length += 1
    }

    /// Writes `DIR/front.npy`, `wrist.npy` (uint8, T×H×W×3), `state.npy`,
    /// `object_state.npy` (float32, T×``ObjectState/count``, simulator recordings only), `action.npy` (float32, T×6),
    /// `reward.npy` (float32, T) and `episode.json`.
    public func write(to directory: URL, info: DemoEpisodeInfo) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let joints = info.jointNames.count
        for name in info.cameras {
            let pixels = frames[name] ?? []
            try NPYFile.encode(pixels, shape: [length, info.imageHeight, info.imageWidth, 3])
                .write(to: directory.appendingPathComponent("\(name).npy"))
        }
        try NPYFile.encode(states, shape: [length, joints]).write(to: directory.appendingPathComponent("state.npy"))
        if !objectStates.isEmpty {  // a real arm's recording has no object features
            try NPYFile.encode(objectStates, shape: [length, ObjectState.count]).write(to: directory.appendingPathComponent("object_state.npy"))
        }
        try NPYFile.encode(actions, shape: [length, joints]).write(to: directory.appendingPathComponent("action.npy"))
        try NPYFile.encode(rewards, shape: [length]).write(to: directory.appendingPathComponent("reward.npy"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(info).write(to: directory.appendingPathComponent("episode.json"))
    }
}
