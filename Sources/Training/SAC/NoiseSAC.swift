import Foundation
import Policy

/// Off-policy RL over the flow's start (DSRL-SAC, Wagenmaker et al. 2025): the flow is frozen,
/// the noise-steering head `N(μ(o), σ²)` is the actor, and two critics `Q(o, w)` over the
/// start `w` learn from a replay of every decision, so each decision is reused many times
/// where PPO uses it for two epochs. Soft actor-critic with twin critics, Polyak targets and
/// a learned temperature α that holds the start's entropy per entry near
/// ``SACSettings/targetEntropy`` (Haarnoja et al. 2018).
///
/// One ``iterate(_:)`` is T decisions in each of the N environments; after every decision
/// step with at least ``SACSettings/startDecisions`` in the replay it takes
/// ``SACSettings/updatesPerStep`` gradient steps. A decision's return ends where its
/// episode ends, timeouts included (``RLSettings/bootstrapTimeLimit`` false): the simulator
/// resets on its own, so the observation after a cut is the next episode's. The critics read
/// the episode's time left when the policy's critic does (``PolicyConfig/Architecture/valueTimeInputs``),
/// and with ``SACSettings/privilegedCritic`` the simulator's object state too (asymmetric
/// actor-critic): a row is `[prefix | time | privileged]`, the actor reads its prefix alone.
///
/// Under `rl.algorithm: ppo-replay-critic` the critics learn the same way, but the actor is
/// PPO's: after the rollout, ``RLSettings/epochs`` passes of the clipped surrogate over the
/// rollout's decisions (or replayed observations, ``SACSettings/surrogateStates``), each
/// advantage read from the critics (NoiseSAC+ClippedSurrogate.swift).
public final class NoiseSAC: RLStage {
    /// The policy whose steering head is trained (the flow and encoder stay frozen).
    public let policy: FlowPolicy
    /// Where rollouts run.
    public let environment: any VectorChunkEnvironment
    /// Settings (``RLSettings/sac`` holds SAC's own).
    public let settings: RLSettings
    /// AdamW over the steering head.
    public var optimizer: AdamW
    /// The twin critics and their targets.
    public let critics: TwinQNetwork
    /// AdamW over both critics.
    public var criticOptimizer: AdamW
    /// log α (one value) with its Adam moments.
    public let temperature: ParameterStore
    /// AdamW over log α.
    public var temperatureOptimizer: AdamW
    /// Every decision's transition.
    public let replay: TransitionReplay
    /// Control steps executed so far.
    public var environmentSteps: Int
    /// Gradient steps taken so far (critic steps; the actor's start after the warm-up).
    public internal(set) var gradientSteps = 0
    /// Run seed.
    public let seed: UInt64

    /// The actor's optimizer steps (bias correction on resume).
    public var optimizerStepCount: Int {
        get { optimizer.stepCount }
        set { optimizer.stepCount = newValue }
    }

    private let packer: ObservationPacker
    private let actionNormalizer: any VectorTransform
    private let sampler = FlowSampler(method: .noiseSteering)
    private let chain: FlowChain
    private var observations: [RawObservation]?
    private var clock: EpisodeClock?
    private var chunks: [[Float]]
    /// Per environment: the last decision's observation row, start and reward, waiting for the next observation.
    private var pendingObservation: [Float], pendingStart: [Float], pendingReward: [Float], pending: [Bool]
    private var currentRows: [Float]
    /// The environments' time features, rewritten every decision step.
    private var timeScratch: [Float]
    let batch: Batch
    /// `ppo-replay-critic`: the rollout's decisions and the surrogate's minibatch buffers (nil under SAC).
    let onPolicy: OnPolicyDecisions?
    let prefixWidth: Int, timeWidth: Int, startWidth: Int
    /// Floats of privileged state at the end of each critic row (0 without ``SACSettings/privilegedCritic``).
    let privilegedWidth: Int
    private let privilegedNormalizer: (any VectorTransform)?

