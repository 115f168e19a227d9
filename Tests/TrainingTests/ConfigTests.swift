import Foundation
import Testing
import Policy
@testable import Training

@Suite("Training config")
struct ConfigTests {
    @Test func defaultsAreValidAndFollowFlowRL() throws {
        let config = TrainingConfig()
        try config.validate()
        #expect(config.policy.denoisingSteps == 4)
        #expect(config.policy.executedHorizon == 5)
        #expect(config.rl.noiseLevel == 0.5)
        #expect(config.rl.gamma == 0.99 && config.rl.gaeLambda == 0.95)
        #expect(config.rl.clipCoef == 0.2 && config.rl.valueClipCoef == 0.2)
        #expect(config.rl.epochs == 4 && config.rl.entropyBonus == 0.005)
        #expect(config.policy.architecture.noiseStdMin == 0.08 && config.policy.architecture.noiseStdMax == 0.16)
    }

    @Test func partialYAMLKeepsDefaultsForOmittedFields() throws {
        let config = try TrainingConfig(yaml: """
            seed: 7
            environment: {task: place, envs: 4}
            policy: {denoisingSteps: 8, architecture: {expertBlocks: 2}}
            rl: {method: flow-sde, noiseLevel: 1.0, granularity: action, reduction: sum, minibatchSize: 32}
            """)
        #expect(config.seed == 7)
        #expect(config.environment.task == "place" && config.environment.envs == 4 && config.environment.threads == 2)
        #expect(config.policy.denoisingSteps == 8 && config.policy.horizon == 10)
        #expect(config.policy.architecture.expertBlocks == 2 && config.policy.architecture.expertWidth == 256)
        #expect(config.rl.method == .flowSDE && config.rl.noiseLevel == 1.0)
        #expect(config.rl.granularity == .action && config.rl.reduction == .sum)
        #expect(config.rl.epochs == 4)
    }

    @Test func unknownKeyIsNamed() {
        #expect(throws: ConfigError.self) { try TrainingConfig(yaml: "rl: {clip_coef: 0.1}") }
        do {
            _ = try TrainingConfig(yaml: "rl: {clip_coef: 0.1}")
        } catch {
            #expect(error.description.contains("clip_coef"))
        }
    }

