import Foundation
import Testing
import Policy
@testable import Training

/// PPO's clipped surrogate over the start with advantages from the replay critics
/// (`rl.algorithm: ppo-replay-critic`): the surrogate's gradient and clipping, the update's
/// direction on a bandit whose best start is known, and a run through the trainer's loop.
@Suite("PPO over the start with replay critics", .serialized)
struct ReplayCriticPPOTests {
    static func config(iterations: Int = 2) -> TrainingConfig {
        var c = SACTests.sacConfig(iterations: iterations)
        c.rl.algorithm = .ppoReplayCritic
        c.rl.reduction = .sum
        c.rl.epochs = 4
        c.rl.minibatchSize = 16
        c.rl.sac.startsPerDecision = 2
        c.rl.sac.baselineStarts = 4
        return c
    }

    /// The surrogate's gradients in the mean and log σ match central differences of its loss
    /// wherever the ratio is inside the clip (and for every sign of the advantage), and are
    /// the prior's alone once the clip binds.
    @Test(arguments: [(1.5, 0.0), (-0.7, 0.0), (1.5, 0.3), (-0.7, 0.3)])
    func surrogateGradientsMatchFiniteDifferencesAndVanishWhenClipped(advantage: Float, prior: Float) {
        let d = 4
        var rng = RandomSource(seed: 11)
        let w = (0..<d).map { _ in Float(rng.gaussian()) }
        var mean = (0..<d).map { _ in 0.3 * Float(rng.gaussian()) }, logStd = (0..<d).map { _ in 0.2 * Float(rng.gaussian()) }
        var dMean = [Float](repeating: 0, count: d), dLogStd = dMean, scratchMean = dMean, scratchLogStd = dMean
        // The old density per entry: the current one, so r = 1 here (inside the clip).
        var old: Float = 0
        for k in 0..<d { let z = (w[k] - mean[k]) / _exp(logStd[k]); old -= 0.5 * z * z + logStd[k] }
        old /= Float(d)
        func loss(_ oldLogProb: Float) -> Float {
            NoiseSAC.surrogate(start: w, mean: mean, logStd: logStd, dimension: d, oldLogProb: oldLogProb, advantage: advantage,
                               clip: 0.2, ratioScale: Float(d), prior: prior, weight: 0.5, dMean: &scratchMean, dLogStd: &scratchLogStd).loss
        }
        let row = NoiseSAC.surrogate(start: w, mean: mean, logStd: logStd, dimension: d, oldLogProb: old, advantage: advantage,
                                     clip: 0.2, ratioScale: Float(d), prior: prior, weight: 0.5, dMean: &dMean, dLogStd: &dLogStd)
        #expect(abs(row.ratio - 1) < 1e-5 && !row.clipped)
        let h: Float = 1e-3
        for k in 0..<d {
            let m = mean[k]
            mean[k] = m + h; let plus = loss(old); mean[k] = m - h; let minus = loss(old); mean[k] = m
            #expect(abs((plus - minus) / (2 * h) - dMean[k]) < 2e-3, "dMean[\(k)] \(dMean[k]) vs \((plus - minus) / (2 * h))")
            let s = logStd[k]
            logStd[k] = s + h; let up = loss(old); logStd[k] = s - h; let down = loss(old); logStd[k] = s
            #expect(abs((up - down) / (2 * h) - dLogStd[k]) < 2e-3, "dLogStd[\(k)] \(dLogStd[k]) vs \((up - down) / (2 * h))")
        }
        // Far past the clip on the side the advantage favours, only the prior's pull is left.
        let past = advantage > 0 ? old - 1 : old + 1   // r = e^{±D}
        let clipped = NoiseSAC.surrogate(start: w, mean: mean, logStd: logStd, dimension: d, oldLogProb: past, advantage: advantage,
                                         clip: 0.2, ratioScale: Float(d), prior: prior, weight: 0.5, dMean: &dMean, dLogStd: &dLogStd)
        #expect(clipped.clipped)
        for k in 0..<d {
            let sigma = _exp(logStd[k])
            #expect(abs(dMean[k] - prior * mean[k] / Float(d) * 0.5) < 1e-6)
            #expect(abs(dLogStd[k] - prior * (sigma * sigma - 1) / Float(d) * 0.5) < 1e-6)
        }
    }

