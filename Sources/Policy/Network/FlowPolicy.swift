/// The flow policy network: prefix encoder, velocity network with the Flow-Noise
/// head, value head and, when configured, the noise-steering head, over one ``ParameterStore``.
///
/// Use: ``encode(_:)`` a batch of observations once, then evaluate the velocity as
/// often as the sampler needs (it is a ``DifferentiableVelocityField`` whose
/// conditions index the encoded observations). Workspaces are allocated on first use
/// and grown only when a larger batch arrives: steady-state sampling allocates nothing.
/// Not thread-safe; one owner at a time.
public final class FlowPolicy: DifferentiableVelocityField {
    /// The validated config.
    public let config: PolicyConfig
    /// Parameters, gradients and Adam moments.
    public let parameters: ParameterStore
    /// Hashes instructions for the embedding bag.
    public let tokenizer: InstructionTokenizer
    let encoder: PrefixEncoder
    let velocityNetwork: VelocityNetwork
    let valueHead: ValueHead
    let noiseSteering: NoiseSteeringHead?
    private var encoderActivations: PrefixEncoder.Activations?
    private var velocityActivations: VelocityNetwork.Activations?
    private var valueActivations: ValueHead.Activations?
    private var steeringActivations: NoiseSteeringHead.Activations?
    /// The rows' observation indices of the last ``startDistribution(conditions:rows:mean:logStd:)``.
    private var steeringConditions: [Int32] = []
    /// Accumulated gradient of the encoded prefix, `observations × prefixWidth`.
    private var prefixGradient: [Float] = []

    /// The largest parameter count a config may ask for (100 M).
    public static let maxParameters = 100_000_000
    /// The largest encoder activation count per observation a config may ask for (32 M floats).
    public static let maxActivationsPerObservation = 32_000_000

    /// Builds the layout for `config` (validated first); parameters start at zero.
    public init(config: PolicyConfig) throws(PolicyConfigError) {
        try config.validate()
        self.config = config
        var layout = ParameterLayout()
        encoder = PrefixEncoder(config: config, layout: &layout)
        velocityNetwork = VelocityNetwork(config: config, layout: &layout)
        valueHead = ValueHead(config: config, layout: &layout)
        noiseSteering = config.architecture.noiseSteeringWidth > 0 ? NoiseSteeringHead(config: config, layout: &layout) : nil
        // Refuse sizes that would exhaust memory before allocating anything (a hostile
        // or mistyped config.json must fail with an error, not kill the process).
        guard layout.count <= Self.maxParameters else {
            throw PolicyConfigError(field: "architecture", value: "\(layout.count) parameters", rule: "at most \(Self.maxParameters) parameters")
        }
        let activations = encoder.cameraStages.map { s in s[0].inputCount + 2 * s.map(\.outputCount).reduce(0, +) }.reduce(0, +)
        guard activations <= Self.maxActivationsPerObservation else {
            throw PolicyConfigError(field: "io.cameras", value: "\(activations) activations per observation",
                                    rule: "at most \(Self.maxActivationsPerObservation) (smaller images or fewer channels)")
        }
        parameters = ParameterStore(layout: layout)
        tokenizer = InstructionTokenizer(vocabularySize: config.architecture.vocabularySize)
    }

    /// Random initialization from `seed` (PyTorch-style uniform fan-in bounds).
    public func initialize(seed: UInt64) {
        var rng = RandomSource(seed: seed)
        let p = parameters.values
        encoder.initialize(p, using: &rng)
        velocityNetwork.initialize(p, using: &rng)
        valueHead.initialize(p, using: &rng)
        noiseSteering?.initialize(p, using: &rng)
    }

    /// Initializes the noise-steering head alone (a checkpoint without it grown into this
    /// layout): it starts as the standard normal start.
    public func initializeNoiseSteering(seed: UInt64) {
        var rng = RandomSource(seed: seed)
        noiseSteering?.initialize(parameters.values, using: &rng)
    }

    /// Whether the chain starts from the steering head's `N(μ(o), σ²)` rather than `N(0, I)`.
    public var steersNoise: Bool { noiseSteering != nil }

    /// Parameter names that belong to the noise-steering head.
    public static func isNoiseSteeringParameter(_ name: String) -> Bool { name.hasPrefix("noise_steering.") }

    /// Random time weights of the critic alone (a checkpoint without them grown into this layout).
    public func initializeValueTimeInputs(seed: UInt64) {
        var rng = RandomSource(seed: seed)
        valueHead.initializeTime(parameters.values, using: &rng)
    }

    /// Floats per chunk (H·D).
    public var dimension: Int { config.io.chunkCount }
    /// Width of the encoded prefix features.
    public var prefixWidth: Int { encoder.width }
    /// Observations encoded by the last ``encode(_:)``.
    public private(set) var encodedCount = 0

