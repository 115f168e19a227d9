import Foundation
import Policy

/// Scripted demonstrations as written by `pirl-robot sim demos` (format
/// `pirl-robot-demos/1`): `dataset.json` listing episode directories, each with
/// `<camera>.npy` (uint8 T×H×W×3), `state.npy` and `action.npy` (float32 T×joints,
/// joint units), `object_state.npy` (float32 T×8, SimTrainer's `ObjectState`) and
/// `episode.json` (instruction and sizes). With `objectState`, each state row is the
/// joints followed by the object features, as a state-based policy reads it.
///
/// Training samples are (episode, t) pairs: the observation at step t and the chunk
/// of the next H actions, the last action repeated past the end of the episode.
public struct DemoDataset: Sendable {
    /// One recorded episode.
    public struct Episode: Sendable {
        /// The instruction.
        public var instruction: String
        /// Steps T.
        public var length: Int
        /// Camera name → T frames of `width × height × 3` bytes.
        public var frames: [String: [UInt8]]
        /// T × `stateWidth` states.
        public var states: [Float]
        /// T × joints actions.
        public var actions: [Float]
        /// Whether the expert succeeded.
        public var success: Bool
    }

    /// The episodes.
    public var episodes: [Episode]
    /// Joints per action (and leading entries of a state).
    public let joints: Int
    /// Entries per state: the joints, plus the object features when they were read.
    public let stateWidth: Int
    /// Frame size.
    public let width: Int, height: Int

    /// Reads the first `limit` episodes of the dataset in `directory` (all when `nil`),
    /// with the images of `cameras` and, when `objectState`, the object features.
    public init(directory: String, cameras: [String], objectState: Bool = false, limit: Int? = nil) throws {
        let datasetPath = directory + "/dataset.json"
        let dataset = try JSONDecoder().decode(DatasetFile.self, from: Data(contentsOf: URL(fileURLWithPath: datasetPath)))
        guard dataset.format == "pirl-robot-demos/1" else {
            throw DemoError(path: datasetPath, detail: "format is '\(dataset.format)', expected 'pirl-robot-demos/1'")
        }
        let names = Array(dataset.episodeDirectories.prefix(limit ?? dataset.episodeDirectories.count))
        guard !names.isEmpty else { throw DemoError(path: datasetPath, detail: "no episodes") }
        var episodes: [Episode] = []
        var joints = 0, width = 0, height = 0
        for name in names {
            let dir = directory + "/" + name
            let info = try JSONDecoder().decode(EpisodeFile.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/episode.json")))
            let states = try NPYReader.read(dir + "/state.npy"), actions = try NPYReader.read(dir + "/action.npy")
            guard states.shape.count == 2, states.shape == actions.shape, states.shape[0] == info.length, info.length > 0 else {
                throw DemoError(path: dir, detail: "state \(states.shape) and action \(actions.shape) must both be \(info.length) × joints")
            }
            var frames: [String: [UInt8]] = [:]
            for camera in cameras {
                let array = try NPYReader.read(dir + "/\(camera).npy")
                guard array.shape == [info.length, info.imageHeight, info.imageWidth, 3] else {
                    throw DemoError(path: dir + "/\(camera).npy", detail: "shape \(array.shape), expected [\(info.length), \(info.imageHeight), \(info.imageWidth), 3]")
                }
                frames[camera] = try array.uint8()
            }
            if episodes.isEmpty { joints = states.shape[1]; width = info.imageWidth; height = info.imageHeight }
            guard states.shape[1] == joints, info.imageWidth == width, info.imageHeight == height else {
                throw DemoError(path: dir, detail: "episodes disagree on joints or image size")
            }
            var rows = try states.float32()
            if objectState {
                let path = dir + "/object_state.npy"
                guard FileManager.default.fileExists(atPath: path) else {
                    throw DemoError(path: path, detail: "missing; these demos predate object features — record them again with `pirl-robot sim demos`")
                }
                let objects = try NPYReader.read(path)
                guard objects.shape.count == 2, objects.shape[0] == info.length, objects.shape[1] >= 1 else {
                    throw DemoError(path: path, detail: "shape \(objects.shape), expected [\(info.length), features]")
                }
                rows = Self.interleave(rows, width: joints, with: try objects.float32(), width: objects.shape[1])
            }
            episodes.append(Episode(instruction: info.instruction, length: info.length, frames: frames,
                                    states: rows, actions: try actions.float32(), success: info.success))
        }
        self.episodes = episodes; self.joints = joints; self.width = width; self.height = height
        stateWidth = episodes[0].states.count / episodes[0].length
        guard episodes.allSatisfy({ $0.states.count == $0.length * stateWidth }) else {
            throw DemoError(path: datasetPath, detail: "episodes disagree on the number of object features")
        }
    }

    /// Row-wise concatenation of two row-major matrices with the same row count.
    static func interleave(_ a: [Float], width wa: Int, with b: [Float], width wb: Int) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(a.count + b.count)
        for r in 0..<(a.count / wa) {
            out.append(contentsOf: a[(r * wa)..<((r + 1) * wa)])
            out.append(contentsOf: b[(r * wb)..<((r + 1) * wb)])
        }
        return out
    }

