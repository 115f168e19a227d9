/// An online RL stage that ``TrainSimRun`` drives one iteration at a time: ``RLTrainer``
/// (PPO, GRPO) or ``NoiseSAC``.
public protocol RLStage: AnyObject {
    /// Rollout and update of iteration `iteration` (1-based).
    func iterate(_ iteration: Int) throws -> IterationMetrics
    /// Control steps executed so far.
    var environmentSteps: Int { get }
    /// The policy optimizer's steps (saved with the moments for bias correction on resume).
    var optimizerStepCount: Int { get set }
    /// Writes what a resumed stage needs beyond the policy and its optimizer moments into
    /// checkpoint directory `directory`.
    func saveState(to directory: String) throws
    /// Restores what ``saveState(to:)`` wrote.
    func loadState(from directory: String) throws
}

extension RLTrainer: RLStage {
    /// The AdamW step count.
    public var optimizerStepCount: Int {
        get { optimizer.stepCount }
        set { optimizer.stepCount = newValue }
    }
    /// Nothing beyond the policy and its moments (the success replay is not kept).
    public func saveState(to directory: String) throws {}
    /// Nothing to restore.
    public func loadState(from directory: String) throws {}
}
