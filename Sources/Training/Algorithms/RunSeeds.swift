/// Derives independent, reproducible seeds for each random consumer of a run from the
/// run seed, so that a resumed run draws exactly what an uninterrupted one would have:
/// the stream of iteration i depends only on (seed, purpose, i), never on how many
/// numbers earlier iterations consumed.
public enum RunSeeds {
    /// What a stream is used for.
    public enum Purpose: UInt64, Sendable, CaseIterable {
        /// Network initialization.
        case initialization = 1
        /// SFT minibatches, noise and times.
        case sft = 2
        /// Rollout sampling noise of an RL iteration.
        case rollout = 3
        /// Minibatch shuffles of an RL update.
        case update = 4
        /// Evaluation sampling noise.
        case evaluation = 5
        /// Environment episodes of an RL stage (offset per resume segment).
        case environments = 6
        /// Demonstration recording.
        case demos = 7
    }

    /// A 64-bit seed for `purpose` at `index` (an iteration or a step), mixed with SplitMix64.
    public static func seed(_ runSeed: UInt64, _ purpose: Purpose, index: UInt64 = 0) -> UInt64 {
        var z = runSeed &+ purpose.rawValue &* 0x9E37_79B9_7F4A_7C15 &+ index &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
