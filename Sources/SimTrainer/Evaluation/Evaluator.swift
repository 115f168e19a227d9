/// The outcome of an evaluation run.
public struct EvaluationReport: Sendable, Codable {
    /// Task evaluated.
    public var task: TaskKind
    /// Success rate and its 95 % Wilson interval.
    public var success: SuccessInterval
    /// Mean episode length (control steps).
    public var meanLength: Double
    /// Mean return.
    public var meanReturn: Double
    /// Episodes cut by a physics divergence.
    public var diverged: Int
    /// Wall time (s).
    public var seconds: Double
    /// Failed episodes by reason (``EpisodeSummary/failure``), e.g. `["held over the plate": 12]`.
    public var failures: [String: Int] = [:]
    /// Every episode, in the order they finished (LeRobot's `per_episode`).
    public var episodes: [EpisodeSummary] = []

    /// The failure counts, most frequent first, as "12 held over the plate, 3 cube never moved".
    public var failureSummary: String { FailureCounts.summary(failures) }
}

/// Runs a ``ChunkPolicy`` for a fixed number of episodes on a
/// ``VectorEnvironment``: environment `i` contributes its first
/// ⌈(episodes − i) / N⌉ episodes, so the set of episodes depends only on the
/// seed and N, never on which episodes end first.
public struct Evaluator {
    /// Executed actions per decision (H_exec).
    public var actionsPerDecision: Int

    /// An evaluator executing `actionsPerDecision` actions of each chunk.
    public init(actionsPerDecision: Int = 5) { self.actionsPerDecision = actionsPerDecision }

    /// Evaluates `policy` for `episodes` episodes.
    public func evaluate(_ policy: ChunkPolicy, on vector: VectorEnvironment, episodes: Int) throws -> EvaluationReport {
        precondition(episodes > 0, "evaluate at least one episode")
        precondition(policy.chunkLength >= actionsPerDecision, "the policy's chunks are shorter than H_exec")
        let clock = ContinuousClock(), started = clock.now
        let n = vector.count
        let quota = (0..<n).map { i in i < episodes ? (episodes - i + n - 1) / n : 0 }
        var counted = [Int](repeating: 0, count: n)
        var summaries: [EpisodeSummary] = []
        var observations = try vector.reset()
        var chunks = [[Float]](repeating: [], count: n)
        while summaries.count < episodes {
            try policy.actionChunks(for: observations, into: &chunks)
            let step = try vector.step(chunks: chunks, length: actionsPerDecision)
            for summary in step.finished where counted[summary.environment] < quota[summary.environment] {
                counted[summary.environment] += 1
                summaries.append(summary)
            }
            observations = step.observations
        }
        let successes = summaries.filter(\.success).count
        var failures: [String: Int] = [:]
        for summary in summaries where !summary.success { failures[summary.failure ?? "unknown", default: 0] += 1 }
        let elapsed = clock.now - started
        return EvaluationReport(
            task: vector.environments[0].configuration.task,
            success: SuccessInterval(successes: successes, episodes: episodes),
            meanLength: Double(summaries.map(\.length).reduce(0, +)) / Double(episodes),
            meanReturn: summaries.map(\.episodeReturn).reduce(0, +) / Double(episodes),
            diverged: summaries.filter(\.diverged).count,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            failures: failures, episodes: summaries)
    }
}
