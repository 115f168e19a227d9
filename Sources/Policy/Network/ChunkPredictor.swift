/// Runs a loaded policy end to end: raw observations in, unnormalized action chunks out.
///
/// Normalizes the state with the checkpoint's norm stats, encodes the observations,
/// integrates the flow with the chosen sampler, and unnormalizes the actions
/// (openpi's transforms, inverse in reverse order). The chain buffer is kept between
/// calls with the same batch size and step count, so repeated calls allocate only
/// for the observation preprocessing.
public final class ChunkPredictor {
    /// The network.
    public let policy: FlowPolicy
    /// The checkpoint's statistics.
    public let normStats: NormStatsFile
    private let stateNormalizer: any VectorTransform
    private let actionNormalizer: any VectorTransform
    private var chain: FlowChain?

    /// Wraps a policy and its norm stats (which must hold `state` and `actions`).
    public init(policy: FlowPolicy, normStats: NormStatsFile) throws(CheckpointError) {
        try normStats.validate(for: policy.config, file: PolicyCheckpoint.normStatsFile)
        self.policy = policy
        self.normStats = normStats
        let kind = policy.config.io.normalization
        stateNormalizer = kind.normalizer(normStats.normStats["state"]!)
        actionNormalizer = kind.normalizer(normStats.normStats["actions"]!)
    }

    /// Loads a checkpoint directory.
    public convenience init(checkpoint directory: String) throws(CheckpointError) {
        let (policy, stats) = try PolicyCheckpoint.load(from: directory)
        try self.init(policy: policy, normStats: stats)
    }

    /// Preprocesses raw observations into the network's batch layout.
    public func batch(_ observations: [RawObservation]) throws(ObservationError) -> ObservationBatch {
        try ObservationBatch(observations, config: policy.config, tokenizer: policy.tokenizer, stateNormalizer: stateNormalizer)
    }

    /// Samples one chunk per observation in `batch`; returns the normalized chain. `noise`
    /// sets Flow-SDE's level (default: the checkpoint's) and basis; the sampler says which
    /// steps are stochastic.
    public func sampleChain(_ batch: ObservationBatch, sampler: FlowSampler, steps: Int, noise: FlowSDENoise = FlowSDENoise(),
                            using rng: inout RandomSource) -> FlowChain {
        let level = noise.level ?? policy.config.sampler.noiseLevel
        if chain == nil || chain!.batch != batch.count || chain!.steps != steps || chain!.schedule.noiseLevel != level {
            chain = FlowChain(batch: batch.count, dimension: policy.dimension, steps: steps, noiseLevel: level)
        }
        if chain!.noiseBasis != noise.basis { chain!.noiseBasis = noise.basis }
        policy.encode(batch)
        sampler.sample(policy, into: chain!, using: &rng)
        return chain!
    }

    /// Unnormalized chunks (`H × D` each, row-major) for raw observations; nil arguments take
    /// the checkpoint's sampler settings, `noise` shapes a Flow-SDE sampler's noise.
    public func predict(_ observations: [RawObservation], method: SamplerMethod? = nil, steps: Int? = nil,
                        noise: FlowSDENoise = FlowSDENoise(), startTemperature: Double? = nil,
                        seed: UInt64) throws(ObservationError) -> [[Float]] {
        let b = try batch(observations)
        var rng = RandomSource(seed: seed)
        let defaults = policy.config.sampler
        let sampler = FlowSampler(method: method ?? defaults.method, sdeSelection: noise.steps,
                                  startTemperature: startTemperature ?? defaults.startTemperature)
        let chain = sampleChain(b, sampler: sampler,
                                steps: steps ?? policy.config.sampler.steps, noise: noise, using: &rng)
        return (0..<b.count).map { actionNormalizer.invert(chain.chunk($0)) }
    }
}
