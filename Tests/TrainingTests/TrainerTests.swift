import Foundation
import Testing
import Policy
@testable import Training

@Suite("SFT and RL trainers", .serialized)
struct TrainerTests {
    static func demos() throws -> (DemoDataset, TrainingConfig) {
        let config = Fixtures.config()
        let dir = Support.temporaryDirectory()
        try TargetBackend().recordDemonstrations(config.environment, episodes: 4, seed: 9, to: dir)
        return (try DemoDataset(directory: dir, cameras: config.policy.cameras), config)
    }

    @Test func sftLowersTheFlowMatchingLoss() throws {
        let (dataset, config) = try Self.demos()
        let policy = try FlowPolicy(config: config.policyConfig())
        policy.initialize(seed: 1)
        let trainer = SFTTrainer(policy: policy, dataset: dataset, normStats: dataset.normStats(), settings: config.sft)
        var first = 0.0, last = 0.0
        for step in 0..<80 {
            let loss = Double(try trainer.step(step, seed: 0).loss)
            if step < 10 { first += loss / 10 }
            if step >= 70 { last += loss / 10 }
        }
        #expect(last < 0.6 * first, "loss \(first) → \(last)")
    }

    static func rlTrainer(_ config: TrainingConfig, varyingTargets: Bool = true, decisionsPerEpisode: Int = 3,
                          successThreshold: Double = 0.01) throws -> RLTrainer {
        let policy = try FlowPolicy(config: config.policyConfig())
        policy.initialize(seed: 2)
        let stats = NormStatsFile.identity(for: policy.config)
        let environment = TargetEnvironment(count: config.environment.envs, seed: 5, imageSize: config.environment.imageSize,
                                            varyingTargets: varyingTargets, decisionsPerEpisode: decisionsPerEpisode,
                                            successThreshold: successThreshold)
        return RLTrainer(policy: policy, normStats: stats, environment: environment, settings: config.rl, seed: config.seed)
    }

    @Test(arguments: [SamplerMethod.flowNoise, .flowSDE])
    func ppoIterationReportsEveryDiagnostic(method: SamplerMethod) throws {
        var config = Fixtures.config(method: method)
        config.rl.granularity = .action
        let trainer = try Self.rlTrainer(config)
        let m = try trainer.iterate(1)
        #expect(m.environmentSteps == 6 * 4 * 2)
        #expect(m.episodes == 8)
        #expect(m.successRate.isFinite && m.meanReturn < 0)
        #expect(m.vLoss > 0 && m.gradNorm > 0 && m.skippedUpdates == 0)
        #expect(m.approxKL >= 0 && m.approxKL < 0.1)
        #expect(m.explainedVariance.isFinite)
        #expect((method == .flowNoise) == (m.entropy != 0))
        #expect(trainer.optimizer.stepCount == 2 * 2)
    }

    /// The first minibatch of the first epoch recomputes exactly the rollout's log π, for the
    /// flow's own likelihood and for each head's.
    @Test(arguments: [SamplerMethod.flowNoise, .noiseSteering, .residual])
    func recomputedLikelihoodMatchesTheRollout(method: SamplerMethod) throws {
        var config = Fixtures.config(method: method)
        if method != .flowNoise { config.rl.granularity = .chunk }
        if method == .noiseSteering { config.policy.architecture.noiseSteeringWidth = 16 }
        if method == .residual { config.policy.architecture.residualWidth = 16 }
        config.rl.epochs = 1
        config.rl.actorLearningRate = 0
        config.rl.criticLearningRate = 0
        let trainer = try Self.rlTrainer(config)
        let m = try trainer.iterate(1)
        #expect(m.approxKL < 1e-6, "ratios must start at 1, KL \(m.approxKL)")
        #expect(m.clipFraction == 0)
    }

