/// Generalized advantage estimation over chunk-level decisions (docs/design/flow-rl.md §5).
///
/// Storage is time-major: index `t * envs + e` is decision `t` of environment `e`.
/// For decision c of one environment, with `d_{c+1}` "the episode ended at decision c":
/// `δ_c = r_c + γ·V_{c+1}·(1 − d_{c+1}) − V_c`, `A_c = δ_c + γλ·(1 − d_{c+1})·A_{c+1}`,
/// `R_c = A_c + V_c`. An episode cut by its time limit is not a real end: its
/// `bootstrapValues` entry (V of the final observation, added as `γ·V_final` to the
/// reward) keeps the return honest while the recursion still stops there.
public enum GAE {
    /// Advantages and returns, both `steps × envs`.
    public struct Result: Sendable, Equatable {
        /// A_c.
        public var advantages: [Float]
        /// R_c = A_c + V_c (the critic's targets).
        public var returns: [Float]
    }

    /// Computes GAE for a rollout of `steps` decisions in `envs` environments.
    ///
    /// - Parameters:
    ///   - rewards: `steps × envs` chunk rewards (sum over the executed actions).
    ///   - values: `steps × envs` critic values of the observations decided on.
    ///   - dones: `steps × envs`, 1 where the decision ended its episode (termination or time limit).
    ///   - truncationValues: `steps × envs`, V of the final observation where the episode was cut
    ///     by its time limit, 0 elsewhere (terminations bootstrap nothing).
    ///   - lastValues: `envs` values of the observations after the last decision.
    public static func compute(
        rewards: [Float], values: [Float], dones: [Float], truncationValues: [Float], lastValues: [Float],
        steps: Int, envs: Int, gamma: Float, lambda: Float
    ) -> Result {
        let n = steps * envs
        precondition(rewards.count == n && values.count == n && dones.count == n && truncationValues.count == n)
        precondition(lastValues.count == envs)
        var advantages = [Float](repeating: 0, count: n)
        var returns = [Float](repeating: 0, count: n)
        for e in 0..<envs {
            var nextAdvantage: Float = 0
            var nextValue = lastValues[e]
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let i = t * envs + e
                let notDone = 1 - dones[i]
                let reward = rewards[i] + gamma * truncationValues[i]
                let delta = reward + gamma * nextValue * notDone - values[i]
                let advantage = delta + gamma * lambda * notDone * nextAdvantage
                advantages[i] = advantage
                returns[i] = advantage + values[i]
                nextAdvantage = advantage
                nextValue = values[i]
            }
        }
        return Result(advantages: advantages, returns: returns)
    }
}
