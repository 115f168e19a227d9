import Policy
import Runtime

/// Every setting of a `pirl-robot train-sim` run (docs/design/flow-rl.md §2–§6), read from a YAML file.
///
/// Defaults are the reference values of docs/design/flow-rl.md §5 (π0 on LIBERO/ManiSkill) scaled to
/// this machine; any field may be omitted, an unknown key is an error naming it, and
/// ``validate()`` names the first bad value with the rule it breaks.
public struct TrainingConfig: Codable, Sendable, Equatable {
    /// Seed of everything random: initialization, demonstrations, environments, sampling, minibatches.
    public var seed: UInt64 = 0
    /// The simulated task and the vectorized environments.
    public var environment = EnvironmentSettings()
    /// The policy's chunking, sampler and network sizes.
    public var policy = PolicySettings()
    /// Stage 1: flow matching on scripted demonstrations.
    public var sft = SFTSettings()
    /// Stage 2: online RL (PPO or GRPO).
    public var rl = RLSettings()
    /// Stage 3 (and the periodic evaluations during RL).
    public var eval = EvalSettings()
    /// Where the run's files go and how often.
    public var output = OutputSettings()

    /// The default configuration.
    public init() {}
}

/// The task and the vectorized environments.
public struct EnvironmentSettings: Codable, Sendable, Equatable {
    /// Task name: `reach`, `lift`, `place`, `push` or `pick-place` (the multi-task suite).
    public var task = "reach"
    /// Suite split for `pick-place`: `train` (in-distribution) or `heldout`.
    public var split = "train"
    /// Parallel environments N (one rollout column each).
    public var envs = 8
    /// Worker threads stepping the environments.
    public var threads = 2
    /// Camera render and model input size (square, pixels).
    public var imageSize = 64
    /// Add the task's dense progress term to the sparse success reward.
    public var shapedReward = false
    /// The shaped reward's potential: `distance` (the task's distances) or `stages` (plus a
    /// term for the cube held or resting over the plate, on `place` and `pick-place`).
    public var shapingPotential = "distance"
    /// Episode step limit (control steps); `nil` keeps the task's own.
    public var maxSteps: Int?
    /// Turn domain randomization off (object poses are still sampled).
    public var noRandomization = false
    /// Changes to the default domain randomization (ignored with ``noRandomization``).
    public var randomization = RandomizationSettings()
    /// A photo (PNG or JPEG) of the user's own scene composited behind the front camera's
    /// objects and arm in every frame (ManiSkill's green-screen recipe), so a policy can be
    /// fine-tuned for that table; `nil`: the twin's own table and wall.
    public var background: String?
    /// The front camera's pose from a `sim overlay --save-pose` file (aligned with the user's
    /// real camera); `nil`: the twin's default mount.
    public var cameraPose: String?
    /// Pass every executed action through `run`'s safety filter (the twin's joint limits and
    /// the per-tick step limits below), so training executes what `run` would: a policy that
    /// asks for more than the filter allows learns what actually happens.
    public var safetyFilter = false
    /// The filter's largest change of an arm joint per tick (radians; `run --max-step-rad`).
    public var maxStepRad = 0.05
    /// The filter's largest change of the gripper opening per tick (`run --max-gripper-step`).
    public var maxGripperStep = 0.05
    /// Seconds over which the filter's step limits ramp up from 10 % at each episode's start,
    /// as `run` ramps from the pose it finds (`run --ramp-s`; `run --sim` ramps at every episode).
    public var safetyRampSeconds = SafetyFilter.defaultRampSeconds

    /// The tasks the simulator knows.
    public static let tasks = ["reach", "lift", "place", "push", "pick-place"]
    /// The suite splits.
    public static let splits = ["train", "heldout"]
    /// The shaping potentials.
    public static let shapingPotentials = ["distance", "stages"]
    /// The cameras the simulator renders.
    public static let cameras = ["front", "wrist"]

    /// Default settings.
    public init() {}
}

