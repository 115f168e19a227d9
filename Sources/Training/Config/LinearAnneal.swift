/// A setting that falls (or rises) linearly over RL iterations, then holds: `rl.startStdAnneal`
/// (a cap on the steering start's σ) and `rl.actorLearningRateAnneal` (the actor's rate).
/// Both are given in absolute iterations, so a run whose schedule starts after iteration N
/// repeats, through N, a run without one — the two can share their first N iterations.
public struct LinearAnneal: Codable, Sendable, Equatable {
    /// The value the schedule ends at.
    public var to: Double
    /// The setting keeps its own value up to and including this iteration.
    public var from: Int
    /// The value is `to` from this iteration on, moving linearly from the setting's own value
    /// after `from`.
    public var until: Int

    /// Settings with these values.
    public init(to: Double, from: Int, until: Int) {
        self.to = to
        self.from = from
        self.until = until
    }

    /// The scheduled value at iteration `iteration` (1-based) for a setting whose own value is
    /// `start`; nil before the schedule begins.
    public func value(at iteration: Int, start: Double) -> Double? {
        guard iteration > from else { return nil }
        guard iteration < until else { return to }
        let progress = Double(iteration - from) / Double(until - from)
        return start + (to - start) * progress
    }

    /// Throws unless `from` is at least 0 and `until` comes after it; `field` names the setting.
    func validateIterations(field: String) throws(ConfigError) {
        guard from >= 0, until > from else {
            throw bad(field + ".until", until, "after \(field).from (\(from)), which is at least 0")
        }
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
