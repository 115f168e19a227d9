/// Everything `config.json` says about a policy: its inputs and outputs, its
/// architecture, the sampler defaults and where it came from.
///
/// A documented `Codable` value; `validate()` names the first bad field. The
/// default is the ~2 M-parameter policy for two 64×64 cameras, 6 joints, H = 10;
/// `io.cameras` may be empty for a state-only policy.
public struct PolicyConfig: Codable, Sendable, Equatable {
    /// The I/O contract between the policy and the robot or the simulator.
    public var io: IOSpec
    /// Layer sizes.
    public var architecture: Architecture
    /// How chunks are sampled and scored by default.
    public var sampler: SamplerDefaults
    /// Where the weights came from; empty for a fresh initialization.
    public var provenance: Provenance

    /// Creates a config; every part has the documented defaults.
    public init(io: IOSpec = IOSpec(), architecture: Architecture = Architecture(),
                sampler: SamplerDefaults = SamplerDefaults(), provenance: Provenance = Provenance()) {
        self.io = io
        self.architecture = architecture
        self.sampler = sampler
        self.provenance = provenance
    }

    /// A camera the policy reads.
    public struct Camera: Codable, Sendable, Equatable {
        /// The camera's name in observations (`base`, `wrist`).
        public var name: String
        /// Image width in pixels after preprocessing.
        public var width: Int
        /// Image height in pixels after preprocessing.
        public var height: Int
        /// How a camera frame of another aspect ratio is fitted into `width × height`. Part of
        /// the checkpoint because the policy learned on pictures made this way: `run` on
        /// hardware and the twin both preprocess with it.
        public var resize: Resize

        /// Creates a camera spec.
        public init(name: String, width: Int = 64, height: Int = 64, resize: Resize = .pad) {
            self.name = name; self.width = width; self.height = height; self.resize = resize
        }

        /// The fitting of a frame into the model's input size (Camera's `ResizeMethod`).
        public enum Resize: String, Codable, Sendable, Equatable, CaseIterable {
            /// Keep the whole picture: scale to fit, pad with black bars (openpi's `resize_with_pad`).
            case pad
            /// Fill the input: crop the centre to its aspect ratio, then scale.
            case crop
        }
    }

    /// Inputs and outputs in the units of docs/design/architecture.md's sim/real contract.
    public struct IOSpec: Codable, Sendable, Equatable {
        /// The cameras, in the order their features are concatenated. May be empty: a
        /// state-only policy (e.g. joint plus object state in the state vector) has no
        /// vision encoder at all.
        public var cameras: [Camera] = [Camera(name: "base"), Camera(name: "wrist")]
        /// Joint names in the robot spec's order; their count is the number of real action dims.
        public var jointNames: [String] = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"]
        /// Length of the state vector: the joints, then `objectStateDim` object features.
        public var stateDim: Int = 6
        /// Trailing state entries that describe the scene's objects (SimTrainer's
        /// `ObjectState` layout: task cube position and yaw, goal position). Only a
        /// simulator knows them, so a policy with `objectStateDim > 0` runs in `--sim` only.
        public var objectStateDim: Int = 0
        /// Action dims the model produces (≥ the joint count; extra dims are padding).
        public var actionDim: Int = 6
        /// H: actions per chunk.
        public var actionHorizon: Int = 10
        /// H_exec: actions executed before the policy is asked again (docs/design/flow-rl.md §5: 5).
        public var executedHorizon: Int = 5
        /// The control rate the chunk is meant for, in Hz.
        public var controlRateHz: Double = 30
        /// How state and actions are normalized with norm_stats.json (openpi's two formulas).
        public var normalization: NormalizationKind = .zScore

        /// Creates the default I/O spec.
        public init() {}
        /// H · D, the flattened chunk length.
        public var chunkCount: Int { actionHorizon * actionDim }
    }