    /// FLOPs to encode one observation.
    public var encoderFlops: Int { encoder.flopsPerObservation }
    /// FLOPs of one velocity evaluation (one row, one step).
    public var velocityFlops: Int { velocityNetwork.flopsPerRow }

    /// Parameter names that belong to the encoder (frozen during RL).
    public func isEncoderParameter(_ name: String) -> Bool {
        name.hasPrefix("vision.") || name.hasPrefix("language.") || name.hasPrefix("state.") || name.hasPrefix("prefix.")
    }

    /// Encodes a batch of observations; later velocity rows refer to them by index.
    public func encode(_ batch: ObservationBatch) {
        precondition(batch.images.count == config.io.cameras.count, "batch has \(batch.images.count) cameras, config has \(config.io.cameras.count)")
        precondition(batch.state.count == batch.count * config.io.stateDim, "state is not count × stateDim")
        precondition(batch.tokenOffsets.count == batch.count + 1, "tokenOffsets must have count + 1 entries")
        precondition(batch.tokens.allSatisfy { $0 >= 0 && Int($0) < config.architecture.vocabularySize }, "token id outside the vocabulary")
        for c in config.io.cameras.indices {
            let cam = config.io.cameras[c]
            precondition(batch.images[c].count == batch.count * 3 * cam.width * cam.height, "camera \(cam.name) images have the wrong size")
        }
        if (encoderActivations?.capacity ?? 0) < batch.count {
            encoderActivations = PrefixEncoder.Activations(encoder, capacity: batch.count)
        }
        encoder.forward(parameters.values, batch: batch, act: encoderActivations!)
        encodedCount = batch.count
        prefixGradient = []
    }

    /// Makes `count` previously computed prefix features (`count × prefixWidth`, from
    /// ``prefixFeatures``) the encoded observations, without running the encoder: during
    /// RL the encoder is frozen, so a trainer stores the features once per rollout and
    /// reloads them for every minibatch. The encoder gets no gradient from them.
    public func loadPrefixFeatures(_ features: UnsafeBufferPointer<Float>, count: Int) {
        precondition(count > 0 && features.count == count * prefixWidth, "features must be count × prefixWidth")
        if (encoderActivations?.capacity ?? 0) < count {
            encoderActivations = PrefixEncoder.Activations(encoder, capacity: count)
        }
        let act = encoderActivations!
        act.prefix.update(from: features.baseAddress!, count: count * prefixWidth)
        act.count = count
        encodedCount = count
        prefixGradient = []
    }

    /// The encoded prefix features of the last ``encode(_:)``, `encodedCount × prefixWidth`.
    public var prefixFeatures: [Float] {
        Array(UnsafeBufferPointer(start: encoderActivations!.prefix, count: encodedCount * prefixWidth))
    }

    /// Evaluates the velocity (and the noise head) for rows that index the encoded observations.
    public func evaluate(
        x: UnsafePointer<Float>, t: UnsafePointer<Float>, conditions: UnsafePointer<Int32>, rows: Int,
        velocity: UnsafeMutablePointer<Float>, logVariance: UnsafeMutablePointer<Float>?
    ) {
        guard let enc = encoderActivations, encodedCount > 0 else { preconditionFailure("encode observations before evaluating the velocity") }
        for r in 0..<rows { precondition(conditions[r] >= 0 && Int(conditions[r]) < encodedCount, "row \(r) refers to observation \(conditions[r])") }
        if (velocityActivations?.capacity ?? 0) < rows {
            velocityActivations = VelocityNetwork.Activations(velocityNetwork, capacity: rows)
        }
        velocityNetwork.forward(parameters.values, x: x, t: t, conditions: conditions, prefix: enc.prefix, rows: rows,
                                act: velocityActivations!, velocity: velocity, logVariance: logVariance)
    }

    /// Backpropagates through the last ``evaluate``; accumulates the expert's and noise
    /// head's gradients and the gradient of the prefix (see ``backwardEncoder()``).
    public func backward(dVelocity: UnsafePointer<Float>, dLogVariance: UnsafePointer<Float>?) {
        guard let act = velocityActivations else { preconditionFailure("backward before evaluate") }
        velocityNetwork.backward(parameters.values, parameters.gradients, dVelocity: dVelocity, dLogVariance: dLogVariance, act: act)
        let pw = prefixWidth
        if prefixGradient.count != encodedCount * pw { prefixGradient = .init(repeating: 0, count: encodedCount * pw) }
        for r in 0..<act.rows {
            let c = Int(act.conditions[r])
            for i in 0..<pw { prefixGradient[c * pw + i] += act.dPrefixRows[r * pw + i] }
        }
    }

