import Foundation
import Policy

/// A `pirl-robot train-sim` run: stages sft → rl (PPO or GRPO) → eval in one output
/// directory, each resumable from its last checkpoint (`state.json` says where the run
/// stands). Files: `config.yaml`, `state.json`, `metrics.csv`, `tensorboard/`,
/// `success.png`, `checkpoints/{sft,rl-latest,best,iter_NNNNNN}`, `eval.json`, and
/// `demos/` when the run recorded its own demonstrations.
public final class TrainSimRun {
    /// The validated config.
    public let config: TrainingConfig
    /// The output directory.
    public let directory: String
    /// Where environments and demonstrations come from.
    public let backend: any TrainingBackend
    /// Receives progress lines.
    public var report: (String) -> Void
    /// Where the run stands.
    public internal(set) var state: RunState
    let checkpoints: RunCheckpoints
    let log: RunLog
    private let configText: String

    /// Opens (or resumes) the run in `directory`; a directory holding a different config is
    /// refused, except for `rl.iterations`, which may grow to train further.
    public init(config: TrainingConfig, directory: String, backend: any TrainingBackend, report: @escaping (String) -> Void = { print($0) }) throws {
        try config.validate()
        self.config = config
        self.directory = directory
        self.backend = backend
        self.report = report
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        configText = try config.yaml()
        let configPath = directory + "/config.yaml"
        if FileManager.default.fileExists(atPath: configPath) {
            var saved = try TrainingConfig(contentsOf: configPath)
            saved.rl.iterations = config.rl.iterations
            guard saved == config else {
                throw ConfigError(field: configPath, value: "a different config",
                                  rule: "the same config to resume this run (only rl.iterations may change); use a new --out directory")
            }
        }
        try configText.write(toFile: configPath, atomically: true, encoding: .utf8)
        state = try RunState.load(from: directory)
        checkpoints = RunCheckpoints(run: directory)
        log = try RunLog(directory: directory)
        if let csv = try? String(contentsOfFile: directory + "/metrics.csv", encoding: .utf8) {
            log.restorePlot(SuccessPlot(csv: csv))
        }
    }

    /// Runs every stage that is not finished yet.
    public func run() throws {
        try runSFT()
        try runRL()
        try runEvaluation()
    }

    func provenance(steps: Int, evalSuccess: Double?) -> PolicyConfig.Provenance {
        PolicyConfig.Provenance(task: config.environment.task, trainingConfig: configText, seed: config.seed,
                                steps: steps, evalSuccess: evalSuccess)
    }

    // MARK: - SFT

    /// The demonstrations: the configured directory, or ones this run records into `demos/`.
    func demonstrations() throws -> DemoDataset {
        let dir: String
        if let configured = config.sft.demoDirectory {
            dir = configured
        } else {
            dir = directory + "/demos"
            if !FileManager.default.fileExists(atPath: dir + "/dataset.json") {
                report("sft: recording \(config.sft.demos) scripted demonstrations of \(config.environment.task) into \(dir)")
                try backend.recordDemonstrations(config.environment, episodes: config.sft.demos,
                                                 seed: RunSeeds.seed(config.seed, .demos), to: dir)
            }
        }
        return try DemoDataset(directory: dir, cameras: config.policy.cameras, objectState: config.policy.objectState,
                               limit: config.sft.demos)
    }

