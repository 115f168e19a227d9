import Policy

/// Flow matching on demonstrations (docs/design/flow-rl.md §2): each step takes one AdamW step on
/// `mean((v_θ(x_t, t, o) − (ε − a))²)` over a ``DemoFlowMatching`` minibatch, through the
/// whole network but the noise head and critic, at the step's scheduled learning rate
/// (``SFTSettings/learningRate(atStep:)``). Step s draws from its own seeded stream, so
/// a resumed stage repeats exactly what an uninterrupted one would have done.
public final class SFTTrainer {
    /// The policy being trained.
    public var policy: FlowPolicy { batches.policy }
    /// The demonstrations.
    public var samples: any ChunkSamples { batches.samples }
    /// Settings.
    public let settings: SFTSettings
    /// AdamW over the SFT group.
    public var optimizer: AdamW
    private let batches: DemoFlowMatching

    /// A trainer for `policy` on `dataset` with `normStats` (from the dataset).
    public convenience init(policy: FlowPolicy, dataset: DemoDataset, normStats: NormStatsFile, settings: SFTSettings) {
        self.init(policy: policy, samples: DemoSamples(dataset), normStats: normStats, settings: settings)
    }

    /// A trainer for `policy` on `samples` (demonstrations or a distillation aggregate) with `normStats`.
    public init(policy: FlowPolicy, samples: any ChunkSamples, normStats: NormStatsFile, settings: SFTSettings) {
        self.settings = settings
        batches = DemoFlowMatching(policy: policy, samples: samples, normStats: normStats, batchSize: settings.batchSize,
                                   randomShift: settings.randomShift,
                                   probeCoefficient: settings.teacher == nil ? 0 : Float(settings.distill.probeCoefficient))
        optimizer = AdamW(groups: ParameterGroups.sft(policy, learningRate: Float(settings.learningRate), weightDecay: Float(settings.weightDecay)))
        optimizer.maxGradientNorm = Float(settings.maxGradNorm)
    }

    /// The outcome of one step.
    public struct StepReport: Sendable {
        /// Flow-matching loss of the minibatch.
        public var loss: Float
        /// The privileged probe's loss (0 without one).
        public var probeLoss: Float = 0
        /// Gradient norm before clipping.
        public var gradientNorm: Double
        /// False when the update was skipped (non-finite gradient).
        public var applied: Bool
    }

    /// SFT step `step` (0-based) of a run seeded with `seed`.
    public func step(_ step: Int, seed: UInt64) throws -> StepReport {
        policy.parameters.zeroGradients()
        optimizer.groups[0].learningRate = Float(settings.learningRate(atStep: step))
        let loss = try batches.accumulateGradient(RunSeeds.seed(seed, .sft, index: UInt64(step)))
        let report = optimizer.step(policy.parameters)
        return StepReport(loss: loss, probeLoss: batches.lastProbeLoss, gradientNorm: report.gradientNorm, applied: report.applied)
    }
}
