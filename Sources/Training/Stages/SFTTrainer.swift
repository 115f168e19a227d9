import Policy

/// Flow matching on demonstrations (flow-rl.md §2): each step draws `batchSize`
/// (observation, chunk) samples, noise `ε` and times `t ~ 0.001 + 0.999·Beta(1.5, 1)`,
/// and takes one AdamW step on `mean((v_θ(x_t, t, o) − (ε − a))²)` through the whole
/// network but the noise head and critic. Step s draws from its own seeded stream, so
/// a resumed stage repeats exactly what an uninterrupted one would have done.
public final class SFTTrainer {
    /// The policy being trained.
    public let policy: FlowPolicy
    /// The demonstrations.
    public let dataset: DemoDataset
    /// Settings.
    public let settings: SFTSettings
    /// AdamW over the SFT group.
    public var optimizer: AdamW
    private let samples: [(episode: Int, step: Int)]
    private let packer: ObservationPacker
    private let actionNormalizer: any VectorTransform
    private var observations: [RawObservation] = []
    private var actions: [Float] = [], noise: [Float] = [], times: [Float] = [], chunk: [Float] = []

    /// A trainer for `policy` on `dataset` with `normStats` (from the dataset).
    public init(policy: FlowPolicy, dataset: DemoDataset, normStats: NormStatsFile, settings: SFTSettings) {
        self.policy = policy
        self.dataset = dataset
        self.settings = settings
        samples = dataset.samples
        let kind = policy.config.io.normalization
        packer = ObservationPacker(config: policy.config, tokenizer: policy.tokenizer, stateNormalizer: kind.normalizer(normStats.normStats["state"]!))
        actionNormalizer = kind.normalizer(normStats.normStats["actions"]!)
        optimizer = AdamW(groups: ParameterGroups.sft(policy, learningRate: Float(settings.learningRate), weightDecay: Float(settings.weightDecay)))
        optimizer.maxGradientNorm = Float(settings.maxGradNorm)
        observations.reserveCapacity(settings.batchSize)
    }

    /// The outcome of one step.
    public struct StepReport: Sendable {
        /// Flow-matching loss of the minibatch.
        public var loss: Float
        /// Gradient norm before clipping.
        public var gradientNorm: Double
        /// False when the update was skipped (non-finite gradient).
        public var applied: Bool
    }

    /// SFT step `step` (0-based) of a run seeded with `seed`.
    public func step(_ step: Int, seed: UInt64) throws -> StepReport {
        policy.parameters.zeroGradients()
        let loss = try accumulateGradient(RunSeeds.seed(seed, .sft, index: UInt64(step)))
        let report = optimizer.step(policy.parameters)
        return StepReport(loss: loss, gradientNorm: report.gradientNorm, applied: report.applied)
    }

    /// Adds `scale × ∂L/∂θ` of one minibatch drawn from the stream `streamSeed` to the
    /// policy's gradients and returns its loss; takes no optimizer step. RL uses it to
    /// anchor the actor to the demonstrations (``RLSettings/demoLossCoefficient``). It
    /// re-encodes the policy's prefix, so a caller loads its own prefix afterwards. With
    /// `throughEncoder` false the (frozen) encoder gets no gradient.
    public func accumulateGradient(_ streamSeed: UInt64, scale: Float = 1, throughEncoder: Bool = true) throws -> Float {
        var rng = RandomSource(seed: streamSeed)
        let b = settings.batchSize, h = policy.config.io.actionHorizon
        observations.removeAll(keepingCapacity: true)
        actions.removeAll(keepingCapacity: true)
        noise.removeAll(keepingCapacity: true)
        times.removeAll(keepingCapacity: true)
        for _ in 0..<b {
            let (e, t) = samples[rng.index(below: samples.count)]
            observations.append(dataset.observation(episode: e, step: t))
            dataset.chunk(episode: e, step: t, horizon: h, into: &chunk)
            actions.append(contentsOf: actionNormalizer.apply(chunk))
            times.append(FlowMatchingLoss.sampleTime(using: &rng))
        }
        for _ in 0..<actions.count { noise.append(rng.gaussian()) }
        let batch = try packer.pack(observations)
        return FlowMatchingLoss.loss(policy: policy, observations: batch, actions: actions, noise: noise, times: times,
                                     accumulateGradient: true, gradientScale: scale, throughEncoder: throughEncoder)
    }
}
