import Foundation
import RobotIO
import SimTrainer

/// `--record DIR`: every step of every episode the loop runs, in the same
/// format as `pirl-robot sim demos` (docs/sim-demos.md: one directory per
/// episode with .npy arrays and episode.json), plus `time.npy` — seconds since
/// the run started at each step — so recordings can be replayed or used for
/// fine-tuning like demonstrations.
public final class EpisodeRecorder {
    /// Where episodes go (`DIR/episode_000000/…`).
    public let directory: URL
    /// Task name written into episode.json.
    public let task: String
    /// Control rate.
    public let fps: Double
    /// Camera names and frame size.
    public let cameras: [String]
    public let imageWidth: Int
    public let imageHeight: Int
    /// Seed of the run.
    public let seed: UInt64
    /// Episodes written.
    public private(set) var written: [URL] = []
    private var current = DemoEpisode()
    private var times: [Float] = []
    private let start = PeriodicSchedule.now()

    /// Records into `directory` (created if needed).
    public init(directory: URL, task: String, fps: Double, cameras: [String], imageWidth: Int, imageHeight: Int,
                seed: UInt64) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.task = task
        self.fps = fps
        self.cameras = cameras
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.seed = seed
    }

    /// Appends one step: the observation the action was chosen on, the action, its reward.
    func append(_ observation: SimObservation, action: [Float], reward: Double) {
        current.append(observation, action: action, reward: reward)
        times.append(Float(Double(PeriodicSchedule.now() - start) / 1e9))
    }

    /// Appends one step of a real arm: the newest camera frames (model size), the
    /// measured joint state and the command sent. Real arms have no reward.
    public func append(frames: [String: [UInt8]], state: [Float], action: [Float]) {
        for name in cameras {
            let pixels = frames[name] ?? []
            if pixels.count == imageWidth * imageHeight * 3 {
                current.frames[name, default: []].append(contentsOf: pixels)
            } else {  // no frame yet: black, so every array keeps one entry per step
                current.frames[name, default: []].append(contentsOf: repeatElement(0, count: imageWidth * imageHeight * 3))
            }
        }
        current.states.append(contentsOf: state)
        current.actions.append(contentsOf: action)
        current.rewards.append(0)
        current.length += 1
        times.append(Float(Double(PeriodicSchedule.now() - start) / 1e9))
    }

    /// Steps recorded in the current episode.
    public var currentLength: Int { current.length }

    /// Writes the episode that just ended and starts the next.
    func finish(_ outcome: EpisodeOutcome, setup: EpisodeSetup) throws {
        try write(instruction: outcome.instruction, success: outcome.success, episode: outcome.episode, setup: setup)
    }

    /// Writes a real arm's run as one episode (success unknown: false).
    public func finishRun(instruction: String) throws {
        guard current.length > 0 else { return }
        try write(instruction: instruction, success: false, episode: written.count, setup: EpisodeSetup(instruction: instruction))
    }

    private func write(instruction: String, success: Bool, episode: Int, setup: EpisodeSetup) throws {
        let name = String(format: "episode_%06d", written.count)
        let url = directory.appendingPathComponent(name)
        let info = DemoEpisodeInfo(
            task: task, instruction: instruction, success: success, length: current.length, fps: fps,
            jointNames: RobotSpec.so101.jointNames, cameras: cameras, imageWidth: imageWidth, imageHeight: imageHeight,
            seed: seed, environment: 0, environmentEpisode: episode, setup: setup)
        try current.write(to: url, info: info)
        try NPYFile.encode(times, shape: [times.count]).write(to: url.appendingPathComponent("time.npy"))
        written.append(url)
        current = DemoEpisode()
        times.removeAll(keepingCapacity: true)
    }
}

