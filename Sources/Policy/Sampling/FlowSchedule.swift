/// The K-step time grid and the Flow-SDE noise schedule (docs/design/flow-rl.md §3).
///
/// Time runs from t₀ = 1 (noise) to t_K = 0 (action): `t_k = 1 − k/K`, `δ = 1/K`.
/// `σ_k = a·√(t_k / (1 − t̃_k))` with `t̃_k = t_k` except `t̃₀ = t₁`.
public struct FlowSchedule: Sendable, Equatable {
    /// K, the number of denoising steps.
    public let steps: Int
    /// a, the Flow-SDE noise level.
    public let noiseLevel: Double

    /// Creates a schedule; `steps` must be at least 1.
    public init(steps: Int, noiseLevel: Double = 0.5) {
        precondition(steps >= 1, "a flow schedule needs at least one step")
        self.steps = steps
        self.noiseLevel = noiseLevel
    }

    /// δ = 1/K.
    public var delta: Double { 1 / Double(steps) }

    /// `t_k = 1 − k/K`.
    public func time(_ k: Int) -> Double { 1 - Double(k) / Double(steps) }

    /// `σ_k`, with the clamp `t̃₀ = t₁` inside the denominator only.
    public func sigma(_ k: Int) -> Double {
        let tClamped = k == 0 ? time(1) : time(k)
        return noiseLevel * (time(k) / (1 - tClamped)).squareRoot()
    }

    /// The Flow-SDE transition std `s_k = σ_k·√δ`.
    public func sdeStd(_ k: Int) -> Double { sigma(k) * delta.squareRoot() }

    /// The Flow-SDE drift coefficient `σ_k²·δ / (2·t_k)`.
    public func sdeDriftCoefficient(_ k: Int) -> Double {
        let s = sigma(k)
        return s * s * delta / (2 * time(k))
    }
}