    /// The one-decision bandit of the SAC test, reward `−mean((w − 0.8)²)`: once the critics
    /// have fitted a replay of the fresh head's starts, rounds of rollout-then-surrogate move the
    /// head's mean start toward 0.8 on every entry, each round within the clip's reach (its
    /// ratio KL small, some ratios clipped).
    @Test func surrogateSteersTheStartToWhatTheCriticsRankBest() throws {
        var config = Self.config()
        config.rl.actorLearningRate = 3e-3
        try config.validate()
        let trainer = try SACTests.trainer(config)
        let data = try #require(trainer.onPolicy)
        let rows = data.decisions
        var rng = RandomSource(seed: 7)
        let states = BanditStates(trainer, rows: rows, rng: &rng)
        let o = states.observationWidth, d = states.startWidth, observations = states.observations
        func average(_ values: [Float]) -> Float { BanditStates.average(values) }
        var mean: [Float] { states.mean }
        var logStd: [Float] { states.logStd }
        var totals = NoiseSAC.UpdateTotals(), updateRNG = RandomSource(seed: 8)
        var firstKL = Double.nan, firstClip = Double.nan
        for round in 0..<30 {
            states.refresh()
            var starts = [Float](repeating: 0, count: rows * d)
            for i in starts.indices { starts[i] = mean[i] + _exp(logStd[i]) * Float(rng.gaussian()) }
            for r in 0..<rows {
                let w = Array(starts[(r * d)..<((r + 1) * d)])
                let reward = -w.reduce(0) { $0 + ($1 - 0.8) * ($1 - 0.8) } / Float(d)
                observations.withUnsafeBufferPointer {
                    trainer.replay.add(observation: $0.baseAddress! + r * o, start: w, reward: reward, terminal: true, next: nil)
                }
            }
            for _ in 0..<40 { trainer.update(actor: false, totals: &totals, using: &updateRNG) }
            guard round >= 3 else { continue }   // the critics first fit the fresh head's starts
            data.record(step: 0, observations: observations, starts: starts)
            var step = NoiseSAC.UpdateTotals()
            trainer.updateActorByClippedSurrogate(data, totals: &step, using: &updateRNG)
            var metrics = IterationMetrics()
            step.write(into: &metrics)
            if round == 3 { firstKL = metrics.approxKL; firstClip = metrics.clipFraction }
            #expect(step.surrogateSteps == config.rl.epochs * data.rows / config.rl.minibatchSize && step.skipped == 0)
        }
        states.refresh()
        #expect(average(mean) > 0.3, "mean start \(average(mean)), log σ \(average(logStd))")
        #expect(firstKL > 0 && firstKL < 0.2 && firstClip > 0, "first round: ratio KL \(firstKL), clip fraction \(firstClip)")
    }

    /// Through the trainer's own loop on PPO's one-decision steering bandit, at the rollout's
    /// observations and at replayed ones: the return rises, only the steering head moves, and
    /// during the critics' warm-up it does not move at all.
    @Test(arguments: SurrogateStates.allCases)
    func iterationsRaiseTheReturnAndWarmUpHoldsTheHead(states: SurrogateStates) throws {
        var config = Self.config()
        config.rl.sac.surrogateStates = states
        config.rl.rolloutLength = 12
        config.rl.minibatchSize = 24
        config.rl.criticWarmupIterations = 2
        try config.validate()
        let trainer = try SACTests.trainer(config, bandit: true)
        let store = trainer.policy.parameters
        let start = Array(UnsafeBufferPointer(start: store.values, count: store.count))
        var returns: [Double] = []
        for i in 1...2 { returns.append(try trainer.iterate(i).meanReturn) }
        #expect(Array(UnsafeBufferPointer(start: store.values, count: store.count)) == start, "the head moved during the warm-up")
        var last = IterationMetrics()
        for i in 3...24 { last = try trainer.iterate(i); returns.append(last.meanReturn) }
        SACTests.expectReturnRose(returns)
        #expect(last.approxKL > 0 && last.approxKL.isFinite && last.clipFraction >= 0 && last.meanQ.isFinite)
        SACTests.expectOnlyTheHeadMoved(store, from: start)
    }

    /// `train-sim` runs it: its own log line, the critics saved beside `rl-latest`.
    @Test func runReportsTheAlgorithmAndSavesTheCritics() throws {
        let (run, lines, dir, first) = try SACTests.adoptingRun(Self.config(iterations: 2))
        defer { for d in [first, dir] { try? FileManager.default.removeItem(atPath: d) } }
        #expect(lines.contains { $0.hasPrefix("rl: PPO's clipped surrogate under replay critics over the flow's start") }, "\(lines)")
        #expect(run.state.rlIterations == 2)
        #expect(FileManager.default.fileExists(atPath: dir + "/checkpoints/rl-latest/" + NoiseSAC.stateFile))
    }
}
