/// A chunk of actions from one policy call: `horizon × dimension` joint-unit
/// targets, the first meant for tick `startTick` (the tick its observation was
/// taken at, plus one), row-major.
public struct ActionChunk: Sendable, Equatable {
    /// The control tick of the first action.
    public var startTick: Int64
    /// Actions per chunk (H).
    public var horizon: Int
    /// Joints per action (D).
    public var dimension: Int
    /// `horizon × dimension` targets in joint units.
    public var actions: [Float]
    /// CLOCK_MONOTONIC time (ns) of the observation the chunk was computed from.
    public var observationTimestampNanoseconds: UInt64
    /// The queue epoch of the observation: a chunk computed before `ActionQueue.clear()`
    /// (e.g. in the previous simulated episode) is refused.
    public var epoch: Int

    /// Creates a chunk; `actions.count` must be `horizon × dimension`.
    public init(startTick: Int64, horizon: Int, dimension: Int, actions: [Float],
                observationTimestampNanoseconds: UInt64 = 0, epoch: Int = 0) {
        precondition(actions.count == horizon * dimension, "actions must hold horizon × dimension values")
        self.observationTimestampNanoseconds = observationTimestampNanoseconds
        self.epoch = epoch
        self.startTick = startTick
        self.horizon = horizon
        self.dimension = dimension
        self.actions = actions
    }

    /// True when every value is finite.
    public var isFinite: Bool { actions.allSatisfy(\.isFinite) }
}

/// How a new chunk combines with actions already queued for the same ticks.
public enum ChunkBlending: Sendable, Equatable, Codable {
    /// The newest chunk wins.
    case replace
    /// Linear cross-fade over the overlap: the first overlapping tick is mostly
    /// the old plan, the last mostly the new one.
    case crossFade
    /// ACT's temporal ensembling: every chunk that covers a tick votes with
    /// weight `exp(−m · i)`, i = 0 for the oldest chunk (Zhao et al., 2023).
    case temporalEnsemble(m: Float)
}