    /// Smooth Flow-SDE noise reaches both the rollout and the update: every chain the trainer
    /// samples into or scores carries the basis (at the rollout's parameters the residual is
    /// already smooth, so only the gradient would tell a chain without it), the rollout's
    /// log π differs from independent noise's from the same seed, and the update's
    /// recomputed log π matches the rollout's.
    @Test func smoothNoiseReachesRolloutAndUpdate() throws {
        func firstIteration(noiseFrequencies: Int) throws -> (RLTrainer, IterationMetrics) {
            var config = Fixtures.config(method: .flowSDE)
            config.rl.granularity = .token
            config.rl.noiseFrequencies = .all(noiseFrequencies)
            config.rl.epochs = 1
            config.rl.actorLearningRate = 0
            config.rl.criticLearningRate = 0
            let trainer = try Self.rlTrainer(config)
            return (trainer, try trainer.iterate(1))
        }
        let (smooth, m) = try firstIteration(noiseFrequencies: 2)
        let (independent, _) = try firstIteration(noiseFrequencies: 0)
        let basis = ChunkNoiseBasis(horizon: 4, actionDim: smooth.policy.config.io.actionDim, frequencies: 2)
        #expect(smooth.rolloutChain.noiseBasis == basis)
        #expect(!smooth.updateChains.isEmpty && smooth.updateChains.values.allSatisfy { $0.noiseBasis == basis })
        #expect(independent.rolloutChain.noiseBasis == nil && independent.updateChains.values.allSatisfy { $0.noiseBasis == nil })
        #expect(m.approxKL < 1e-6, "ratios must start at 1, KL \(m.approxKL)")
        #expect(smooth.storage.logProbTNxG != independent.storage.logProbTNxG)
    }

    /// `rl.sdeSteps: every`: every denoising step of the rollout is stochastic, the update
    /// chains score all of them, and the recomputed log π matches the rollout's.
    @Test func everySDEStepIsScored() throws {
        func firstIteration(_ steps: SDEStepSelection) throws -> (RLTrainer, IterationMetrics) {
            var config = Fixtures.config(method: .flowSDE)
            config.rl.granularity = .token
            config.rl.sdeSteps = steps
            config.rl.epochs = 1
            config.rl.actorLearningRate = 0
            config.rl.criticLearningRate = 0
            let trainer = try Self.rlTrainer(config)
            return (trainer, try trainer.iterate(1))
        }
        let (every, m) = try firstIteration(.every)
        let (single, _) = try firstIteration(.single)
        #expect(every.storage.stochasticStepTN.allSatisfy { $0 == -1 })
        #expect(single.storage.stochasticStepTN.allSatisfy { (0..<3).contains($0) })
        #expect(!every.updateChains.isEmpty && every.updateChains.values.allSatisfy { $0.sdeSelection == .every })
        #expect(m.approxKL < 1e-6, "ratios must start at 1, KL \(m.approxKL)")
        #expect(every.storage.logProbTNxG != single.storage.logProbTNxG)
    }

    @Test func sameSeedSameRun() throws {
        let a = try Self.rlTrainer(Fixtures.config()), b = try Self.rlTrainer(Fixtures.config())
        for i in 1...2 {
            let ma = try a.iterate(i), mb = try b.iterate(i)
            #expect(ma.pgLoss == mb.pgLoss && ma.vLoss == mb.vLoss && ma.meanReturn == mb.meanReturn)
        }
        let pa = a.policy.parameters, pb = b.policy.parameters
        #expect((0..<pa.count).allSatisfy { pa.values[$0] == pb.values[$0] })
    }

    /// Mean return of the first and last 3 of 20 PPO Flow-SDE iterations on a one-decision
    /// bandit with a fixed target, with real or shuffled advantages.
    static func banditReturns(permuted: Bool) throws -> (early: Double, late: Double, all: [Double]) {
        var config = Fixtures.config(method: .flowSDE)
        config.rl.actorLearningRate = 1e-3
        config.rl.criticWarmupIterations = 0
        config.rl.rolloutLength = 12
        config.rl.minibatchSize = 24
        config.rl.epochs = 4
        config.rl.permuteAdvantages = permuted
        let trainer = try Self.rlTrainer(config, varyingTargets: false, decisionsPerEpisode: 1)
        var returns: [Double] = []
        for i in 1...20 { returns.append(try trainer.iterate(i).meanReturn) }
        return (returns.prefix(3).reduce(0, +) / 3, returns.suffix(3).reduce(0, +) / 3, returns)
    }

