/// Produces action chunks from the newest state (and whatever sensors the
/// source reads itself, such as cameras). The inference thread calls it; it
/// may take longer than a control period — late actions are dropped by the
/// queue, not executed late.
public protocol ChunkSource: AnyObject {
    /// Actions per chunk.
    var horizon: Int { get }
    /// A chunk of `horizon × D` joint-unit targets for the ticks after `snapshot.tick`.
    func chunk(for snapshot: StateSnapshot) throws -> [Float]
    /// Capture time (CLOCK_MONOTONIC ns) of the oldest sensor reading behind the
    /// last chunk other than the joint state (camera frames); 0 when none.
    var lastObservationTimestamp: UInt64 { get }
}

extension ChunkSource {
    public var lastObservationTimestamp: UInt64 { 0 }
}
