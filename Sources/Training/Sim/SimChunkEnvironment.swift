import Policy
import RobotIO
import Runtime
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
    /// `run`'s safety filter, one per environment, when training executes what `run` would.
    private var filters: [SafetyFilter]
    private let maxSteps: [Float]?
    /// The commands the last step executed (with a filter), per environment.
    private(set) var filtered: [[Float]]
    private var rowFlags: [[SafetyFlags]], command: [Float]
    /// The safety filter's counts so far; `nil` without a filter.
    public private(set) var commandStatistics: CommandStatistics?

    /// Wraps `vector`, passing on the images of `cameras` (and the object features when
    /// `objectState`). With `safetyFilter` (per-joint step limits per tick), every executed
    /// action first goes through `run`'s ``Runtime/SafetyFilter`` with the twin's joint limits,
    /// restarted at the arm's pose whenever an episode begins, its step limits ramping up over
    /// the first `rampTicks` ticks as `run`'s do.
    public init(vector: VectorEnvironment, cameras: [String], objectState: Bool = false, safetyFilter maxSteps: [Float]? = nil,
                rampTicks: Int = 0) {
        self.vector = vector
        self.cameras = cameras
        self.objectState = objectState
        let n = vector.count
        rewards = .init(repeating: 0, count: n); terminated = .init(repeating: false, count: n)
        truncated = terminated; executed = .init(repeating: 0, count: n)
        stillChunks = .init(repeating: [], count: n)
        self.maxSteps = maxSteps
        let names = RobotSpec.so101.joints.map(\.name)
        filters = maxSteps.map { steps in (0..<n).map { _ in SafetyFilter(limits: .twin, maxStep: steps, rampTicks: rampTicks, jointNames: names) } } ?? []
        filtered = .init(repeating: [], count: n)
        rowFlags = .init(repeating: [], count: n)
        command = [Float](repeating: 0, count: names.count)
        commandStatistics = maxSteps == nil ? nil : CommandStatistics()
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
        for e in filters.indices { restartFilter(e) }
        guard groupSize > 1 else { return try convert(observations) }
        for e in 0..<count where e % groupSize != 0 {
            vector.environments[e].reset(to: vector.environments[e - e % groupSize].setup)
            if !filters.isEmpty { restartFilter(e) }
        }
        // A chunk of zero actions re-observes every environment without moving anything.
        return try convert(try vector.step(chunks: stillChunks, length: 0).observations)
    }

    /// Executes the chunks (through the safety filter when there is one) and converts the results.
    public func step(chunks: [[Float]], length: Int) throws -> ChunkStep {
        let result = try vector.step(chunks: filters.isEmpty ? chunks : filter(chunks, length: length), length: length)
        for e in 0..<count {
            let r = result.results[e]
            rewards[e] = r.reward; terminated[e] = r.terminated; truncated[e] = r.truncated; executed[e] = r.steps
            guard !filters.isEmpty else { continue }
            tally(rowFlags[e].prefix(r.steps))
            if r.done { restartFilter(e) }  // the environment has reset: the next command starts at its new pose
        }
        let finished = result.finished.map {
            EpisodeOutcome(environment: $0.environment, success: $0.success, episodeReturn: $0.episodeReturn, length: $0.length,
                           failure: $0.failure)
        }
        return ChunkStep(observations: try convert(result.observations), rewards: rewards, terminated: terminated,
                         truncated: truncated, executedSteps: executed, finished: finished)
    }

    /// The executed rows of every chunk through its environment's filter; the flags are kept
    /// per row so only the rows the environment really executes are counted.
    func filter(_ chunks: [[Float]], length: Int) -> [[Float]] {
        let joints = command.count
        for e in 0..<count {
            filtered[e].removeAll(keepingCapacity: true)
            rowFlags[e].removeAll(keepingCapacity: true)
            chunks[e].withUnsafeBufferPointer { rows in
                for row in 0..<length {
                    let target = UnsafeBufferPointer(rebasing: rows[(row * joints)..<((row + 1) * joints)])
                    rowFlags[e].append(filters[e].filter(target, into: &command))
                    filtered[e].append(contentsOf: command)
                }
            }
        }
        return filtered
    }

    private func tally(_ flags: ArraySlice<SafetyFlags>) {
        for f in flags {
            commandStatistics!.ticks += 1
            if f.contains(.clampedToLimits) { commandStatistics!.limitClamps += 1 }
            if f.contains(.clampedStep) { commandStatistics!.stepClamps += 1 }
            if !f.isDisjoint(with: [.clampedToLimits, .clampedStep]) { commandStatistics!.clampedTicks += 1 }
        }
    }

    /// Starts environment `e`'s filter at the arm's present pose.
    private func restartFilter(_ e: Int) {
        let pose = SafetyFilter.twinPose(vector.environments[e].jointPositions())
        try! filters[e].begin(at: pose)  // the pose is clamped into the limits
    }

    /// The twin's limits inset by the last `limitInset` asked for, built once, not per label.
    private var insetLimits: (fraction: Float, limits: JointLimits) = (0, .twin)

    public func executable(_ chunk: [Float], environment e: Int, stepFraction: Float, limitInset: Float) -> [Float] {
        guard maxSteps != nil else { return chunk }
        var filter = filters[e].slowed(by: stepFraction)  // from this environment's command, inside its ramp
        // Targets are first pulled `limitInset` of each range inside the limits, so a student's
        // small errors around a target at a limit (the closed gripper) stay inside too.
        if insetLimits.fraction != limitInset { insetLimits = (limitInset, JointLimits.twin.inset(by: limitInset)) }
        let inner = insetLimits.limits
        var out: [Float] = [], row = command, goal = command
        out.reserveCapacity(chunk.count)
        let joints = row.count
        for r in 0..<(chunk.count / joints) {
            for j in 0..<joints { goal[j] = min(max(chunk[r * joints + j], inner.lower[j]), inner.upper[j]) }
            goal.withUnsafeBufferPointer { _ = filter.filter($0, into: &row) }
            out.append(contentsOf: row)
        }
        return out
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
