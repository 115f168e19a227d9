/// The critic's time features: the fraction of the episode's time limit left, `r ∈ [0, 1]`,
/// as F hat functions centred at `0, 1/(F−1), …, 1` (linear interpolation between the two
/// nearest centres; F = 1 is `r` itself). Each hidden unit of the value head can then shift
/// by any piecewise-linear function of the time left, so a value that falls off sharply as
/// the limit nears is one layer away.
public enum EpisodeTimeFeatures {
    /// Writes the F features of `remaining` (clamped to [0, 1]) to `out[0..<count]`.
    public static func write(remaining: Float, count: Int, into out: UnsafeMutablePointer<Float>) {
        let r = min(max(remaining, 0), 1)
        guard count > 1 else {
            if count == 1 { out[0] = r }
            return
        }
        for j in 0..<count { out[j] = 0 }
        let position = r * Float(count - 1)
        let lower = min(Int(position), count - 2)
        let fraction = position - Float(lower)
        out[lower] = 1 - fraction
        out[lower + 1] = fraction
    }
}