    func runSFT() throws {
        if let source = config.sft.fromCheckpoint { return try adopt(source) }
        if let teacher = config.sft.teacher { return try runDistillation(teacher: teacher) }
        let total = config.sft.steps
        guard state.sftSteps < total || !checkpoints.exists("sft") else { return }
        let clock = ContinuousClock()
        var lastSave = clock.now
        let dataset = try demonstrations()
        let policy: FlowPolicy, normStats: NormStatsFile
        var startStep = 0, optimizerSteps = 0
        if checkpoints.exists("sft-latest") && state.sftSteps > 0 {
            (policy, normStats) = try checkpoints.load("sft-latest")
            optimizerSteps = try OptimizerState.load(into: policy.parameters, from: checkpoints.path("sft-latest"))
            startStep = state.sftSteps
            report("sft: resuming at step \(startStep)/\(total)")
        } else {
            policy = try FlowPolicy(config: config.policyConfig())
            policy.initialize(seed: RunSeeds.seed(config.seed, .initialization))
            normStats = dataset.normStats()
        }
        let trainer = SFTTrainer(policy: policy, dataset: dataset, normStats: normStats, settings: config.sft)
        trainer.optimizer.stepCount = optimizerSteps
        report("sft: \(dataset.episodes.count) demos, \(dataset.samples.count) samples, \(total) steps of \(config.sft.batchSize)")
        var recent = 0.0, recentCount = 0
        for step in startStep..<total {
            let result = try trainer.step(step, seed: config.seed)
            log.logSFT(step: step + 1, loss: Double(result.loss))
            recent += Double(result.loss); recentCount += 1
            let done = step + 1
            if done % 100 == 0 || done == total {
                try log.events.flush()
                report("sft: step \(done)/\(total) | loss \(ProgressLine.fixed(recent / Double(recentCount), 4))"
                       + " | lr \(String(format: "%.2e", config.sft.learningRate(atStep: step)))")
                recent = 0; recentCount = 0
            }
            if done % 500 == 0 || done == total {
                try saveSFTProgress(policy, normStats: normStats, steps: done, optimizerSteps: trainer.optimizer.stepCount,
                                    since: &lastSave, clock: clock)
            }
        }
        try finishSFT(policy, normStats: normStats)
    }

    /// `sft-latest` (with the optimizer's moments) after `steps` steps; the stage's time since `lastSave` is added.
    func saveSFTProgress(_ policy: FlowPolicy, normStats: NormStatsFile, steps: Int, optimizerSteps: Int,
                         since lastSave: inout ContinuousClock.Instant, clock: ContinuousClock) throws {
        try checkpoints.save("sft-latest", policy: policy, normStats: normStats, provenance: provenance(steps: steps, evalSuccess: nil),
                             optimizerSteps: optimizerSteps)
        state.sftSteps = steps
        state.sftSeconds += RLTrainer.seconds(clock.now - lastSave)
        lastSave = clock.now
        try state.save(to: directory)
    }

    /// Evaluates the trained policy and saves it as `sft`: the stage is done.
    func finishSFT(_ policy: FlowPolicy, normStats: NormStatsFile) throws {
        let success = try evaluate(policy, normStats: normStats, episodes: max(config.eval.periodicEpisodes, 1), tag: "sft", at: 0)
        try checkpoints.save("sft", policy: policy, normStats: normStats, provenance: provenance(steps: config.sft.steps, evalSuccess: success))
        state.sftSteps = config.sft.steps
        state.sftSuccess = success
        try state.save(to: directory)
    }

    /// `sft.fromCheckpoint`: the checkpoint becomes this run's `sft` with this config's
    /// sampler and executed horizon, after checking that the network is the one configured
    /// (up to the critic's time inputs and a noise-steering or residual head, which a checkpoint without them gains).
    func adopt(_ source: String) throws {
        guard !checkpoints.exists("sft") else { return }
        let (loaded, normStats) = try PolicyCheckpoint.load(from: source)
        let wanted = config.policyConfig()
        let have = loaded.config
        // A critic without time inputs grows them (its other tensors are a prefix of the layout).
        var haveArchitecture = have.architecture
        let growsTimeInputs = haveArchitecture.valueTimeInputs == 0 && wanted.architecture.valueTimeInputs > 0
        if growsTimeInputs { haveArchitecture.valueTimeInputs = wanted.architecture.valueTimeInputs }
        // A flow without a steering or residual head grows the configured one (registered last;
        // it starts as "no change").
        let wantedHeads = wanted.architecture
        let growsHead = haveArchitecture.noiseSteeringWidth == 0 && haveArchitecture.residualWidth == 0
            && (wantedHeads.noiseSteeringWidth > 0 || wantedHeads.residualWidth > 0)
        if growsHead { haveArchitecture.takeRLHeads(from: wantedHeads) }
        let mismatches = Self.networkDifferences(have, wanted, haveArchitecture: haveArchitecture)
        guard mismatches.isEmpty else {
            throw ConfigError(field: "sft.fromCheckpoint", value: source,
                              rule: "a checkpoint of the configured network (differs in \(mismatches.joined(separator: "; ")))")
        }
        let policy = try FlowPolicy(config: wanted)
        policy.parameters.values.update(from: loaded.parameters.values, count: loaded.parameters.count)
        if growsTimeInputs {
            policy.initializeValueTimeInputs(seed: RunSeeds.seed(config.seed, .initialization, index: 1))
            report("sft: the critic grows \(wanted.architecture.valueTimeInputs) time inputs (architecture.valueTimeInputs)")
        }
        if growsHead {
            policy.initializeHeads(seed: RunSeeds.seed(config.seed, .initialization, index: 2))
            if wantedHeads.noiseSteeringWidth > 0 {
                report("sft: the flow grows a noise-steering head of width \(wantedHeads.noiseSteeringWidth) (architecture.noiseSteeringWidth), starting at N(0, I)")
            } else {
                report("sft: the flow grows a residual head of width \(wantedHeads.residualWidth) (architecture.residualWidth), starting at a zero correction with σ = \(wantedHeads.residualStd)")
            }
        }
        let previous = have.provenance.evalSuccess.map { ProgressLine.fixed($0, 3) } ?? "unknown"
        report("sft: starting from \(source) (\(have.provenance.steps ?? 0) steps, its eval success \(previous))")
        let success = try evaluate(policy, normStats: normStats, episodes: max(config.eval.periodicEpisodes, 1), tag: "sft", at: 0)
        try checkpoints.save("sft", policy: policy, normStats: normStats,
                             provenance: provenance(steps: have.provenance.steps ?? 0, evalSuccess: success))
        state.sftSteps = config.sft.steps
        state.sftSuccess = success
        try state.save(to: directory)
    }