    /// PPO with Flow-SDE moves the bandit's chunks toward the target. (From a random
    /// initialization the initial noise x⁽⁰⁾ dominates the chunk's variance and Flow-Noise's
    /// small learned std gives too little signal for 20 iterations; after SFT, as in a real
    /// run, the flow is narrow and both work.)
    @Test func ppoRaisesTheReturn() throws {
        let r = try Self.banditReturns(permuted: false)
        #expect(r.late > r.early + 0.15, "mean return \(r.all)")
    }

    /// Noise steering and the residual on the same bandit: PPO trains the head alone, the flow's
    /// tensors stay bit-identical and the ratios start at 1. Moving the start alone brings the
    /// chunks toward the target. (The residual would have to learn to cancel the random flow's
    /// start noise from the chunk it reads, too slow a regression for 20 iterations; its
    /// learning is checked on the likelihood in RLHeadTests.)
    @Test(arguments: [SamplerMethod.noiseSteering, .residual])
    func headTrainsAlone(method: SamplerMethod) throws {
        var config = Fixtures.config(method: method)
        config.rl.actorLearningRate = 3e-3
        if method == .noiseSteering {
            config.policy.architecture.noiseSteeringWidth = 16
        } else {
            config.policy.architecture.residualWidth = 16
            config.policy.architecture.residualStd = 0.3
            config.rl.actorLearningRate = 1e-3   // σ 0.3 on the coefficients: a smaller step moves the ratio as much
        }
        config.rl.granularity = .chunk
        config.rl.criticWarmupIterations = 0
        config.rl.rolloutLength = 12
        config.rl.minibatchSize = 24
        config.rl.epochs = 4
        try config.validate()
        let trainer = try Self.rlTrainer(config, varyingTargets: false, decisionsPerEpisode: 1)
        let store = trainer.policy.parameters
        let start = Array(UnsafeBufferPointer(start: store.values, count: store.count))
        var returns: [Double] = []
        for i in 1...20 {
            let m = try trainer.iterate(i)
            if i == 1 { #expect(m.approxKL < 0.05 && m.entropy != 0, "first iteration: KL \(m.approxKL), entropy \(m.entropy)") }
            returns.append(m.meanReturn)
        }
        for e in store.layout.entries {
            let moved = e.range.contains { store.values[$0] != start[$0] }
            let trained = ParameterGroups.isRLHead(e.name) || ParameterGroups.isCritic(e.name)
            #expect(moved == trained, "\(e.name) \(moved ? "moved" : "stayed")")
        }
        if method == .noiseSteering {
            let early = returns.prefix(3).reduce(0, +) / 3, late = returns.suffix(3).reduce(0, +) / 3
            #expect(late > early + 0.15, "mean return \(returns)")
        }
    }

    /// Hybrid Flow-SDE on a steered policy fine-tunes the flow from the steered start: its one
    /// scored step never reads the start's density, so the ratios start at 1, the flow trains
    /// and the steering head stays bit-identical.
    @Test func flowSDEFineTunesTheFlowUnderAFrozenSteeringHead() throws {
        var config = Fixtures.config(method: .flowSDE)
        config.policy.architecture.noiseSteeringWidth = 16
        config.rl.criticWarmupIterations = 0
        try config.validate()
        let trainer = try Self.rlTrainer(config)
        let store = trainer.policy.parameters
        var rng = RandomSource(seed: 4)
        for e in store.layout.entries where FlowPolicy.isNoiseSteeringParameter(e.name) {
            for i in e.range { store.values[i] = Float(rng.uniformOpen() - 0.5) }   // a head that steers
        }
        let start = Array(UnsafeBufferPointer(start: store.values, count: store.count))
        let m = try trainer.iterate(1)
        #expect(trainer.rolloutChain.steeredStart && m.approxKL < 0.05)
        for e in store.layout.entries where !trainer.policy.isEncoderParameter(e.name) {
            let moved = e.range.contains { store.values[$0] != start[$0] }
            #expect(moved != FlowPolicy.isNoiseSteeringParameter(e.name), "\(e.name) \(moved ? "moved" : "stayed")")
        }
    }

    /// The permutation control shuffles the very advantages a normal run computes.
    @Test func permutedAdvantagesAreAShuffleOfTheRealOnes() throws {
        var config = Fixtures.config(method: .flowSDE)
        config.rl.actorLearningRate = 0
        config.rl.criticLearningRate = 0
        let real = try Self.rlTrainer(config)
        config.rl.permuteAdvantages = true
        let control = try Self.rlTrainer(config)
        _ = try real.iterate(1)
        _ = try control.iterate(1)
        let a = real.storage.advantagesTN, b = control.storage.advantagesTN
        #expect(a.sorted() == b.sorted())
        #expect(a != b)
    }

    /// On the bandit where real advantages raise the return, shuffled ones do not.
    @Test func permutedAdvantagesCarryNoSignal() throws {
        let r = try Self.banditReturns(permuted: true)
        #expect(r.late < r.early + 0.15, "mean return \(r.all)")
    }

    /// `accumulateGradient(scale:)` adds exactly `scale` times the flow-matching gradient.
    @Test func demoGradientScalesLinearly() throws {
        let (dataset, config) = try Self.demos()
        let policy = try FlowPolicy(config: config.policyConfig())
        policy.initialize(seed: 1)
        let demos = DemoFlowMatching(policy: policy, dataset: dataset, normStats: dataset.normStats(), batchSize: config.sft.batchSize)
        let store = policy.parameters
        store.zeroGradients()
        let loss = try demos.accumulateGradient(7)
        let unit = Array(UnsafeBufferPointer(start: store.gradients, count: store.count))
        store.zeroGradients()
        #expect(try demos.accumulateGradient(7, scale: 0.25) == loss)
        let quarter = Array(UnsafeBufferPointer(start: store.gradients, count: store.count))
        #expect(unit.contains { $0 != 0 })
        #expect(zip(unit, quarter).allSatisfy { abs(0.25 * $0 - $1) <= 1e-6 * max(1, abs($0)) })
    }

    /// With the demonstration anchor, RL updates also fit the demonstrations: from the same
    /// seed, the anchored actor ends with a lower flow-matching loss than the plain one.
    @Test func demoAnchorPullsTheActorTowardTheDemonstrations() throws {
        let (dataset, base) = try Self.demos()
        func demoLoss(anchor: Bool) throws -> (Float, Double) {
            var config = base
            config.rl.actorLearningRate = 3e-3
            config.rl.criticWarmupIterations = 0
            config.rl.demoLossCoefficient = anchor ? 1 : 0
            let trainer = try Self.rlTrainer(config)
            let demos = DemoFlowMatching(policy: trainer.policy, dataset: dataset, normStats: dataset.normStats(), batchSize: config.sft.batchSize)
            if anchor { trainer.demoAnchor = demos }
            var reported = 0.0
            for i in 1...8 { reported += try trainer.iterate(i).demoLoss }
            let loss = try (0..<4).map { try demos.accumulateGradient(UInt64(100 + $0)) }.reduce(0, +) / 4
            return (loss, reported)
        }
        let (plain, plainReported) = try demoLoss(anchor: false)
        let (anchored, anchoredReported) = try demoLoss(anchor: true)
        #expect(plainReported == 0 && anchoredReported > 0)
        #expect(anchored < 0.8 * plain, "flow-matching loss on the demos: plain \(plain), anchored \(anchored)")
    }

    /// The reference anchor: while the actor still equals the reference its penalty and
    /// gradient are exactly zero; after RL at a large rate the anchored actor's velocity field
    /// stays nearer the reference's, on the last rollout's chain states, than the plain one's.
    @Test func referenceAnchorHoldsTheActorNearTheStartPolicy() throws {
        func run(coefficient: Double) throws -> (atStart: Float, startGradient: Float, reported: Double, end: Float) {
            var config = Fixtures.config(method: .flowSDE)
            config.rl.actorLearningRate = 3e-3
            config.rl.criticWarmupIterations = 1
            config.rl.referenceCoefficient = coefficient
            let trainer = try Self.rlTrainer(config)
            let reference = try FlowPolicy(config: config.policyConfig())
            reference.initialize(seed: 2)
            let anchor = ReferenceAnchor(reference: reference)
            if coefficient > 0 { trainer.referenceAnchor = anchor }
            func distance(scale: Float) -> Float {
                let prefixes = trainer.policy.prefixFeatures
                return prefixes.withUnsafeBufferPointer {
                    anchor.accumulateGradient(policy: trainer.policy, chain: trainer.rolloutChain, rows: trainer.rolloutChain.batch,
                                              prefixes: $0, streamSeed: 11, scale: scale)
                }
            }
            _ = try trainer.iterate(1)   // critic warm-up: the actor is still the reference
            let store = trainer.policy.parameters
            store.zeroGradients()
            let atStart = distance(scale: 1)
            let startGradient = UnsafeBufferPointer(start: store.gradients, count: store.count).map(abs).max() ?? 0
            var reported = 0.0
            for i in 2...9 { reported += try trainer.iterate(i).referenceLoss }
            return (atStart, startGradient, reported, distance(scale: 0))
        }
        let plain = try run(coefficient: 0), held = try run(coefficient: 10)
        #expect(plain.atStart == 0 && plain.startGradient == 0 && held.atStart == 0 && held.startGradient == 0)
        #expect(plain.reported == 0 && held.reported > 0)
        #expect(plain.end > 0)
        #expect(held.end < 0.5 * plain.end, "velocity distance to the reference: plain \(plain.end), anchored \(held.end)")
    }

    /// Self-imitation: the replay holds exactly the decisions of the episodes that succeeded
    /// (the failed and the unfinished ones are not in it), and anchor steps on it fit them.
    @Test func successReplayKeepsTheDecisionsOfSuccessfulEpisodes() throws {
        let (dataset, base) = try Self.demos()
        var config = base
        config.rl.method = .flowSDE
        config.rl.demoLossCoefficient = 1
        config.rl.successReplayCapacity = 10_000
        let trainer = try Self.rlTrainer(config, successThreshold: 1.0)
        trainer.demoAnchor = DemoFlowMatching(policy: trainer.policy, dataset: dataset, normStats: dataset.normStats(), batchSize: config.sft.batchSize)
        var successful = 0, failed = 0
        for i in 1...3 {
            for outcome in try trainer.rollout(i) {
                if outcome.success { successful += outcome.length / config.policy.executedHorizon } else { failed += 1 }
            }
        }
        let replay = try #require(trainer.successReplay)
        #expect(successful > 0 && failed > 0, "the threshold gives both outcomes")
        #expect(replay.count == successful)
        let anchor = ReplayFlowMatching(policy: trainer.policy, replay: replay)
        let before = anchor.accumulateGradient(77, count: 32, scale: 0)
        trainer.optimizer.groups[0].learningRate = 3e-3
        for j in 0..<150 {
            trainer.policy.parameters.zeroGradients()
            _ = anchor.accumulateGradient(UInt64(j), count: 32, scale: 1)
            _ = trainer.optimizer.step(trainer.policy.parameters)
        }
        let after = anchor.accumulateGradient(77, count: 32, scale: 0)
        #expect(after < 0.75 * before, "flow-matching loss on the replayed decisions \(before) → \(after)")
    }

    /// `anchorStepsPerIteration` steps the actor on the anchor alone: from the same seed, the
    /// actor differs and the critic is exactly what the PPO update left.
    @Test func anchorStepsMoveTheActorAndNotTheCritic() throws {
        let (dataset, base) = try Self.demos()
        func run(anchorSteps: Int) throws -> (values: [Float], trainer: RLTrainer) {
            var config = base
            config.rl.criticWarmupIterations = 0
            config.rl.demoLossCoefficient = 1
            config.rl.anchorStepsPerIteration = anchorSteps
            let trainer = try Self.rlTrainer(config)
            trainer.demoAnchor = DemoFlowMatching(policy: trainer.policy, dataset: dataset, normStats: dataset.normStats(), batchSize: config.sft.batchSize)
            _ = try trainer.iterate(1)
            let store = trainer.policy.parameters
            return (Array(UnsafeBufferPointer(start: store.values, count: store.count)), trainer)
        }
        let plain = try run(anchorSteps: 0), stepped = try run(anchorSteps: 4)
        #expect(stepped.trainer.optimizer.stepCount == plain.trainer.optimizer.stepCount + 4)
        let actor = plain.trainer.optimizer.groups[0].ranges, critic = plain.trainer.optimizer.groups[1].ranges
        #expect(actor.contains { range in range.contains { plain.values[$0] != stepped.values[$0] } })
        #expect(critic.allSatisfy { range in range.allSatisfy { plain.values[$0] == stepped.values[$0] } })
        #expect(stepped.trainer.optimizer.groups[1].learningRate == plain.trainer.optimizer.groups[1].learningRate)
    }

    /// `criticOnlyEpochs` fits the critic further to the iteration's returns: from the same
    /// seed the actor is bit-identical, and the critic's error on that rollout is lower.
    @Test func criticOnlyEpochsFitTheCriticAndLeaveTheActor() throws {
        func run(criticEpochs: Int) throws -> (values: [Float], error: Double, trainer: RLTrainer) {
            var config = Fixtures.config(method: .flowSDE)
            config.rl.criticWarmupIterations = 0
            config.rl.criticOnlyEpochs = criticEpochs
            let trainer = try Self.rlTrainer(config)
            _ = try trainer.iterate(1)
            let s = trainer.storage
            s.prefixTNxP.withUnsafeBufferPointer { trainer.policy.loadPrefixFeatures($0, count: s.count) }
            let values = trainer.policy.values()
            let error = zip(values, s.returnsTN).map { Double(($0 - $1) * ($0 - $1)) }.reduce(0, +) / Double(s.count)
            let store = trainer.policy.parameters
            return (Array(UnsafeBufferPointer(start: store.values, count: store.count)), error, trainer)
        }
        let plain = try run(criticEpochs: 0), fitted = try run(criticEpochs: 20)
        let steps = plain.trainer.optimizer.stepCount
        #expect(fitted.trainer.optimizer.stepCount == steps + 20 * steps / plain.trainer.settings.epochs)
        let actor = plain.trainer.optimizer.groups[0].ranges
        #expect(actor.allSatisfy { range in range.allSatisfy { plain.values[$0] == fitted.values[$0] } })
        #expect(fitted.error < 0.8 * plain.error, "critic error on the rollout: \(plain.error) → \(fitted.error)")
        #expect(fitted.trainer.optimizer.groups[0].learningRate == plain.trainer.optimizer.groups[0].learningRate)
    }

    /// A critic with time inputs reads each decision's time left: the rollout stores the hat
    /// features of (limit − elapsed) / limit, and where only the time left tells returns apart
    /// (one fixed target that is never reached, the limit as the end) it fits them where a
    /// blind critic cannot.
    @Test func timeAwareCriticReadsTheTimeLeft() throws {
        func run(timeInputs: Int) throws -> (trainer: RLTrainer, explainedVariance: Double) {
            var config = Fixtures.config(method: .flowSDE)
            config.policy.architecture.valueTimeInputs = timeInputs
            config.rl.bootstrapTimeLimit = false
            config.rl.actorLearningRate = 0
            config.rl.criticWarmupIterations = 0
            config.rl.criticOnlyEpochs = 40
            let trainer = try Self.rlTrainer(config, varyingTargets: false, successThreshold: 0)
            var explained = 0.0
            for iteration in 1...4 { explained = try trainer.iterate(iteration).explainedVariance }
            return (trainer, explained)
        }
        let timed = try run(timeInputs: 3), blind = try run(timeInputs: 0)
        // 3 decisions of 2 steps per episode: 6, 4 and 2 of the 6 steps left.
        let s = timed.trainer.storage
        let expected: [[Float]] = [[0, 0, 1], [0, 2.0 / 3, 1.0 / 3], [1.0 / 3, 2.0 / 3, 0]]
        for t in 0..<s.steps {
            for e in 0..<s.envs {
                let row = s.row(step: t, env: e)
                let stored = Array(s.timeTNxF[(row * 3)..<(row * 3 + 3)])
                #expect(zip(stored, expected[t % 3]).allSatisfy { abs($0 - $1) < 1e-6 }, "decision \(t): \(stored)")
            }
        }
        #expect(blind.trainer.storage.timeTNxF.isEmpty)
        #expect(timed.explainedVariance > 0.4 && blind.explainedVariance < 0.1,
                "explained variance: time-aware \(timed.explainedVariance), blind \(blind.explainedVariance)")
    }