    /// Network sizes (see ``FlowPolicy`` for how the parts connect).
    public struct Architecture: Codable, Sendable, Equatable {
        /// Output channels of the CNN stages: a patchify stage (kernel = stride =
        /// `patchSize`), then 3×3 stages (stride `visionStrides`, default 2); features
        /// are pooled over space by `visionPooling`.
        /// Still validated, but builds nothing, when `io.cameras` is empty.
        public var visionChannels: [Int] = [32, 64, 128]
        /// Kernel and stride of the first (patchify) convolution.
        public var patchSize: Int = 4
        /// One CNN for all cameras (true) or one per camera.
        public var sharedVisionEncoder: Bool = true
        /// Stride of each 3×3 stage (`visionChannels.count − 1` entries); empty: every
        /// stage halves the map. Stride-1 stages keep the last map large enough for a
        /// spatial softmax (a 64×64 camera with patch 4 and strides [2, 1] ends at 8×8).
        public var visionStrides: [Int] = []
        /// Groups of a GroupNorm (affine) after each convolution, before its SiLU; 0: none.
        /// Must divide every entry of `visionChannels`.
        public var visionGroupNorm: Int = 0
        /// How a camera's last feature map becomes its features: `mean` over space
        /// (`visionChannels.last` features; keeps what, not where) or `spatialSoftmax`
        /// (2 per keypoint: the expected image (x, y) of each map, as robomimic, DPPO and
        /// DrQ-style manipulation encoders do).
        public var visionPooling: VisionPooling = .mean
        /// Keypoints of the spatial softmax: a 1×1 convolution maps the last stage to this
        /// many maps first; 0: one keypoint per channel of the last stage, no convolution.
        /// Must be 0 with `mean` pooling.
        public var visionKeypoints: Int = 0
        /// Learn the spatial softmax's temperature (one `log_temperature` per encoder, T = 1
        /// at initialization); false: T = 1 fixed. Ignored with `mean` pooling.
        public var visionLearnedTemperature: Bool = true

        /// How a camera's feature map is pooled into features.
        public enum VisionPooling: String, Codable, Sendable, CaseIterable {
            /// The mean over space of each channel.
            case mean
            /// The expected (x, y) of each channel's softmax over positions.
            case spatialSoftmax
        }