    // MARK: - RL

    func runRL() throws {
        let total = config.rl.iterations
        guard state.rlIterations < total else { return }
        // A run extended to more iterations evaluates its new best checkpoint again.
        state.finalEvaluation = nil
        let source = state.rlIterations > 0 && checkpoints.exists("rl-latest") ? "rl-latest" : "sft"
        let (policy, normStats) = try checkpoints.load(source)
        let environment = try backend.makeEnvironment(config.environment, count: config.environment.envs,
                                                      seed: RunSeeds.seed(config.seed, .environments, index: UInt64(state.rlIterations)))
        let trainer: any RLStage
        if config.rl.algorithm.usesReplayCritics {
            guard policy.steersNoise else {
                throw ConfigError(field: "policy.architecture.noiseSteeringWidth", value: "0",
                                  rule: "positive with rl.algorithm \(config.rl.algorithm.rawValue) (checkpoint \(source) has no steering head)")
            }
            if config.rl.sac.privilegedCritic && normStats.normStats["privileged"] == nil {
                throw ConfigError(field: "rl.sac.privilegedCritic", value: "true",
                                  rule: "a checkpoint whose norm_stats.json has \"privileged\" statistics (checkpoint \(source) has none; a camera policy distilled with sft.teacher has them)")
            }
            let sac = NoiseSAC(policy: policy, normStats: normStats, environment: environment, settings: config.rl,
                               seed: config.seed, environmentSteps: state.environmentSteps)
            let actor = config.rl.algorithm == .sac ? "SAC" : "PPO's clipped surrogate under replay critics"
            let critic = config.rl.sac.privilegedCritic ? ", critics that also read the \(sac.privilegedWidth) privileged values (asymmetric)" : ""
            report("rl: \(actor) over the flow's start\(critic): replay of \(config.rl.sac.replayCapacity) decisions, \(config.rl.sac.updatesPerStep) gradient steps of \(config.rl.sac.batchSize) per decision step from \(config.rl.sac.startDecisions) decisions on")
            trainer = sac
        } else {
            trainer = try makeTrainer(policy: policy, normStats: normStats, environment: environment)
        }
        if source == "rl-latest" {
            trainer.optimizerStepCount = try OptimizerState.load(into: policy.parameters, from: checkpoints.path(source))
            try trainer.loadState(from: checkpoints.path(source))
            report("rl: resuming after iteration \(state.rlIterations)/\(total)")
        } else {
            let store = policy.parameters
            store.firstMoment.update(repeating: 0, count: store.count)
            store.secondMoment.update(repeating: 0, count: store.count)
        }
        report("rl: \(config.rl.algorithm.rawValue) with \(config.rl.method.rawValue), \(config.environment.envs) envs × \(config.rl.rolloutLength) decisions, \(total) iterations")
        var spent = 0.0
        let first = state.rlIterations + 1
        for iteration in first...total {
            let metrics = try trainer.iterate(iteration)
            try log.log(metrics)
            spent += metrics.rolloutSeconds + metrics.updateSeconds
            let perIteration = spent / Double(iteration - first + 1)
            state.rlIterations = iteration
            state.environmentSteps = trainer.environmentSteps
            state.optimizerSteps = trainer.optimizerStepCount
            state.rlSeconds += metrics.rolloutSeconds + metrics.updateSeconds
            report(ProgressLine.format(metrics, iterations: total, secondsLeft: perIteration * Double(total - iteration)))
            if config.eval.periodicEpisodes > 0 && (iteration % config.eval.everyIterations == 0 || iteration == total) {
                if let replay = (trainer as? RLTrainer)?.successReplay {
                    report("rl: success replay holds \(replay.count) decisions (\(replay.episodesAdded) successful episodes added)")
                }
                let success = try evaluate(policy, normStats: normStats, episodes: config.eval.periodicEpisodes, tag: "rl", at: trainer.environmentSteps)
                if success > (state.bestSuccess ?? -1) {
                    state.bestSuccess = success
                    state.bestIteration = iteration
                    try checkpoints.save("best", policy: policy, normStats: normStats,
                                         provenance: provenance(steps: trainer.environmentSteps, evalSuccess: success))
                }
            }
            if iteration % config.output.checkpointEvery == 0 || iteration == total {
                let p = provenance(steps: trainer.environmentSteps, evalSuccess: nil)
                try checkpoints.save("rl-latest", policy: policy, normStats: normStats, provenance: p, optimizerSteps: trainer.optimizerStepCount,
                                     extra: trainer.saveState(to:))
                try checkpoints.save(String(format: "iter_%06d", iteration), policy: policy, normStats: normStats, provenance: p)
                try state.save(to: directory)
            }
        }
        try state.save(to: directory)
    }

