import Foundation
import Policy
import SimTrainer
import Training

extension Bench.TrainBench {
    /// DAgger's two halves for a camera student: collecting (the twin steps and renders, the
    /// student and the teacher act: camera decisions/s) and training (flow matching with the
    /// encoder's forward and backward pass: samples/s and images/s), plus the encoder's forward
    /// pass alone. The student is randomly initialized (its weights do not change the cost).
    func benchDistillation(_ settings: TrainingConfig, teacher path: String, core: String) throws {
        let wanted = settings.policyConfig()
        let teacher = try DistillationTeacher(checkpoint: path, student: wanted)
        let student = try FlowPolicy(config: wanted)
        student.initialize(seed: 0)
        let normStats = teacher.studentNormStats(jointCount: wanted.io.stateDim - wanted.io.objectStateDim)
        let e = settings.environment, sft = settings.sft, d = sft.distill
        let environment = try SimTrainingBackend(policy: settings.policy).makeEnvironment(e, count: e.envs, seed: 0)
        let stage = DAggerDistillation(student: student, normStats: normStats, teacher: teacher, environment: environment, sft: sft, seed: 0)
        let cameras = wanted.io.cameras.count
        print("bench train (distillation): \(config), task \(e.task), \(e.envs) envs on \(e.threads) threads, \(cameras) cameras at \(e.imageSize)×\(e.imageSize), "
              + "\(d.decisionsPerRound) decisions per environment per round, batch \(sft.batchSize), random shift \(sft.randomShift) px; "
              + "student \(student.parameters.count) parameters; OpenBLAS \(core)")

        // Collection with the student driving (its share once the ramp is done), as in most rounds.
        let round = d.rampRounds
        _ = try stage.collect(round: round)
        var collectSeconds = 0.0, decisions = 0
        for _ in 0..<iterations {
            let report = try stage.collect(round: round)
            collectSeconds += report.collectSeconds
            decisions += report.decisions
        }
        print(String(format: "collect: %.1f camera decisions/s (%d decisions in %.2f s: the twin's physics and two renders per decision, the student's and the teacher's chunks)",
                     Double(decisions) / collectSeconds, decisions, collectSeconds))

        // Training steps on the aggregate just collected.
        let clock = ContinuousClock()
        _ = try stage.trainer.step(0, seed: 0)
        let steps = 10 * iterations
        let started = clock.now
        for k in 0..<steps { _ = try stage.trainer.step(k + 1, seed: 0) }
        let stepSeconds = RLTrainer.seconds(clock.now - started) / Double(steps)
        print(String(format: "train: %.1f ms per step of %d = %.0f samples/s, %.0f encoder images/s (forward + backward through the encoder and the flow, AdamW)",
                     1000 * stepSeconds, sft.batchSize, Double(sft.batchSize) / stepSeconds, Double(sft.batchSize * cameras) / stepSeconds))

        // The encoder's forward pass alone, on the environments' current observations.
        let observations = try environment.reset(groupSize: 1)
        let kind = wanted.io.normalization
        let packer = ObservationPacker(config: wanted, tokenizer: student.tokenizer, stateNormalizer: kind.normalizer(normStats.normStats["state"]!))
        let batch = try packer.pack(observations)
        student.encode(batch)
        let passes = 20 * iterations
        let encodeStarted = clock.now
        for _ in 0..<passes { student.encode(batch) }
        let encodeSeconds = RLTrainer.seconds(clock.now - encodeStarted) / Double(passes)
        print(String(format: "encode: %.2f ms per batch of %d observations = %.0f encoder images/s (forward only, as when acting)",
                     1000 * encodeSeconds, observations.count, Double(observations.count * cameras) / encodeSeconds))
    }
}