        /// The stride of 3×3 stage `i` (1-based: stage 0 is the patchify convolution).
        public func visionStride(_ i: Int) -> Int { visionStrides.isEmpty ? 2 : visionStrides[i - 1] }
        /// Hash buckets for instruction words and bigrams.
        public var vocabularySize: Int = 4096
        /// Width of the instruction embedding bag.
        public var tokenWidth: Int = 64
        /// Width of the state features.
        public var stateWidth: Int = 64
        /// Width of the fused prefix features.
        public var prefixWidth: Int = 256
        /// Width of the velocity network's residual stream.
        public var expertWidth: Int = 256
        /// Residual MLP blocks in the velocity network.
        public var expertBlocks: Int = 3
        /// Hidden width of each block's MLP.
        public var expertHiddenWidth: Int = 512
        /// Width of the sinusoidal time embedding.
        public var timeEmbeddingWidth: Int = 64
        /// Shortest period of the time embedding (docs/design/flow-rl.md §2: 4e-3).
        public var timeMinPeriod: Double = 4e-3
        /// Longest period of the time embedding (docs/design/flow-rl.md §2: 4.0).
        public var timeMaxPeriod: Double = 4.0
        /// Hidden width of the Flow-Noise head.
        public var noiseHeadWidth: Int = 128
        /// Smallest std the noise head can produce (docs/design/flow-rl.md §3: 0.08).
        public var noiseStdMin: Double = 0.08
        /// Largest std the noise head can produce (docs/design/flow-rl.md §3: 0.16).
        public var noiseStdMax: Double = 0.16
        /// Hidden width of the value head.
        public var valueWidth: Int = 256
        /// Inputs of the value head that encode the fraction of the episode's time limit
        /// left (0: the critic reads the observation only). With a time limit that ends the
        /// return, the value of a state depends on the time left (Pardo et al. 2018, "Time
        /// Limits in Reinforcement Learning"); the fraction enters as this many hat functions
        /// spread over [0, 1]. Only the trainer's critic reads them; acting does not.
        public var valueTimeInputs: Int = 0
        /// Hidden width of the noise-steering head (0: none). With a head, the chain starts
        /// from `x⁽⁰⁾ ~ N(μ(o), σ²)` instead of `N(0, I)`: RL can then steer the frozen flow
        /// through its initial noise (``SamplerMethod/noiseSteering``; Wagenmaker et al.
        /// 2025, "Steering Your Diffusion Policy with Latent Space Reinforcement Learning").
        public var noiseSteeringWidth: Int = 0
        /// The largest |μ| the steering head can produce (`μ = bound·tanh(·)`): the start
        /// stays where the flow saw noise during SFT.
        public var noiseSteeringBound: Double = 2
        /// One σ for every entry of the start instead of one per entry: PPO's signal on the
        /// start's scale, drowned on one entry by the other H·D − 1, is pooled over all of
        /// them (on `place` σ still stays near 1; docs/experiments/place-noise-steering.md, "What holds noise steering").
        public var noiseSteeringSharedStd: Bool = false
        /// σ of a fresh steering head. 1 starts RL at the SFT policy as deployed; below 1 the
        /// start is drawn nearer the head's mean. PPO barely moves σ on its own
        /// (docs/experiments/place-noise-steering.md, "What holds noise steering"), so this sets its exploration.
        public var noiseSteeringStd: Double = 1
        /// Hidden width of the residual head (0: none). With a head, a smooth correction
        /// `B·c`, `c ~ N(μ(o, chunk), σ²)` over the `residualFrequencies` lowest cosines of
        /// each joint, is added to the flow's chunk (``SamplerMethod/residual``; Ankile et al.
        /// 2024, "From Imitation to Refinement — Residual RL for Precise Assembly").
        public var residualWidth: Int = 0
        /// The largest |μ| of a cosine coefficient (normalized action units).
        public var residualBound: Double = 0.5
        /// σ of a fresh residual head: the exploration RL starts with.
        public var residualStd: Double = 0.1
        /// Cosines of each joint's trajectory over the chunk that the residual moves.
        public var residualFrequencies: Int = 3
        /// Outputs of a linear probe from the prefix features to what only a simulator knows
        /// (the object state a distillation teacher reads), trained as an auxiliary loss so the
        /// camera encoder learns where the objects are (0: none). Acting never reads it.
        public var privilegedProbe: Int = 0

        /// Creates the default architecture.
        public init() {}
    }

    /// Sampler and likelihood defaults (docs/design/flow-rl.md §3–5).
    public struct SamplerDefaults: Codable, Sendable, Equatable {
        /// The deployment sampler.
        public var method: SamplerMethod = .ode
        /// K, the denoising steps (4).
        public var steps: Int = 4
        /// a, the Flow-SDE noise level (0.5).
        public var noiseLevel: Double = 0.5
        /// How the K + 1 Flow-Noise terms are combined.
        public var reduction: LogLikelihoodReduction = .mean
        /// One ratio per element, per action row, or per chunk.
        public var granularity: RatioGranularity = .chunk
        /// τ, the scale of the start's noise when acting: `x⁽⁰⁾ = μ + τ·σ·ε` (1: the
        /// distribution the policy was trained and scored with; 0: the steering head's mean,
        /// or the flow's origin without a head; Wagenmaker et al. 2025 act with the mean).
        public var startTemperature: Double = 1

        /// Creates the defaults.
        public init() {}
    }

