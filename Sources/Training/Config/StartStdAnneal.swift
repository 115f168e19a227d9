/// Noise steering under PPO or GRPO (`rl.startStdAnneal`): a cap on the start's σ that falls
/// over training. The head explores with the SFT policy's noise while it learns fastest, then
/// acts nearer its mean once learning levels off. PPO barely moves σ itself (per entry,
/// log σ stays within ±0.14 over 360 iterations on `place`; docs/results.md, "What holds
/// noise steering"), so without a schedule the start stays as noisy as it began.
public struct StartStdAnneal: Codable, Sendable, Equatable {
    /// The σ the cap ends at.
    public var to: Double
    /// No cap up to and including this iteration.
    public var from: Int
    /// The cap is `to` from this iteration on, falling linearly from the head's initial σ
    /// (`policy.architecture.noiseSteeringStd`) after `from`.
    public var until: Int

    /// Settings with these values.
    public init(to: Double, from: Int, until: Int) {
        self.to = to
        self.from = from
        self.until = until
    }

    /// The largest σ at iteration `iteration` (1-based), nil when there is no cap yet.
    public func cap(at iteration: Int, initialStd: Double) -> Double? {
        guard iteration > from else { return nil }
        guard iteration < until else { return to }
        let progress = Double(iteration - from) / Double(until - from)
        return initialStd + (to - initialStd) * progress
    }

    /// Decodes settings; every field is required.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        to = try c.decode(Double.self, forKey: .to)
        from = try c.decode(Int.self, forKey: .from)
        until = try c.decode(Int.self, forKey: .until)
    }
}
