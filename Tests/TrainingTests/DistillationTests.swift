import Foundation
import Testing
import Policy
import SimTrainer
@testable import Training

/// Teacher → student distillation (`sft.teacher`, DAgger): the bundled state-based `place`
/// policy teaches a small camera policy in the twin.
@Suite("Distillation from a state-based teacher", .serialized)
struct DistillationTests {
    static let teacherPath = Support.repositoryRoot + "/checkpoints/place"

    /// A small camera student on `place` at 32×32 with DAgger from the bundled teacher.
    static func studentConfig(rounds: Int, steps: Int) -> TrainingConfig {
        var c = Fixtures.config(iterations: 0)
        c.environment.task = "place"
        c.environment.imageSize = 32
        c.environment.envs = 4
        c.policy.cameras = ["front", "wrist"]
        c.policy.architecture.visionChannels = [8, 16]
        c.sft.teacher = teacherPath
        c.sft.steps = steps
        c.sft.batchSize = 16
        c.sft.randomShift = 2
        c.sft.distill.rounds = rounds
        c.sft.distill.decisionsPerRound = 4
        c.sft.distill.rampRounds = 2
        c.sft.distill.capacity = 64
        c.sft.distill.probeCoefficient = 1
        c.eval.periodicEpisodes = 2; c.eval.episodes = 2; c.eval.everyIterations = 100
        c.environment.maxSteps = 40
        return c
    }

    @Test func daggerLowersTheStudentsErrorAgainstTheTeachersChunks() throws {
        let config = Self.studentConfig(rounds: 6, steps: 90)
        try config.validate()
        let wanted = config.policyConfig()
        let teacher = try DistillationTeacher(checkpoint: Self.teacherPath, student: wanted)
        #expect(teacher.privilegedWidth == ObjectState.count)
        let student = try FlowPolicy(config: wanted)
        student.initialize(seed: 5)
        let normStats = teacher.studentNormStats(jointCount: 6)
        #expect(normStats.normStats["state"]?.mean.count == 6 && normStats.normStats["privileged"]?.mean.count == ObjectState.count)
        #expect(normStats.normStats["actions"] == teacher.normStats.normStats["actions"])
        let environment = try SimTrainingBackend(policy: config.policy).makeEnvironment(config.environment, count: 4, seed: 21)
        let stage = DAggerDistillation(student: student, normStats: normStats, teacher: teacher, environment: environment,
                                       sft: config.sft, seed: 2)
        var reports: [DAggerDistillation.RoundReport] = [], probeLosses: [Float] = []
        for round in 0..<config.sft.distill.rounds {
            reports.append(try stage.collect(round: round))
            for step in DAggerDistillation.steps(ofRound: round, totalSteps: config.sft.steps, rounds: config.sft.distill.rounds) {
                probeLosses.append(try stage.trainer.step(step, seed: 2).probeLoss)
            }
        }
        // The probe learns the object state from the student's inputs.
        let early: Float = probeLosses.prefix(15).reduce(0, +), late: Float = probeLosses.suffix(15).reduce(0, +)
        #expect(late < 0.7 * early, "probe loss \(early / 15) → \(late / 15)")
        // β: the teacher drives the first round alone, then the student's share ramps to 1.
        #expect(reports[0].studentDecisions == 0 && reports[0].studentShare == 0)
        #expect(reports[1].studentShare == 0.5 && reports.last!.studentShare == 1)
        #expect(reports.last!.studentDecisions == reports.last!.decisions)
        // Every decision was labelled; the aggregate keeps the newest `capacity`.
        #expect(stage.buffer.added == 6 * 4 * 4 && stage.buffer.sampleCount == 64)
        // The error is measured on each round's states before the student trains on them.
        let untrained = reports[0].imitationError, trained = reports.last!.imitationError
        #expect(trained < 0.6 * untrained, "imitation error \(untrained) → \(trained)")
        // The student reads cameras and joints, never the object features the teacher read: they
        // travel beside the observation for the probe's targets, and packing leaves them out.
        #expect(student.privilegedProbeWidth == ObjectState.count && stage.buffer.privilegedWidth == ObjectState.count)
        let sample = stage.buffer.observation(sample: 0)
        #expect(sample.state.count == 6 && sample.privileged.count == ObjectState.count)
        let packed = try ObservationBatch([sample], config: student.config, tokenizer: student.tokenizer)
        #expect(packed.state.count == 6 && packed.images.count == 2)
        #expect(sample.images["front"]?.width == 32 && sample.images["wrist"]?.rgb.count == 32 * 32 * 3)
    }

    @Test func trainSimDistilsSavesTheStudentAndResumesAsDone() throws {
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = Self.studentConfig(rounds: 2, steps: 4)
        var lines: [String] = []
        let run = try TrainSimRun(config: config, directory: dir, backend: SimTrainingBackend(policy: config.policy)) { lines.append($0) }
        try run.run()
        #expect(lines.contains { $0.hasPrefix("distill: round 2/2") && $0.contains("β 0.50") })
        #expect(run.state.sftSteps == 4 && run.state.finalEvaluation?.episodes == 2)
        let (student, normStats) = try PolicyCheckpoint.load(from: dir + "/checkpoints/sft")
        #expect(student.config.io.stateDim == 6 && student.config.io.objectStateDim == 0)
        #expect(student.config.io.cameras.map(\.name) == ["front", "wrist"])
        let (_, teacherStats) = try PolicyCheckpoint.load(from: Self.teacherPath)
        #expect(normStats.normStats["actions"] == teacherStats.normStats["actions"])
        var again: [String] = []
        try TrainSimRun(config: config, directory: dir, backend: SimTrainingBackend(policy: config.policy)) { again.append($0) }.run()
        #expect(!again.contains { $0.hasPrefix("distill:") }, "a finished stage is not run again")
    }

    @Test func settingsAreValidatedAndRoundTrip() throws {
        var config = Self.studentConfig(rounds: 3, steps: 2)
        #expect(throws: ConfigError.self) { try config.validate() }  // fewer steps than rounds
        config.sft.steps = 30
        config.sft.fromCheckpoint = "elsewhere"
        do { try config.validate(); Issue.record("teacher + fromCheckpoint accepted") } catch {
            #expect("\(error)".contains("sft.teacher"))
        }
        config.sft.fromCheckpoint = nil
        config.sft.distill.finalStudentShare = 1.5
        #expect(throws: ConfigError.self) { try config.validate() }
        config.sft.distill.finalStudentShare = 0.8
        let text = try config.yaml()
        #expect(try TrainingConfig(yaml: text) == config)
        #expect(config.sft.distill.studentShare(round: 0) == 0 && config.sft.distill.studentShare(round: 5) == 0.8)
        do { _ = try TrainingConfig(yaml: "sft:\n  distill:\n    round: 3\n"); Issue.record("a misspelt key was accepted") } catch {
            #expect("\(error)".contains("round"))
        }
        // A teacher whose joints differ from the student's is refused by name.
        var other = config.policyConfig()
        other.io.jointNames = ["a", "b", "c", "d", "e", "f"]
        #expect(throws: ConfigError.self) { _ = try DistillationTeacher(checkpoint: Self.teacherPath, student: other) }
    }
}
