import Policy
import SimTrainer

/// The simulator's ``SimTrainer/VectorEnvironment`` as a ``VectorChunkEnvironment``:
/// observations become ``Policy/RawObservation``s (the raw RGB8 renders of the cameras
/// the policy reads, the noisy joint state, the instruction, and the object features as
/// `privileged` for a teacher or critic), chunk results and finished episodes are passed through.
public final class SimChunkEnvironment: VectorChunkEnvironment {
    /// The wrapped environments.
    public let vector: VectorEnvironment
    /// The simulator cameras the policy reads (`front`, `wrist`).
    public let cameras: [String]
    /// Whether states get the ``SimTrainer/ObjectState`` features appended.
    public let objectState: Bool
    private var raw: [RawObservation] = []
    private var rewards: [Double], terminated: [Bool], truncated: [Bool], executed: [Int]
    private var stillChunks: [[Float]]

    /// Wraps `vector`, passing on the images of `cameras` (and the object features when `objectState`).
    public init(vector: VectorEnvironment, cameras: [String], objectState: Bool = false) {
        self.vector = vector
        self.cameras = cameras
        self.objectState = objectState
        let n = vector.count
        rewards = .init(repeating: 0, count: n); terminated = .init(repeating: false, count: n)
        truncated = terminated; executed = .init(repeating: 0, count: n)
        stillChunks = .init(repeating: [], count: n)
    }

    /// N.
    public var count: Int { vector.count }
    /// The simulated episodes' time limit, in control steps.
    public var episodeStepLimit: Int { vector.environments[0].maxSteps }

    /// Starts a new episode everywhere. With groups, every member of group g takes the
    /// episode setup (object poses, colours, instruction) of the group's first environment;
    /// the member's own random stream still draws its lighting, camera jitter and latency.
    public func reset(groupSize: Int) throws -> [RawObservation] {
        let observations = try vector.reset()
        guard groupSize > 1 else { return try convert(observations) }
        for e in 0..<count where e % groupSize != 0 {
            vector.environments[e].reset(to: vector.environments[e - e % groupSize].setup)
        }
        // A chunk of zero actions re-observes every environment without moving anything.
        return try convert(try vector.step(chunks: stillChunks, length: 0).observations)
    }

    /// Executes the chunks and converts the results.
    public func step(chunks: [[Float]], length: Int) throws -> ChunkStep {
        let result = try vector.step(chunks: chunks, length: length)
        for e in 0..<count {
            let r = result.results[e]
            rewards[e] = r.reward; terminated[e] = r.terminated; truncated[e] = r.truncated; executed[e] = r.steps
        }
        let finished = result.finished.map {
            EpisodeOutcome(environment: $0.environment, success: $0.success, episodeReturn: $0.episodeReturn, length: $0.length,
                           failure: $0.failure)
        }
        return ChunkStep(observations: try convert(result.observations), rewards: rewards, terminated: terminated,
                         truncated: truncated, executedSteps: executed, finished: finished)
    }

    private func convert(_ observations: [SimObservation]) throws -> [RawObservation] {
        raw.removeAll(keepingCapacity: true)
        for o in observations {
            var images: [String: RGBFrame] = [:]
            for camera in cameras {
                guard let pixels = o.frames[camera] else {
                    throw SimulationError.invalidConfiguration("the simulator rendered no '\(camera)' image; training needs renderImages on")
                }
                images[camera] = RGBFrame(width: o.cameraWidth, height: o.cameraHeight, rgb: pixels)
            }
            raw.append(RawObservation(images: images, state: o.policyState(includingObjects: objectState), prompt: o.prompt,
                                      privileged: o.objectState))
        }
        return raw
    }
}