    /// PPO or GRPO with the configured anchors.
    private func makeTrainer(policy: FlowPolicy, normStats: NormStatsFile, environment: any VectorChunkEnvironment) throws -> RLTrainer {
        // Refused here, not as RLTrainer's precondition.
        _ = try config.rl.scoredJoints(of: policy.config.io.jointNames)
        _ = try config.rl.noiseBasis(horizon: policy.config.io.actionHorizon, jointNames: policy.config.io.jointNames)
        let trainer = RLTrainer(policy: policy, normStats: normStats, environment: environment, settings: config.rl,
                                seed: config.seed, environmentSteps: state.environmentSteps)
        if config.rl.demoLossCoefficient > 0 {
            trainer.demoAnchor = DemoFlowMatching(policy: policy, dataset: try demonstrations(), normStats: normStats,
                                                  batchSize: config.sft.batchSize)
            report("rl: actor anchored to the demonstrations with flow-matching weight \(config.rl.demoLossCoefficient)")
            if config.rl.successReplayCapacity > 0 {
                report("rl: \(Int((config.rl.successReplayFraction * 100).rounded())) % of each anchor minibatch from a replay of up to \(config.rl.successReplayCapacity) successful decisions")
            }
        }
        if config.rl.referenceCoefficient > 0 {
            trainer.referenceAnchor = ReferenceAnchor(reference: try checkpoints.load("sft").0)
            report("rl: actor held to the SFT policy's velocities on the visited chain states with weight \(config.rl.referenceCoefficient)")
        }
        return trainer
    }

    // MARK: - Evaluation

    /// Success rate of `policy` over `episodes` evaluation episodes (environment seeds apart from training's).
    func evaluate(_ policy: FlowPolicy, normStats: NormStatsFile, episodes: Int, tag: String, at steps: Int) throws -> Double {
        let summary = try evaluationSummary(policy, normStats: normStats, episodes: episodes, split: nil, selection: true)
        let (lo, hi) = summary.wilson95
        report("eval \(tag): success \(summary.successes)/\(summary.episodes) = \(ProgressLine.fixed(summary.rate, 3)) (95 % CI \(ProgressLine.fixed(lo, 3))–\(ProgressLine.fixed(hi, 3))), \(ProgressLine.fixed(summary.seconds, 1)) s")
        try log.logEvaluation(tag: tag, success: summary.rate, environmentSteps: steps)
        return summary.rate
    }

