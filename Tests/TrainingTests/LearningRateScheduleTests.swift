import Foundation
import Testing
import Policy
@testable import Training

@Suite("SFT learning-rate schedule")
struct LearningRateScheduleTests {
    static func settings(_ schedule: LearningRateSchedule, warmup: Int = 0, final: Double = 0) -> SFTSettings {
        var s = SFTSettings()
        s.steps = 101
        s.learningRate = 1e-3
        s.learningRateSchedule = schedule
        s.warmupSteps = warmup
        s.finalLearningRate = final
        return s
    }

    @Test func constantIsTheSameAtEveryStep() {
        let s = Self.settings(.constant)
        #expect((0..<s.steps).allSatisfy { s.learningRate(atStep: $0) == 1e-3 })
    }

    @Test func warmupRampsLinearlyToThePeak() {
        let s = Self.settings(.constant, warmup: 10)
        #expect(abs(s.learningRate(atStep: 0) - 1e-4) < 1e-12)
        #expect(abs(s.learningRate(atStep: 4) - 5e-4) < 1e-12)
        #expect(s.learningRate(atStep: 9) == 1e-3)
        #expect(s.learningRate(atStep: 10) == 1e-3)
    }

    @Test func cosineFallsFromThePeakToTheFinalRate() {
        var s = Self.settings(.cosine, warmup: 1, final: 1e-5)
        s.steps = 102                                                    // steps 1…101 decay, 100 intervals
        #expect(s.learningRate(atStep: 1) == 1e-3)                       // first step after warm-up
        #expect(abs(s.learningRate(atStep: 51) - (1e-5 + 0.5 * (1e-3 - 1e-5))) < 1e-12)   // halfway: the mean
        #expect(abs(s.learningRate(atStep: 101) - 1e-5) < 1e-12)         // last step: the final rate
        let rates = (1..<s.steps).map(s.learningRate(atStep:))
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 }, "not monotone")
    }

    @Test func trainerStepsAtTheScheduledRate() throws {
        let (dataset, base) = try TrainerTests.demos()
        var settings = base.sft
        settings.steps = 20
        settings.learningRateSchedule = .cosine
        settings.finalLearningRate = 0
        let policy = try FlowPolicy(config: base.policyConfig())
        policy.initialize(seed: 1)
        let trainer = SFTTrainer(policy: policy, dataset: dataset, normStats: dataset.normStats(), settings: settings)
        _ = try trainer.step(0, seed: 0)
        #expect(trainer.optimizer.groups[0].learningRate == Float(settings.learningRate))
        // The last step has a zero rate: AdamW's decoupled weight decay is scaled by the rate
        // too, so the weights must not move at all.
        let weights = { Array(UnsafeBufferPointer(start: policy.parameters.values, count: policy.parameters.count)) }
        let before = weights()
        _ = try trainer.step(19, seed: 0)
        #expect(trainer.optimizer.groups[0].learningRate == 0)
        #expect(weights() == before)
    }

    @Test func yamlSetsTheScheduleAndRejectsBadValues() throws {
        let config = try TrainingConfig(yaml: "sft: {steps: 100, learningRateSchedule: cosine, warmupSteps: 5, finalLearningRate: 0.00003}")
        #expect(config.sft.learningRateSchedule == .cosine)
        #expect(config.sft.warmupSteps == 5)
        #expect(config.sft.finalLearningRate == 3e-5)
        #expect(try TrainingConfig(yaml: "seed: 1").sft.learningRateSchedule == .constant)
        for (yaml, field) in [("sft: {steps: 10, warmupSteps: 11}", "sft.warmupSteps"),
                              ("sft: {learningRate: 0.001, finalLearningRate: 0.01}", "sft.finalLearningRate")] {
            #expect(throws: ConfigError.self) { _ = try TrainingConfig(yaml: yaml) }
            do { _ = try TrainingConfig(yaml: yaml) } catch { #expect(error.field == field, "\(error)") }
        }
        #expect(throws: (any Error).self) { _ = try TrainingConfig(yaml: "sft: {learningRateSchedule: linear}") }
    }
}
