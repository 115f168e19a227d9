import Foundation
import Policy
import SimTrainer

extension TrainingConfig {
    /// Checks every value; throws a ``ConfigError`` naming the first bad one.
    public func validate() throws(ConfigError) {
        try environment.validate()
        try policy.validate()
        try sft.validate()
        try rl.validate(policy: policy, environments: environment.envs)
        try eval.validate()
        guard output.checkpointEvery >= 1 else { throw bad("output.checkpointEvery", output.checkpointEvery, "at least 1") }
        do {
            try policyConfig().validate()
        } catch {
            throw ConfigError(field: "policy", value: error.field + " = " + error.value, rule: error.rule)
        }
    }

    /// The Policy module's config this training config implies (cameras, chunking, sampler defaults, sizes).
    public func policyConfig() -> PolicyConfig {
        var io = PolicyConfig.IOSpec()
        io.cameras = policy.cameras.map { PolicyConfig.Camera(name: $0, width: environment.imageSize, height: environment.imageSize) }
        io.objectStateDim = policy.objectState ? ObjectState.count : 0
        io.stateDim = io.jointNames.count + io.objectStateDim
        var architecture = policy.architecture
        if sft.teacher != nil && sft.distill.probeCoefficient > 0 { architecture.privilegedProbe = ObjectState.count }
                io.actionHorizon = policy.horizon
        io.executedHorizon = policy.executedHorizon
        var sampler = PolicyConfig.SamplerDefaults()
        sampler.steps = policy.denoisingSteps
        sampler.noiseLevel = rl.noiseLevel
        sampler.reduction = rl.reduction
        sampler.granularity = rl.granularity
        return PolicyConfig(io: io, architecture: architecture, sampler: sampler,
                            provenance: PolicyConfig.Provenance(task: environment.task, seed: seed))
    }
}

func bad(_ field: String, _ value: some CustomStringConvertible, _ rule: String) -> ConfigError {
    ConfigError(field: field, value: value.description, rule: rule)
}

extension EnvironmentSettings {
    func validate() throws(ConfigError) {
        guard Self.tasks.contains(task) else { throw bad("environment.task", task, "one of \(Self.tasks.joined(separator: ", "))") }
        guard Self.splits.contains(split) else { throw bad("environment.split", split, "one of \(Self.splits.joined(separator: ", "))") }
        guard Self.shapingPotentials.contains(shapingPotential) else {
            throw bad("environment.shapingPotential", shapingPotential, "one of \(Self.shapingPotentials.joined(separator: ", "))")
        }
        guard (1...1024).contains(envs) else { throw bad("environment.envs", envs, "in 1…1024") }
        guard (1...256).contains(threads) else { throw bad("environment.threads", threads, "in 1…256") }
        guard (8...256).contains(imageSize) else { throw bad("environment.imageSize", imageSize, "in 8…256") }
        if let maxSteps, maxSteps < 1 { throw bad("environment.maxSteps", maxSteps, "at least 1") }
        guard maxStepRad > 0, maxStepRad <= 1 else { throw bad("environment.maxStepRad", maxStepRad, "in (0, 1] radians per tick") }
        guard maxGripperStep > 0, maxGripperStep <= 1 else { throw bad("environment.maxGripperStep", maxGripperStep, "in (0, 1] per tick") }
        guard safetyRampSeconds >= 0, safetyRampSeconds <= 60 else { throw bad("environment.safetyRampSeconds", safetyRampSeconds, "in [0, 60] s") }
        try randomization.validate()
        if let background {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: background, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw bad("environment.background", background, "an existing PNG or JPEG file (a photo of your table taken from the front camera's place)")
            }
        }
        if let cameraPose {
            do { _ = try TwinCameraPose.load(from: cameraPose) } catch {
                throw bad("environment.cameraPose", cameraPose, "a camera pose file written by `pirl-robot sim overlay --save-pose` (\(error))")
            }
        }
    }
}

extension PolicySettings {
    func validate() throws(ConfigError) {
        guard (1...256).contains(horizon) else { throw bad("policy.horizon", horizon, "in 1…256") }
        guard (1...horizon).contains(executedHorizon) else {
            throw bad("policy.executedHorizon", executedHorizon, "in 1…horizon (\(horizon))")
        }
        guard (1...64).contains(denoisingSteps) else { throw bad("policy.denoisingSteps", denoisingSteps, "in 1…64") }
        guard Set(cameras).count == cameras.count, cameras.allSatisfy(EnvironmentSettings.cameras.contains) else {
            throw bad("policy.cameras", cameras.joined(separator: ","),
                      "a list of distinct cameras among \(EnvironmentSettings.cameras.joined(separator: ", "))")
        }
        guard !cameras.isEmpty || objectState else {
            throw bad("policy.cameras", "[]", "at least one camera unless policy.objectState is true (the policy would not see the task)")
        }
    }
}

