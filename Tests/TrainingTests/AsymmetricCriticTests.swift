import Foundation
import Testing
import Policy
@testable import Training

/// `rl.sac.privilegedCritic`: the replay critics read the simulator's privileged state after
/// the observation's features; the steering head (the actor that is deployed) reads the
/// prefix alone, so the privileged values cannot move the starts it draws.
@Suite("Asymmetric critic", .serialized)
struct AsymmetricCriticTests {
    static let privilegedStats = NormStats(mean: [0.1, -0.2, 0.3, 0, 0.05, -0.1], std: [0.3, 0.2, 0.25, 0.3, 0.2, 0.4],
                                           q01: [-0.5, -0.6, -0.4, -0.5, -0.45, -0.5], q99: [0.5, 0.4, 0.6, 0.5, 0.55, 0.5])

    static func trainer() throws -> (NoiseSAC, TrainingConfig, NormStatsFile) {
        var config = SACTests.sacConfig()
        config.rl.sac.privilegedCritic = true
        try config.validate()
        let policy = try FlowPolicy(config: config.policyConfig())
        policy.initialize(seed: 2)
        var normStats = NormStatsFile.identity(for: policy.config)
        normStats.normStats["privileged"] = privilegedStats
        // Never succeeds, so every episode runs its 3 decisions and the first decision step's
        // transitions enter the replay in environment order at the second step.
        let environment = TargetEnvironment(count: config.environment.envs, seed: 5, imageSize: config.environment.imageSize,
                                            successThreshold: 0, privilegedTarget: true)
        let sac = NoiseSAC(policy: policy, normStats: normStats, environment: environment, settings: config.rl, seed: config.seed)
        return (sac, config, normStats)
    }

    /// Each stored critic row is `[prefix | time | normalized privileged]`: the prefix is the
    /// encoder's features of the observation the actor got, the tail the environment's
    /// privileged values through the checkpoint's `privileged` statistics.
    @Test func criticRowsEndWithTheNormalizedPrivilegedState() throws {
        let (sac, config, normStats) = try Self.trainer()
        let p = sac.prefixWidth, f = sac.timeWidth, k = sac.privilegedWidth, o = sac.replay.observationWidth
        #expect(k == 6 && o == p + f + k)
        _ = try sac.iterate(1)
        let n = config.environment.envs
        #expect(sac.replay.count >= n)

        let reference = TargetEnvironment(count: n, seed: 5, imageSize: config.environment.imageSize, successThreshold: 0,
                                          privilegedTarget: true)
        let first = try reference.reset(groupSize: 1)
        let kind = sac.policy.config.io.normalization
        let packer = ObservationPacker(config: sac.policy.config, tokenizer: sac.policy.tokenizer,
                                       stateNormalizer: kind.normalizer(normStats.normStats["state"]!))
        sac.policy.encode(try packer.pack(first))
        let prefix = sac.policy.prefixFeatures
        let privileged = kind.normalizer(Self.privilegedStats)
        var row = [Float](repeating: 0, count: o)
        for e in 0..<n {
            row.withUnsafeMutableBufferPointer { sac.replay.copyObservation(e, to: $0.baseAddress!) }
            let expected = privileged.apply(first[e].privileged)
            #expect(expected != first[e].privileged, "the statistics change the values")
            for j in 0..<k { #expect(abs(row[p + f + j] - expected[j]) < 1e-6, "environment \(e), privileged \(j)") }
            for j in 0..<p { #expect(abs(row[j] - prefix[e * p + j]) < 1e-4, "environment \(e), prefix \(j)") }
        }
    }

    /// Rewriting the privileged tail of the rows leaves the actor's start distribution exactly
    /// as it was, while the critics' values move.
    @Test func theActorNeverReadsThePrivilegedState() throws {
        let (sac, _, _) = try Self.trainer()
        _ = try sac.iterate(1)
        let b = sac.batch, rows = b.rows, o = b.observationWidth, d = b.startWidth, k = sac.privilegedWidth
        var observations = [Float](repeating: 0, count: rows * o)
        observations.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<rows { sac.replay.copyObservation(r % sac.replay.count, to: buffer.baseAddress! + r * o) }
        }
        var shifted = observations
        for r in 0..<rows { for j in (o - k)..<o { shifted[r * o + j] += Float(j % 3) - 1.5 } }
        func actor(_ rows: [Float]) -> [Float] {
            rows.withUnsafeBufferPointer { sac.loadStartDistribution(at: $0.baseAddress!, in: b) }
            return Array(UnsafeBufferPointer(start: b.mean, count: b.rows * d)) + Array(UnsafeBufferPointer(start: b.logStd, count: b.rows * d))
        }
        func critic(_ rows: [Float]) -> [Float] {
            let starts = [Float](repeating: 0.3, count: b.rows * d)
            rows.withUnsafeBufferPointer { r in starts.withUnsafeBufferPointer { b.assemble(r.baseAddress!, $0.baseAddress!) } }
            sac.critics.forward(b.qInput, rows: b.rows, out: b.q)
            return Array(UnsafeBufferPointer(start: b.q, count: 2 * b.rows))
        }
        #expect(actor(observations) == actor(shifted))
        let before = critic(observations), after = critic(shifted)
        let moved = zip(before, after).map { abs($0 - $1) }.max() ?? 0
        #expect(moved > 1e-3, "the critics read the privileged values (largest change \(moved))")
    }

    /// Only the replay critics read it: with PPO the setting is refused, naming itself.
    @Test func configurationErrorsSayWhatIsMissing() throws {
        var config = Fixtures.config(algorithm: .ppo)
        config.rl.sac.privilegedCritic = true
        #expect(throws: ConfigError.self) { try config.validate() }
        do { try config.validate() } catch { #expect("\(error)".contains("rl.sac.privilegedCritic")) }
    }
}
