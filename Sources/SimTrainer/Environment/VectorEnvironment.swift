/// How one finished episode went.
public struct EpisodeSummary: Sendable, Equatable, Codable {
    /// Environment that ran it.
    public var environment: Int
    /// Its index among that environment's episodes.
    public var episode: Int
    /// The success predicate held at some step.
    public var success: Bool
    /// Sum of rewards.
    public var episodeReturn: Double
    /// Control steps.
    public var length: Int
    /// Cut because the physics diverged.
    public var diverged: Bool
    /// The instruction.
    public var instruction: String
    /// Why it failed (``SimEnvironment/episodeFailure``); `nil` on success.
    public var failure: String? = nil
    /// What the episode placed where (cube poses, goal), to relate outcomes to layouts.
    public var setup: EpisodeSetup? = nil
}

/// What a batch step returns.
public struct VectorStepResult: Sendable {
    /// Each environment's observation after its chunk; for an environment
    /// whose episode ended, the first observation of its next episode.
    public var observations: [SimObservation]
    /// Per environment: the chunk's summed reward, termination and so on.
    public var results: [StepResult]
    /// Episodes that ended in this step.
    public var finished: [EpisodeSummary]
}

/// N environments stepped in parallel on a ``WorkerPool``: environment `i`
/// always runs on worker `i mod threads`, which owns one ``OffscreenRenderer``
/// for its environments. Batch reset, batch chunk steps, automatic reset of
/// finished episodes. Results depend only on the seed, never on the number
/// of threads or their timing.
public final class VectorEnvironment: @unchecked Sendable {
    /// The environments, in order.
    public let environments: [SimEnvironment]
    /// The worker threads.
    public let pool: WorkerPool
    private let renderers: RendererSlots
    private var observations: [SimObservation?]
    private var results: [StepResult]
    private var summaries: [EpisodeSummary?]
    private var errors: [Error?]
    private var chunk: [[Float]] = []
    private var chunkLength = 0

    /// `count` environments of `configuration` seeded with `seed`, on `threads` worker threads.
    public init(configuration: EnvironmentConfiguration, count: Int, seed: UInt64, threads: Int) throws {
        precondition(count > 0 && threads > 0, "need at least one environment and one thread")
        environments = try (0..<count).map { try SimEnvironment(configuration: configuration, seed: seed, index: $0) }
        pool = WorkerPool(count: min(threads, count))
        renderers = RendererSlots(count: pool.count)
        observations = Array(repeating: nil, count: count)
        results = Array(repeating: StepResult(reward: 0, terminated: false, truncated: false, success: false, diverged: false, steps: 0), count: count)
        summaries = Array(repeating: nil, count: count)
        errors = Array(repeating: nil, count: pool.count)
    }

    deinit {
        // Each OSMesa context is released on the thread it is current on.
        let slots = renderers
        pool.run { worker in slots.items[worker] = nil }
    }

    /// Number of environments.
    public var count: Int { environments.count }

    /// Resets every environment to its first (or next) episode and returns the observations.
    public func reset() throws -> [SimObservation] {
        try parallel { environment, renderer in
            environment.reset()
            self.observations[environment.index] = try environment.observe(using: renderer)
        }
        return observations.map { $0! }
    }

    /// Executes one chunk per environment (`chunks[i]`: H × joints values,
    /// row-major; the first `length` rows run, docs/design/flow-rl.md §5), then observes;
    /// finished episodes are summarized and their environments reset.
    public func step(chunks: [[Float]], length: Int) throws -> VectorStepResult {
        precondition(chunks.count == count, "one chunk per environment")
        chunk = chunks
        chunkLength = length
        try parallel { environment, renderer in
            let i = environment.index
            let result = self.chunk[i].withUnsafeBufferPointer { environment.step(chunk: $0, count: self.chunkLength) }
            self.results[i] = result
            self.summaries[i] = nil
            if result.done {
                self.summaries[i] = EpisodeSummary(
                    environment: i, episode: environment.episodeIndex, success: environment.episodeSucceeded,
                    episodeReturn: environment.episodeReturn, length: environment.episodeStep, diverged: result.diverged,
                    instruction: environment.setup.instruction, failure: environment.episodeFailure,
                    setup: environment.setup)
                environment.reset()
            }
            self.observations[i] = try environment.observe(using: renderer)
        }
        return VectorStepResult(observations: observations.map { $0! }, results: results, finished: summaries.compactMap { $0 })
    }

    /// Runs `body` for every environment on its worker thread, with that worker's renderer.
    private func parallel(_ body: @escaping (SimEnvironment, OffscreenRenderer?) throws -> Void) throws {
        let box = UncheckedBox(body)
        pool.run { worker in
            do {
                if self.environments[0].configuration.renderImages, self.renderers.items[worker] == nil {
                    self.renderers.items[worker] = try OffscreenRenderer(model: self.environments[worker].model)
                }
                var index = worker
                while index < self.environments.count {
                    try box.value(self.environments[index], self.renderers.items[worker])
                    index += self.pool.count
                }
                self.errors[worker] = nil
            } catch {
                self.errors[worker] = error
            }
        }
        if let error = errors.compactMap({ $0 }).first { throw error }
    }
}

/// Hands a non-Sendable value to worker threads that use it under the pool's handover.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One renderer slot per worker; slot `w` is only touched on worker `w`'s thread.
final class RendererSlots: @unchecked Sendable {
    var items: [OffscreenRenderer?]
    init(count: Int) { items = Array(repeating: nil, count: count) }
}
