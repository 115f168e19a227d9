import Foundation

/// A small, fast, seedable random generator (SplitMix64), so that a seed gives
/// the same episode on every machine and thread.
public struct SimRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator for `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator for one stream of a run: the run seed mixed with stream numbers
    /// (e.g. environment index and episode index).
    public init(seed: UInt64, stream: UInt64, _ substream: UInt64 = 0) {
        var mixer = SimRandom(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        let a = mixer.next()
        mixer = SimRandom(seed: a ^ (stream &* 0xBF58_476D_1CE4_E5B9))
        let b = mixer.next()
        state = b ^ (substream &* 0x94D0_49BB_1331_11EB)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    /// Uniform in [lower, upper).
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double { lower + (upper - lower) * unit() }
    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
    /// An integer in 0..<count.
    public mutating func index(_ count: Int) -> Int { Int(next() % UInt64(count)) }
}