    /// A trainer for `policy` (which must have a steering head) in `environment`; `normStats` are the checkpoint's.
    public init(policy: FlowPolicy, normStats: NormStatsFile, environment: any VectorChunkEnvironment, settings: RLSettings,
                seed: UInt64, environmentSteps: Int = 0) {
        precondition(policy.steersNoise, "SAC over the start needs a noise-steering head")
        self.policy = policy
        self.environment = environment
        self.settings = settings
        self.seed = seed
        self.environmentSteps = environmentSteps
        let config = policy.config, sac = settings.sac
        let kind = config.io.normalization
        packer = ObservationPacker(config: config, tokenizer: policy.tokenizer, stateNormalizer: kind.normalizer(normStats.normStats["state"]!))
        actionNormalizer = kind.normalizer(normStats.normStats["actions"]!)
        let n = environment.count
        prefixWidth = policy.prefixWidth
        timeWidth = policy.valueTimeInputs
        startWidth = policy.dimension
        let privilegedStats = sac.privilegedCritic ? normStats.normStats["privileged"] : nil
        precondition(!sac.privilegedCritic || privilegedStats != nil, "rl.sac.privilegedCritic needs \"privileged\" norm stats")
        privilegedWidth = privilegedStats?.dimension ?? 0
        privilegedNormalizer = privilegedStats.map { kind.normalizer($0) }
        let observationWidth = prefixWidth + timeWidth + privilegedWidth
        chain = FlowChain(batch: n, dimension: startWidth, steps: config.sampler.steps)
        if timeWidth > 0 { clock = EpisodeClock(environments: n, limit: environment.episodeStepLimit, features: timeWidth) }
        chunks = .init(repeating: .init(repeating: 0, count: startWidth), count: n)
        pendingObservation = .init(repeating: 0, count: n * observationWidth)
        pendingStart = .init(repeating: 0, count: n * startWidth)
        pendingReward = .init(repeating: 0, count: n)
        pending = .init(repeating: false, count: n)
        currentRows = .init(repeating: 0, count: n * observationWidth)
        timeScratch = .init(repeating: 0, count: n * timeWidth)
        optimizer = AdamW(groups: [AdamW.Group(name: "actor", layout: policy.parameters.layout, learningRate: Float(settings.actorLearningRate),
                                               weightDecay: 0, where: ParameterGroups.isRLHead)])
        optimizer.maxGradientNorm = Float(settings.maxGradNorm)
        let ppo = settings.algorithm == .ppoReplayCritic
        critics = TwinQNetwork(inputs: observationWidth + startWidth, width: sac.criticWidth,
                               capacity: ppo ? max(sac.batchSize, settings.minibatchSize) : sac.batchSize, layerNorm: sac.criticLayerNorm,
                               seed: RunSeeds.seed(seed, .initialization, index: 1 << 20))
        criticOptimizer = AdamW(groups: [AdamW.Group(name: "critic", ranges: [0..<critics.parameters.count],
                                                     learningRate: Float(settings.criticLearningRate), weightDecay: 0)])
        criticOptimizer.maxGradientNorm = Float(settings.maxGradNorm)
        var layout = ParameterLayout()
        _ = layout.add("log_alpha", shape: [1])
        temperature = ParameterStore(layout: layout)
        temperature.values[0] = Float(_log(sac.initialTemperature))
        temperatureOptimizer = AdamW(groups: [AdamW.Group(name: "temperature", ranges: [0..<1],
                                                          learningRate: Float(sac.temperatureLearningRate), weightDecay: 0)])
        temperatureOptimizer.maxGradientNorm = nil
        replay = TransitionReplay(capacity: sac.replayCapacity, observationWidth: observationWidth, startWidth: startWidth)
        batch = Batch(rows: sac.batchSize, observationWidth: observationWidth, prefixWidth: prefixWidth, startWidth: startWidth)
        onPolicy = ppo ? OnPolicyDecisions(decisions: n * settings.rolloutLength, startsPerDecision: sac.startsPerDecision,
                                           batch: Batch(rows: settings.minibatchSize, observationWidth: observationWidth,
                                                        prefixWidth: prefixWidth, startWidth: startWidth)) : nil
    }

    /// The temperature α.
    public var alpha: Float { _exp(temperature.values[0]) }

