import Policy

/// How one finished episode went.
public struct EpisodeOutcome: Sendable, Equatable {
    /// Environment that ran it.
    public var environment: Int
    /// The task's success predicate held at some step.
    public var success: Bool
    /// Sum of its rewards.
    public var episodeReturn: Double
    /// Control steps.
    public var length: Int
    /// Why it failed, in a few words (the task's reason); `nil` on success or when unknown.
    public var failure: String?

    /// Creates an outcome.
    public init(environment: Int, success: Bool, episodeReturn: Double, length: Int, failure: String? = nil) {
        self.environment = environment; self.success = success
        self.episodeReturn = episodeReturn; self.length = length; self.failure = failure
    }
}

/// What one batched chunk step returns (docs/design/flow-rl.md §5: one decision = one chunk).
public struct ChunkStep: Sendable {
    /// Per environment, the observation to decide on next; for an environment whose
    /// episode ended, the first observation of its next episode.
    public var observations: [RawObservation]
    /// Per environment, the plain sum of the executed steps' rewards.
    public var rewards: [Double]
    /// Per environment, the episode really ended (success or failure state).
    public var terminated: [Bool]
    /// Per environment, the episode hit its time limit (not a real end: GAE bootstraps).
    public var truncated: [Bool]
    /// Control steps executed per environment in this chunk.
    public var executedSteps: [Int]
    /// Episodes that ended in this step.
    public var finished: [EpisodeOutcome]

    /// Creates a step result.
    public init(observations: [RawObservation], rewards: [Double], terminated: [Bool], truncated: [Bool],
                executedSteps: [Int], finished: [EpisodeOutcome]) {
        self.observations = observations; self.rewards = rewards; self.terminated = terminated
        self.truncated = truncated; self.executedSteps = executedSteps; self.finished = finished
    }
}

/// N environments that execute action chunks in parallel and reset finished episodes
/// themselves: what the trainer rolls out in. Actions are absolute joint goals in
/// joint units (unnormalized), `H × joints` row-major per environment.
public protocol VectorChunkEnvironment: AnyObject {
    /// N.
    var count: Int { get }
    /// Control steps at which an episode that has not ended is cut (its time limit).
    var episodeStepLimit: Int { get }
    /// Starts a fresh episode in every environment. With `groupSize` G > 1,
    /// environments `g·G ..< (g+1)·G` start from the same episode setup (GRPO, docs/design/flow-rl.md §6).
    func reset(groupSize: Int) throws -> [RawObservation]
    /// Executes the first `length` actions of `chunks[i]` in environment i, then observes.
    func step(chunks: [[Float]], length: Int) throws -> ChunkStep
    /// `chunk` (joint units, rows of joints) as environment `environment` would execute it
    /// from its current command: through its safety filter, with the step limits scaled by
    /// `stepFraction` and the targets first pulled `limitInset` of each joint's range inside
    /// its limits; unchanged without a filter.
    func executable(_ chunk: [Float], environment: Int, stepFraction: Float, limitInset: Float) -> [Float]
    /// The safety filter's counts so far; `nil` without a filter.
    var commandStatistics: CommandStatistics? { get }
}

/// How often the executed actions were changed by a training-time safety filter.
public struct CommandStatistics: Sendable, Equatable {
    /// Control ticks filtered.
    public var ticks = 0
    /// Ticks on which some joint's target was outside its limits.
    public var limitClamps = 0
    /// Ticks on which some joint's target was further than the step limit.
    public var stepClamps = 0
    /// Ticks changed for either reason.
    public var clampedTicks = 0

    /// No ticks yet.
    public init() {}

    /// The share of ticks the filter changed.
    public var clampedFraction: Double { ticks == 0 ? 0 : Double(clampedTicks) / Double(ticks) }
}

extension VectorChunkEnvironment {
    /// `chunk` as environment `environment` would execute it: unchanged for an environment
    /// without a safety filter.
    public func executable(_ chunk: [Float], environment: Int, stepFraction: Float, limitInset: Float) -> [Float] { chunk }
    /// The safety filter's counts so far; `nil` for an environment without one.
    public var commandStatistics: CommandStatistics? { nil }
}
