/// A seeded, reproducible random source (xoshiro256**, seeded through SplitMix64).
///
/// The same seed gives the same sequence on every machine, so the same seed gives
/// the same action chunk. Gaussian draws use the Box–Muller transform.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareGaussian: Float?

    /// Creates a generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform `Double` in the open interval (0, 1).
    public mutating func uniformOpen() -> Double {
        (Double(next() >> 11) + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal draw.
    public mutating func gaussian() -> Float {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        let u1 = uniformOpen(), u2 = uniformOpen()
        let r = (-2 * _log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spareGaussian = Float(r * _sin(angle))
        return Float(r * _cos(angle))
    }

    /// Fills `count` values with standard normal draws.
    public mutating func fillGaussian(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { buffer[i] = gaussian() }
    }

    /// A uniform integer in `0..<upperBound`.
    public mutating func index(below upperBound: Int) -> Int {
        Int.random(in: 0..<upperBound, using: &self)
    }
}
