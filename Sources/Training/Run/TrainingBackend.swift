/// What a training run needs from a simulator: vectorized chunk environments and
/// scripted demonstrations on disk (`pirl-robot-demos/1`).
public protocol TrainingBackend {
    /// `count` environments of `settings`, their episodes drawn from `seed`.
    func makeEnvironment(_ settings: EnvironmentSettings, count: Int, seed: UInt64) throws -> any VectorChunkEnvironment
    /// Records `episodes` scripted-expert episodes of `settings` into `directory`.
    func recordDemonstrations(_ settings: EnvironmentSettings, episodes: Int, seed: UInt64, to directory: String) throws
}
