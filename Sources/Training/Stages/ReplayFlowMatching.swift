import Policy

/// The flow-matching loss (docs/design/flow-rl.md §2) on decisions drawn from a ``SuccessReplay``:
/// the self-imitation half of the RL anchor (``RLSettings/successReplayFraction``). Like
/// ``DemoFlowMatching`` but on stored prefix features, so the frozen encoder is not re-run.
public final class ReplayFlowMatching {
    /// The policy whose gradients it accumulates into.
    public let policy: FlowPolicy
    /// Where the decisions come from.
    public let replay: SuccessReplay
    private var prefixes: [Float] = [], actions: [Float] = [], noise: [Float] = [], times: [Float] = []

    /// Minibatches from `replay` for `policy`.
    public init(policy: FlowPolicy, replay: SuccessReplay) {
        precondition(replay.prefixWidth == policy.prefixWidth && replay.chunkSize == policy.dimension)
        self.policy = policy
        self.replay = replay
    }

    /// Adds `scale × ∂L/∂θ` of `count` decisions drawn uniformly from the replay (stream
    /// `streamSeed`) to the policy's gradients and returns the loss; 0 while the replay is empty.
    /// It loads its own prefix features, so a caller loads its own afterwards.
    public func accumulateGradient(_ streamSeed: UInt64, count: Int, scale: Float) -> Float {
        guard count > 0, replay.count > 0 else { return 0 }
        var rng = RandomSource(seed: streamSeed)
        let p = policy.prefixWidth, d = policy.dimension
        if prefixes.count != count * p { prefixes = [Float](repeating: 0, count: count * p) }
        if actions.count != count * d { actions = [Float](repeating: 0, count: count * d) }
        times.removeAll(keepingCapacity: true)
        noise.removeAll(keepingCapacity: true)
        for row in 0..<count {
            replay.copy(rng.index(below: replay.count), row: row, prefixes: &prefixes, chunks: &actions)
            times.append(FlowMatchingLoss.sampleTime(using: &rng))
        }
        for _ in 0..<(count * d) { noise.append(rng.gaussian()) }
        prefixes.withUnsafeBufferPointer { policy.loadPrefixFeatures($0, count: count) }
        return FlowMatchingLoss.lossOnLoadedPrefix(policy: policy, rows: count, actions: actions, noise: noise, times: times,
                                                   accumulateGradient: true, gradientScale: scale)
    }
}