    /// Where a checkpoint came from.
    public struct Provenance: Codable, Sendable, Equatable {
        /// The task it was trained for.
        public var task: String?
        /// The training configuration, as given to the trainer.
        public var trainingConfig: String?
        /// The seed of the run (or of the random initialization).
        public var seed: UInt64?
        /// Optimizer steps taken.
        public var steps: Int?
        /// Success rate in the last evaluation.
        public var evalSuccess: Double?

        /// Creates an empty provenance.
        public init(task: String? = nil, trainingConfig: String? = nil, seed: UInt64? = nil, steps: Int? = nil, evalSuccess: Double? = nil) {
            self.task = task; self.trainingConfig = trainingConfig; self.seed = seed
            self.steps = steps; self.evalSuccess = evalSuccess
        }
    }

    /// Checks every field; the error names the field, its value and the rule.
    public func validate() throws(PolicyConfigError) {
        func check(_ ok: Bool, _ field: String, _ value: Any, _ rule: String) throws(PolicyConfigError) {
            if !ok { throw PolicyConfigError(field: field, value: "\(value)", rule: rule) }
        }
        // Zero cameras is allowed: a state-only policy.
        try check(Set(io.cameras.map(\.name)).count == io.cameras.count, "io.cameras", io.cameras.map(\.name), "camera names must be unique")
        for (i, c) in io.cameras.enumerated() {
            try check(c.width > 0 && c.height > 0 && c.width <= 1024 && c.height <= 1024,
                      "io.cameras[\(i)]", "\(c.width)x\(c.height)", "width and height in 1...1024")
            var h = c.height, w = c.width
            try check(h % architecture.patchSize == 0 && w % architecture.patchSize == 0,
                      "io.cameras[\(i)]", "\(c.width)x\(c.height)", "size must be a multiple of architecture.patchSize (\(architecture.patchSize))")
            h /= architecture.patchSize; w /= architecture.patchSize
            if architecture.visionStrides.isEmpty || architecture.visionStrides.count == architecture.visionChannels.count - 1 {
                for stage in architecture.visionChannels.indices.dropFirst() {
                    let s = max(1, architecture.visionStride(stage))
                    h = (h - 1) / s + 1; w = (w - 1) / s + 1  // 3×3, padding 1
                }
            }
            try check(h >= 1 && w >= 1, "io.cameras[\(i)]", "\(c.width)x\(c.height)", "too small for the CNN")
        }
        try check(io.stateDim >= 1 && io.stateDim <= 4096, "io.stateDim", io.stateDim, "in 1...4096")
        try check(io.objectStateDim >= 0 && io.objectStateDim < io.stateDim, "io.objectStateDim", io.objectStateDim, "in 0..<stateDim (\(io.stateDim))")
        try check(io.actionDim >= 1 && io.actionDim <= 4096, "io.actionDim", io.actionDim, "in 1...4096")
        try check(!io.jointNames.isEmpty && io.jointNames.count <= io.actionDim, "io.jointNames", io.jointNames.count, "1...actionDim (\(io.actionDim)) names")
        try check(io.actionHorizon >= 1 && io.actionHorizon <= 1024, "io.actionHorizon", io.actionHorizon, "in 1...1024")
        try check(io.executedHorizon >= 1 && io.executedHorizon <= io.actionHorizon, "io.executedHorizon", io.executedHorizon, "in 1...actionHorizon (\(io.actionHorizon))")
        try check(io.controlRateHz > 0 && io.controlRateHz.isFinite, "io.controlRateHz", io.controlRateHz, "positive")
        let a = architecture
        try check(!a.visionChannels.isEmpty && a.visionChannels.allSatisfy { $0 >= 1 && $0 <= 4096 }, "architecture.visionChannels", a.visionChannels, "non-empty, each in 1...4096")
        try check(a.patchSize >= 1 && a.patchSize <= 64, "architecture.patchSize", a.patchSize, "in 1...64")
        try check(a.visionStrides.isEmpty || (a.visionStrides.count == a.visionChannels.count - 1 && a.visionStrides.allSatisfy { $0 >= 1 && $0 <= 4 }),
                  "architecture.visionStrides", a.visionStrides, "empty or visionChannels.count − 1 (\(a.visionChannels.count - 1)) entries, each in 1...4")
        try check(a.visionGroupNorm >= 0 && a.visionGroupNorm <= 4096 && (a.visionGroupNorm == 0 || a.visionChannels.allSatisfy { $0 % a.visionGroupNorm == 0 }),
                  "architecture.visionGroupNorm", a.visionGroupNorm, "0 or a divisor of every visionChannels entry")
        try check(a.visionKeypoints >= 0 && a.visionKeypoints <= 4096 && (a.visionKeypoints == 0 || a.visionPooling == .spatialSoftmax),
                  "architecture.visionKeypoints", a.visionKeypoints, "in 0...4096, and 0 unless visionPooling is spatialSoftmax")
        for (name, v) in [("vocabularySize", a.vocabularySize), ("tokenWidth", a.tokenWidth), ("stateWidth", a.stateWidth),
                          ("prefixWidth", a.prefixWidth), ("expertWidth", a.expertWidth), ("expertHiddenWidth", a.expertHiddenWidth),
                          ("noiseHeadWidth", a.noiseHeadWidth), ("valueWidth", a.valueWidth)] {
            try check(v >= 1 && v <= 1 << 20, "architecture.\(name)", v, "in 1...1048576")
        }
        try check(a.valueTimeInputs >= 0 && a.valueTimeInputs <= 64, "architecture.valueTimeInputs", a.valueTimeInputs, "in 0...64")
        try check(a.noiseSteeringWidth >= 0 && a.noiseSteeringWidth <= 1 << 20, "architecture.noiseSteeringWidth", a.noiseSteeringWidth, "in 0...1048576 (0: no steering head)")
        try check(a.noiseSteeringBound > 0 && a.noiseSteeringBound <= 10, "architecture.noiseSteeringBound", a.noiseSteeringBound, "in (0, 10]")
        try check(a.noiseSteeringStd >= 0.05 && a.noiseSteeringStd <= 2, "architecture.noiseSteeringStd", a.noiseSteeringStd, "in [0.05, 2]")
        try check(a.residualWidth >= 0 && a.residualWidth <= 1 << 20, "architecture.residualWidth", a.residualWidth, "in 0...1048576 (0: no residual head)")
        try check(a.residualBound > 0 && a.residualBound <= 10, "architecture.residualBound", a.residualBound, "in (0, 10]")
        try check(a.residualStd >= 0.01 && a.residualStd <= 2, "architecture.residualStd", a.residualStd, "in [0.01, 2]")
        try check(a.residualFrequencies >= 1 && a.residualFrequencies <= io.actionHorizon, "architecture.residualFrequencies", a.residualFrequencies, "in 1...actionHorizon (\(io.actionHorizon))")
        try check(a.noiseSteeringWidth == 0 || a.residualWidth == 0, "architecture.residualWidth", a.residualWidth, "0 with a noise-steering head (one head steers a flow)")
        try check(a.privilegedProbe >= 0 && a.privilegedProbe <= 4096, "architecture.privilegedProbe", a.privilegedProbe, "in 0...4096 (0: no probe)")
                try check(a.expertBlocks >= 0 && a.expertBlocks <= 64, "architecture.expertBlocks", a.expertBlocks, "in 0...64")
        try check(a.timeEmbeddingWidth >= 2 && a.timeEmbeddingWidth % 2 == 0, "architecture.timeEmbeddingWidth", a.timeEmbeddingWidth, "even and at least 2")
        try check(a.timeMinPeriod > 0 && a.timeMaxPeriod >= a.timeMinPeriod, "architecture.timeMinPeriod", a.timeMinPeriod, "0 < timeMinPeriod <= timeMaxPeriod")
        try check(a.noiseStdMin > 0 && a.noiseStdMax >= a.noiseStdMin, "architecture.noiseStdMin", a.noiseStdMin, "0 < noiseStdMin <= noiseStdMax")
        try check(sampler.steps >= 1 && sampler.steps <= 10_000, "sampler.steps", sampler.steps, "in 1...10000")
        try check(sampler.noiseLevel >= 0 && sampler.noiseLevel.isFinite, "sampler.noiseLevel", sampler.noiseLevel, "finite and >= 0")
        try check(sampler.startTemperature >= 0 && sampler.startTemperature <= 1, "sampler.startTemperature", sampler.startTemperature, "in [0, 1]")
    }
}

