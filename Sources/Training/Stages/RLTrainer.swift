import Foundation
import Policy

/// Online RL on chunk-level decisions (docs/design/flow-rl.md §3–§6), CleanRL-style: one
/// ``iterate(_:)`` is a rollout of T decisions in each of the N environments into
/// preallocated ``RolloutStorage``, advantages (GAE for PPO, group-relative for
/// GRPO), then `epochs` passes of minibatch updates that recompute log π of the
/// stored chains in one batched network evaluation per minibatch.
///
/// The encoder is frozen: rollouts store the encoded prefix features, updates reload
/// them. Exploration is Flow-Noise (every step stochastic, learned std, entropy bonus)
/// or hybrid Flow-SDE (one stochastic step k* per chunk).
public final class RLTrainer {
    /// The policy being trained.
    public let policy: FlowPolicy
    /// Where rollouts run.
    public let environment: any VectorChunkEnvironment
    /// Settings.
    public let settings: RLSettings
    /// AdamW with `actor` and `critic` groups.
    public var optimizer: AdamW
    /// This run's rollout storage.
    public let storage: RolloutStorage
    /// Control steps executed so far (resumed runs start from the saved count).
    public var environmentSteps: Int
    /// Which entries are scored and how ratios are grouped.
    public let options: LikelihoodOptions
    /// Run seed.
    public let seed: UInt64
    /// Draws the demonstration minibatches of the actor's flow-matching anchor
    /// (``RLSettings/demoLossCoefficient``); nil leaves the anchor off.
    public var demoAnchor: DemoFlowMatching?
    /// Holds the actor's velocity field near the RL start policy's on the visited chain
    /// states (``RLSettings/referenceCoefficient``); nil leaves it off.
    public var referenceAnchor: ReferenceAnchor?
    /// The policy's own successful decisions (``RLSettings/successReplayCapacity``); nil when off.
    public let successReplay: SuccessReplay?

    private let packer: ObservationPacker
    private let actionNormalizer: any VectorTransform
    private let sampler: FlowSampler
    let rolloutChain: FlowChain
    /// Smooth Flow-SDE noise (``RLSettings/noiseFrequencies``), on every chain sampled or scored.
    private let noiseBasis: ChunkNoiseBasis?
    private(set) var updateChains: [Int: FlowChain] = [:]
    private var observations: [RawObservation]?
    private var chunks: [[Float]]
    var prefixGather: [Float]
    private var oldLogProb: [Float] = [], groupAdvantages: [Float] = []
    var oldValues: [Float] = [], targets: [Float] = []
    /// Episode time for a critic with time inputs: the clock, the current decision's
    /// `N × F` features, and a minibatch's gathered features.
    private var clock: EpisodeClock?
    private var currentTime: [Float] = []
    var timeGather: [Float] = []
    var order: MinibatchOrder
    private let executedRows: Int
    let replayAnchor: ReplayFlowMatching?

    /// A trainer for `policy` in `environment`; `normStats` are the checkpoint's.
    public init(policy: FlowPolicy, normStats: NormStatsFile, environment: any VectorChunkEnvironment, settings: RLSettings,
                seed: UInt64, environmentSteps: Int = 0) {
        self.policy = policy
        self.environment = environment
        self.settings = settings
        self.seed = seed
        self.environmentSteps = environmentSteps
        let config = policy.config
        let scoredJoints: Int
        do { scoredJoints = try settings.scoredJoints(of: config.io.jointNames) } catch { preconditionFailure("\(error)") }
        options = LikelihoodOptions(horizon: config.io.actionHorizon, actionDim: config.io.actionDim,
                                    executedRows: config.io.executedHorizon, scoredDims: scoredJoints,
                                    reduction: settings.reduction, granularity: settings.granularity)
        executedRows = config.io.executedHorizon
        let kind = config.io.normalization
        packer = ObservationPacker(config: config, tokenizer: policy.tokenizer, stateNormalizer: kind.normalizer(normStats.normStats["state"]!))
        actionNormalizer = kind.normalizer(normStats.normStats["actions"]!)
        sampler = FlowSampler(method: settings.method, sdeSelection: settings.sdeSteps)
        let n = environment.count
        rolloutChain = FlowChain(batch: n, dimension: policy.dimension, steps: config.sampler.steps, noiseLevel: settings.noiseLevel)
        do { noiseBasis = try settings.noiseBasis(horizon: config.io.actionHorizon, jointNames: config.io.jointNames) }
        catch { preconditionFailure("\(error)") }
        rolloutChain.noiseBasis = noiseBasis
        let f = policy.valueTimeInputs
        storage = RolloutStorage(steps: settings.rolloutLength, envs: n, prefixWidth: policy.prefixWidth,
                                 denoisingSteps: config.sampler.steps, chunkSize: policy.dimension, groupCount: options.groupCount,
                                 timeWidth: f, residual: policy.correctsChunks)
        if f > 0 {
            clock = EpisodeClock(environments: n, limit: environment.episodeStepLimit, features: f)
            currentTime = .init(repeating: 0, count: n * f)
            timeGather = .init(repeating: 0, count: settings.minibatchSize * f)
        }
        chunks = [[Float]](repeating: [Float](repeating: 0, count: policy.dimension), count: n)
        prefixGather = [Float](repeating: 0, count: settings.minibatchSize * policy.prefixWidth)
        optimizer = AdamW(groups: ParameterGroups.rl(policy, method: settings.method, actorLearningRate: Float(settings.actorLearningRate),
                                                     criticLearningRate: Float(settings.criticLearningRate),
                                                     weightDecay: Float(settings.weightDecay)))
        optimizer.maxGradientNorm = Float(settings.maxGradNorm)
        order = MinibatchOrder(count: storage.count, minibatchSize: settings.minibatchSize)
        successReplay = settings.successReplayCapacity > 0
            ? SuccessReplay(capacity: settings.successReplayCapacity, envs: n, prefixWidth: policy.prefixWidth, chunkSize: policy.dimension)
            : nil
        replayAnchor = successReplay.map { ReplayFlowMatching(policy: policy, replay: $0) }
    }