/// Chunking, sampler and network sizes of the policy (docs/design/flow-rl.md §1, §3).
public struct PolicySettings: Codable, Sendable, Equatable {
    /// H: actions per chunk.
    public var horizon = 10
    /// H_exec: actions executed per decision.
    public var executedHorizon = 5
    /// K: denoising steps per chunk.
    public var denoisingSteps = 4
    /// Simulator cameras the policy reads, a subset of ``EnvironmentSettings/cameras``
    /// (empty for a state-based policy, which then needs `objectState`).
    public var cameras = ["front", "wrist"]
    /// Append the simulator's object features (SimTrainer's `ObjectState`: cube pose, goal
    /// position) to the joint state — LeRobot's `environment_state`. Such a policy runs in sim only.
    public var objectState = false
    /// Network sizes, including the Flow-Noise std range `noiseStdMin`…`noiseStdMax`.
    public var architecture = PolicyConfig.Architecture()

    /// Default settings.
    public init() {}
}

/// Flow matching on demonstrations (docs/design/flow-rl.md §2).
public struct SFTSettings: Codable, Sendable, Equatable {
    /// Scripted demonstration episodes (few-shot: 4–10 per task; many-shot: 10× that).
    public var demos = 8
    /// A directory of recorded demos (`pirl-robot sim demos`); `nil` records `demos` episodes into the run.
    public var demoDirectory: String?
    /// Start from this checkpoint (e.g. another run's `checkpoints/sft`) instead of training on
    /// demos — LeRobot's fine-tune-from-pretrained. Its weights and norm stats are used; this
    /// config's sampler and executed horizon replace its own, the network must match.
    public var fromCheckpoint: String?
    /// Gradient steps.
    public var steps = 1500
    /// Demonstration samples per step.
    public var batchSize = 32
    /// AdamW learning rate (whole network): the peak when a schedule decays it.
    public var learningRate = 3e-4
    /// How the learning rate moves over the steps (``LearningRateSchedule``).
    public var learningRateSchedule = LearningRateSchedule.constant
    /// Steps of linear warm-up from 0 to `learningRate`.
    public var warmupSteps = 0
    /// The rate the cosine schedule reaches at the last step.
    public var finalLearningRate = 0.0
    /// AdamW decoupled weight decay.
    public var weightDecay = 0.01
    /// Global gradient-norm clip.
    public var maxGradNorm = 1.0
    /// Random-shift augmentation of camera images (DrQ): pad by this many pixels, crop back at
    /// a random offset per sample; 0 is off. No effect on a policy without cameras.
    public var randomShift = 0
    /// Distil this checkpoint (a policy that may read the simulator's object state, e.g. a
    /// bundled state-based RL policy) into the configured policy by DAgger (``distill``)
    /// instead of flow matching on scripted demonstrations; `nil` trains on demos.
    public var teacher: String?
    /// The DAgger schedule when `teacher` is set.
    public var distill = DistillationSettings()

    /// Default settings.
    public init() {}
}

/// The RL algorithm.
public enum RLAlgorithm: String, Codable, Sendable, CaseIterable {
    /// PPO with a critic and GAE (docs/design/flow-rl.md §5).
    case ppo
    /// Critic-free group-relative advantages (docs/design/flow-rl.md §6).
    case grpo
    /// Soft actor-critic over the flow's start, the flow frozen (`rl.method: noise-steering`;
    /// DSRL's SAC form): off-policy, every decision replayed (``SACSettings``).
    case sac
    /// PPO's clipped surrogate over the flow's start (`rl.method: noise-steering`), with each
    /// decision's advantage `min_i Q_i(o, w) − E_{w′~π}[min_i Q_i(o, w′)]` from SAC's twin
    /// critics fitted on a replay of every decision, in place of GAE over one rollout: the
    /// actor stays on-policy, the critics reuse all the data (``SACSettings``).
    case ppoReplayCritic = "ppo-replay-critic"

    /// Whether the algorithm fits ``SACSettings``' twin critics `Q(o, w)` on a replay.
    public var usesReplayCritics: Bool { self == .sac || self == .ppoReplayCritic }
}

