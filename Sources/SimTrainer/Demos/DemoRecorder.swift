import Foundation
import RobotIO

/// Summary of a recorded demonstration set (`dataset.json`).
public struct DemoDatasetInfo: Codable, Sendable {
    /// Format name and version, so readers can check what they open.
    public var format = "pirl-robot-demos/1"
    /// Task name.
    public var task: String
    /// Episodes written, and how many succeeded.
    public var episodes: Int, successes: Int
    /// Run seed.
    public var seed: UInt64
    /// Episode directory names in order.
    public var episodeDirectories: [String]

    enum CodingKeys: String, CodingKey {
        case format, task, episodes, successes, seed
        case episodeDirectories = "episode_directories"
    }
}

/// Records scripted demonstrations: runs ``ScriptedExpert`` on a
/// ``VectorEnvironment`` one control step per decision (so every step's
/// images are kept) and writes one directory per episode, `episode_000000`
/// upward, numbered `environment + k × N` for the k-th episode of environment
/// `environment` — the same episodes for a seed whatever finishes first.
public struct DemoRecorder {
    /// Environment settings (camera size, task, randomization).
    public var configuration: EnvironmentConfiguration
    /// Run seed.
    public var seed: UInt64
    /// Parallel environments and worker threads.
    public var environments: Int, threads: Int
    /// Render and write the camera images; off for state-based training, which reads none.
    public var images: Bool

    /// A recorder for `configuration`.
    public init(configuration: EnvironmentConfiguration, seed: UInt64, environments: Int, threads: Int, images: Bool = true) {
        self.configuration = configuration
        self.seed = seed
        self.environments = environments
        self.threads = threads
        self.images = images
    }

    /// Records `episodes` episodes into `directory`; `progress` is called after each written episode.
    public func record(episodes: Int, to directory: URL, progress: (Int, Bool) -> Void = { _, _ in }) throws -> DemoDatasetInfo {
        precondition(episodes > 0, "record at least one episode")
        var configuration = self.configuration
        configuration.renderImages = images
        let n = min(environments, episodes)
        let vector = try VectorEnvironment(configuration: configuration, count: n, seed: seed, threads: threads)
        let expert = try ExpertPolicy(environments: n, seed: seed, chunkLength: 1)
        let quota = (0..<n).map { (episodes - $0 + n - 1) / n }
        var written = [Int](repeating: 0, count: n)
        var buffers = [DemoEpisode](repeating: DemoEpisode(), count: n)
        var observations = try vector.reset()
        var chunks = [[Float]](repeating: [], count: n)
        var names: [String] = Array(repeating: "", count: episodes)
        var successes = 0, done = 0
        while done < episodes {
            expert.actionChunks(for: observations, into: &chunks)
            let step = try vector.step(chunks: chunks, length: 1)
            for i in 0..<n where written[i] < quota[i] {
                buffers[i].append(observations[i], action: chunks[i], reward: step.results[i].reward)
            }
            for summary in step.finished where written[summary.environment] < quota[summary.environment] {
                let i = summary.environment
                let index = i + written[i] * n
                let name = String(format: "episode_%06d", index)
                let info = DemoEpisodeInfo(
                    task: configuration.task.rawValue, instruction: observations[i].prompt,
                    success: summary.success, length: buffers[i].length, fps: configuration.controlRate,
                    jointNames: RobotSpec.so101.jointNames, cameras: images ? ["front", "wrist"] : [],
                    imageWidth: configuration.cameraWidth, imageHeight: configuration.cameraHeight,
                    seed: seed, environment: i, environmentEpisode: summary.episode,
                    setup: observations[i].privileged.setup)
                try buffers[i].write(to: directory.appendingPathComponent(name), info: info)
                names[index] = name
                written[i] += 1
                done += 1
                if summary.success { successes += 1 }
                progress(done, summary.success)
                buffers[i] = DemoEpisode()
            }
            observations = step.observations
        }
        let info = DemoDatasetInfo(task: configuration.task.rawValue, episodes: episodes, successes: successes, seed: seed,
                                   episodeDirectories: names)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(info).write(to: directory.appendingPathComponent("dataset.json"))
        return info
    }
}
