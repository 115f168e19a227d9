/// The sinusoidal embedding of the flow time t (docs/design/flow-rl.md §2): `width/2` periods
/// spaced geometrically between `minPeriod` and `maxPeriod`, sin half then cos half.
///
/// Time convention: t = 1 is pure noise, t = 0 the action. No parameters; the MLP
/// that follows is made of ``Linear`` layers.
public struct SinusoidalTimeEmbedding: Sendable {
    /// Output width (even).
    public let width: Int
    /// Angular frequencies `2π / period`, `width/2` of them.
    public let frequencies: [Float]

    /// Creates the embedding; `width` must be even and at least 2.
    public init(width: Int, minPeriod: Double = 4e-3, maxPeriod: Double = 4.0) {
        precondition(width >= 2 && width % 2 == 0, "time embedding width must be even")
        self.width = width
        let half = width / 2
        frequencies = (0..<half).map { i in
            let fraction = half == 1 ? 0 : Double(i) / Double(half - 1)
            let period = minPeriod * _exp(fraction * _log(maxPeriod / minPeriod))
            return Float(2 * Double.pi / period)
        }
    }

    /// Writes `rows × width` embeddings of the per-row times `t`.
    public func forward(t: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int) {
        let half = width / 2
        frequencies.withUnsafeBufferPointer { f in
            for r in 0..<rows {
                let yr = y + r * width
                for i in 0..<half {
                    let angle = t[r] * f[i]
                    yr[i] = _sin(angle)
                    yr[half + i] = _cos(angle)
                }
            }
        }
    }
}

