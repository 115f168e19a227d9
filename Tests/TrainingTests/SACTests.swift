import Foundation
import Testing
import Policy
@testable import Training

/// Soft actor-critic over the flow's start (`rl.algorithm: sac`): the critics' gradients, the
/// replay, the update's direction on a bandit whose best start is known, and a run that saves
/// and resumes the critics.
@Suite("SAC over the start", .serialized)
struct SACTests {
    /// Both critics' parameter and input gradients match central differences of
    /// `Σ_i Σ_r c_ir·Q_i(x_r)`.
    @Test func twinCriticGradientsMatchFiniteDifferences() {
        let rows = 3, inputs = 5
        let critics = TwinQNetwork(inputs: inputs, width: 8, capacity: rows, seed: 1)
        var rng = RandomSource(seed: 2)
        let input = UnsafeMutablePointer<Float>.allocate(capacity: rows * inputs)
        defer { input.deallocate() }
        for i in 0..<(rows * inputs) { input[i] = Float(rng.gaussian()) }
        let weights = (0..<(2 * rows)).map { _ in Float(rng.gaussian()) }
        var out = [Float](repeating: 0, count: 2 * rows)
        func objective() -> Double {
            critics.forward(input, rows: rows, out: &out)
            return zip(out, weights).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        _ = objective()
        critics.parameters.zeroGradients()
        var dInput = [Float](repeating: 0, count: rows * inputs)
        critics.backward(dQ: weights, input: input, dInput: &dInput, rows: rows)
        let h: Float = 1e-2
        func numeric(_ at: UnsafeMutablePointer<Float>) -> Double {
            let saved = at.pointee
            at.pointee = saved + h; let plus = objective()
            at.pointee = saved - h; let minus = objective()
            at.pointee = saved
            return (plus - minus) / Double(2 * h)
        }
        let p = critics.parameters.values, g = critics.parameters.gradients
        for entry in critics.parameters.layout.entries {
            for i in [entry.range.lowerBound, entry.range.upperBound - 1] {
                let n = numeric(p + i)
                #expect(abs(n - Double(g[i])) < 2e-2 * max(1, abs(n)), "\(entry.name)[\(i - entry.offset)]: \(g[i]) vs \(n)")
            }
        }
        for i in 0..<(rows * inputs) {
            let n = numeric(input + i)
            #expect(abs(n - Double(dInput[i])) < 2e-2 * max(1, abs(n)), "input[\(i)]: \(dInput[i]) vs \(n)")
        }
        // The targets start equal to the critics and follow them at rate τ.
        #expect(critics.target.values[0] == p[0])
        let before = critics.target.values[0]
        p[0] += 1
        critics.updateTarget(rate: 0.25)
        #expect(abs(critics.target.values[0] - (before + 0.25)) < 1e-6)
    }

    /// The ring overwrites its oldest transition, and a terminal one keeps no next observation.
    @Test func replayOverwritesTheOldestTransition() {
        let replay = TransitionReplay(capacity: 3, observationWidth: 2, startWidth: 1)
        for k in 0..<4 {
            let x = Float(k)
            replay.add(observation: [x, x], start: [10 + x], reward: x, terminal: k == 3, next: [x + 1, x + 1])
        }
        #expect(replay.count == 3 && replay.added == 4)
        var o = [Float](repeating: -1, count: 4), n = o, w = [Float](repeating: -1, count: 2), r = w, t = w
        replay.gather([0, 1], observations: &o, starts: &w, rewards: &r, terminals: &t, nextObservations: &n)
        #expect(o == [3, 3, 1, 1] && w == [13, 11] && r == [3, 1] && t == [1, 0])
        #expect(n == [0, 0, 2, 2])
    }

    static func trainer(_ config: TrainingConfig, bandit: Bool = false) throws -> NoiseSAC {
        let policy = try FlowPolicy(config: config.policyConfig())
        policy.initialize(seed: 2)
        let environment = TargetEnvironment(count: config.environment.envs, seed: 5, imageSize: config.environment.imageSize,
                                            varyingTargets: !bandit, decisionsPerEpisode: bandit ? 1 : 3)
        return NoiseSAC(policy: policy, normStats: .identity(for: policy.config), environment: environment, settings: config.rl, seed: config.seed)
    }

    static func sacConfig(iterations: Int = 2) -> TrainingConfig {
        var c = Fixtures.config(iterations: iterations, algorithm: .sac, method: .noiseSteering)
        c.policy.architecture.noiseSteeringWidth = 16
        c.policy.architecture.valueTimeInputs = 2
        c.rl.granularity = .chunk
        c.rl.bootstrapTimeLimit = false
        c.rl.criticWarmupIterations = 0
        c.rl.actorLearningRate = 1e-3
        c.rl.criticLearningRate = 1e-3
        c.rl.sac.batchSize = 32; c.rl.sac.startDecisions = 8; c.rl.sac.updatesPerStep = 2
        c.rl.sac.criticWidth = 32; c.rl.sac.replayCapacity = 4_000
        return c
    }

    /// A one-step bandit, online: every decision ends its episode with reward
    /// `−mean((w − 0.8)²)`, and each round adds the current actor's decisions to the replay
    /// before the updates. The critics learn it and the actor's mean start moves to 0.8 on
    /// every entry while σ shrinks; with the prior the mean stays nearer N(0, I)'s.
    @Test(arguments: [0.0, 2.0])
    func updatesSteerTheStartToWhatTheCriticsRankBest(prior: Double) throws {
        var config = Self.sacConfig()
        config.rl.sac.targetEntropy = -1
        config.rl.sac.priorCoefficient = prior
        try config.validate()
        let sac = try Self.trainer(config)
        let rows = 16
        var rng = RandomSource(seed: 7)
        let states = BanditStates(sac, rows: rows, rng: &rng)
        let o = states.observationWidth, d = states.startWidth, observations = states.observations
        func average(_ values: [Float]) -> Float { BanditStates.average(values) }
        states.refresh()
        var mean: [Float] { states.mean }
        var logStd: [Float] { states.logStd }
        #expect(average(mean) == 0 && average(logStd) == 0, "a fresh head is N(0, I)")
        var totals = NoiseSAC.UpdateTotals()
        var updateRNG = RandomSource(seed: 8)
        for _ in 0..<40 {
            states.refresh()
            for r in 0..<rows {
                for _ in 0..<4 {
                    let w = (0..<d).map { mean[r * d + $0] + _exp(logStd[r * d + $0]) * Float(rng.gaussian()) }
                    let reward = -w.reduce(0) { $0 + ($1 - 0.8) * ($1 - 0.8) } / Float(d)
                    observations.withUnsafeBufferPointer {
                        sac.replay.add(observation: $0.baseAddress! + r * o, start: w, reward: reward, terminal: true, next: nil)
                    }
                }
            }
            for _ in 0..<25 { sac.update(actor: true, totals: &totals, using: &updateRNG) }
        }
        states.refresh()
        let after = (mean: average(mean), logStd: average(logStd))
        if prior == 0 {
            #expect(after.mean > 0.6 && after.mean < 1.0, "mean start \(after.mean), log σ \(after.logStd), α \(sac.alpha)")
            #expect(after.logStd < -0.3, "log σ \(after.logStd)")
        } else {
            #expect(after.mean > 0.1 && after.mean < 0.6, "mean start \(after.mean) under the prior")
        }
        #expect(sac.gradientSteps == 1000 && totals.actorSteps == 1000 && totals.skipped == 0)
    }

    /// Through the trainer's own loop (rollouts into the replay, updates after every decision
    /// step) on the one-decision bandit PPO's steering test uses: moving the start alone brings
    /// the random flow's chunks toward the target, and only the steering head moves.
    @Test func iterationsRaiseTheReturn() throws {
        var config = Self.sacConfig()
        config.rl.rolloutLength = 12
        try config.validate()
        let sac = try Self.trainer(config, bandit: true)
        let store = sac.policy.parameters
        let start = Array(UnsafeBufferPointer(start: store.values, count: store.count))
        var returns: [Double] = []
        for i in 1...20 { returns.append(try sac.iterate(i).meanReturn) }
        Self.expectReturnRose(returns)
        Self.expectOnlyTheHeadMoved(store, from: start)
    }

    /// The mean of the last three returns is above the first three's by a margin.
    static func expectReturnRose(_ returns: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        let early = returns.prefix(3).reduce(0, +) / 3, late = returns.suffix(3).reduce(0, +) / 3
        #expect(late > early + 0.15, "mean return \(returns)", sourceLocation: sourceLocation)
    }

    /// Every steering-head tensor of `store` moved away from `start`, and no other tensor did.
    static func expectOnlyTheHeadMoved(_ store: ParameterStore, from start: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
        for e in store.layout.entries {
            let moved = e.range.contains { store.values[$0] != start[$0] }
            #expect(moved == ParameterGroups.isRLHead(e.name), "\(e.name) \(moved ? "moved" : "stayed")", sourceLocation: sourceLocation)
        }
    }

    /// `config` run from a fresh SFT checkpoint in a new directory (the caller removes both):
    /// the run, its log lines, its directory and the SFT run's.
    static func adoptingRun(_ config: TrainingConfig) throws -> (run: TrainSimRun, lines: [String], dir: String, first: String) {
        let first = Support.temporaryDirectory(), dir = Support.temporaryDirectory()
        _ = try RunTests.run(Fixtures.config(iterations: 0), in: first)
        var config = config
        config.sft.fromCheckpoint = first + "/checkpoints/sft"
        let (run, lines) = try RunTests.run(config, in: dir)
        return (run, lines, dir, first)
    }

    /// A run with `rl.algorithm: sac` trains the steering head alone (the flow and the PPO
    /// critic stay bit-identical), saves the critics beside `rl-latest`, and a run extended
    /// past its last iteration resumes them.
    @Test func runTrainsTheHeadAndResumesTheCritics() throws {
        var config = Self.sacConfig(iterations: 2)
        let (run, lines, dir, first) = try Self.adoptingRun(config)
        defer { for d in [first, dir] { try? FileManager.default.removeItem(atPath: d) } }
        config.sft.fromCheckpoint = first + "/checkpoints/sft"
        #expect(lines.contains { $0.hasPrefix("rl: SAC over the flow's start") })
        #expect(run.state.rlIterations == 2)
        let adopted = try PolicyCheckpoint.load(from: dir + "/checkpoints/sft").policy
        let trained = try PolicyCheckpoint.load(from: dir + "/checkpoints/rl-latest").policy
        for e in trained.parameters.layout.entries {
            let moved = e.range.contains { trained.parameters.values[$0] != adopted.parameters.values[$0] }
            #expect(moved == ParameterGroups.isRLHead(e.name), "\(e.name) \(moved ? "moved" : "stayed")")
        }
        let state = dir + "/checkpoints/rl-latest/" + NoiseSAC.stateFile
        let saved = try SafeTensorsReader(path: state)
        #expect(saved.tensors["q.q0.fc1.weight"] != nil && saved.tensors["q_target.q1.fc3.bias"] != nil)
        #expect(saved.tensors["temperature.log_alpha"] != nil && Int(saved.metadata["critic_steps"] ?? "") ?? 0 > 0)
        let csv = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8)
        let table = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let q = try #require(table[0].firstIndex(of: "mean_q")), alpha = try #require(table[0].firstIndex(of: "temperature"))
        let iteration = try #require(table[0].firstIndex(of: "iteration"))
        let last = try #require(table.last { $0[iteration] == "2.0" })
        #expect(Double(last[q])?.isFinite == true && Double(last[alpha]).map { $0 > 0 } == true, "\(last)")

        // Resuming restores the critics exactly: a trainer loaded from the state matches it.
        let sac = try Self.trainer(config)
        try sac.loadState(from: dir + "/checkpoints/rl-latest")
        var q0 = [Float](repeating: 0, count: sac.critics.parameters.count)
        try saved.copy("q.q0.fc1.weight", into: &q0)
        #expect(sac.criticOptimizer.stepCount == Int(saved.metadata["critic_steps"]!))
        let fc1 = try #require(sac.critics.parameters.layout.entry(named: "q0.fc1.weight"))
        #expect(Array(q0[0..<fc1.count]) == Array(UnsafeBufferPointer(start: sac.critics.parameters.values + fc1.offset, count: fc1.count)))

        config.rl.iterations = 3
        let (resumed, more) = try RunTests.run(config, in: dir)
        #expect(more.contains("rl: resuming after iteration 2/3") && resumed.state.rlIterations == 3)

        try FileManager.default.removeItem(atPath: dir + "/checkpoints/rl-latest/" + NoiseSAC.stateFile)
        do {
            try sac.loadState(from: dir + "/checkpoints/rl-latest")
            Issue.record("a checkpoint without the critics was resumed")
        } catch {
            #expect("\(error)".contains("SAC critics are missing"))
        }
        config.rl.iterations = 4
        do {
            _ = try RunTests.run(config, in: dir)
            Issue.record("resumed without the critics")
        } catch {
            #expect("\(error)".contains("SAC critics are missing"), "\(error)")
        }
    }
}