    /// All (episode, step) samples.
    public var samples: [(episode: Int, step: Int)] {
        episodes.indices.flatMap { e in (0..<episodes[e].length).map { (e, $0) } }
    }

    /// The raw observation of sample (episode, step).
    public func observation(episode e: Int, step t: Int) -> RawObservation {
        let ep = episodes[e], size = width * height * 3
        var images: [String: RGBFrame] = [:]
        for (name, frames) in ep.frames {
            images[name] = RGBFrame(width: width, height: height, rgb: Array(frames[(t * size)..<((t + 1) * size)]))
        }
        return RawObservation(images: images, state: Array(ep.states[(t * stateWidth)..<((t + 1) * stateWidth)]), prompt: ep.instruction)
    }

    /// Writes the H × joints action chunk starting at step t into `out` (unnormalized).
    public func chunk(episode e: Int, step t: Int, horizon: Int, into out: inout [Float]) {
        let ep = episodes[e]
        out.removeAll(keepingCapacity: true)
        for k in 0..<horizon {
            let s = min(t + k, ep.length - 1)
            out.append(contentsOf: ep.actions[(s * joints)..<((s + 1) * joints)])
        }
    }

    /// Per-dimension statistics of states and actions (`state`, `actions` entries).
    public func normStats() -> NormStatsFile {
        NormStatsFile(normStats: [
            "state": Self.stats(episodes.map(\.states), dimension: stateWidth),
            "actions": Self.stats(episodes.map(\.actions), dimension: joints),
        ])
    }

    /// Mean, std (floored at 1e-3 so a constant joint does not blow up), 1 % and 99 % quantiles.
    static func stats(_ rows: [[Float]], dimension d: Int) -> NormStats {
        let all = rows.flatMap { $0 }
        let n = all.count / d
        var mean = [Float](repeating: 0, count: d), std = mean, q01 = mean, q99 = mean
        for j in 0..<d {
            let column = (0..<n).map { Double(all[$0 * d + j]) }
            let m = column.reduce(0, +) / Double(n)
            let v = column.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n)
            mean[j] = Float(m)
            std[j] = Float(max(v.squareRoot(), 1e-3))
            let sorted = column.sorted()
            q01[j] = Float(sorted[Int(Double(n - 1) * 0.01)])
            q99[j] = Float(sorted[Int(Double(n - 1) * 0.99)])
            if q99[j] - q01[j] < 1e-3 { q99[j] = q01[j] + 1e-3 }
        }
        return NormStats(mean: mean, std: std, q01: q01, q99: q99)
    }

    private struct DatasetFile: Decodable {
        var format: String
        var episodeDirectories: [String]
        enum CodingKeys: String, CodingKey {
            case format
            case episodeDirectories = "episode_directories"
        }
    }

    private struct EpisodeFile: Decodable {
        var instruction: String
        var success: Bool
        var length: Int
        var imageWidth: Int, imageHeight: Int
        enum CodingKeys: String, CodingKey {
            case instruction, success, length
            case imageWidth = "image_width", imageHeight = "image_height"
        }
    }
}

/// A demonstration file that cannot be used.
public struct DemoError: Error, CustomStringConvertible {
    /// The file or directory.
    public var path: String
    /// What is wrong.
    public var detail: String
    /// A readable message.
    public var description: String { "\(path): \(detail)" }
}
