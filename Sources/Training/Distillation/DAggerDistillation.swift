import Foundation
import Policy

/// Teacher → student distillation by DAgger (``DistillationSettings``): rounds of collecting
/// labelled states in the environments — each decision the teacher labels the state with its
/// chunk, and the student's or the teacher's chunk is executed (the student's with
/// probability β) — and flow-matching steps of the student on the aggregate.
///
/// The environments run on across rounds (episodes are not cut at a round's end). Round r
/// draws its driver choices and sampling noise from its own seeded stream and training step s
/// from the SFT stream of step s, so a resumed stage repeats what an uninterrupted one would
/// have done, up to the aggregate, which a resume starts empty.
public final class DAggerDistillation {
    /// The student being trained.
    public let student: FlowPolicy
    /// The policy imitated.
    public let teacher: DistillationTeacher
    /// The labelled states.
    public let buffer: DistillationBuffer
    /// Flow matching on ``buffer`` (the SFT settings: batch, rates, augmentation).
    public let trainer: SFTTrainer
    /// The schedule.
    public let settings: DistillationSettings
    private let environment: any VectorChunkEnvironment
    private let packer: ObservationPacker
    private let actionNormalizer: any VectorTransform
    private let chain: FlowChain
    private let sampler = FlowSampler(method: .ode)
    private let seed: UInt64
    private var observations: [RawObservation] = []
    private var executed: [[Float]]

    /// How one round went.
    public struct RoundReport: Sendable {
        /// The round (0-based) and its student share β.
        public var round: Int, studentShare: Double
        /// Decisions taken, and those the student's chunk drove.
        public var decisions: Int, studentDecisions: Int
        /// Mean squared difference of the student's and the teacher's chunks over every
        /// decision of the round, in normalized action units, before the round's training.
        public var imitationError: Double
        /// Episodes that ended in the round, and their successes (mixed drivers while β < 1).
        public var episodes: Int, successes: Int
        /// Samples in the aggregate after the round.
        public var samples: Int
        /// Control ticks of the round and those the safety filter changed (0 without a filter).
        public var ticks = 0, clampedTicks = 0
        /// Wall time of collecting.
        public var collectSeconds: Double
    }

    /// A stage training `student` (with `normStats`, see ``DistillationTeacher/studentNormStats(jointCount:)``)
    /// to imitate `teacher` in `environment`, whose observations carry the teacher's privileged features.
    public init(student: FlowPolicy, normStats: NormStatsFile, teacher: DistillationTeacher, environment: any VectorChunkEnvironment,
                sft: SFTSettings, seed: UInt64) {
        self.student = student
        self.teacher = teacher
        self.environment = environment
        settings = sft.distill
        self.seed = seed
        let io = student.config.io
        buffer = DistillationBuffer(cameras: io.cameras, stateWidth: io.stateDim, horizon: io.actionHorizon, joints: io.actionDim,
                                    privilegedWidth: student.privilegedProbeWidth, capacity: sft.distill.capacity)
        trainer = SFTTrainer(policy: student, samples: buffer, normStats: normStats, settings: sft)
        let kind = io.normalization
        packer = ObservationPacker(config: student.config, tokenizer: student.tokenizer, stateNormalizer: kind.normalizer(normStats.normStats["state"]!))
        actionNormalizer = kind.normalizer(normStats.normStats["actions"]!)
        chain = FlowChain(batch: environment.count, dimension: student.dimension, steps: student.config.sampler.steps,
                          noiseLevel: student.config.sampler.noiseLevel)
        executed = .init(repeating: [], count: environment.count)
    }

    /// Collects round `round`'s `decisionsPerRound` decisions per environment into the aggregate.
    public func collect(round: Int) throws -> RoundReport {
        let clock = ContinuousClock(), started = clock.now
        if observations.isEmpty { observations = try environment.reset(groupSize: 1) }
        var rng = RandomSource(seed: RunSeeds.seed(seed, .rollout, index: UInt64(round)))
        let beta = settings.studentShare(round: round)
        let n = environment.count, rows = student.config.io.executedHorizon, d = student.dimension
        var report = RoundReport(round: round, studentShare: beta, decisions: 0, studentDecisions: 0, imitationError: 0,
                                 episodes: 0, successes: 0, samples: 0, collectSeconds: 0)
        var squaredError = 0.0
        let labelStepFraction = Float(settings.labelStepFraction), labelLimitInset = Float(settings.labelLimitInset)
        let before = environment.commandStatistics
        for _ in 0..<settings.decisionsPerRound {
            let labels = try teacher.act(observations, using: &rng)
            student.encode(try packer.pack(observations))
            sampler.sample(student, into: chain, using: &rng)
            for e in 0..<n {
                // Through the environment's safety filter (if any): the label is what would be executed.
                let label = environment.executable(Array(labels[e].prefix(d)), environment: e, stepFraction: labelStepFraction,
                                                   limitInset: labelLimitInset)
                buffer.add(observations[e], chunk: label)
                let target = actionNormalizer.apply(label)
                let own = chain.chunk(e)
                for i in 0..<d { squaredError += Double((own[i] - target[i]) * (own[i] - target[i])) }
                let studentDrives = rng.uniformOpen() < beta
                executed[e] = studentDrives ? actionNormalizer.invert(own) : label
                if studentDrives { report.studentDecisions += 1 }
            }
            report.decisions += n
            let step = try environment.step(chunks: executed, length: rows)
            report.episodes += step.finished.count
            report.successes += step.finished.filter(\.success).count
            observations = step.observations
        }
        report.imitationError = squaredError / Double(report.decisions * d)
        report.samples = buffer.sampleCount
        if let before, let after = environment.commandStatistics {
            report.clampedTicks = after.clampedTicks - before.clampedTicks
            report.ticks = after.ticks - before.ticks
        }
        report.collectSeconds = RLTrainer.seconds(clock.now - started)
        return report
    }

    /// The training steps of round `round` out of `totalSteps` over `rounds` rounds.
    public static func steps(ofRound round: Int, totalSteps: Int, rounds: Int) -> Range<Int> {
        (round * totalSteps / rounds)..<((round + 1) * totalSteps / rounds)
    }
}