/// A config field that breaks a rule.
public struct PolicyConfigError: Error, CustomStringConvertible, Equatable {
    /// The field path (`io.executedHorizon`).
    public var field: String
    /// The offending value.
    public var value: String
    /// What the value must satisfy.
    public var rule: String
    /// A readable message.
    public var description: String { "invalid config: \(field) = \(value); must be \(rule)" }
}

// MARK: - Decoding
//
// config.json may omit any field (its documented default is used); an unknown key is an
// error naming it, so a misspelt field never silently falls back to a default. These live
// in this file because they use the synthesized CodingKeys.

/// Any string key, for listing the keys a JSON object actually has.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private extension Decoder {
    /// Throws when the object has a key that `Keys` does not know.
    func rejectUnknownKeys<Keys: CodingKey>(_: Keys.Type) throws {
        let raw = try container(keyedBy: AnyKey.self)
        for key in raw.allKeys where Keys(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: raw, debugDescription: "unknown key '\(key.stringValue)'")
        }
    }
}

private extension KeyedDecodingContainer {
    /// The value at `key`, or `fallback` when the key is absent.
    func value<T: Decodable>(_ key: Key, or fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}

extension PolicyConfig {
    /// Decodes a possibly partial config.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(io: try c.value(.io, or: IOSpec()), architecture: try c.value(.architecture, or: Architecture()),
                  sampler: try c.value(.sampler, or: SamplerDefaults()), provenance: try c.value(.provenance, or: Provenance()))
    }
}

