/// Which transition kernel the sampler uses (docs/design/flow-rl.md §3).
public enum SamplerMethod: String, Codable, Sendable, CaseIterable {
    /// Deterministic Euler steps `x − δ·v` (deployment default).
    case ode
    /// Flow-SDE: the reverse-time SDE kernel on one random step per sample (hybrid) or on every step.
    case flowSDE = "flow-sde"
    /// Flow-Noise: every step adds noise with the std predicted by the noise head.
    case flowNoise = "flow-noise"
    /// Noise steering (DSRL): deterministic Euler steps from a start `x⁽⁰⁾` drawn by the
    /// policy's steering head; log π is the start's Gaussian density, and RL trains the
    /// head alone with the flow frozen. Samples exactly as ``ode``.
    case noiseSteering = "noise-steering"
    /// Residual: deterministic Euler steps, then the policy's residual head adds a smooth
    /// correction `B·c` to the chunk; log π is the Gaussian density of `c`, and RL trains the
    /// head alone with the flow frozen. Samples exactly as ``ode``.
    case residual

    /// Whether RL trains a head on the frozen flow (``noiseSteering``, ``residual``) and log π
    /// is that head's Gaussian density rather than the chain's.
    public var trainsHead: Bool { self == .noiseSteering || self == .residual }
}

/// Which Flow-SDE steps are stochastic.
public enum SDEStepSelection: String, Codable, Sendable {
    /// One step `k* ~ Uniform{0..K−1}` per sample, the others ODE (the hybrid two-layer MDP).
    case single
    /// Every step (the plain reverse SDE; used for the marginal tests).
    case every
}

/// The shape of Flow-SDE's noise when a caller overrides a checkpoint's sampler defaults
/// (e.g. to evaluate the exploration policy RL trains).
public struct FlowSDENoise: Sendable, Equatable {
    /// Noise level a; nil uses the checkpoint's.
    public var level: Double?
    /// Smooth noise (``ChunkNoiseBasis``); nil: independent noise on every entry.
    public var basis: ChunkNoiseBasis?
    /// One random stochastic step per chunk (πRL's hybrid) or every step.
    public var steps: SDEStepSelection

    /// The checkpoint's level, independent noise, one stochastic step unless told otherwise.
    public init(level: Double? = nil, basis: ChunkNoiseBasis? = nil, steps: SDEStepSelection = .single) {
        self.level = level
        self.basis = basis
        self.steps = steps
    }
}

/// How the K + 1 Flow-Noise log-likelihood terms are combined (docs/design/flow-rl.md §4).
public enum LogLikelihoodReduction: String, Codable, Sendable, CaseIterable {
    /// Sum over the terms.
    case sum
    /// Mean over the terms (the reference implementation's choice).
    case mean
}

/// How many ratios a decision yields (docs/design/flow-rl.md §4).
public enum RatioGranularity: String, Codable, Sendable, CaseIterable {
    /// One per scored element (`H_exec × joints`).
    case token
    /// One per executed action row, summed over joints.
    case action
    /// One per chunk, summed over the executed block.
    case chunk
}