extension SFTSettings {
    func validate() throws(ConfigError) {
        guard demos >= 1 else { throw bad("sft.demos", demos, "at least 1") }
        guard steps >= 0 else { throw bad("sft.steps", steps, "at least 0 (0 skips SFT)") }
        guard batchSize >= 1 else { throw bad("sft.batchSize", batchSize, "at least 1") }
        guard learningRate > 0, learningRate < 1 else { throw bad("sft.learningRate", learningRate, "in (0, 1)") }
        guard warmupSteps >= 0, warmupSteps <= steps else { throw bad("sft.warmupSteps", warmupSteps, "in [0, sft.steps]") }
        guard finalLearningRate >= 0, finalLearningRate <= learningRate else {
            throw bad("sft.finalLearningRate", finalLearningRate, "in [0, sft.learningRate]")
        }
        guard weightDecay >= 0, weightDecay < 1 else { throw bad("sft.weightDecay", weightDecay, "in [0, 1)") }
        guard maxGradNorm > 0 else { throw bad("sft.maxGradNorm", maxGradNorm, "positive") }
        guard (0...32).contains(randomShift) else { throw bad("sft.randomShift", randomShift, "in 0…32 pixels") }
        if let teacher {
            guard !teacher.isEmpty else { throw bad("sft.teacher", "\"\"", "a checkpoint directory") }
            guard fromCheckpoint == nil else { throw bad("sft.teacher", teacher, "unset when sft.fromCheckpoint is set (one source of the policy)") }
            guard steps >= distill.rounds else { throw bad("sft.steps", steps, "at least sft.distill.rounds (\(distill.rounds)): every DAgger round trains") }
        }
        try distill.validate()
    }
}

extension RLSettings {
    /// Noise steering and the residual train their head alone, on one ratio per chunk; each
    /// needs its head. The other methods need a policy without a residual (they score the
    /// flow's own chunk), and without a steering head unless they never score the start:
    /// hybrid Flow-SDE (one stochastic step) fine-tunes the flow from a steered start, the
    /// head frozen.
    private func validateHeads(policy: PolicySettings) throws(ConfigError) {
        let steering = policy.architecture.noiseSteeringWidth, residual = policy.architecture.residualWidth
        let scoresNoStart = method == .flowSDE && sdeSteps == .single
        guard steering == 0 || method == .noiseSteering || scoresNoStart else {
            throw bad("policy.architecture.noiseSteeringWidth", steering,
                      "0 unless rl.method is noise-steering, or flow-sde with one stochastic step (\(method.rawValue) scores an N(0, I) start)")
        }
        guard residual == 0 || method == .residual else {
            throw bad("policy.architecture.residualWidth", residual, "0 unless rl.method is residual (\(method.rawValue) scores the flow's own chunk)")
        }
        guard method.trainsHead else { return }
        let (field, width) = method == .noiseSteering ? ("noiseSteeringWidth", steering) : ("residualWidth", residual)
        guard width > 0 else { throw bad("policy.architecture.\(field)", width, "positive with rl.method \(method.rawValue) (the head RL trains)") }
        guard granularity == .chunk else { throw bad("rl.granularity", granularity.rawValue, "chunk with rl.method \(method.rawValue) (the head moves the whole chunk)") }
        guard demoLossCoefficient == 0, referenceCoefficient == 0 else {
            throw bad("rl.demoLossCoefficient", "\(demoLossCoefficient) / rl.referenceCoefficient \(referenceCoefficient)",
                      "0 with rl.method \(method.rawValue) (the flow is frozen: there is nothing to anchor)")
        }
    }

