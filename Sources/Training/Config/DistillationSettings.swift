/// DAgger (Ross, Gordon & Bagnell 2011) from a teacher checkpoint (``SFTSettings/teacher``):
/// in round r the student drives each decision with probability
/// `β_r = finalStudentShare · min(1, r / rampRounds)` (0 in the first round: the teacher
/// drives), the teacher labels every visited state with its chunk, the labelled states join an
/// aggregate of up to `capacity`, and the student takes `sft.steps / rounds` flow-matching
/// steps on the aggregate. The teacher may read what only a simulator knows (object state);
/// the student reads only what the policy config gives it (cameras and joints).
public struct DistillationSettings: Codable, Sendable, Equatable {
    /// DAgger rounds (collect, then train).
    public var rounds = 40
    /// Decisions each environment takes per round (one labelled sample each).
    public var decisionsPerRound = 40
    /// Rounds over which the student's share of decisions grows from 0 to `finalStudentShare`.
    public var rampRounds = 10
    /// The student's share of decisions once the ramp is done.
    public var finalStudentShare = 1.0
    /// Labelled samples kept (the oldest are dropped first).
    public var capacity = 100_000
    /// With `environment.safetyFilter`, each label is the teacher's chunk passed through the
    /// filter from the environment's current command, with the step limits scaled by this
    /// fraction: the student learns targets `run` executes without clamping (a margin below 1
    /// keeps its small errors under the limit).
    public var labelStepFraction = 0.9
    /// With `environment.safetyFilter`, each label's targets are first pulled this fraction of
    /// each joint's range inside the joint limits: a label at a limit (the closed gripper) would
    /// have half of the student's samples land outside, each a clamp in `run`.
    public var labelLimitInset = 0.02
    /// Weight of the auxiliary loss of a linear probe from the student's prefix features to
    /// the object state the teacher reads (``Policy/PolicyConfig/Architecture/privilegedProbe``,
    /// added to the student when positive): a direct signal for where the objects are, which
    /// the flow-matching loss alone gives the camera encoder only slowly. 0: no probe.
    public var probeCoefficient = 0.0
    /// Start the student from this camera checkpoint (an earlier distillation's) instead of a
    /// fresh network: its weights and norm stats are kept, the network must be the configured
    /// one. Continues a distillation under a changed scene (e.g. wider `environment.randomization`).
    public var initialStudent: String?

    /// Default settings.
    public init() {}

    /// β of round `round` (0-based).
    public func studentShare(round: Int) -> Double {
        guard rampRounds > 0 else { return finalStudentShare }
        return finalStudentShare * min(1, Double(round) / Double(rampRounds))
    }

    /// Decodes possibly partial settings.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        rounds = try c.value(.rounds, or: rounds)
        decisionsPerRound = try c.value(.decisionsPerRound, or: decisionsPerRound)
        rampRounds = try c.value(.rampRounds, or: rampRounds)
        finalStudentShare = try c.value(.finalStudentShare, or: finalStudentShare)
        capacity = try c.value(.capacity, or: capacity)
        labelStepFraction = try c.value(.labelStepFraction, or: labelStepFraction)
        labelLimitInset = try c.value(.labelLimitInset, or: labelLimitInset)
        probeCoefficient = try c.value(.probeCoefficient, or: probeCoefficient)
        initialStudent = try c.decodeIfPresent(String.self, forKey: .initialStudent)
    }

    func validate() throws(ConfigError) {
        guard (1...100_000).contains(rounds) else { throw bad("sft.distill.rounds", rounds, "in 1…100,000") }
        guard (1...10_000).contains(decisionsPerRound) else { throw bad("sft.distill.decisionsPerRound", decisionsPerRound, "in 1…10,000") }
        guard rampRounds >= 0 else { throw bad("sft.distill.rampRounds", rampRounds, "at least 0 (0: the final share from the first round)") }
        guard (0...1).contains(finalStudentShare) else { throw bad("sft.distill.finalStudentShare", finalStudentShare, "in [0, 1]") }
        guard (1...10_000_000).contains(capacity) else { throw bad("sft.distill.capacity", capacity, "in 1…10,000,000") }
        guard probeCoefficient >= 0, probeCoefficient <= 100 else { throw bad("sft.distill.probeCoefficient", probeCoefficient, "in [0, 100]") }
        if let initialStudent, initialStudent.isEmpty { throw bad("sft.distill.initialStudent", "\"\"", "a checkpoint directory") }
        guard labelStepFraction > 0, labelStepFraction <= 1 else { throw bad("sft.distill.labelStepFraction", labelStepFraction, "in (0, 1]") }
        guard labelLimitInset >= 0, labelLimitInset < 0.25 else { throw bad("sft.distill.labelLimitInset", labelLimitInset, "in [0, 0.25)") }
    }
}