/// Fixed random observations for the bandit tests and the steering head's `N(μ, σ²)` at them.
final class BanditStates {
    let rows: Int, observationWidth: Int, startWidth: Int
    let observations: [Float]
    private let prefix: [Float], conditions: [Int32]
    private let policy: FlowPolicy
    /// The head's means and log-stds at every row after ``refresh()``.
    private(set) var mean: [Float], logStd: [Float]

    init(_ trainer: NoiseSAC, rows: Int, rng: inout RandomSource) {
        let o = trainer.replay.observationWidth, p = trainer.policy.prefixWidth
        self.rows = rows; observationWidth = o; startWidth = trainer.replay.startWidth; policy = trainer.policy
        let observations = (0..<(rows * o)).map { _ in Float(rng.gaussian()) }
        self.observations = observations
        conditions = (0..<rows).map(Int32.init)
        prefix = (0..<rows).flatMap { r in observations[(r * o)..<(r * o + p)] }
        mean = .init(repeating: 0, count: rows * startWidth); logStd = mean
    }

    /// Recomputes ``mean`` and ``logStd`` with the head as it is now.
    func refresh() {
        prefix.withUnsafeBufferPointer { policy.loadPrefixFeatures($0, count: rows) }
        _ = policy.startDistribution(conditions: conditions, rows: rows, mean: &mean, logStd: &logStd)
    }

    static func average(_ values: [Float]) -> Float { values.reduce(0, +) / Float(values.count) }
}