    func validate(policy: PolicySettings, environments: Int) throws(ConfigError) {
        guard method != .ode else { throw bad("rl.method", method.rawValue, "flow-noise, flow-sde, noise-steering or residual (an ODE chain has no likelihood)") }
        try validateHeads(policy: policy)
        guard noiseLevel > 0, noiseLevel <= 5 else { throw bad("rl.noiseLevel", noiseLevel, "in (0, 5]") }
        switch noiseFrequencies {
        case .all(let count):
            guard (0...policy.horizon).contains(count) else {
                throw bad("rl.noiseFrequencies", count, "in 0…policy.horizon (\(policy.horizon); 0: independent noise per entry)")
            }
        case .perJoint(let counts):
            guard counts.allSatisfy({ (0...policy.horizon).contains($0) }), counts.contains(where: { $0 > 0 }) else {
                throw bad("rl.noiseFrequencies", noiseFrequencies.description,
                          "one count per joint, each in 0…policy.horizon (\(policy.horizon)), at least one positive")
            }
        }
        guard !noiseFrequencies.isOn || method == .flowSDE else {
            throw bad("rl.noiseFrequencies", noiseFrequencies.description, "0 unless rl.method is flow-sde (Flow-Noise's std comes from its noise head)")
        }
        guard sdeSteps == .single || method == .flowSDE else {
            throw bad("rl.sdeSteps", sdeSteps.rawValue, "single unless rl.method is flow-sde (Flow-Noise makes every step stochastic already)")
        }
        guard iterations >= 0 else { throw bad("rl.iterations", iterations, "at least 0 (0 skips RL)") }
        guard rolloutLength >= 1 else { throw bad("rl.rolloutLength", rolloutLength, "at least 1") }
        guard gamma > 0, gamma <= 1 else { throw bad("rl.gamma", gamma, "in (0, 1]") }
        guard gaeLambda >= 0, gaeLambda <= 1 else { throw bad("rl.gaeLambda", gaeLambda, "in [0, 1]") }
        guard clipCoef > 0, clipCoef < 1 else { throw bad("rl.clipCoef", clipCoef, "in (0, 1)") }
        guard valueClipCoef > 0 else { throw bad("rl.valueClipCoef", valueClipCoef, "positive") }
        guard huberDelta > 0 else { throw bad("rl.huberDelta", huberDelta, "positive") }
        guard actorLearningRate >= 0, actorLearningRate < 1 else { throw bad("rl.actorLearningRate", actorLearningRate, "in [0, 1)") }
        guard criticLearningRate >= 0, criticLearningRate < 1 else { throw bad("rl.criticLearningRate", criticLearningRate, "in [0, 1)") }
        guard weightDecay >= 0, weightDecay < 1 else { throw bad("rl.weightDecay", weightDecay, "in [0, 1)") }
        guard maxGradNorm > 0 else { throw bad("rl.maxGradNorm", maxGradNorm, "positive") }
        guard epochs >= 1 else { throw bad("rl.epochs", epochs, "at least 1") }
        let batch = rolloutLength * environments
        guard (1...batch).contains(minibatchSize) else {
            throw bad("rl.minibatchSize", minibatchSize, "in 1…rolloutLength × envs (\(batch))")
        }
        guard entropyBonus >= 0 else { throw bad("rl.entropyBonus", entropyBonus, "at least 0") }
        guard demoLossCoefficient >= 0, demoLossCoefficient.isFinite else { throw bad("rl.demoLossCoefficient", demoLossCoefficient, "at least 0") }
        guard referenceCoefficient >= 0, referenceCoefficient.isFinite else { throw bad("rl.referenceCoefficient", referenceCoefficient, "at least 0") }
        guard successReplayCapacity >= 0 else { throw bad("rl.successReplayCapacity", successReplayCapacity, "at least 0 (0 turns the replay off)") }
        guard successReplayCapacity == 0 || demoLossCoefficient > 0 else {
            throw bad("rl.successReplayCapacity", successReplayCapacity, "0 unless rl.demoLossCoefficient > 0 (the replay feeds the anchor)")
        }
        guard successReplayFraction >= 0, successReplayFraction <= 1 else { throw bad("rl.successReplayFraction", successReplayFraction, "in [0, 1]") }
        guard anchorStepsPerIteration >= 0 else { throw bad("rl.anchorStepsPerIteration", anchorStepsPerIteration, "at least 0") }
        guard anchorStepsPerIteration == 0 || demoLossCoefficient > 0 else {
            throw bad("rl.anchorStepsPerIteration", anchorStepsPerIteration, "0 unless rl.demoLossCoefficient > 0 (they step on the anchor's loss)")
        }
        guard !permuteAdvantages || algorithm == .ppo else { throw bad("rl.permuteAdvantages", permuteAdvantages, "only with algorithm ppo (a control experiment on GAE advantages)") }
        guard criticWarmupIterations >= 0 else { throw bad("rl.criticWarmupIterations", criticWarmupIterations, "at least 0") }
        guard criticOnlyEpochs >= 0 else { throw bad("rl.criticOnlyEpochs", criticOnlyEpochs, "at least 0") }
        guard criticOnlyEpochs == 0 || algorithm == .ppo else { throw bad("rl.criticOnlyEpochs", criticOnlyEpochs, "0 unless algorithm is ppo (GRPO has no critic)") }
        if let anneal = startStdAnneal {
            guard method == .noiseSteering, !algorithm.usesReplayCritics else {
                throw bad("rl.startStdAnneal", "set", "only with method noise-steering under ppo or grpo (SAC's temperature sets σ)")
            }
            guard anneal.to >= 0.05, anneal.to <= 2 else { throw bad("rl.startStdAnneal.to", anneal.to, "in [0.05, 2]") }
            try anneal.validateIterations(field: "rl.startStdAnneal")
        }
        if let anneal = actorLearningRateAnneal {
            guard !algorithm.usesReplayCritics else { throw bad("rl.actorLearningRateAnneal", "set", "only under ppo or grpo (the replay-critic algorithms keep their rates)") }
            guard anneal.to >= 0, anneal.to < 1 else { throw bad("rl.actorLearningRateAnneal.to", anneal.to, "in [0, 1)") }
            try anneal.validateIterations(field: "rl.actorLearningRateAnneal")
        }
        if algorithm == .grpo {
            guard groupSize >= 2 else { throw bad("rl.groupSize", groupSize, "at least 2") }
            guard environments % groupSize == 0 else {
                throw bad("rl.groupSize", groupSize, "a divisor of environment.envs (\(environments))")
            }
        }
        if algorithm.usesReplayCritics {
            let name = algorithm.rawValue
            guard method == .noiseSteering else {
                throw bad("rl.method", method.rawValue, "noise-steering with rl.algorithm \(name) (its critics score the flow's start)")
            }
            guard !bootstrapTimeLimit else {
                throw bad("rl.bootstrapTimeLimit", bootstrapTimeLimit,
                          "false with rl.algorithm \(name) (the simulator resets on its own, so a cut episode's next observation is lost; give the critic the time left with policy.architecture.valueTimeInputs)")
            }
            try sac.validate()
        } else if sac.privilegedCritic {
            throw bad("rl.sac.privilegedCritic", true,
                      "used with rl.algorithm sac or ppo-replay-critic only (their replay critics read it; rl.algorithm is \(algorithm.rawValue))")
        }
        if algorithm == .ppoReplayCritic {
            let rows = environments * rolloutLength * sac.startsPerDecision
            guard rows % minibatchSize == 0 else {
                throw bad("rl.minibatchSize", minibatchSize,
                          "a divisor of environment.envs × rl.rolloutLength × rl.sac.startsPerDecision (\(rows)) with rl.algorithm ppo-replay-critic")
            }
        }
        guard groupScoreMin >= 0, groupScoreMin <= groupScoreMax, groupScoreMax <= 1 else {
            throw bad("rl.groupScoreMin…groupScoreMax", "\(groupScoreMin)…\(groupScoreMax)", "an interval inside [0, 1]")
        }
    }
}

