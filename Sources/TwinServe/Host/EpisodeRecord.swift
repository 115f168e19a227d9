import SimTrainer

/// One finished episode of the served twin: one JSON line of `--results`.
public struct EpisodeRecord: Codable, Sendable, Equatable {
    /// How an episode ended.
    public enum Reason: String, Codable, Sendable {
        /// The task's success predicate held.
        case success
        /// The task's time limit ran out first.
        case timeout
        /// The physics diverged (NaN); the scene was reset.
        case diverged
    }

    /// Index in the run (0 for the first).
    public var episode: Int
    /// The task ("place", …).
    public var task: String
    /// Whether it succeeded.
    public var success: Bool
    /// How it ended.
    public var reason: Reason
    /// On a timeout, why the task did not hold, in its own words ("held over the plate").
    public var failure: String?
    /// Twin seconds from the reset to the end (the twin runs with the wall clock).
    public var durationSeconds: Double
    /// Physics steps the twin skipped because it fell behind the wall clock (0 normally).
    public var skippedSteps: Int
    /// Run seed; episode `episode` of seed `seed` always has the same setup.
    public var seed: UInt64
    /// The instruction of the episode.
    public var instruction: String
    /// What was placed where.
    public var setup: EpisodeSetup

    enum CodingKeys: String, CodingKey {
        case episode, task, success, reason, failure, seed, instruction, setup
        case durationSeconds = "duration_s"
        case skippedSteps = "skipped_steps"
    }
}

/// The run's totals: the summary line on stdout.
public struct EpisodeSummary: Sendable, Equatable {
    /// Finished episodes.
    public var episodes = 0
    /// Of which succeeded.
    public var successes = 0
    /// Of which diverged.
    public var diverged = 0
    /// Sum of their durations (s).
    public var totalSeconds = 0.0

    /// Totals of `records`.
    public init(_ records: [EpisodeRecord] = []) {
        for record in records { add(record) }
    }

    /// Counts one more episode.
    public mutating func add(_ record: EpisodeRecord) {
        episodes += 1
        if record.success { successes += 1 }
        if record.reason == .diverged { diverged += 1 }
        totalSeconds += record.durationSeconds
    }

    /// "3 episodes, 2 succeeded (66.7 %), 0 diverged, mean 7.4 s".
    public var line: String {
        guard episodes > 0 else { return "0 episodes finished" }
        let rate = (1000 * Double(successes) / Double(episodes)).rounded() / 10
        let mean = (10 * totalSeconds / Double(episodes)).rounded() / 10
        return "\(episodes) episode\(episodes == 1 ? "" : "s"), \(successes) succeeded (\(rate) %), \(diverged) diverged, mean \(mean) s"
    }
}
