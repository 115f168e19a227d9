import Policy

/// The flow-matching loss (docs/design/flow-rl.md §2) on minibatches of labelled samples (demonstrations,
/// or a distillation stage's teacher-labelled states): each draws `batchSize` (observation,
/// chunk) samples, noise `ε`, times `t ~ 0.001 + 0.999·Beta(1.5, 1)` and, with `randomShift`,
/// one image shift per sample from one seeded stream. SFT steps on it; the RL stage adds it to
/// the actor's gradient as the demonstration anchor (``RLSettings/demoLossCoefficient``).
public final class DemoFlowMatching {
    /// The policy whose gradients it accumulates into.
    public let policy: FlowPolicy
    /// Where the samples come from.
    public let samples: any ChunkSamples
    /// Samples per minibatch.
    public let batchSize: Int
    /// Random-shift augmentation (DrQ): pad every camera image by this many pixels and crop
    /// it back at a random offset before encoding; 0 is off.
    public let randomShift: Int
    /// Weight of the privileged probe's loss (0: none; needs a probe and `privileged` norm stats).
    public let probeCoefficient: Float
    /// The probe's loss on the last minibatch (0 without a probe).
    public private(set) var lastProbeLoss: Float = 0
    private let privilegedNormalizer: (any VectorTransform)?
    private var probeTargets: [Float] = []
    private let packer: ObservationPacker
    private let actionNormalizer: any VectorTransform
    private var observations: [RawObservation] = []
    private var actions: [Float] = [], noise: [Float] = [], times: [Float] = [], chunk: [Float] = []

    /// Minibatches of `batchSize` from `dataset`, normalized with `normStats` (the checkpoint's).
    public convenience init(policy: FlowPolicy, dataset: DemoDataset, normStats: NormStatsFile, batchSize: Int, randomShift: Int = 0) {
        self.init(policy: policy, samples: DemoSamples(dataset), normStats: normStats, batchSize: batchSize, randomShift: randomShift)
    }

    /// Minibatches of `batchSize` from `samples`, normalized with `normStats` (the checkpoint's).
    public init(policy: FlowPolicy, samples: any ChunkSamples, normStats: NormStatsFile, batchSize: Int, randomShift: Int = 0,
                probeCoefficient: Float = 0) {
        self.policy = policy
        let probed = probeCoefficient > 0 && policy.privilegedProbeWidth > 0
        self.probeCoefficient = probed ? probeCoefficient : 0
        privilegedNormalizer = probed ? normStats.normStats["privileged"].map { policy.config.io.normalization.normalizer($0) } : nil
        self.samples = samples
        self.batchSize = batchSize
        self.randomShift = randomShift
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
        guard count > 0, samples.sampleCount > 0 else { return 0 }
        var rng = RandomSource(seed: streamSeed)
        let h = policy.config.io.actionHorizon
        observations.removeAll(keepingCapacity: true)
        actions.removeAll(keepingCapacity: true)
        noise.removeAll(keepingCapacity: true)
        times.removeAll(keepingCapacity: true)
        probeTargets.removeAll(keepingCapacity: true)
        for _ in 0..<count {
            let index = rng.index(below: samples.sampleCount)
            let observation = samples.observation(sample: index)
            if let privilegedNormalizer { probeTargets.append(contentsOf: privilegedNormalizer.apply(observation.privileged)) }
            observations.append(observation)
            samples.chunk(sample: index, horizon: h, into: &chunk)
            actions.append(contentsOf: actionNormalizer.apply(chunk))
            times.append(FlowMatchingLoss.sampleTime(using: &rng))
        }
        for _ in 0..<actions.count { noise.append(rng.gaussian()) }
        var batch = try packer.pack(observations)
        if randomShift > 0 {
            for (c, camera) in policy.config.io.cameras.enumerated() {
                RandomShift.apply(&batch.images[c], count: count, channels: 3, height: camera.height, width: camera.width,
                                  pad: randomShift, using: &rng)
            }
        }
        // Flow matching and the probe (when there is one) share one pass through the encoder.
        policy.encode(batch)
        let loss = FlowMatchingLoss.lossOnLoadedPrefix(policy: policy, rows: count, actions: actions, noise: noise, times: times,
                                                       accumulateGradient: true, gradientScale: scale)
        if privilegedNormalizer != nil {
            lastProbeLoss = policy.privilegedProbeLoss(targets: probeTargets, gradientScale: scale * probeCoefficient)
        }
        if throughEncoder { policy.backwardEncoder() }
        return loss
    }
}
