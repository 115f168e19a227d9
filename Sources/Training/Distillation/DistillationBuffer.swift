import Policy

/// The DAgger aggregate: student observations (camera frames as RGB8, joint state,
/// instruction, and the privileged features for an auxiliary probe) with the teacher's chunk for each, in preallocated storage that holds
/// `capacity` samples and then overwrites the oldest.
public final class DistillationBuffer: ChunkSamples {
    /// The cameras stored, with their frame sizes.
    public let cameras: [PolicyConfig.Camera]
    /// Samples kept at most.
    public let capacity: Int
    /// Entries per state and per stored chunk (`horizon × joints`), and joints per chunk row.
    public let stateWidth: Int, chunkWidth: Int, joints: Int
    /// Samples added so far (the first `min(added, capacity)` slots are filled).
    public private(set) var added = 0
    private var frames: [[UInt8]]
    private var states: [Float], chunks: [Float], privileged: [Float]
    /// Privileged features stored per sample (0 when the observations carry none).
    public let privilegedWidth: Int
    private var promptIndex: [Int32]
    private var prompts: [String] = [], promptIDs: [String: Int32] = [:]

    /// An empty aggregate for `cameras` (their policy input sizes), `stateWidth` state entries
    /// and chunks of `horizon × joints`.
    public init(cameras: [PolicyConfig.Camera], stateWidth: Int, horizon: Int, joints: Int, privilegedWidth: Int = 0, capacity: Int) {
        precondition(capacity > 0 && horizon > 0 && joints > 0)
        self.cameras = cameras
        self.capacity = capacity
        self.stateWidth = stateWidth
        self.joints = joints
        chunkWidth = horizon * joints
        frames = cameras.map { [UInt8](repeating: 0, count: capacity * $0.width * $0.height * 3) }
        states = [Float](repeating: 0, count: capacity * stateWidth)
        chunks = [Float](repeating: 0, count: capacity * chunkWidth)
        self.privilegedWidth = privilegedWidth
        privileged = [Float](repeating: 0, count: capacity * privilegedWidth)
        promptIndex = [Int32](repeating: 0, count: capacity)
    }

    public var sampleCount: Int { min(added, capacity) }

    /// Adds `observation` (the student's view) labelled with `chunk` (joint units, at least
    /// `chunkWidth` values; a longer teacher chunk is cut to the stored horizon).
    public func add(_ observation: RawObservation, chunk: [Float]) {
        precondition(chunk.count >= chunkWidth && observation.state.count == stateWidth)
        precondition(privilegedWidth == 0 || observation.privileged.count == privilegedWidth, "the observation lacks its privileged features")
        let slot = added % capacity
        for (c, camera) in cameras.enumerated() {
            let size = camera.width * camera.height * 3
            guard let frame = observation.images[camera.name], frame.rgb.count == size else {
                preconditionFailure("the student observation lacks a \(camera.width)×\(camera.height) '\(camera.name)' frame")
            }
            frames[c].withUnsafeMutableBufferPointer { out in
                frame.rgb.withUnsafeBufferPointer { (out.baseAddress! + slot * size).update(from: $0.baseAddress!, count: size) }
            }
        }
        for i in 0..<stateWidth { states[slot * stateWidth + i] = observation.state[i] }
        for i in 0..<chunkWidth { chunks[slot * chunkWidth + i] = chunk[i] }
        for i in 0..<privilegedWidth { privileged[slot * privilegedWidth + i] = observation.privileged[i] }
        if let id = promptIDs[observation.prompt] {
            promptIndex[slot] = id
        } else {
            let id = Int32(prompts.count)
            prompts.append(observation.prompt)
            promptIDs[observation.prompt] = id
            promptIndex[slot] = id
        }
        added += 1
    }

    public func observation(sample i: Int) -> RawObservation {
        var images: [String: RGBFrame] = [:]
        for (c, camera) in cameras.enumerated() {
            let size = camera.width * camera.height * 3
            images[camera.name] = RGBFrame(width: camera.width, height: camera.height, rgb: Array(frames[c][(i * size)..<((i + 1) * size)]))
        }
        return RawObservation(images: images, state: Array(states[(i * stateWidth)..<((i + 1) * stateWidth)]),
                              prompt: prompts[Int(promptIndex[i])],
                              privileged: Array(privileged[(i * privilegedWidth)..<((i + 1) * privilegedWidth)]))
    }

    public func chunk(sample i: Int, horizon: Int, into out: inout [Float]) {
        precondition(horizon * joints <= chunkWidth, "the aggregate stores \(chunkWidth / joints) actions per chunk")
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: chunks[(i * chunkWidth)..<(i * chunkWidth + horizon * joints)])
    }
}