/// Cosines of smooth Flow-SDE noise (``RLSettings/noiseFrequencies``): one count for every
/// joint, or one per joint. YAML: an integer or a list of integers.
public enum NoiseFrequencies: Codable, Sendable, Equatable, CustomStringConvertible, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    /// The same count for every joint (0: smoothing off).
    case all(Int)
    /// One count per joint, in the robot's joint order.
    case perJoint([Int])

    public init(integerLiteral value: Int) { self = .all(value) }
    public init(arrayLiteral elements: Int...) { self = .perJoint(elements) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let count = try? c.decode(Int.self) { self = .all(count) } else { self = .perJoint(try c.decode([Int].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .all(let count): try c.encode(count)
        case .perJoint(let counts): try c.encode(counts)
        }
    }

    /// False when every joint gets independent noise (smoothing off).
    public var isOn: Bool {
        switch self {
        case .all(let count): count > 0
        case .perJoint: true
        }
    }

    /// The count of each of `joints` joints.
    public func counts(joints: Int) -> [Int] {
        switch self {
        case .all(let count): [Int](repeating: count, count: joints)
        case .perJoint(let counts): counts
        }
    }

    /// As YAML writes it.
    public var description: String {
        switch self {
        case .all(let count): "\(count)"
        case .perJoint(let counts): "[\(counts.map(String.init).joined(separator: ", "))]"
        }
    }
}

/// Online RL (docs/design/flow-rl.md §3–§6).
public struct RLSettings: Codable, Sendable, Equatable {
    /// PPO, GRPO or SAC.
    public var algorithm = RLAlgorithm.ppo
    /// Exploration noise: `flow-noise` (learned std, whole chain scored), `flow-sde` (hybrid, one
    /// step), or a head on the frozen flow: `noise-steering` (a policy over the start, with
    /// `policy.architecture.noiseSteeringWidth`) or `residual` (a policy over a smooth correction
    /// of the chunk, with `policy.architecture.residualWidth`).
    public var method = SamplerMethod.flowNoise
    /// Flow-SDE noise level a.
    public var noiseLevel = 0.5
    /// Flow-SDE: confine the exploration noise to this many lowest frequencies (DCT cosines)
    /// of each joint's trajectory over the chunk, so a perturbation shifts or tilts the
    /// whole chunk instead of jittering its rows (0: independent noise on every entry, as in
    /// πRL). Fewer noise directions, fewer terms of noise in the policy gradient
    /// (``ChunkNoiseBasis``). One count for every joint, or a list with one per joint, where
    /// 0 leaves that joint without noise (e.g. `[3, 3, 3, 3, 3, 0]`: a noise-free gripper).
    public var noiseFrequencies: NoiseFrequencies = 0
    /// Flow-SDE: which denoising steps are stochastic. `single` (πRL's hybrid, the default):
    /// one random step k* per chunk, log π is that step's term, and the other steps are
    /// deterministic, so the ratio does not see how an update changes them. `every`: all K
    /// steps, log π over the whole chain (reduced like Flow-Noise's), so the PPO trust region
    /// covers every step that produced the chunk; K times the likelihood work per update.
    public var sdeSteps = SDEStepSelection.single
    /// Sum or mean over the K + 1 log-likelihood terms of a whole chain (Flow-Noise, or
    /// Flow-SDE with ``sdeSteps`` `every`).
    public var reduction = LogLikelihoodReduction.mean
    /// One ratio per element (`token`), per action row (`action`) or per chunk (`chunk`).
    public var granularity = RatioGranularity.chunk
    /// PPO iterations (rollout + update).
    public var iterations = 40
    /// Decisions per environment per iteration (rollout length T).
    public var rolloutLength = 32
    /// γ over decisions.
    public var gamma = 0.99
    /// PPO: an episode cut by its time limit bootstraps its return from the critic (true: the
    /// limit is not part of the task's state); false treats the limit as the episode's end,
    /// so a failure by timeout pulls the value of the states that led to it toward 0.
    public var bootstrapTimeLimit = true
    /// Score the gripper's action entries in the policy's log-likelihood (true). False leaves
    /// them out (the robot's last joint must be the gripper): the policy gradient then moves
    /// only the arm joints' entries directly, and the gripper keeps what SFT and the anchor
    /// teach. Its noise is still sampled, so exploration is unchanged.
    public var scoreGripper = true
    /// GAE λ.
    public var gaeLambda = 0.95
    /// Ratio clip ε (`clipCoef`).
    public var clipCoef = 0.2
    /// Value clip around the old value (`vfClipCoef`).
    public var valueClipCoef = 0.2
    /// Huber δ of the critic loss.
    public var huberDelta = 10.0
    /// Actor (velocity network and noise head) learning rate.
    public var actorLearningRate = 1e-5
    /// Critic learning rate.
    public var criticLearningRate = 1e-3
    /// AdamW decoupled weight decay.
    public var weightDecay = 0.01
    /// Global gradient-norm clip.
    public var maxGradNorm = 1.0
    /// Passes over each rollout.
    public var epochs = 4
    /// Decisions per minibatch.
    public var minibatchSize = 64
    /// Entropy bonus coefficient (Flow-Noise only; Flow-SDE has no entropy term).
    public var entropyBonus = 0.005
    /// Normalize advantages over the batch (PPO).
    public var normalizeAdvantages = true
    /// Control experiment (PPO): shuffle the advantages across the rollout's decisions before
    /// the update, which keeps the update's size and statistics but destroys its credit
    /// assignment. A run with real advantages that does no better than this one has no signal.
    public var permuteAdvantages = false
    /// Weight λ of a flow-matching loss on the SFT demonstrations added to every actor
    /// update (0: off). It pulls the velocity field back toward the demonstrations in the
    /// directions the noisy policy gradient does not consistently push, so the update's
    /// noise does not random-walk the policy away from what SFT taught.
    public var demoLossCoefficient = 0.0
    /// Weight β of a penalty on how far the actor's velocity field moves from the RL start
    /// policy's (the SFT checkpoint's) on the denoising states the rollout visited (0: off):
    /// the mean squared velocity difference at one stored chain state per decision. For a
    /// Flow-SDE step it is proportional to the KL divergence to the reference transition, so
    /// it is a trust region to the start policy on the states the policy gradient acts on,
    /// where the demonstration anchor only holds the states the demonstrations visited.
    public var referenceCoefficient = 0.0
    /// Self-imitation (0: off): keep the decisions of up to this many chunks from the
    /// policy's own successful training episodes, and draw ``successReplayFraction`` of every
    /// anchor minibatch from them instead of from the demonstrations. Needs the anchor on.
    /// The replay lives in memory: a resumed run starts it empty.
    public var successReplayCapacity = 0
    /// Share of each anchor minibatch drawn from the success replay once it holds decisions.
    public var successReplayFraction = 0.5
    /// Extra actor steps per iteration on the anchor's loss alone, after the PPO update
    /// (0: none): how fast the policy imitates the demonstrations and its replayed successes.
    public var anchorStepsPerIteration = 0
    /// Update only the critic for this many first iterations (the actor keeps its SFT weights meanwhile).
    public var criticWarmupIterations = 0
    /// PPO: extra passes over the rollout after the update's `epochs` that step the critic
    /// alone (0: none). The critic gets `epochs × minibatches` steps per iteration otherwise,
    /// few for fitting returns; the extra passes cost one value-head pass per minibatch.
    public var criticOnlyEpochs = 0
    /// Noise steering under PPO or GRPO: lower the cap on the start's σ over training
    /// (``LinearAnneal`` from the head's initial σ; nil: σ is the head's own throughout).
    public var startStdAnneal: LinearAnneal?
    /// PPO or GRPO: move the actor's learning rate linearly from `actorLearningRate` over
    /// training (``LinearAnneal``; nil: constant), as PPO's own recipe anneals it, so that
    /// late updates average the policy gradient's noise instead of following it.
    public var actorLearningRateAnneal: LinearAnneal?
    /// GRPO: environments per group sharing a reset seed (G).
    public var groupSize = 8
    /// GRPO: groups whose mean score lies outside `[groupScoreMin, groupScoreMax]` are dropped.
    public var groupScoreMin = 0.1
    /// GRPO: upper bound of the kept group mean score.
    public var groupScoreMax = 0.9
    /// SAC's own settings (`rl.algorithm: sac`).
    public var sac = SACSettings()

    /// Default settings.
    public init() {}
}

/// Evaluations: the final stage and the periodic ones during RL that pick the best checkpoint.
public struct EvalSettings: Codable, Sendable, Equatable {
    /// Episodes of the final evaluation (≥ 200 for the results table).
    public var episodes = 200
    /// Episodes of each periodic evaluation during RL (0 turns them off).
    public var periodicEpisodes = 32
    /// Run a periodic evaluation every this many RL iterations.
    public var everyIterations = 10
    /// Sampler used in evaluation (`ode`: the deployment default).
    public var method = SamplerMethod.ode
    /// Seed offset of evaluation episodes, so they differ from training episodes.
    public var seedOffset: UInt64 = 1_000_003
    /// Suite split of the final evaluation (`heldout`: unseen combinations); `nil` uses
    /// `environment.split`. Periodic evaluations, which pick the best checkpoint, always use
    /// the training split, so the held-out episodes never steer training.
    public var split: String?

    /// Default settings.
    public init() {}
}

/// Run outputs.
public struct OutputSettings: Codable, Sendable, Equatable {
    /// Save a checkpoint every this many RL iterations (the best one is kept as well).
    public var checkpointEvery = 10
    /// Print the live progress line on one terminal line (`\r`) instead of one line per iteration.
    public var singleLineProgress = false

    /// Default settings.
    public init() {}
}

// MARK: - Decoding (here because it uses the synthesized CodingKeys)

extension TrainingConfig {
    /// Decodes a possibly partial config.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        seed = try c.value(.seed, or: seed)
        environment = try c.value(.environment, or: environment)
        policy = try c.value(.policy, or: policy)
        sft = try c.value(.sft, or: sft)
        rl = try c.value(.rl, or: rl)
        eval = try c.value(.eval, or: eval)
        output = try c.value(.output, or: output)
    }
}

