/// The flow policy network: prefix encoder, velocity network with the Flow-Noise
/// head, value head and, when configured, a noise-steering or residual head (``GaussianHead``),
/// over one ``ParameterStore``.
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
    /// The policy over the flow's start (``PolicyConfig/Architecture/noiseSteeringWidth``).
    let noiseSteering: GaussianHead?
    /// The policy over a correction of the flow's chunk (``PolicyConfig/Architecture/residualWidth``)
    /// and the cosine basis the correction is synthesized in.
    let residual: (head: GaussianHead, basis: ChunkNoiseBasis)?
    /// The auxiliary probe from the prefix to the privileged state (``PolicyConfig/Architecture/privilegedProbe``).
    let privilegedProbe: Linear?
    private var encoderActivations: PrefixEncoder.Activations?
    private var velocityActivations: VelocityNetwork.Activations?
    private var valueActivations: ValueHead.Activations?
    /// The heads' workspaces, grown with the rows asked for.
    var steeringActivations: GaussianHead.Activations?
    var residualActivations: GaussianHead.Activations?
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
        let a = config.architecture, io = config.io
        noiseSteering = a.noiseSteeringWidth > 0
            ? GaussianHead("noise_steering", prefixWidth: a.prefixWidth, extraInputs: 0, width: a.noiseSteeringWidth,
                           outputs: io.chunkCount, bound: a.noiseSteeringBound, initialStd: a.noiseSteeringStd,
                           sharedStd: a.noiseSteeringSharedStd, layout: &layout)
            : nil
        if a.residualWidth > 0 {
            let basis = ChunkNoiseBasis(horizon: io.actionHorizon, actionDim: io.actionDim, frequencies: a.residualFrequencies)
            residual = (GaussianHead("residual", prefixWidth: a.prefixWidth, extraInputs: io.chunkCount, width: a.residualWidth,
                                     outputs: basis.coefficientCount, bound: a.residualBound, initialStd: a.residualStd, layout: &layout),
                        basis)
        } else {
            residual = nil
        }
        // Registered last: a checkpoint without a probe keeps its layout.
        privilegedProbe = a.privilegedProbe > 0
            ? Linear("privileged_probe", inFeatures: a.prefixWidth, outFeatures: a.privilegedProbe, layout: &layout)
            : nil
        // Refuse sizes that would exhaust memory before allocating anything (a hostile
        // or mistyped config.json must fail with an error, not kill the process).
        guard layout.count <= Self.maxParameters else {
            throw PolicyConfigError(field: "architecture", value: "\(layout.count) parameters", rule: "at most \(Self.maxParameters) parameters")
        }
        let activations = encoder.cameraActivationsPerObservation
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
        residual?.head.initialize(p, using: &rng)
        privilegedProbe?.initialize(p, using: &rng)
    }

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

    /// The auxiliary probe's loss `mean((P·prefix + b − target)²)` on the encoded observations
    /// (`targets`: `encodedCount × privilegedProbe`, normalized); with `accumulateGradient`,
    /// adds `gradientScale ×` its gradient to the probe and into the prefix gradient that ``backwardEncoder()``
    /// pushes through the encoder. Call after ``encode(_:)``, before ``backwardEncoder()``.
    public func privilegedProbeLoss(targets: [Float], accumulateGradient: Bool = true, gradientScale: Float = 1) -> Float {
        guard let probe = privilegedProbe else { preconditionFailure("the config has no privileged probe") }
        let n = encodedCount, k = probe.outFeatures, pw = prefixWidth
        precondition(n > 0 && targets.count == n * k, "targets must be encodedCount × privilegedProbe")
        var y = [Float](repeating: 0, count: n * k), dy = y
        probe.forward(parameters.values, x: encodedPrefix, y: &y, rows: n)
        var loss = 0.0
        let scale = gradientScale * 2 / Float(n * k)
        for i in 0..<(n * k) {
            let r = y[i] - targets[i]
            loss += Double(r * r)
            dy[i] = r * scale
        }
        guard accumulateGradient else { return Float(loss / Double(n * k)) }
                if prefixGradient.count != n * pw { prefixGradient = .init(repeating: 0, count: n * pw) }
        dy.withUnsafeBufferPointer { d in
            prefixGradient.withUnsafeMutableBufferPointer { dx in
                probe.backward(parameters.values, parameters.gradients, x: encodedPrefix, dy: d.baseAddress!, dx: dx.baseAddress!,
                               rows: n, accumulate: true)
            }
        }
        return Float(loss / Double(n * k))
    }

    /// Outputs of the privileged probe (0 without one).
    public var privilegedProbeWidth: Int { privilegedProbe?.outFeatures ?? 0 }

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

    /// Accumulates the critic's gradients for `dValues` (one per encoded observation),
    /// after ``values()``. The prefix is detached.
    public func backwardValues(_ dValues: [Float]) {
        guard let enc = encoderActivations, let act = valueActivations else { preconditionFailure("backwardValues before values") }
        precondition(dValues.count == act.rows)
        dValues.withUnsafeBufferPointer { d in
            valueHead.backward(parameters.values, parameters.gradients, prefix: enc.prefix, dValues: d.baseAddress!, act: act)
        }
    }

    /// The encoded prefix features (`encodedCount × prefixWidth`) for the heads.
    var encodedPrefix: UnsafeMutablePointer<Float> {
        guard let enc = encoderActivations, encodedCount > 0 else { preconditionFailure("encode observations before evaluating a head") }
        return enc.prefix
    }
}
