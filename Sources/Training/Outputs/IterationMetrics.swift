/// What one RL iteration reports: the same diagnostics every iteration (CleanRL's set),
/// written to TensorBoard, metrics.csv and the progress line.
public struct IterationMetrics: Sendable, Equatable {
    /// 1-based iteration.
    public var iteration = 0
    /// Control steps executed in all environments so far (the x axis of every plot).
    public var environmentSteps = 0
    /// Episodes finished in this iteration.
    public var episodes = 0
    /// Success rate of those episodes (NaN when none finished).
    public var successRate = Double.nan
    /// Mean return of those episodes (NaN when none finished).
    public var meanReturn = Double.nan
    /// Clipped-surrogate actor loss, averaged over minibatches (SAC: the actor's loss, averaged over actor steps).
    public var pgLoss = 0.0
    /// Clipped Huber critic loss, averaged over minibatches (SAC: the critics' TD loss, averaged over gradient steps).
    public var vLoss = 0.0
    /// Flow-Noise entropy, averaged over minibatches.
    public var entropy = 0.0
    /// Approximate KL(old ‖ new), averaged over minibatches (SAC: the actor's KL per start
    /// entry to the flow's N(0, I), averaged over actor steps).
    public var approxKL = 0.0
    /// Fraction of clipped ratios, averaged over minibatches.
    public var clipFraction = 0.0
    /// Global gradient norm before clipping, averaged over minibatches.
    public var gradNorm = 0.0
    /// Flow-matching loss of the demonstration anchor, averaged over minibatches (0 when off).
    public var demoLoss = 0.0
    /// Mean squared velocity difference to the reference policy, averaged over minibatches (0 when off).
    public var referenceLoss = 0.0
    /// Updates skipped because the gradient norm was not finite.
    public var skippedUpdates = 0
    /// Explained variance of the critic on this rollout.
    public var explainedVariance = Double.nan
    /// Mean advantage before normalization.
    public var meanAdvantage = 0.0
    /// Fraction of decisions used (GRPO drops groups without signal).
    public var keptFraction = 1.0
    /// SAC: the temperature α after the iteration (NaN for PPO and GRPO).
    public var temperature = Double.nan
    /// SAC: the critics' mean `Q(o, w)` on the replayed decisions (NaN for PPO and GRPO).
    public var meanQ = Double.nan
    /// Rollout wall time (s).
    public var rolloutSeconds = 0.0
    /// Update wall time (s).
    public var updateSeconds = 0.0
    /// Control steps per second over the iteration.
    public var stepsPerSecond = 0.0

    /// Creates empty metrics.
    public init() {}

    /// The episodes an iteration finished: their count, success rate and mean return.
    public mutating func record(_ outcomes: [EpisodeOutcome]) {
        episodes = outcomes.count
        guard !outcomes.isEmpty else { return }
        successRate = Double(outcomes.filter(\.success).count) / Double(outcomes.count)
        meanReturn = outcomes.map(\.episodeReturn).reduce(0, +) / Double(outcomes.count)
    }

    /// The scalars as (name, value), in the column order of metrics.csv.
    public var scalars: [(String, Double)] {
        [("iteration", Double(iteration)), ("episodes", Double(episodes)), ("success_rate", successRate),
         ("mean_return", meanReturn), ("pg_loss", pgLoss), ("v_loss", vLoss), ("entropy", entropy),
         ("approx_kl", approxKL), ("clip_fraction", clipFraction), ("grad_norm", gradNorm),
         ("skipped_updates", Double(skippedUpdates)), ("demo_loss", demoLoss), ("reference_loss", referenceLoss),
         ("explained_variance", explainedVariance),
         ("mean_advantage", meanAdvantage), ("kept_fraction", keptFraction),
         ("temperature", temperature), ("mean_q", meanQ), ("rollout_seconds", rolloutSeconds),
         ("update_seconds", updateSeconds), ("steps_per_second", stepsPerSecond)]
    }

    /// Column names of metrics.csv after `step` (plus `eval_success` for evaluations).
    public static var columns: [String] { IterationMetrics().scalars.map(\.0) + ["eval_success"] }
}