extension EnvironmentSettings {
    /// Decodes possibly partial settings.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        task = try c.value(.task, or: task)
        split = try c.value(.split, or: split)
        envs = try c.value(.envs, or: envs)
        threads = try c.value(.threads, or: threads)
        imageSize = try c.value(.imageSize, or: imageSize)
        shapedReward = try c.value(.shapedReward, or: shapedReward)
        shapingPotential = try c.value(.shapingPotential, or: shapingPotential)
        maxSteps = try c.decodeIfPresent(Int.self, forKey: .maxSteps)
        noRandomization = try c.value(.noRandomization, or: noRandomization)
        randomization = try c.value(.randomization, or: randomization)
        background = try c.decodeIfPresent(String.self, forKey: .background)
        cameraPose = try c.decodeIfPresent(String.self, forKey: .cameraPose)
        safetyFilter = try c.value(.safetyFilter, or: safetyFilter)
        maxStepRad = try c.value(.maxStepRad, or: maxStepRad)
        maxGripperStep = try c.value(.maxGripperStep, or: maxGripperStep)
        safetyRampSeconds = try c.value(.safetyRampSeconds, or: safetyRampSeconds)
    }
}

extension PolicySettings {
    /// Decodes possibly partial settings.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        horizon = try c.value(.horizon, or: horizon)
        executedHorizon = try c.value(.executedHorizon, or: executedHorizon)
        denoisingSteps = try c.value(.denoisingSteps, or: denoisingSteps)
        cameras = try c.value(.cameras, or: cameras)
        objectState = try c.value(.objectState, or: objectState)
        architecture = try c.value(.architecture, or: architecture)
    }
}