    /// Evaluates on the training split, or on `split` when given. `selection` evaluations (the
    /// periodic ones that pick `best`) draw episodes from a stream of their own, so the final
    /// number is measured on episodes the choice of checkpoint never saw.
    func evaluationSummary(_ policy: FlowPolicy, normStats: NormStatsFile, episodes: Int, split: String?,
                           selection: Bool = false) throws -> EvaluationSummary {
        var settings = config.environment
        settings.split = split ?? settings.split
        let offset = config.eval.seedOffset &+ (selection ? Self.selectionSeedOffset : 0)
        let environment = try backend.makeEnvironment(settings, count: min(settings.envs, episodes),
                                                      seed: config.seed &+ offset)
        return try PolicyEvaluator(policy: policy, normStats: normStats)
            .evaluate(in: environment, episodes: episodes, method: config.eval.method, seed: RunSeeds.seed(config.seed, .evaluation))
    }

    /// Added to the evaluation seed offset for the periodic, checkpoint-selecting evaluations.
    static let selectionSeedOffset: UInt64 = 7_777_777

    func runEvaluation() throws {
        guard state.finalEvaluation == nil else { return }
        let name = checkpoints.exists("best") ? "best" : (checkpoints.exists("rl-latest") ? "rl-latest" : "sft")
        let (policy, normStats) = try checkpoints.load(name)
        let summary = try evaluationSummary(policy, normStats: normStats, episodes: config.eval.episodes, split: config.eval.split)
        let (lo, hi) = summary.wilson95
        report("eval final (\(name)): success \(summary.successes)/\(summary.episodes) = \(ProgressLine.fixed(summary.rate, 3)) (95 % CI \(ProgressLine.fixed(lo, 3))–\(ProgressLine.fixed(hi, 3)))")
        if summary.successes < summary.episodes { report("eval final failures: \(summary.failureSummary)") }
        try log.logEvaluation(tag: "final", success: summary.rate, environmentSteps: state.environmentSteps)
        try checkpoints.save("final", policy: policy, normStats: normStats,
                             provenance: provenance(steps: state.environmentSteps, evalSuccess: summary.rate))
        state.finalEvaluation = summary
        state.evalSeconds += summary.seconds
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(FinalReport(checkpoint: name, split: config.eval.split ?? config.environment.split, evaluation: summary,
                                       sftSuccess: state.sftSuccess, lower95: lo, upper95: hi))
            .write(to: URL(fileURLWithPath: directory + "/eval.json"), options: .atomic)
        try state.save(to: directory)
    }

    private struct FinalReport: Encodable {
        var checkpoint: String
        var split: String
        var evaluation: EvaluationSummary
        var sftSuccess: Double?
        var lower95: Double, upper95: Double
    }

    /// How the checkpoint network `have` differs from the configured `wanted` one (empty: its
    /// parameters load as they are), comparing `haveArchitecture` in place of its own architecture
    /// (a checkpoint that grows heads compares as grown).
    static func networkDifferences(_ have: PolicyConfig, _ wanted: PolicyConfig,
                                   haveArchitecture: PolicyConfig.Architecture? = nil) -> [String] {
        var differences: [String] = []
        if (haveArchitecture ?? have.architecture) != wanted.architecture { differences.append("architecture") }
        if have.io.cameras != wanted.io.cameras { differences.append("cameras \(have.io.cameras.map(\.name)) vs \(wanted.io.cameras.map(\.name))") }
        if have.io.stateDim != wanted.io.stateDim || have.io.objectStateDim != wanted.io.objectStateDim {
            differences.append("state \(have.io.stateDim) (\(have.io.objectStateDim) object) vs \(wanted.io.stateDim) (\(wanted.io.objectStateDim) object)")
        }
        if have.io.actionHorizon != wanted.io.actionHorizon || have.io.actionDim != wanted.io.actionDim || have.io.jointNames != wanted.io.jointNames {
            differences.append("action chunk \(have.io.actionHorizon)×\(have.io.actionDim) vs \(wanted.io.actionHorizon)×\(wanted.io.actionDim)")
        }
        return differences
    }
}
