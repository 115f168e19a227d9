import Policy

/// The flow policy as the loop's chunk source: the newest images and joint
/// state go in, an unnormalized `H × D` chunk in joint units comes out.
public final class PolicyChunkSource: ChunkSource {
    /// The loaded checkpoint.
    public let predictor: ChunkPredictor
    /// Camera images.
    public let images: any ImageSource
    /// The instruction (fixed, or read before every chunk, e.g. per simulated episode).
    public let prompt: () -> String
    /// The simulator's object features, appended to the joint state for a checkpoint
    /// with `objectStateDim > 0` (nil on a real robot, which then refuses such a checkpoint).
    public let objectState: (() -> [Float])?
    /// Sampler override (nil: the checkpoint's default).
    public let method: SamplerMethod?
    /// Denoising steps override (nil: the checkpoint's default).
    public let steps: Int?
    public var horizon: Int { predictor.policy.config.io.actionHorizon }
    /// Capture time of the oldest image behind the last chunk.
    public private(set) var lastObservationTimestamp: UInt64 = 0
    /// The instruction behind the last chunk.
    public private(set) var lastPrompt = ""
    private var seed: UInt64

    /// Checks that `images` provides every camera the checkpoint was trained with.
    public convenience init(predictor: ChunkPredictor, images: any ImageSource, prompt: String,
                            method: SamplerMethod? = nil, steps: Int? = nil, seed: UInt64 = 0) throws(RuntimeSetupError) {
        try self.init(predictor: predictor, images: images, promptSource: { prompt }, objectState: nil,
                      method: method, steps: steps, seed: seed)
    }

    /// As above, with an instruction read before every chunk.
    public init(predictor: ChunkPredictor, images: any ImageSource, promptSource: @escaping () -> String,
                objectState: (() -> [Float])? = nil,
                method: SamplerMethod? = nil, steps: Int? = nil, seed: UInt64 = 0) throws(RuntimeSetupError) {
        let features = predictor.policy.config.io.objectStateDim
        if features > 0 && objectState == nil { throw .needsObjectState(features: features) }
        let wanted = predictor.policy.config.io.cameras.map(\.name)
        let missing = wanted.filter { !images.cameraNames.contains($0) }
        if !missing.isEmpty { throw .cameraMismatch(checkpoint: wanted, given: images.cameraNames) }
        self.predictor = predictor
        self.images = images
        self.prompt = promptSource
        self.objectState = features > 0 ? objectState : nil
        self.method = method
        self.steps = steps
        self.seed = seed
    }

    public func chunk(for snapshot: StateSnapshot) throws -> [Float] {
        let (frames, timestamp) = try images.capture()
        lastObservationTimestamp = timestamp
        let state = objectState.map { snapshot.state + $0() } ?? snapshot.state
        lastPrompt = prompt()
        let observation = RawObservation(images: frames, state: state, prompt: lastPrompt)
        seed &+= 1
        return try predictor.predict([observation], method: method, steps: steps, seed: seed)[0]
    }
}