extension SFTSettings {
    /// Decodes possibly partial settings.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        demos = try c.value(.demos, or: demos)
        demoDirectory = try c.decodeIfPresent(String.self, forKey: .demoDirectory)
        fromCheckpoint = try c.decodeIfPresent(String.self, forKey: .fromCheckpoint)
        steps = try c.value(.steps, or: steps)
        batchSize = try c.value(.batchSize, or: batchSize)
        learningRate = try c.value(.learningRate, or: learningRate)
        learningRateSchedule = try c.value(.learningRateSchedule, or: learningRateSchedule)
        warmupSteps = try c.value(.warmupSteps, or: warmupSteps)
        finalLearningRate = try c.value(.finalLearningRate, or: finalLearningRate)
        weightDecay = try c.value(.weightDecay, or: weightDecay)
        maxGradNorm = try c.value(.maxGradNorm, or: maxGradNorm)
        randomShift = try c.value(.randomShift, or: randomShift)
        teacher = try c.decodeIfPresent(String.self, forKey: .teacher)
        distill = try c.value(.distill, or: distill)
    }
}

extension RLSettings {
    /// Decodes possibly partial settings.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        algorithm = try c.value(.algorithm, or: algorithm)
        method = try c.value(.method, or: method)
        noiseLevel = try c.value(.noiseLevel, or: noiseLevel)
        noiseFrequencies = try c.value(.noiseFrequencies, or: noiseFrequencies)
        sdeSteps = try c.value(.sdeSteps, or: sdeSteps)
        reduction = try c.value(.reduction, or: reduction)
        granularity = try c.value(.granularity, or: granularity)
        iterations = try c.value(.iterations, or: iterations)
        rolloutLength = try c.value(.rolloutLength, or: rolloutLength)
        gamma = try c.value(.gamma, or: gamma)
        bootstrapTimeLimit = try c.value(.bootstrapTimeLimit, or: bootstrapTimeLimit)
        scoreGripper = try c.value(.scoreGripper, or: scoreGripper)
        gaeLambda = try c.value(.gaeLambda, or: gaeLambda)
        clipCoef = try c.value(.clipCoef, or: clipCoef)
        valueClipCoef = try c.value(.valueClipCoef, or: valueClipCoef)
        huberDelta = try c.value(.huberDelta, or: huberDelta)
        actorLearningRate = try c.value(.actorLearningRate, or: actorLearningRate)
        criticLearningRate = try c.value(.criticLearningRate, or: criticLearningRate)
        weightDecay = try c.value(.weightDecay, or: weightDecay)
        maxGradNorm = try c.value(.maxGradNorm, or: maxGradNorm)
        epochs = try c.value(.epochs, or: epochs)
        minibatchSize = try c.value(.minibatchSize, or: minibatchSize)
        entropyBonus = try c.value(.entropyBonus, or: entropyBonus)
        normalizeAdvantages = try c.value(.normalizeAdvantages, or: normalizeAdvantages)
        permuteAdvantages = try c.value(.permuteAdvantages, or: permuteAdvantages)
        demoLossCoefficient = try c.value(.demoLossCoefficient, or: demoLossCoefficient)
        referenceCoefficient = try c.value(.referenceCoefficient, or: referenceCoefficient)
        successReplayCapacity = try c.value(.successReplayCapacity, or: successReplayCapacity)
        successReplayFraction = try c.value(.successReplayFraction, or: successReplayFraction)
        anchorStepsPerIteration = try c.value(.anchorStepsPerIteration, or: anchorStepsPerIteration)
        criticWarmupIterations = try c.value(.criticWarmupIterations, or: criticWarmupIterations)
        criticOnlyEpochs = try c.value(.criticOnlyEpochs, or: criticOnlyEpochs)
        startStdAnneal = try c.decodeIfPresent(LinearAnneal.self, forKey: .startStdAnneal)
        actorLearningRateAnneal = try c.decodeIfPresent(LinearAnneal.self, forKey: .actorLearningRateAnneal)
        groupSize = try c.value(.groupSize, or: groupSize)
        groupScoreMin = try c.value(.groupScoreMin, or: groupScoreMin)
        groupScoreMax = try c.value(.groupScoreMax, or: groupScoreMax)
        sac = try c.value(.sac, or: sac)
    }
}

extension EvalSettings {
    /// Decodes possibly partial settings.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        episodes = try c.value(.episodes, or: episodes)
        periodicEpisodes = try c.value(.periodicEpisodes, or: periodicEpisodes)
        everyIterations = try c.value(.everyIterations, or: everyIterations)
        method = try c.value(.method, or: method)
        seedOffset = try c.value(.seedOffset, or: seedOffset)
        split = try c.decodeIfPresent(String.self, forKey: .split)
    }
}

extension OutputSettings {
    /// Decodes possibly partial settings.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        checkpointEvery = try c.value(.checkpointEvery, or: checkpointEvery)
        singleLineProgress = try c.value(.singleLineProgress, or: singleLineProgress)
    }
}
