import Policy

/// The policy a distillation stage imitates: a checkpoint that may read what only a simulator
/// knows. Its state is the observation's joints followed by `privileged` (the object
/// features) when its config says it reads them (`io.objectStateDim > 0`), and it acts as
/// deployed: its own sampler and start temperature, K steps.
public final class DistillationTeacher {
    /// The teacher's network.
    public let policy: FlowPolicy
    /// Its checkpoint's statistics.
    public let normStats: NormStatsFile
    private let packer: ObservationPacker
    private let actionNormalizer: any VectorTransform
    private let sampler: FlowSampler
    private var chain: FlowChain?
    private var teacherView: [RawObservation] = []

    /// Loads the teacher in `directory`, checking that it can label `student`'s chunks
    /// (the same joints, a chunk at least as long).
    public init(checkpoint directory: String, student: PolicyConfig) throws {
        (policy, normStats) = try PolicyCheckpoint.load(from: directory)
        let io = policy.config.io
        guard io.jointNames == student.io.jointNames, io.actionDim == student.io.actionDim else {
            throw ConfigError(field: "sft.teacher", value: directory,
                              rule: "a policy with the student's joints and action size (\(student.io.jointNames), \(student.io.actionDim)); it has \(io.jointNames), \(io.actionDim)")
        }
        guard io.actionHorizon >= student.io.actionHorizon else {
            throw ConfigError(field: "sft.teacher", value: directory,
                              rule: "a chunk at least as long as the student's (\(student.io.actionHorizon)); it has \(io.actionHorizon)")
        }
        guard io.stateDim - io.objectStateDim == student.io.stateDim - student.io.objectStateDim else {
            throw ConfigError(field: "sft.teacher", value: directory, rule: "the student's joint state width")
        }
        let kind = io.normalization
        packer = ObservationPacker(config: policy.config, tokenizer: policy.tokenizer, stateNormalizer: kind.normalizer(normStats.normStats["state"]!))
        actionNormalizer = kind.normalizer(normStats.normStats["actions"]!)
        sampler = FlowSampler(method: policy.config.sampler.method, startTemperature: policy.config.sampler.startTemperature)
    }

    /// Object features the teacher reads after the joints.
    public var privilegedWidth: Int { policy.config.io.objectStateDim }

    /// The student's statistics: the teacher's action statistics (so labels keep their
    /// scale), the joint entries of its state statistics, and its object entries as
    /// `privileged` (what a privileged probe's targets are normalized with).
    public func studentNormStats(jointCount: Int) -> NormStatsFile {
        let state = normStats.normStats["state"]!
        var result = NormStatsFile(normStats: ["state": state.entries(0..<jointCount), "actions": normStats.normStats["actions"]!])
        if privilegedWidth > 0 {
            // The object entries of the teacher's state, for the student's privileged probe.
            result.normStats["privileged"] = state.entries(jointCount..<(jointCount + privilegedWidth))
        }
        return result
    }

    /// The teacher's chunk (joint units, its full horizon × joints) for each observation.
    public func act(_ observations: [RawObservation], using rng: inout RandomSource) throws -> [[Float]] {
        teacherView.removeAll(keepingCapacity: true)
        let width = privilegedWidth
        for o in observations {
            var view = o
            if width > 0 {
                guard o.privileged.count == width else {
                    throw ConfigError(field: "sft.teacher", value: "\(o.privileged.count) privileged features",
                                      rule: "\(width) object features, as the teacher was trained with")
                }
                view.state = o.state + o.privileged
            }
            teacherView.append(view)
        }
        let n = observations.count
        if chain?.batch != n {
            chain = FlowChain(batch: n, dimension: policy.dimension, steps: policy.config.sampler.steps, noiseLevel: policy.config.sampler.noiseLevel)
        }
        policy.encode(try packer.pack(teacherView))
        sampler.sample(policy, into: chain!, using: &rng)
        return (0..<n).map { actionNormalizer.invert(chain!.chunk($0)) }
    }
}
