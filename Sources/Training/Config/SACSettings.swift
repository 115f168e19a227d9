/// Soft actor-critic over the flow's start (`rl.algorithm: sac`, with `rl.method:
/// noise-steering`; DSRL's SAC form), and the replay critics `ppo-replay-critic` shares. The actor and critic learning rates, γ and the
/// gradient-norm clip are ``RLSettings``'s; ``RLSettings/criticWarmupIterations`` holds the
/// actor still while the critics first fit.
public struct SACSettings: Codable, Sendable, Equatable {
    /// Decisions the replay keeps (the oldest are overwritten).
    public var replayCapacity = 100_000
    /// Decisions per gradient step.
    public var batchSize = 256
    /// Gradient steps after every decision step of all environments (each step adds
    /// `environment.envs` decisions to the replay).
    public var updatesPerStep = 4
    /// No gradient step until the replay holds this many decisions (they come from the
    /// start policy, which is the SFT policy as deployed).
    public var startDecisions = 3_000
    /// Polyak rate τ of the target critics.
    public var tau = 0.005
    /// The entropy per start entry (nats) the temperature holds the actor at. A Gaussian with
    /// std σ has `½·log(2πe) + log σ` = 1.42 + log σ: 0 is σ ≈ 0.24, 1.42 is σ = 1.
    public var targetEntropy = 0.0
    /// α at the start. α weighs the log-density per start entry, so its scale does not
    /// depend on the chunk's size.
    public var initialTemperature = 0.01
    /// Add the entropy bonus to the TD target (standard SAC). Off by default: the start's σ
    /// does not depend on the state, so the bonus is a reward per decision that makes longer
    /// episodes worth more, against a task that ends on success; the entropy term then only
    /// regularizes the actor (Yu et al. 2022, "Do You Need the Entropy Reward (in Practice)?").
    public var entropyInBackup = false
    /// Adam rate of log α.
    public var temperatureLearningRate = 3e-4
    /// Weight β of the KL from the actor's start distribution to the flow's own N(0, I), per
    /// entry, in the actor's loss (0: off). It keeps the starts where the flow was trained, so
    /// the actor cannot chase the critics' errors off that shell, where the flow's chunks are
    /// garbage the critics have never seen.
    public var priorCoefficient = 0.0
    /// One actor (and temperature) step every this many critic steps (TD3's delayed policy update).
    public var actorEvery = 1
    /// Hidden width of each critic.
    public var criticWidth = 256
    /// Layer-normalize the critics' hidden layers (DSRL's critics do).
    public var criticLayerNorm = true
    /// `ppo-replay-critic`: starts the surrogate scores per decision — the executed one and
    /// this many − 1 fresh draws from the rollout's policy at the same observation, each with
    /// its critic advantage (more starts per state average out the score function's noise).
    public var startsPerDecision = 1
    /// `ppo-replay-critic`: the observations the surrogate scores starts at — the rollout's own
    /// decisions (`rollout`: the executed start first), or as many drawn uniformly from the
    /// replay (`replay`: every start a fresh draw from the rollout's policy), so the head's
    /// update covers every state seen so far, as SAC's actor does.
    public var surrogateStates = SurrogateStates.rollout
    /// `ppo-replay-critic`: draws from the rollout's policy that estimate the baseline
    /// `E_{w′~π}[min_i Q_i(o, w′)]` of each scored start.
    public var baselineStarts = 8
    /// Asymmetric actor-critic: the critics also read the simulator's privileged state (the
    /// object poses, normalized by the checkpoint's `privileged` statistics) after the
    /// observation's features, while the steering head (the actor, the part that is deployed)
    /// still reads only what the robot has — cameras and joints. A camera policy's critics then
    /// rank starts by where the cube really is (Pinto et al. 2018, "Asymmetric Actor Critic").
    public var privilegedCritic = false

    /// Default settings.
    public init() {}

    /// Decodes possibly partial settings.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        replayCapacity = try c.value(.replayCapacity, or: replayCapacity)
        batchSize = try c.value(.batchSize, or: batchSize)
        updatesPerStep = try c.value(.updatesPerStep, or: updatesPerStep)
        startDecisions = try c.value(.startDecisions, or: startDecisions)
        tau = try c.value(.tau, or: tau)
        targetEntropy = try c.value(.targetEntropy, or: targetEntropy)
        initialTemperature = try c.value(.initialTemperature, or: initialTemperature)
        entropyInBackup = try c.value(.entropyInBackup, or: entropyInBackup)
        temperatureLearningRate = try c.value(.temperatureLearningRate, or: temperatureLearningRate)
        priorCoefficient = try c.value(.priorCoefficient, or: priorCoefficient)
        actorEvery = try c.value(.actorEvery, or: actorEvery)
        criticWidth = try c.value(.criticWidth, or: criticWidth)
        criticLayerNorm = try c.value(.criticLayerNorm, or: criticLayerNorm)
        startsPerDecision = try c.value(.startsPerDecision, or: startsPerDecision)
        baselineStarts = try c.value(.baselineStarts, or: baselineStarts)
        surrogateStates = try c.value(.surrogateStates, or: surrogateStates)
        privilegedCritic = try c.value(.privilegedCritic, or: privilegedCritic)
    }

    func validate() throws(ConfigError) {
        guard replayCapacity >= 1 && replayCapacity <= 10_000_000 else { throw bad("rl.sac.replayCapacity", replayCapacity, "in 1…10,000,000") }
        guard batchSize >= 1 && batchSize <= 65_536 else { throw bad("rl.sac.batchSize", batchSize, "in 1…65,536") }
        guard updatesPerStep >= 0 else { throw bad("rl.sac.updatesPerStep", updatesPerStep, "at least 0") }
        guard startDecisions >= 1 && startDecisions <= replayCapacity else {
            throw bad("rl.sac.startDecisions", startDecisions, "in 1…rl.sac.replayCapacity (\(replayCapacity))")
        }
        guard tau > 0 && tau <= 1 else { throw bad("rl.sac.tau", tau, "in (0, 1]") }
        guard targetEntropy.isFinite && targetEntropy <= 5 else { throw bad("rl.sac.targetEntropy", targetEntropy, "finite and at most 5 nats per entry") }
        guard initialTemperature > 0 && initialTemperature.isFinite else { throw bad("rl.sac.initialTemperature", initialTemperature, "positive") }
        guard temperatureLearningRate >= 0 && temperatureLearningRate < 1 else { throw bad("rl.sac.temperatureLearningRate", temperatureLearningRate, "in [0, 1)") }
        guard priorCoefficient >= 0 && priorCoefficient.isFinite else { throw bad("rl.sac.priorCoefficient", priorCoefficient, "at least 0") }
        guard actorEvery >= 1 else { throw bad("rl.sac.actorEvery", actorEvery, "at least 1") }
        guard criticWidth >= 1 && criticWidth <= 8_192 else { throw bad("rl.sac.criticWidth", criticWidth, "in 1…8,192") }
        guard startsPerDecision >= 1 && startsPerDecision <= 64 else { throw bad("rl.sac.startsPerDecision", startsPerDecision, "in 1…64") }
        guard baselineStarts >= 1 && baselineStarts <= 256 else { throw bad("rl.sac.baselineStarts", baselineStarts, "in 1…256") }
    }
}

/// Where `ppo-replay-critic`'s surrogate takes its observations (``SACSettings/surrogateStates``).
public enum SurrogateStates: String, Codable, Sendable, CaseIterable {
    /// The rollout's own decisions.
    case rollout
    /// Observations drawn uniformly from the replay.
    case replay
}
