import Foundation
import Policy

/// Success rate of a policy over a fixed set of episodes: environment `i` of N
/// contributes its first ⌈(episodes − i)/N⌉ episodes, so the set depends only on the
/// environment seed and N, never on which episodes end first. Chunks come from the
/// chosen sampler (the deterministic ODE by default, as deployed).
public final class PolicyEvaluator {
    private let policy: FlowPolicy
    private let packer: ObservationPacker
    private let actionNormalizer: any VectorTransform
    private let executedRows: Int

    /// An evaluator of `policy` with its checkpoint's `normStats`.
    public init(policy: FlowPolicy, normStats: NormStatsFile) {
        self.policy = policy
        let kind = policy.config.io.normalization
        packer = ObservationPacker(config: policy.config, tokenizer: policy.tokenizer, stateNormalizer: kind.normalizer(normStats.normStats["state"]!))
        actionNormalizer = kind.normalizer(normStats.normStats["actions"]!)
        executedRows = policy.config.io.executedHorizon
    }

    /// Runs `episodes` episodes in `environment` (freshly reset) with `method`; sampling noise from `seed`.
    public func evaluate(in environment: any VectorChunkEnvironment, episodes: Int, method: SamplerMethod, seed: UInt64) throws -> EvaluationSummary {
        precondition(episodes > 0)
        let clock = ContinuousClock(), started = clock.now
        let n = environment.count
        let quota = (0..<n).map { $0 < episodes ? (episodes - $0 + n - 1) / n : 0 }
        var counted = [Int](repeating: 0, count: n)
        var outcomes: [EpisodeOutcome] = []
        var rng = RandomSource(seed: seed)
        let chain = FlowChain(batch: n, dimension: policy.dimension, steps: policy.config.sampler.steps,
                              noiseLevel: policy.config.sampler.noiseLevel)
        let sampler = FlowSampler(method: method, startTemperature: policy.config.sampler.startTemperature)
        var chunks = [[Float]](repeating: [], count: n)
        var observations = try environment.reset(groupSize: 1)
        while outcomes.count < episodes {
            policy.encode(try packer.pack(observations))
            sampler.sample(policy, into: chain, using: &rng)
            for e in 0..<n { chunks[e] = actionNormalizer.invert(chain.chunk(e)) }
            let step = try environment.step(chunks: chunks, length: executedRows)
            for outcome in step.finished where counted[outcome.environment] < quota[outcome.environment] {
                counted[outcome.environment] += 1
                outcomes.append(outcome)
            }
            observations = step.observations
        }
        let elapsed = clock.now - started
        var failures: [String: Int] = [:]
        for outcome in outcomes where !outcome.success { failures[outcome.failure ?? "unknown", default: 0] += 1 }
        return EvaluationSummary(
            successes: outcomes.filter(\.success).count, episodes: episodes,
            meanReturn: outcomes.map(\.episodeReturn).reduce(0, +) / Double(episodes),
            meanLength: Double(outcomes.map(\.length).reduce(0, +)) / Double(episodes),
            seconds: RLTrainer.seconds(elapsed), failures: failures)
    }
}