    /// Pushes the accumulated prefix gradient through the encoder (SFT; RL keeps the encoder frozen).
    public func backwardEncoder() {
        guard let act = encoderActivations, prefixGradient.count == encodedCount * prefixWidth else { return }
        prefixGradient.withUnsafeBufferPointer { d in
            encoder.backward(parameters.values, parameters.gradients, dPrefix: d.baseAddress!, act: act)
        }
        prefixGradient = []
    }

    /// F, the critic's time features per observation (``PolicyConfig/Architecture/valueTimeInputs``).
    public var valueTimeInputs: Int { valueHead.timeInputs }

    /// The critic's values of the encoded observations. A critic with time inputs needs
    /// `timeFeatures`, `encodedCount × F` (see ``EpisodeTimeFeatures``); one without ignores them.
    public func values(timeFeatures: [Float] = []) -> [Float] {
        guard let enc = encoderActivations, encodedCount > 0 else { preconditionFailure("encode observations before asking for values") }
        if valueCapacity < encodedCount {
            valueActivations = ValueHead.Activations(valueHead, capacity: encodedCount)
            valueCapacity = encodedCount
        }
        let f = valueHead.timeInputs
        precondition(f == 0 || timeFeatures.count >= encodedCount * f, "a critic with \(f) time inputs needs \(encodedCount * f) time features, got \(timeFeatures.count)")
        timeFeatures.withUnsafeBufferPointer { time in
            valueHead.forward(parameters.values, prefix: enc.prefix, time: f > 0 ? time.baseAddress : nil, rows: encodedCount, act: valueActivations!)
        }
        return Array(UnsafeBufferPointer(start: valueActivations!.values, count: encodedCount))
    }
    private var valueCapacity = 0

    // MARK: - Noise steering

    /// The steering head's start distribution for rows that index the encoded observations;
    /// false (nothing written) without a head.
    public func startDistribution(conditions: UnsafePointer<Int32>, rows: Int,
                                  mean: UnsafeMutablePointer<Float>, logStd: UnsafeMutablePointer<Float>) -> Bool {
        guard let head = noiseSteering else { return false }
        guard let enc = encoderActivations, encodedCount > 0 else { preconditionFailure("encode observations before asking for the start distribution") }
        if steeringActivations == nil || steeringCapacity < encodedCount {
            steeringActivations = NoiseSteeringHead.Activations(head, capacity: encodedCount)
            steeringCapacity = encodedCount
        }
        let act = steeringActivations!, p = parameters.values, d = head.dimension
        head.forward(p, prefix: enc.prefix, rows: encodedCount, act: act)
        steeringConditions.removeAll(keepingCapacity: true)
        steeringConditions.append(contentsOf: UnsafeBufferPointer(start: conditions, count: rows))
        for r in 0..<rows {
            let c = Int(conditions[r])
            precondition(c >= 0 && c < encodedCount, "row \(r) refers to observation \(c)")
            for i in 0..<d {
                mean[r * d + i] = head.bound * act.squashed[c * d + i]
                logStd[r * d + i] = head.logStd(p, i)
            }
        }
        return true
    }
    private var steeringCapacity = 0

    /// Accumulates the steering head's gradients for the last ``startDistribution(conditions:rows:mean:logStd:)``.
    public func backwardStart(dMean: UnsafePointer<Float>, dLogStd: UnsafePointer<Float>) {
        guard let head = noiseSteering, let enc = encoderActivations, let act = steeringActivations else {
            preconditionFailure("backwardStart before startDistribution")
        }
        let d = head.dimension
        var perObservation = [Float](repeating: 0, count: act.rows * d), perEntry = [Float](repeating: 0, count: d)
        for (r, c) in steeringConditions.enumerated() {
            for i in 0..<d {
                perObservation[Int(c) * d + i] += dMean[r * d + i]
                perEntry[i] += dLogStd[r * d + i]
            }
        }
        perObservation.withUnsafeBufferPointer { dm in
            perEntry.withUnsafeBufferPointer { dl in
                head.backward(parameters.values, parameters.gradients, prefix: enc.prefix, dMean: dm.baseAddress!, dLogStd: dl.baseAddress!, act: act)
            }
        }
    }

    /// Accumulates the critic's gradients for `dValues` (one per encoded observation),
    /// after ``values()``. The prefix is detached.
    public func backwardValues(_ dValues: [Float]) {
        guard let enc = encoderActivations, let act = valueActivations else { preconditionFailure("backwardValues before values") }
        precondition(dValues.count == act.rows)
        dValues.withUnsafeBufferPointer { d in
            valueHead.backward(parameters.values, parameters.gradients, prefix: enc.prefix, dValues: d.baseAddress!, act: act)
        }
    }
}
