/// Everything one RL iteration collects, allocated once for the whole run (CleanRL
/// style, shapes in the names). Decision `t` of environment `e` is row `t·N + e`
/// (time-major), with T = ``steps`` decisions per environment and N = ``envs``.
///
/// The encoder is frozen during RL, so observations are kept as their encoded prefix
/// features (P floats) rather than as images: the update reloads them with
/// `FlowPolicy.loadPrefixFeatures` instead of re-running the encoder.
public final class RolloutStorage {
    /// T: decisions per environment.
    public let steps: Int
    /// N: environments.
    public let envs: Int
    /// P: prefix feature width.
    public let prefixWidth: Int
    /// Chunk-sized links per decision (``Policy/FlowChain/link(_:)``): the K + 1 chain states,
    /// plus the residual's coefficients when the policy has a residual head.
    public let chainLength: Int
    /// H·D floats per chunk.
    public let chunkSize: Int
    /// Ratios per decision (``Policy/LikelihoodOptions/groupCount``).
    public let groupCount: Int

    /// `T·N × P` prefix features of the observations decided on.
    public var prefixTNxP: [Float]
    /// `T·N × (K+1) × H·D` sampled chains `x⁽⁰⁾ … x⁽ᴷ⁾` (normalized action space).
    public var chainsTNxKxD: [Float]
    /// `T·N` Flow-SDE step k* (−1 for Flow-Noise).
    public var stochasticStepTN: [Int32]
    /// `T·N × G` log π_old per ratio group.
    public var logProbTNxG: [Float]
    /// `T·N` critic values V(o).
    public var valuesTN: [Float]
    /// `T·N` chunk rewards.
    public var rewardsTN: [Float]
    /// `T·N` 1 where the decision ended its episode.
    public var donesTN: [Float]
    /// `T·N` V of the final observation where the episode was cut by its time limit.
    public var truncationValuesTN: [Float]
    /// `T·N` 1 for decisions the update uses (GRPO drops groups without signal).
    public var maskTN: [Float]
    /// `T·N` advantages (after GAE or GRPO, before normalization).
    public var advantagesTN: [Float]
    /// `T·N` returns (the critic's targets).
    public var returnsTN: [Float]
    /// `N` values of the observations after the last decision.
    public var lastValuesN: [Float]
    /// F: the critic's time features per decision (0 for a critic without them).
    public let timeWidth: Int
    /// `T·N × F` the critic's time features of the observations decided on.
    public var timeTNxF: [Float]

    /// Allocates storage for `steps × envs` decisions (`residual`: one more link for the correction).
    public init(steps: Int, envs: Int, prefixWidth: Int, denoisingSteps: Int, chunkSize: Int, groupCount: Int, timeWidth: Int = 0,
                residual: Bool = false) {
        precondition(steps >= 1 && envs >= 1 && prefixWidth >= 1 && denoisingSteps >= 1 && chunkSize >= 1 && groupCount >= 1 && timeWidth >= 0)
        self.steps = steps; self.envs = envs; self.prefixWidth = prefixWidth
        chainLength = denoisingSteps + (residual ? 2 : 1); self.chunkSize = chunkSize; self.groupCount = groupCount
        let n = steps * envs
        prefixTNxP = .init(repeating: 0, count: n * prefixWidth)
        chainsTNxKxD = .init(repeating: 0, count: n * chainLength * chunkSize)
        stochasticStepTN = .init(repeating: -1, count: n)
        logProbTNxG = .init(repeating: 0, count: n * groupCount)
        valuesTN = .init(repeating: 0, count: n)
        rewardsTN = .init(repeating: 0, count: n)
        donesTN = .init(repeating: 0, count: n)
        truncationValuesTN = .init(repeating: 0, count: n)
        maskTN = .init(repeating: 1, count: n)
        advantagesTN = .init(repeating: 0, count: n)
        returnsTN = .init(repeating: 0, count: n)
        lastValuesN = .init(repeating: 0, count: envs)
        self.timeWidth = timeWidth
        timeTNxF = .init(repeating: 0, count: n * timeWidth)
    }

    /// T·N decisions.
    public var count: Int { steps * envs }

    /// Row of decision `t` of environment `e`.
    public func row(step t: Int, env e: Int) -> Int { t * envs + e }

    /// Clears the per-iteration bookkeeping that is not overwritten unconditionally.
    public func beginIteration() {
        for i in 0..<count {
            maskTN[i] = 1; truncationValuesTN[i] = 0; donesTN[i] = 0; rewardsTN[i] = 0
            stochasticStepTN[i] = -1
        }
    }
}