    /// Rollout of iteration `iteration` (1-based) with SAC's updates after every decision step.
    public func iterate(_ iteration: Int) throws -> IterationMetrics {
        let clock = ContinuousClock()
        var metrics = IterationMetrics()
        metrics.iteration = iteration
        let stepsBefore = environmentSteps
        var updateTime = Duration.zero
        let started = clock.now
        var rng = RandomSource(seed: RunSeeds.seed(seed, .rollout, index: UInt64(iteration)))
        var updateRNG = RandomSource(seed: RunSeeds.seed(seed, .update, index: UInt64(iteration)))
        let actorActive = iteration > settings.criticWarmupIterations
        // SAC steps the actor between decision steps; PPO's surrogate runs after the rollout.
        let actorBetweenSteps = actorActive && onPolicy == nil
        if observations == nil {
            observations = try environment.reset(groupSize: 1)
            self.clock?.reset()
            for e in pending.indices { pending[e] = false }
        }
        var outcomes: [EpisodeOutcome] = []
        var totals = UpdateTotals()
        let n = environment.count, o = prefixWidth + timeWidth + privilegedWidth, d = startWidth
        for t in 0..<settings.rolloutLength {
            policy.encode(try packer.pack(observations!))
            try recordCurrentRows(observations!)
            currentRows.withUnsafeBufferPointer { rows in
                for e in 0..<n where pending[e] {
                    addPending(e, next: rows.baseAddress! + e * o, terminal: false)
                }
            }
            sampler.sample(policy, into: chain, using: &rng)
            onPolicy?.record(step: t, observations: currentRows, starts: chain.state(0))
            for e in 0..<n { chunks[e] = actionNormalizer.invert(chain.chunk(e)) }
            let step = try environment.step(chunks: chunks, length: policy.config.io.executedHorizon)
            for e in 0..<n {
                pendingObservation.replaceSubrange((e * o)..<((e + 1) * o), with: currentRows[(e * o)..<((e + 1) * o)])
                pendingStart.withUnsafeMutableBufferPointer { ($0.baseAddress! + e * d).update(from: chain.state(0) + e * d, count: d) }
                pendingReward[e] = Float(step.rewards[e])
                pending[e] = true
                environmentSteps += step.executedSteps[e]
                if step.terminated[e] || step.truncated[e] { addPending(e, next: nil, terminal: true) }
            }
            self.clock?.advance(step)
            outcomes.append(contentsOf: step.finished)
            observations = step.observations
            if replay.count >= settings.sac.startDecisions {
                let before = clock.now
                for _ in 0..<settings.sac.updatesPerStep { update(actor: actorBetweenSteps, totals: &totals, using: &updateRNG) }
                updateTime += clock.now - before
            }
        }
        if actorActive, let onPolicy {
            let before = clock.now
            updateActorByClippedSurrogate(onPolicy, totals: &totals, using: &updateRNG)
            updateTime += clock.now - before
        }
        let finished = clock.now
        metrics.record(outcomes)
        totals.write(into: &metrics)
        metrics.entropy = Double(meanEntropy())
        metrics.temperature = Double(alpha)
        metrics.environmentSteps = environmentSteps
        metrics.updateSeconds = RLTrainer.seconds(updateTime)
        metrics.rolloutSeconds = RLTrainer.seconds(finished - started) - metrics.updateSeconds
        metrics.stepsPerSecond = Double(environmentSteps - stepsBefore) / max(1e-9, RLTrainer.seconds(finished - started))
        return metrics
    }

    /// The encoded observations as `[prefix | time | privileged]` rows in ``currentRows``
    /// (the privileged state normalized, from `observations`, never from the packed batch).
    private func recordCurrentRows(_ observations: [RawObservation]) throws {
        let n = environment.count, p = prefixWidth, f = timeWidth, k = privilegedWidth, o = p + f + k
        let prefix = policy.prefixFeatures
        if let clock { timeScratch.withUnsafeMutableBufferPointer { clock.write(into: $0.baseAddress!) } }
        for e in 0..<n {
            currentRows.replaceSubrange((e * o)..<(e * o + p), with: prefix[(e * p)..<((e + 1) * p)])
            if f > 0 { currentRows.replaceSubrange((e * o + p)..<(e * o + p + f), with: timeScratch[(e * f)..<((e + 1) * f)]) }
            if let privilegedNormalizer {
                let privileged = observations[e].privileged
                guard privileged.count == k else {
                    throw ConfigError(field: "rl.sac.privilegedCritic", value: "true",
                                      rule: "an environment that reports \(k) privileged values per observation (environment \(e) gave \(privileged.count))")
                }
                currentRows.replaceSubrange((e * o + p + f)..<((e + 1) * o), with: privilegedNormalizer.apply(privileged))
            }
        }
    }

    /// Moves environment e's pending decision into the replay.
    private func addPending(_ e: Int, next: UnsafePointer<Float>?, terminal: Bool) {
        let o = prefixWidth + timeWidth + privilegedWidth, d = startWidth
        pendingObservation.withUnsafeBufferPointer { obs in
            pendingStart.withUnsafeBufferPointer { start in
                replay.add(observation: obs.baseAddress! + e * o, start: start.baseAddress! + e * d, reward: pendingReward[e],
                           terminal: terminal, next: next)
            }
        }
        pending[e] = false
    }

    /// The start's mean entropy per entry, `½·log(2πe) + mean log σ`, from the head's log-stds.
    func meanEntropy() -> Float {
        guard let entry = policy.parameters.layout.entry(named: "noise_steering.log_std") else { return .nan }
        let range = FlowPolicy.startLogStdRange
        var sum: Float = 0
        for i in entry.range { sum += min(max(policy.parameters.values[i], range.lowerBound), range.upperBound) }
        return 0.5 * _log(2 * Float.pi * _exp(1)) + sum / Float(entry.count)
    }
}
