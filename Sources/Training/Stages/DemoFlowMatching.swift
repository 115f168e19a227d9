import Policy

/// The flow-matching loss (flow-rl.md §2) on minibatches of demonstrations: each draws
/// `batchSize` (observation, chunk) samples, noise `ε` and times `t ~ 0.001 + 0.999·Beta(1.5, 1)`
/// from one seeded stream. SFT steps on it; the RL stage adds it to the actor's gradient as
/// the demonstration anchor (``RLSettings/demoLossCoefficient``).
public final class DemoFlowMatching {
    /// The policy whose gradients it accumulates into.
    public let policy: FlowPolicy
    /// The demonstrations.
    public let dataset: DemoDataset
    /// Samples per minibatch.
    public let batchSize: Int
    private let samples: [(episode: Int, step: Int)]
    private let packer: ObservationPacker
    private let actionNormalizer: any VectorTransform
    private var observations: [RawObservation] = []
    private var actions: [Float] = [], noise: [Float] = [], times: [Float] = [], chunk: [Float] = []

    /// Minibatches of `batchSize` from `dataset`, normalized with `normStats` (the checkpoint's).
    public init(policy: FlowPolicy, dataset: DemoDataset, normStats: NormStatsFile, batchSize: Int) {
        self.policy = policy
        self.dataset = dataset
        self.batchSize = batchSize
        samples = dataset.samples
        let kind = policy.config.io.normalization
        packer = ObservationPacker(config: policy.config, tokenizer: policy.tokenizer, stateNormalizer: kind.normalizer(normStats.normStats["state"]!))
        actionNormalizer = kind.normalizer(normStats.normStats["actions"]!)
        observations.reserveCapacity(batchSize)
    }

    /// Adds `scale × ∂L/∂θ` of the minibatch drawn from the stream `streamSeed` to the
    /// policy's gradients and returns its loss; takes no optimizer step. It re-encodes the
    /// policy's prefix, so a caller loads its own prefix afterwards. With `throughEncoder`
    /// false a frozen encoder gets no gradient. `count` samples (default ``batchSize``).
    public func accumulateGradient(_ streamSeed: UInt64, count: Int? = nil, scale: Float = 1, throughEncoder: Bool = true) throws -> Float {
        let count = count ?? batchSize
        guard count > 0 else { return 0 }
        var rng = RandomSource(seed: streamSeed)
        let h = policy.config.io.actionHorizon
        observations.removeAll(keepingCapacity: true)
        actions.removeAll(keepingCapacity: true)
        noise.removeAll(keepingCapacity: true)
        times.removeAll(keepingCapacity: true)
        for _ in 0..<count {
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
