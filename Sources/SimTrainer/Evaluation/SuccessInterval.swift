/// A success rate with its Wilson score interval.
public struct SuccessInterval: Sendable, Equatable, Codable {
    /// Successful episodes.
    public var successes: Int
    /// Episodes.
    public var episodes: Int
    /// successes / episodes.
    public var rate: Double { episodes > 0 ? Double(successes) / Double(episodes) : 0 }
    /// Lower and upper bounds of the Wilson interval.
    public var lower: Double, upper: Double

    /// The Wilson score interval at z (1.96 for 95 %):
    /// (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
    public init(successes: Int, episodes: Int, z: Double = 1.959964) {
        precondition(episodes >= 0 && (0...max(episodes, 0)).contains(successes), "successes must be within 0…episodes")
        self.successes = successes
        self.episodes = episodes
        guard episodes > 0 else { lower = 0; upper = 1; return }
        let n = Double(episodes), p = Double(successes) / n, z2 = z * z
        let centre = p + z2 / (2 * n)
        let spread = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        lower = max(0, (centre - spread) / (1 + z2 / n))
        upper = min(1, (centre + spread) / (1 + z2 / n))
    }
}