extension PolicyConfig.Camera {
    /// Decodes a camera; `name` is required, the size defaults to 64×64 and `resize` to `pad`
    /// (what every checkpoint written before the key existed was trained with).
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name),
                  width: try c.value(.width, or: 64), height: try c.value(.height, or: 64),
                  resize: try c.value(.resize, or: .pad))
    }
}

extension PolicyConfig.IOSpec {
    /// Decodes a possibly partial I/O spec.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        cameras = try c.value(.cameras, or: cameras)
        jointNames = try c.value(.jointNames, or: jointNames)
        stateDim = try c.value(.stateDim, or: stateDim)
        objectStateDim = try c.value(.objectStateDim, or: objectStateDim)
        actionDim = try c.value(.actionDim, or: actionDim)
        actionHorizon = try c.value(.actionHorizon, or: actionHorizon)
        executedHorizon = try c.value(.executedHorizon, or: executedHorizon)
        controlRateHz = try c.value(.controlRateHz, or: controlRateHz)
        normalization = try c.value(.normalization, or: normalization)
    }
}

extension PolicyConfig.Architecture {
    /// Takes every setting of the RL heads on a frozen flow (noise steering, residual) from
    /// `other`, so a checkpoint without a head can be compared with a config that grows one.
    /// A new head setting belongs here too.
    public mutating func takeRLHeads(from other: Self) {
        noiseSteeringWidth = other.noiseSteeringWidth
        noiseSteeringBound = other.noiseSteeringBound
        noiseSteeringSharedStd = other.noiseSteeringSharedStd
        noiseSteeringStd = other.noiseSteeringStd
        residualWidth = other.residualWidth
        residualBound = other.residualBound
        residualStd = other.residualStd
        residualFrequencies = other.residualFrequencies
    }

