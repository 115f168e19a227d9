import Policy

/// Control steps elapsed in each environment's current episode, and the critic's time
/// features from them (``Policy/EpisodeTimeFeatures``). The trainer keeps the count itself
/// from each chunk step's executed steps and episode ends, so any
/// ``VectorChunkEnvironment`` with a ``VectorChunkEnvironment/episodeStepLimit`` works.
struct EpisodeClock {
    /// Control steps at which an unfinished episode is cut.
    let limit: Int
    /// F, features per environment.
    let features: Int
    private(set) var elapsed: [Int]

    init(environments: Int, limit: Int, features: Int) {
        precondition(limit > 0 && features > 0)
        self.limit = limit; self.features = features
        elapsed = .init(repeating: 0, count: environments)
    }

    /// Every environment starts a new episode.
    mutating func reset() {
        for e in elapsed.indices { elapsed[e] = 0 }
    }

    /// Counts a chunk step's executed steps; an environment whose episode ended starts at 0.
    mutating func advance(_ step: ChunkStep) {
        for e in elapsed.indices {
            elapsed[e] = step.terminated[e] || step.truncated[e] ? 0 : elapsed[e] + step.executedSteps[e]
        }
    }

    /// Writes every environment's F features, environment-major, to `out`.
    func write(into out: UnsafeMutablePointer<Float>) {
        for e in elapsed.indices {
            let remaining = Float(max(limit - elapsed[e], 0)) / Float(limit)
            EpisodeTimeFeatures.write(remaining: remaining, count: features, into: out + e * features)
        }
    }
}
