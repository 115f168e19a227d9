/// Which entries of a chunk are scored and how they are grouped into ratios.
///
/// Only the executed block (rows `< executedRows`, dims `< scoredDims`) is scored
/// (docs/design/flow-rl.md §4); noise is still injected everywhere.
public struct LikelihoodOptions: Sendable, Equatable {
    /// H.
    public var horizon: Int
    /// D (model action dims).
    public var actionDim: Int
    /// H_exec.
    public var executedRows: Int
    /// Real action dims (the joints).
    public var scoredDims: Int
    /// Sum or mean over the K + 1 chain terms.
    public var reduction: LogLikelihoodReduction
    /// Element, action-row or chunk ratios.
    public var granularity: RatioGranularity

    /// Creates options; the executed block must fit in the chunk.
    public init(horizon: Int, actionDim: Int, executedRows: Int, scoredDims: Int,
                reduction: LogLikelihoodReduction = .mean, granularity: RatioGranularity = .chunk) {
        precondition(executedRows >= 1 && executedRows <= horizon && scoredDims >= 1 && scoredDims <= actionDim)
        self.horizon = horizon; self.actionDim = actionDim
        self.executedRows = executedRows; self.scoredDims = scoredDims
        self.reduction = reduction; self.granularity = granularity
    }

    /// The options a config implies.
    public init(config: PolicyConfig) {
        self.init(horizon: config.io.actionHorizon, actionDim: config.io.actionDim,
                  executedRows: config.io.executedHorizon, scoredDims: config.io.jointNames.count,
                  reduction: config.sampler.reduction, granularity: config.sampler.granularity)
    }

    /// Ratios per decision.
    public var groupCount: Int {
        switch granularity {
        case .token: executedRows * scoredDims
        case .action: executedRows
        case .chunk: 1
        }
    }

    /// The ratio that entry (row, dim) of the executed block belongs to.
    public func group(row: Int, dim: Int) -> Int {
        switch granularity {
        case .token: row * scoredDims + dim
        case .action: row
        case .chunk: 0
        }
    }
}