    @Test(arguments: [
        ("rl: {clipCoef: 1.5}", "rl.clipCoef"),
        ("rl: {gamma: 0}", "rl.gamma"),
        ("rl: {method: ode}", "rl.method"),
        ("rl: {minibatchSize: 100000}", "rl.minibatchSize"),
        ("rl: {algorithm: grpo, groupSize: 3}", "rl.groupSize"),
        ("rl: {demoLossCoefficient: -0.5}", "rl.demoLossCoefficient"),
        ("rl: {referenceCoefficient: -1}", "rl.referenceCoefficient"),
        ("rl: {successReplayCapacity: 1000}", "rl.successReplayCapacity"),
        ("rl: {demoLossCoefficient: 1, successReplayCapacity: -1}", "rl.successReplayCapacity"),
        ("rl: {demoLossCoefficient: 1, successReplayCapacity: 1000, successReplayFraction: 1.5}", "rl.successReplayFraction"),
        ("rl: {anchorStepsPerIteration: 8}", "rl.anchorStepsPerIteration"),
        ("rl: {criticOnlyEpochs: -1}", "rl.criticOnlyEpochs"),
        ("rl: {method: flow-sde, noiseFrequencies: 11}", "rl.noiseFrequencies"),
        ("rl: {method: flow-noise, noiseFrequencies: 3}", "rl.noiseFrequencies"),
        ("rl: {method: flow-sde, noiseFrequencies: [3, 3, 11, 3, 3, 0]}", "rl.noiseFrequencies"),
        ("rl: {method: flow-sde, noiseFrequencies: [0, 0, 0, 0, 0, 0]}", "rl.noiseFrequencies"),
        ("rl: {method: flow-noise, noiseFrequencies: [3, 3, 3, 3, 3, 0]}", "rl.noiseFrequencies"),
        ("rl: {method: flow-noise, sdeSteps: every}", "rl.sdeSteps"),
        ("rl: {algorithm: grpo, criticOnlyEpochs: 2}", "rl.criticOnlyEpochs"),
        ("rl: {algorithm: grpo, permuteAdvantages: true}", "rl.permuteAdvantages"),
        ("rl: {method: noise-steering, granularity: chunk}", "policy.architecture.noiseSteeringWidth"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {method: flow-noise}", "policy.architecture.noiseSteeringWidth"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {method: flow-sde, sdeSteps: every}", "policy.architecture.noiseSteeringWidth"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {method: noise-steering, granularity: token}", "rl.granularity"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {method: noise-steering, granularity: chunk, demoLossCoefficient: 1}", "rl.demoLossCoefficient"),
        ("policy: {architecture: {noiseSteeringWidth: 64, noiseSteeringBound: 0}}\nrl: {method: noise-steering, granularity: chunk}", "policy"),
        ("policy: {architecture: {noiseSteeringWidth: 64, noiseSteeringStd: 0}}\nrl: {method: noise-steering, granularity: chunk}", "policy"),
        ("rl: {method: flow-sde, startStdAnneal: {to: 0.8, from: 10, until: 20}}", "rl.startStdAnneal"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: sac, method: noise-steering, granularity: chunk, bootstrapTimeLimit: false, startStdAnneal: {to: 0.8, from: 10, until: 20}}", "rl.startStdAnneal"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {method: noise-steering, granularity: chunk, startStdAnneal: {to: 0, from: 10, until: 20}}", "rl.startStdAnneal.to"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {method: noise-steering, granularity: chunk, startStdAnneal: {to: 0.8, from: 20, until: 20}}", "rl.startStdAnneal.until"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: sac, method: flow-sde}", "rl.method"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: sac, method: noise-steering, granularity: chunk}", "rl.bootstrapTimeLimit"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: sac, method: noise-steering, granularity: chunk, bootstrapTimeLimit: false, sac: {tau: 0}}", "rl.sac.tau"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: sac, method: noise-steering, granularity: chunk, bootstrapTimeLimit: false, sac: {startDecisions: 10, replayCapacity: 5}}", "rl.sac.startDecisions"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: sac, method: noise-steering, granularity: chunk, bootstrapTimeLimit: false, sac: {actorEvery: 0}}", "rl.sac.actorEvery"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: ppo-replay-critic, method: flow-sde}", "rl.method"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: ppo-replay-critic, method: noise-steering, granularity: chunk}", "rl.bootstrapTimeLimit"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: ppo-replay-critic, method: noise-steering, granularity: chunk, bootstrapTimeLimit: false, minibatchSize: 7}", "rl.minibatchSize"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: ppo-replay-critic, method: noise-steering, granularity: chunk, bootstrapTimeLimit: false, sac: {startsPerDecision: 0}}", "rl.sac.startsPerDecision"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: ppo-replay-critic, method: noise-steering, granularity: chunk, bootstrapTimeLimit: false, sac: {baselineStarts: 0}}", "rl.sac.baselineStarts"),
        ("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: ppo-replay-critic, method: noise-steering, granularity: chunk, bootstrapTimeLimit: false, actorLearningRateAnneal: {to: 0, from: 1, until: 2}}", "rl.actorLearningRateAnneal"),
        ("rl: {method: residual, granularity: chunk}", "policy.architecture.residualWidth"),
        ("policy: {architecture: {residualWidth: 64}}\nrl: {method: noise-steering, granularity: chunk}", "policy.architecture.residualWidth"),
        ("policy: {architecture: {residualWidth: 64}}\nrl: {method: residual, granularity: action}", "rl.granularity"),
        ("policy: {architecture: {residualWidth: 64, residualFrequencies: 11}}\nrl: {method: residual, granularity: chunk}", "policy"),
        ("policy: {executedHorizon: 12}", "policy.executedHorizon"),
        ("policy: {denoisingSteps: 0}", "policy.denoisingSteps"),
        ("policy: {cameras: [base]}", "policy.cameras"),
        ("environment: {task: fly}", "environment.task"),
        ("environment: {envs: 0}", "environment.envs"),
        ("environment: {shapingPotential: stage}", "environment.shapingPotential"),
        ("sft: {learningRate: -1}", "sft.learningRate"),
        ("eval: {episodes: 0}", "eval.episodes"),
        ("eval: {split: test}", "eval.split"),
        ("output: {checkpointEvery: 0}", "output.checkpointEvery"),
    ])
    func badValueIsNamed(yaml: String, field: String) {
        do {
            _ = try TrainingConfig(yaml: yaml)
            Issue.record("\(yaml) was accepted")
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }

    /// `rl.noiseFrequencies` takes one count for every joint or a list with one per joint;
    /// the list must match the robot's joints.
    @Test func noiseFrequenciesPerJoint() throws {
        let joints = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"]
        let uniform = try TrainingConfig(yaml: "rl: {method: flow-sde, noiseFrequencies: 2}")
        #expect(uniform.rl.noiseFrequencies == .all(2))
        #expect(try uniform.rl.noiseBasis(horizon: 10, jointNames: joints)?.frequencies == [2, 2, 2, 2, 2, 2])
        let still = try TrainingConfig(yaml: "rl: {method: flow-sde, noiseFrequencies: [3, 3, 3, 3, 3, 0]}")
        #expect(still.rl.noiseFrequencies == [3, 3, 3, 3, 3, 0])
        #expect(try still.rl.noiseBasis(horizon: 10, jointNames: joints)?.frequencies == [3, 3, 3, 3, 3, 0])
        #expect(try TrainingConfig(yaml: try still.yaml()) == still)
        #expect(try TrainingConfig().rl.noiseBasis(horizon: 10, jointNames: joints) == nil)
        do {
            _ = try still.rl.noiseBasis(horizon: 10, jointNames: Array(joints.prefix(5)))
            Issue.record("six counts accepted for five joints")
        } catch {
            #expect(error.field == "rl.noiseFrequencies" && error.rule.contains("one count per joint (5"), "\(error)")
        }
    }

    /// `rl.startStdAnneal` caps the steering head's σ from the head's initial σ after `from`
    /// down to `to` at `until`, linearly, and survives a YAML round trip.
    @Test func startStdAnnealFallsLinearly() throws {
        let config = try TrainingConfig(yaml: """
            policy: {architecture: {noiseSteeringWidth: 64, noiseSteeringStd: 0.9}}
            rl: {method: noise-steering, granularity: chunk, startStdAnneal: {to: 0.6, from: 10, until: 20}}
            """)
        let anneal = try #require(config.rl.startStdAnneal)
        #expect(anneal == LinearAnneal(to: 0.6, from: 10, until: 20))
        #expect(anneal.value(at: 10, start: 0.9) == nil)
        #expect(abs(anneal.value(at: 15, start: 0.9)! - 0.75) < 1e-12)
        #expect(anneal.value(at: 20, start: 0.9) == 0.6 && anneal.value(at: 500, start: 0.9) == 0.6)
        #expect(try TrainingConfig(yaml: try config.yaml()) == config)
        #expect(TrainingConfig().rl.startStdAnneal == nil)
    }

    /// `rl.actorLearningRateAnneal` keeps `actorLearningRate` through `from`, then moves it
    /// linearly to `to` at `until` and holds it; it survives a YAML round trip, and SAC or a
    /// negative rate is refused by name.
    @Test func actorLearningRateAnnealFallsLinearly() throws {
        let config = try TrainingConfig(yaml: """
            rl: {actorLearningRate: 0.0003, actorLearningRateAnneal: {to: 0.00003, from: 200, until: 240}}
            """)
        #expect(config.rl.actorLearningRate(at: 1) == 3e-4 && config.rl.actorLearningRate(at: 200) == 3e-4)
        #expect(abs(config.rl.actorLearningRate(at: 220) - 1.65e-4) < 1e-12)
        #expect(config.rl.actorLearningRate(at: 240) == 3e-5 && config.rl.actorLearningRate(at: 360) == 3e-5)
        #expect(try TrainingConfig(yaml: try config.yaml()) == config)
        #expect(TrainingConfig().rl.actorLearningRate(at: 50) == TrainingConfig().rl.actorLearningRate)
        for (yaml, field) in [("policy: {architecture: {noiseSteeringWidth: 64}}\nrl: {algorithm: sac, method: noise-steering, granularity: chunk, actorLearningRateAnneal: {to: 0, from: 1, until: 2}}", "rl.actorLearningRateAnneal"),
                              ("rl: {actorLearningRateAnneal: {to: -0.1, from: 1, until: 2}}", "rl.actorLearningRateAnneal.to"),
                              ("rl: {actorLearningRateAnneal: {to: 0, from: 5, until: 5}}", "rl.actorLearningRateAnneal.until")] {
            do {
                _ = try TrainingConfig(yaml: yaml)
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect(error.field == field, "\(error)")
            }
        }
    }

    @Test func wrongTypeNamesThePath() {
        do {
            _ = try TrainingConfig(yaml: "rl: {epochs: many}", source: "x.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.field == "x.yaml")
            #expect(error.value == "rl.epochs")
        }
    }

    @Test func yamlRoundTrips() throws {
        var config = TrainingConfig()
        config.seed = 42
        config.rl.method = .flowSDE
        config.environment.maxSteps = 90
        let back = try TrainingConfig(yaml: try config.yaml())
        #expect(back == config)
    }

    @Test func policyConfigCarriesChunkingAndSampler() throws {
        var config = TrainingConfig()
        config.policy.horizon = 8
        config.policy.executedHorizon = 4
        config.policy.denoisingSteps = 2
        config.environment.imageSize = 32
        let policy = config.policyConfig()
        try policy.validate()
        #expect(policy.io.actionHorizon == 8 && policy.io.executedHorizon == 4)
        #expect(policy.sampler.steps == 2)
        #expect(policy.io.cameras.map(\.name) == ["front", "wrist"])
        #expect(policy.io.cameras.allSatisfy { $0.width == 32 && $0.height == 32 })
    }

    @Test func everyShippedConfigParses() throws {
        let dir = Support.repositoryRoot + "/configs"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        var tasks = Set<String>()
        for file in files {
            let config = try TrainingConfig(contentsOf: dir + "/" + file)
            tasks.insert(config.environment.task)
        }
        #expect(tasks.isSuperset(of: EnvironmentSettings.tasks), "a config for every task")
    }

    /// The results notebook's configs, experiments/TOPIC/*.yaml, parse as well.
    @Test func everyExperimentConfigParses() throws {
        let root = Support.repositoryRoot + "/experiments"
        let topics = try FileManager.default.contentsOfDirectory(atPath: root).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + $0, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        var count = 0
        for topic in topics {
            for file in try FileManager.default.contentsOfDirectory(atPath: root + "/" + topic) where file.hasSuffix(".yaml") {
                _ = try TrainingConfig(contentsOf: root + "/" + topic + "/" + file)
                count += 1
            }
        }
        #expect(count > 100)
    }
}
