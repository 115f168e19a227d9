import Foundation
import Policy

extension TrainSimRun {
    /// The SFT stage as DAgger from `sft.teacher` (``DAggerDistillation``): the configured
    /// student (fresh, with the teacher's action statistics) is trained round by round;
    /// `sft-latest` after every round, the student's evaluation every `eval.everyIterations`
    /// rounds, `sft` at the end.
    func runDistillation(teacher path: String) throws {
        let settings = config.sft, total = settings.steps, rounds = settings.distill.rounds
        guard state.sftSteps < total || !checkpoints.exists("sft") else { return }
        let clock = ContinuousClock()
        var lastSave = clock.now
        let wanted = config.policyConfig()
        let teacher = try DistillationTeacher(checkpoint: path, student: wanted)
        let student: FlowPolicy, normStats: NormStatsFile
        var optimizerSteps = 0
        if checkpoints.exists("sft-latest") && state.sftSteps > 0 {
            (student, normStats) = try checkpoints.load("sft-latest")
            optimizerSteps = try OptimizerState.load(into: student.parameters, from: checkpoints.path("sft-latest"))
        } else if let initial = settings.distill.initialStudent {
            (student, normStats) = try Self.loadInitialStudent(initial, wanted: wanted)
            report("distill: the student starts from \(initial) (its eval success \(student.config.provenance.evalSuccess.map { ProgressLine.fixed($0, 3) } ?? "unknown"))")
        } else {
            student = try FlowPolicy(config: wanted)
            student.initialize(seed: RunSeeds.seed(config.seed, .initialization))
            normStats = teacher.studentNormStats(jointCount: wanted.io.stateDim - wanted.io.objectStateDim)
        }
        let firstRound = (0..<rounds).first { DAggerDistillation.steps(ofRound: $0, totalSteps: total, rounds: rounds).upperBound > state.sftSteps } ?? rounds
        let environment = try backend.makeEnvironment(config.environment, count: config.environment.envs,
                                                      seed: RunSeeds.seed(config.seed, .environments, index: Self.distillationEnvironmentIndex + UInt64(firstRound)))
        let stage = DAggerDistillation(student: student, normStats: normStats, teacher: teacher, environment: environment,
                                       sft: settings, seed: config.seed)
        stage.trainer.optimizer.stepCount = optimizerSteps
        let teacherSuccess = teacher.policy.config.provenance.evalSuccess.map { ProgressLine.fixed($0, 3) } ?? "unknown"
        report("distill: teacher \(path) (its eval success \(teacherSuccess)); \(rounds) DAgger rounds × \(config.environment.envs) envs × \(settings.distill.decisionsPerRound) decisions, \(total) steps of \(settings.batchSize) on an aggregate of up to \(settings.distill.capacity)")
        if firstRound > 0 { report("distill: resuming at round \(firstRound + 1)/\(rounds) with an empty aggregate") }
        for round in firstRound..<rounds {
            let collected = try stage.collect(round: round)
            let trainStart = clock.now
            var loss = 0.0, probeLoss = 0.0
            let steps = DAggerDistillation.steps(ofRound: round, totalSteps: total, rounds: rounds)
            for step in steps {
                let result = try stage.trainer.step(step, seed: config.seed)
                log.logSFT(step: step + 1, loss: Double(result.loss))
                loss += Double(result.loss)
                probeLoss += Double(result.probeLoss)
            }
            let trainSeconds = RLTrainer.seconds(clock.now - trainStart)
            log.events.addScalar("distill/imitation_error", collected.imitationError, step: round + 1)
            log.events.addScalar("distill/student_share", collected.studentShare, step: round + 1)
            if student.privilegedProbeWidth > 0 { log.events.addScalar("distill/probe_loss", probeLoss / Double(max(steps.count, 1)), step: round + 1) }
            if collected.ticks > 0 {
                log.events.addScalar("distill/clamped_fraction", Double(collected.clampedTicks) / Double(collected.ticks), step: round + 1)
            }
            if collected.episodes > 0 {
                log.events.addScalar("distill/rollout_success", Double(collected.successes) / Double(collected.episodes), step: round + 1)
            }
            try log.events.flush()
            let rolloutSuccess = collected.episodes > 0 ? "\(collected.successes)/\(collected.episodes)" : "–"
            report("distill: round \(round + 1)/\(rounds) | β \(ProgressLine.fixed(collected.studentShare, 2))"
                   + " | student drove \(collected.studentDecisions)/\(collected.decisions) | episodes ok \(rolloutSuccess)"
                   + " | imitation error \(ProgressLine.fixed(collected.imitationError, 4)) | loss \(ProgressLine.fixed(loss / Double(max(steps.count, 1)), 4))"
                   + (student.privilegedProbeWidth > 0 ? " | probe \(ProgressLine.fixed(probeLoss / Double(max(steps.count, 1)), 4))" : "")
                                      + (collected.ticks > 0 ? " | clamped \(ProgressLine.fixed(100 * Double(collected.clampedTicks) / Double(collected.ticks), 1)) % of ticks" : "")
                   + " | \(collected.samples) samples | collect \(ProgressLine.fixed(collected.collectSeconds, 1)) s, train \(ProgressLine.fixed(trainSeconds, 1)) s")
            if config.eval.periodicEpisodes > 0 && (round + 1) % config.eval.everyIterations == 0 && round + 1 < rounds {
                _ = try evaluate(student, normStats: normStats, episodes: config.eval.periodicEpisodes, tag: "distill", at: steps.upperBound)
            }
            try saveSFTProgress(student, normStats: normStats, steps: steps.upperBound, optimizerSteps: stage.trainer.optimizer.stepCount,
                                since: &lastSave, clock: clock)
        }
        try finishSFT(student, normStats: normStats)
    }

    /// The checkpoint at `path` as the configured student network (same architecture, cameras,
    /// state and action chunk), with its norm stats.
    static func loadInitialStudent(_ path: String, wanted: PolicyConfig) throws -> (FlowPolicy, NormStatsFile) {
        let (loaded, normStats) = try PolicyCheckpoint.load(from: path)
        let have = loaded.config
        let differences = networkDifferences(have, wanted)
        guard differences.isEmpty else {
            throw ConfigError(field: "sft.distill.initialStudent", value: path,
                              rule: "a checkpoint of the configured student network (differs in \(differences.joined(separator: "; ")))")
        }
        let student = try FlowPolicy(config: wanted)
        student.parameters.values.update(from: loaded.parameters.values, count: loaded.parameters.count)
        return (student, normStats)
    }

    /// Environment seed indices of the distillation stage start here, apart from the RL stage's.
    static let distillationEnvironmentIndex: UInt64 = 1 << 32
}