    /// Rollout, advantages and update of iteration `iteration` (1-based).
    public func iterate(_ iteration: Int) throws -> IterationMetrics {
        let clock = ContinuousClock()
        var metrics = IterationMetrics()
        metrics.iteration = iteration
        let stepsBefore = environmentSteps
        let started = clock.now
        capStartStd(at: iteration)
        let outcomes = try rollout(iteration)
        let rolledOut = clock.now
        metrics.record(outcomes)
        computeAdvantages(&metrics)
        try update(iteration, &metrics)
        let finished = clock.now
        metrics.environmentSteps = environmentSteps
        metrics.rolloutSeconds = Self.seconds(rolledOut - started)
        metrics.updateSeconds = Self.seconds(finished - rolledOut)
        metrics.stepsPerSecond = Double(environmentSteps - stepsBefore) / max(1e-9, metrics.rolloutSeconds + metrics.updateSeconds)
        return metrics
    }

    // MARK: - Rollout

    /// Collects T decisions per environment into ``storage``; returns the episodes that finished.
    func rollout(_ iteration: Int) throws -> [EpisodeOutcome] {
        let grpo = settings.algorithm == .grpo
        let n = environment.count, p = policy.prefixWidth, d = policy.dimension, g = options.groupCount
        let links = storage.chainLength
        storage.beginIteration()
        var rng = RandomSource(seed: RunSeeds.seed(seed, .rollout, index: UInt64(iteration)))
        if grpo || observations == nil {
            observations = try environment.reset(groupSize: grpo ? settings.groupSize : 1)
            clock?.reset()
            successReplay?.discardPending()
        }
        var active = [Bool](repeating: true, count: n)
        var scores = [Float](repeating: 0, count: n)
        var outcomes: [EpisodeOutcome] = []
        for t in 0..<storage.steps {
            policy.encode(try packer.pack(observations!))
            let base = storage.row(step: t, env: 0)
            policy.prefixFeatures.withUnsafeBufferPointer { f in
                storage.prefixTNxP.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: base * p).update(from: f.baseAddress!, count: n * p) }
            }
            recordTime(base: base)
            let values = policy.values(timeFeatures: currentTime)
            for e in 0..<n { storage.valuesTN[base + e] = values[e] }
            sampler.sample(policy, into: rolloutChain, using: &rng)
            storage.chainsTNxKxD.withUnsafeMutableBufferPointer { out in
                for e in 0..<n {
                    for k in 0..<links {
                        (out.baseAddress! + ((base + e) * links + k) * d).update(from: rolloutChain.link(k) + e * d, count: d)
                    }
                }
            }
            for e in 0..<n { storage.stochasticStepTN[base + e] = rolloutChain.stochasticStep[e] }
            if let successReplay {
                storage.prefixTNxP.withUnsafeBufferPointer { prefixes in
                    for e in 0..<n {
                        successReplay.record(env: e, prefix: UnsafeBufferPointer(rebasing: prefixes[((base + e) * p)..<((base + e + 1) * p)]),
                                             chunk: UnsafeBufferPointer(start: rolloutChain.actions + e * d, count: d))
                    }
                }
            }
            let logLikelihood = FlowLikelihood.evaluate(policy, chain: rolloutChain, options: options)
            for i in 0..<(n * g) { storage.logProbTNxG[base * g + i] = logLikelihood.logProb[i] }
            for e in 0..<n { chunks[e] = actionNormalizer.invert(rolloutChain.chunk(e)) }
            let step = try environment.step(chunks: chunks, length: executedRows)
            for e in 0..<n {
                let i = base + e
                storage.rewardsTN[i] = Float(step.rewards[e])
                let done = step.terminated[e] || step.truncated[e]
                storage.donesTN[i] = done ? 1 : 0
                // The simulator resets on its own and returns the next episode's first
                // observation, so a time-limit cut bootstraps from V of the observation
                // the last chunk was chosen on (one chunk before the cut).
                if settings.bootstrapTimeLimit && step.truncated[e] && !step.terminated[e] { storage.truncationValuesTN[i] = values[e] }
                environmentSteps += step.executedSteps[e]
                if grpo {
                    storage.maskTN[i] = active[e] ? 1 : 0
                    if active[e] { scores[e] += Float(step.rewards[e]) }
                    if done { active[e] = false }
                }
            }
            if let successReplay {
                for outcome in step.finished { successReplay.finishEpisode(env: outcome.environment, success: outcome.success) }
            }
            clock?.advance(step)
            outcomes.append(contentsOf: step.finished)
            observations = step.observations
        }
        if grpo {
            assignGroupAdvantages(scores: scores)
        } else {
            policy.encode(try packer.pack(observations!))
            recordTime(base: nil)
            let last = policy.values(timeFeatures: currentTime)
            for e in 0..<n { storage.lastValuesN[e] = last[e] }
        }
        return outcomes
    }

    /// A critic with time inputs: the current episode times as features in ``currentTime``,
    /// stored at rows `base ..< base + N` unless `base` is nil (the observation after the last decision).
    private func recordTime(base: Int?) {
        guard let clock else { return }
        let f = clock.features
        currentTime.withUnsafeMutableBufferPointer { clock.write(into: $0.baseAddress!) }
        if let base { storage.timeTNxF.replaceSubrange((base * f)..<((base + clock.elapsed.count) * f), with: currentTime) }
    }

    /// GRPO: each environment's first episode of the window is one trajectory.
    private func assignGroupAdvantages(scores: [Float]) {
        let n = environment.count
        let groups = GroupAdvantages.groups(scores: scores, groupSize: settings.groupSize,
                                            minMean: Float(settings.groupScoreMin), maxMean: Float(settings.groupScoreMax))
        for e in 0..<n {
            let group = groups[e / settings.groupSize]
            let advantage = group.advantages[e % settings.groupSize]
            for t in 0..<storage.steps {
                let i = storage.row(step: t, env: e)
                if !group.kept { storage.maskTN[i] = 0 }
                storage.advantagesTN[i] = storage.maskTN[i] * advantage
                storage.returnsTN[i] = 0
            }
        }
    }

    // MARK: - Advantages

    private func computeAdvantages(_ metrics: inout IterationMetrics) {
        order.assign((0..<storage.count).lazy.filter { self.storage.maskTN[$0] > 0 })
        metrics.keptFraction = Double(order.permutation.count) / Double(storage.count)
        if settings.algorithm == .ppo {
            let gae = GAE.compute(rewards: storage.rewardsTN, values: storage.valuesTN, dones: storage.donesTN,
                                  truncationValues: storage.truncationValuesTN, lastValues: storage.lastValuesN,
                                  steps: storage.steps, envs: storage.envs, gamma: Float(settings.gamma), lambda: Float(settings.gaeLambda))
            storage.advantagesTN = gae.advantages
            storage.returnsTN = gae.returns
            metrics.explainedVariance = Diagnostics.explainedVariance(values: storage.valuesTN, returns: storage.returnsTN)
            metrics.meanAdvantage = Diagnostics.mean(storage.advantagesTN)
            if settings.normalizeAdvantages { storage.advantagesTN = PPOLoss.normalizeAdvantages(storage.advantagesTN) }
            if settings.permuteAdvantages {
                var rng = RandomSource(seed: RunSeeds.seed(seed, .update, index: UInt64(metrics.iteration) &+ 1 << 32))
                storage.advantagesTN.shuffle(using: &rng)
            }
        } else {
            metrics.meanAdvantage = Diagnostics.mean(order.permutation.map { storage.advantagesTN[$0] })
        }
    }

    // MARK: - Update

    private func update(_ iteration: Int, _ metrics: inout IterationMetrics) throws {
        guard !order.permutation.isEmpty else { return }
        let ppo = settings.algorithm == .ppo
        let warmup = ppo && iteration <= settings.criticWarmupIterations
        optimizer.groups[0].learningRate = warmup ? 0 : Float(settings.actorLearningRate(at: iteration))
        var rng = RandomSource(seed: RunSeeds.seed(seed, .update, index: UInt64(iteration)))
        let p = policy.prefixWidth, d = policy.dimension, g = options.groupCount
        let links = storage.chainLength
        var updates = 0.0
        for _ in 0..<settings.epochs {
            order.shuffle(using: &rng)
            for minibatch in 0..<order.minibatchCount {
                let batch = order.minibatch(minibatch)
                let size = batch.count
                let chain = updateChain(size)
                oldLogProb.removeAll(keepingCapacity: true)
                groupAdvantages.removeAll(keepingCapacity: true)
                gatherCriticRows(batch)
                for (j, row) in batch.enumerated() {
                    storage.chainsTNxKxD.withUnsafeBufferPointer { s in
                        for k in 0..<links { (chain.link(k) + j * d).update(from: s.baseAddress! + (row * links + k) * d, count: d) }
                    }
                    chain.stochasticStep[j] = storage.stochasticStepTN[row]
                    for q in 0..<g {
                        oldLogProb.append(storage.logProbTNxG[row * g + q])
                        groupAdvantages.append(storage.advantagesTN[row])
                    }
                }
                policy.parameters.zeroGradients()
                if !warmup, let demoAnchor, settings.demoLossCoefficient > 0 {
                    metrics.demoLoss += try accumulateAnchor(demoAnchor, iteration: iteration, update: Int(updates))
                }
                prefixGather.withUnsafeBufferPointer { policy.loadPrefixFeatures(UnsafeBufferPointer(rebasing: $0[0..<(size * p)]), count: size) }
                if !warmup, let referenceAnchor, settings.referenceCoefficient > 0 {
                    let stream = RunSeeds.seed(seed, .update, index: 1 << 40 | UInt64(iteration) << 16 | UInt64(updates))
                    metrics.referenceLoss += Double(prefixGather.withUnsafeBufferPointer {
                        referenceAnchor.accumulateGradient(policy: policy, chain: chain, rows: size, prefixes: $0,
                                                           streamSeed: stream, scale: Float(settings.referenceCoefficient))
                    })
                }
                if !warmup {
                    let now = FlowLikelihood.evaluate(policy, chain: chain, options: options)
                    let actor = PPOLoss.actor(logProb: now.logProb, oldLogProb: oldLogProb, advantages: groupAdvantages,
                                              clipCoef: Float(settings.clipCoef))
                    let noise = (settings.method == .flowNoise || settings.method.trainsHead) && settings.entropyBonus > 0
                    let dEntropy = noise ? [Float](repeating: -Float(settings.entropyBonus) / Float(size), count: size) : nil
                    let withGradient = FlowLikelihood.evaluateWithGradient(policy, chain: chain, options: options,
                                                                           dLogProb: actor.dLogProb, dEntropy: dEntropy)
                    metrics.pgLoss += Double(actor.pgLoss)
                    metrics.approxKL += Double(actor.approxKL)
                    metrics.clipFraction += Double(actor.clipFraction)
                    metrics.entropy += Diagnostics.mean(withGradient.entropy)
                }
                if ppo {
                    let critic = PPOLoss.critic(values: policy.values(timeFeatures: timeGather), oldValues: oldValues, returns: targets,
                                                clipCoef: Float(settings.valueClipCoef), huberDelta: Float(settings.huberDelta))
                    policy.backwardValues(critic.dValues)
                    metrics.vLoss += Double(critic.vLoss)
                }
                let report = optimizer.step(policy.parameters)
                metrics.gradNorm += report.gradientNorm.isFinite ? report.gradientNorm : 0
                if !report.applied { metrics.skippedUpdates += 1 }
                updates += 1
            }
        }
        if !warmup, let demoAnchor, settings.demoLossCoefficient > 0, settings.anchorStepsPerIteration > 0 {
            try anchorSteps(demoAnchor, iteration: iteration, firstUpdate: Int(updates))
        }
        if ppo, settings.criticOnlyEpochs > 0 { criticOnlyEpochs(using: &rng) }
        metrics.pgLoss /= updates; metrics.vLoss /= updates; metrics.approxKL /= updates
        metrics.clipFraction /= updates; metrics.entropy /= updates; metrics.gradNorm /= updates; metrics.demoLoss /= updates
        metrics.referenceLoss /= updates
    }

    /// A chain buffer for a minibatch of `size` decisions (one per size, kept).
    private func updateChain(_ size: Int) -> FlowChain {
        if let chain = updateChains[size] { return chain }
        let chain = FlowChain(batch: size, dimension: policy.dimension, steps: policy.config.sampler.steps, noiseLevel: settings.noiseLevel)
        chain.method = settings.method
        chain.sdeSelection = settings.sdeSteps
        chain.noiseBasis = noiseBasis
        updateChains[size] = chain
        return chain
    }

    /// A duration in seconds.
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