    /// Decodes a possibly partial architecture.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        visionChannels = try c.value(.visionChannels, or: visionChannels)
        patchSize = try c.value(.patchSize, or: patchSize)
        sharedVisionEncoder = try c.value(.sharedVisionEncoder, or: sharedVisionEncoder)
        visionStrides = try c.value(.visionStrides, or: visionStrides)
        visionGroupNorm = try c.value(.visionGroupNorm, or: visionGroupNorm)
        visionPooling = try c.value(.visionPooling, or: visionPooling)
        visionKeypoints = try c.value(.visionKeypoints, or: visionKeypoints)
        visionLearnedTemperature = try c.value(.visionLearnedTemperature, or: visionLearnedTemperature)
        vocabularySize = try c.value(.vocabularySize, or: vocabularySize)
        tokenWidth = try c.value(.tokenWidth, or: tokenWidth)
        stateWidth = try c.value(.stateWidth, or: stateWidth)
        prefixWidth = try c.value(.prefixWidth, or: prefixWidth)
        expertWidth = try c.value(.expertWidth, or: expertWidth)
        expertBlocks = try c.value(.expertBlocks, or: expertBlocks)
        expertHiddenWidth = try c.value(.expertHiddenWidth, or: expertHiddenWidth)
        timeEmbeddingWidth = try c.value(.timeEmbeddingWidth, or: timeEmbeddingWidth)
        timeMinPeriod = try c.value(.timeMinPeriod, or: timeMinPeriod)
        timeMaxPeriod = try c.value(.timeMaxPeriod, or: timeMaxPeriod)
        noiseHeadWidth = try c.value(.noiseHeadWidth, or: noiseHeadWidth)
        noiseStdMin = try c.value(.noiseStdMin, or: noiseStdMin)
        noiseStdMax = try c.value(.noiseStdMax, or: noiseStdMax)
        valueWidth = try c.value(.valueWidth, or: valueWidth)
        valueTimeInputs = try c.value(.valueTimeInputs, or: valueTimeInputs)
        noiseSteeringWidth = try c.value(.noiseSteeringWidth, or: noiseSteeringWidth)
        noiseSteeringBound = try c.value(.noiseSteeringBound, or: noiseSteeringBound)
        noiseSteeringSharedStd = try c.value(.noiseSteeringSharedStd, or: noiseSteeringSharedStd)
        noiseSteeringStd = try c.value(.noiseSteeringStd, or: noiseSteeringStd)
        residualWidth = try c.value(.residualWidth, or: residualWidth)
        residualBound = try c.value(.residualBound, or: residualBound)
        residualStd = try c.value(.residualStd, or: residualStd)
        residualFrequencies = try c.value(.residualFrequencies, or: residualFrequencies)
        privilegedProbe = try c.value(.privilegedProbe, or: privilegedProbe)
    }
}

extension PolicyConfig.SamplerDefaults {
    /// Decodes possibly partial sampler defaults.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        method = try c.value(.method, or: method)
        steps = try c.value(.steps, or: steps)
        noiseLevel = try c.value(.noiseLevel, or: noiseLevel)
        reduction = try c.value(.reduction, or: reduction)
        granularity = try c.value(.granularity, or: granularity)
        startTemperature = try c.value(.startTemperature, or: startTemperature)
    }
}

extension PolicyConfig.Provenance {
    /// Decodes provenance (every field optional); unknown keys are errors.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(task: try c.decodeIfPresent(String.self, forKey: .task),
                  trainingConfig: try c.decodeIfPresent(String.self, forKey: .trainingConfig),
                  seed: try c.decodeIfPresent(UInt64.self, forKey: .seed),
                  steps: try c.decodeIfPresent(Int.self, forKey: .steps),
                  evalSuccess: try c.decodeIfPresent(Double.self, forKey: .evalSuccess))
    }
}
