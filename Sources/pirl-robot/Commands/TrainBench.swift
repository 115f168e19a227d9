import ArgumentParser
import Foundation
import Policy
import SimTrainer
import Training

extension Bench {
    /// `bench train`: one PPO (or SAC) iteration split into rollout and update, in the MuJoCo
    /// twin; for a distillation config (`sft.teacher`), DAgger's collection and training step
    /// with the camera encoder's own cost (TrainBench+Distillation.swift).
    struct TrainBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Time PPO or SAC iterations (rollout vs update, decisions/s, update samples/s), or a distillation's rounds (camera decisions/s, encoder samples/s).",
            discussion: "The policy is randomly initialized (SFT weights do not change the cost); actions are normalized around the twin's home pose.")

        @Option(help: "Training config whose environment, policy and rl sections are timed.")
        var config: String = "configs/place.yaml"

        @Option(help: "Timed iterations (after one warm-up iteration).")
        var iterations: Int = 3

        @Option(help: "Override rl.method (flow-noise, flow-sde, or noise-steering with a config whose policy has a steering head).")
        var method: String?

        func validate() throws {
            if iterations < 1 { throw ValidationError("--iterations must be at least 1") }
            if let method, SamplerMethod(rawValue: method) == nil || method == "ode" {
                throw ValidationError("--method must be flow-noise, flow-sde or noise-steering")
            }
        }

        func run() throws {
            let core = BLAS.correctKernelSelection()
            var settings = try TrainingConfig(contentsOf: config)
            if let teacher = settings.sft.teacher {
                try benchDistillation(settings, teacher: teacher, core: core)
                return
            }
            if let method {
                settings.rl.method = SamplerMethod(rawValue: method)!
                if settings.rl.method == .noiseSteering { settings.rl.granularity = .chunk }
                try settings.validate()
            }
            settings.rl.criticWarmupIterations = 0
            let decisionsPerIteration = settings.rl.rolloutLength * settings.environment.envs
            // SAC: the warm-up iteration fills the replay, so every timed decision step updates.
            settings.rl.sac.startDecisions = min(settings.rl.sac.startDecisions, decisionsPerIteration)
            let policy = try FlowPolicy(config: settings.policyConfig())
            policy.initialize(seed: 0)
            let home = SimEnvironment.homePose.map(Float.init)
            let stats = NormStats(mean: home, std: [Float](repeating: 0.2, count: home.count),
                                  q01: home.map { $0 - 0.4 }, q99: home.map { $0 + 0.4 })
            // A state-based policy reads the object features after the joints (metres, about 0).
            let objects = Self.objectStats(count: policy.config.io.objectStateDim)
            let state = NormStats(mean: stats.mean + objects.mean, std: stats.std + objects.std, q01: stats.q01 + objects.q01, q99: stats.q99 + objects.q99)
            let environment = try SimTrainingBackend(policy: settings.policy)
                .makeEnvironment(settings.environment, count: settings.environment.envs, seed: 0)
            var normStats = NormStatsFile(normStats: ["state": state, "actions": stats])
            // An asymmetric critic reads the object features too (metres, about 0).
            if settings.rl.sac.privilegedCritic { normStats.normStats["privileged"] = Self.objectStats(count: ObjectState.count) }
            let sac = settings.rl.algorithm.usesReplayCritics
            let trainer: any RLStage = sac
                ? NoiseSAC(policy: policy, normStats: normStats, environment: environment, settings: settings.rl, seed: 0)
                : RLTrainer(policy: policy, normStats: normStats, environment: environment, settings: settings.rl, seed: 0)
            let e = settings.environment, r = settings.rl
            let surrogate = r.algorithm == .ppoReplayCritic ? ", then \(r.epochs) surrogate epochs × minibatch \(r.minibatchSize)" : ""
            let updates = sac ? "\(r.sac.updatesPerStep) critic steps of \(r.sac.batchSize) per decision step, critics \(r.sac.criticWidth) wide\(surrogate)"
                : "\(r.epochs) epochs × minibatch \(r.minibatchSize)"
            print("bench train: \(config), task \(e.task), \(e.envs) envs on \(e.threads) threads, \(r.algorithm.rawValue) \(r.method.rawValue), K = \(settings.policy.denoisingSteps), H = \(settings.policy.horizon), H_exec = \(settings.policy.executedHorizon), T = \(r.rolloutLength), \(updates); \(policy.parameters.count) parameters; OpenBLAS \(core)")
            _ = try trainer.iterate(1)
            var rollout = 0.0, update = 0.0, steps = 0
            for i in 0..<iterations {
                let before = trainer.environmentSteps
                let m = try trainer.iterate(i + 2)
                rollout += m.rolloutSeconds; update += m.updateSeconds; steps += trainer.environmentSteps - before
            }
            let n = Double(iterations), decisions = Double(decisionsPerIteration)
            print(String(format: "iteration %.2f s = rollout %.2f s + update %.2f s (mean of %d)", (rollout + update) / n, rollout / n, update / n, iterations))
            if sac {
                let gradientSteps = Double(r.rolloutLength * r.sac.updatesPerStep)
                print(String(format: "rollout: %.1f decisions/s (%.0f control steps/s); update: %.1f gradient steps/s, %.0f samples/s (%d steps of %d per iteration)",
                             decisions * n / rollout, Double(steps) / rollout, gradientSteps * n / update,
                             gradientSteps * Double(r.sac.batchSize) * n / update, Int(gradientSteps), r.sac.batchSize))
            } else {
                print(String(format: "rollout: %.1f decisions/s (%.0f control steps/s); update: %.1f samples/s (%d decisions × %d epochs)",
                             decisions * n / rollout, Double(steps) / rollout, decisions * Double(r.epochs) * n / update, Int(decisions), r.epochs))
            }
        }

        /// Statistics for `count` object features (metres, about 0).
        static func objectStats(count: Int) -> NormStats {
            NormStats(mean: [Float](repeating: 0, count: count), std: [Float](repeating: 0.2, count: count),
                      q01: [Float](repeating: -0.4, count: count), q99: [Float](repeating: 0.4, count: count))
        }
    }
}