    /// `scoreGripper: false` drops the gripper's entries from log π and nothing else: from the
    /// same seed the rollout is the same, and each arm entry's per-token log π is unchanged.
    @Test func unscoredGripperLeavesOnlyItsEntriesOut() throws {
        func rollout(scoreGripper: Bool) throws -> RLTrainer {
            var config = Fixtures.config(method: .flowSDE)
            config.rl.granularity = .token
            config.rl.scoreGripper = scoreGripper
            let trainer = try Self.rlTrainer(config)
            _ = try trainer.rollout(1)
            return trainer
        }
        let all = try rollout(scoreGripper: true), arm = try rollout(scoreGripper: false)
        let rows = all.options.executedRows
        #expect(all.options.groupCount == rows * 6 && arm.options.groupCount == rows * 5)
        #expect(all.storage.chainsTNxKxD == arm.storage.chainsTNxKxD)
        for decision in 0..<all.storage.count {
            for row in 0..<rows {
                for joint in 0..<5 {
                    #expect(arm.storage.logProbTNxG[decision * rows * 5 + row * 5 + joint]
                            == all.storage.logProbTNxG[decision * rows * 6 + row * 6 + joint])
                }
            }
        }
    }

    /// A time-limit cut bootstraps from the critic unless `bootstrapTimeLimit` is off, when it
    /// ends the return like a termination.
    @Test(arguments: [true, false])
    func timeLimitBootstrapFollowsTheSetting(bootstrap: Bool) throws {
        var config = Fixtures.config(method: .flowSDE)
        config.rl.bootstrapTimeLimit = bootstrap
        let trainer = try Self.rlTrainer(config)
        let outcomes = try trainer.rollout(1)
        let s = trainer.storage
        // Done without the target's success (a chunk error of 0.01 or more): cut by the time limit.
        let cut = (0..<s.count).filter { s.donesTN[$0] > 0 && s.rewardsTN[$0] <= -0.01 }
        #expect(outcomes.contains { !$0.success } && !cut.isEmpty)
        #expect(cut.allSatisfy { (s.truncationValuesTN[$0] != 0) == bootstrap }, "cut rows \(cut.count)")
        #expect((0..<s.count).allSatisfy { s.donesTN[$0] > 0 || s.truncationValuesTN[$0] == 0 })
    }

    @Test func grpoUsesOnlyTheFirstEpisodeOfEachEnvironment() throws {
        var config = Fixtures.config(algorithm: .grpo, method: .flowSDE)
        config.rl.rolloutLength = 4
        config.rl.minibatchSize = 4
        let trainer = try Self.rlTrainer(config)
        let m = try trainer.iterate(1)
        #expect(m.keptFraction <= 3.0 / 4.0)
        #expect(m.vLoss == 0)
        let s = trainer.storage
        for e in 0..<4 {
            let rows = (0..<4).map { s.row(step: $0, env: e) }
            let used = rows.filter { s.maskTN[$0] > 0 }
            #expect(Set(used.map { s.advantagesTN[$0] }).count <= 1, "one advantage per trajectory")
        }
    }
}