extension EvalSettings {
    func validate() throws(ConfigError) {
        guard episodes >= 1 else { throw bad("eval.episodes", episodes, "at least 1") }
        guard periodicEpisodes >= 0 else { throw bad("eval.periodicEpisodes", periodicEpisodes, "at least 0 (0 turns periodic evaluation off)") }
        guard everyIterations >= 1 else { throw bad("eval.everyIterations", everyIterations, "at least 1") }
        if let split, !EnvironmentSettings.splits.contains(split) {
            throw bad("eval.split", split, "one of \(EnvironmentSettings.splits.joined(separator: ", "))")
        }
    }
}

extension RLSettings {
    /// The smooth-noise basis of ``noiseFrequencies`` for a robot with `jointNames`, or nil
    /// when smoothing is off; a per-joint list must name every joint.
    public func noiseBasis(horizon: Int, jointNames: [String]) throws(ConfigError) -> ChunkNoiseBasis? {
        guard noiseFrequencies.isOn else { return nil }
        let counts = noiseFrequencies.counts(joints: jointNames.count)
        guard counts.count == jointNames.count else {
            throw ConfigError(field: "rl.noiseFrequencies", value: noiseFrequencies.description,
                              rule: "one count per joint (\(jointNames.count): \(jointNames.joined(separator: ", ")))")
        }
        return ChunkNoiseBasis(horizon: horizon, frequencies: counts)
    }

    /// Joints per action row that log π scores: all of them, or all but the gripper with
    /// ``scoreGripper`` false, which needs the gripper as the robot's last joint.
    public func scoredJoints(of jointNames: [String]) throws(ConfigError) -> Int {
        if scoreGripper { return jointNames.count }
        guard jointNames.last == "gripper" else {
            throw ConfigError(field: "rl.scoreGripper", value: "false",
                              rule: "true for a robot whose last joint is not the gripper (joints: \(jointNames.joined(separator: ", ")))")
        }
        return jointNames.count - 1
    }
}
