import Synchronization

/// Actions waiting for their tick, filled by the inference thread and drained by
/// the control thread.
///
/// Latency compensation: a chunk's actions are indexed by tick, so when
/// inference took three ticks the first three actions are already in the past
/// and are dropped, never executed late. Overlapping chunks blend per
/// `ChunkBlending`. Storage is a ring of `capacity` ticks allocated once;
/// `take` allocates nothing.
public final class ActionQueue: Sendable {
    private struct Storage {
        var capacity: Int
        var dimension: Int
        /// Resolved action per slot.
        var values: [Float]
        /// Sum of ensemble weights per slot (temporal ensembling).
        var weights: [Float]
        /// Chunks that voted per slot.
        var votes: [Int32]
        /// The tick each slot holds, or Int64.min when empty.
        var ticks: [Int64]
        /// Observation time of the newest chunk that wrote each slot.
        var sources: [UInt64]
        /// The last tick the control thread took.
        var consumedTick: Int64 = -1
        /// Bumped by `clear()`.
        var epoch = 0
        /// Statistics.
        var droppedLate = 0
        var chunksPushed = 0
        var chunksRefused = 0
    }

    /// How overlapping chunks combine.
    public let blending: ChunkBlending
    /// Joints per action.
    public let dimension: Int
    /// Ticks the ring can hold.
    public let capacity: Int
    private let storage: Mutex<Storage>

    /// Creates a queue for `dimension` joints holding up to `capacity` future ticks.
    public init(dimension: Int, capacity: Int, blending: ChunkBlending) {
        precondition(dimension > 0 && capacity > 0)
        self.dimension = dimension
        self.capacity = capacity
        self.blending = blending
        storage = Mutex(Storage(
            capacity: capacity, dimension: dimension, values: Array(repeating: 0, count: capacity * dimension),
            weights: Array(repeating: 0, count: capacity), votes: Array(repeating: 0, count: capacity),
            ticks: Array(repeating: .min, count: capacity), sources: Array(repeating: 0, count: capacity)))
    }

    /// Adds a chunk. Actions for ticks already taken are dropped; a chunk with a
    /// NaN or Inf anywhere is refused whole (returns false) so the watchdog holds.
    @discardableResult
    public func push(_ chunk: ActionChunk) -> Bool {
        precondition(chunk.dimension == dimension, "chunk dimension \(chunk.dimension) ≠ queue dimension \(dimension)")
        return storage.withLock { s in
            guard chunk.isFinite else {
                s.chunksRefused += 1
                return false
            }
            guard chunk.epoch == s.epoch else { return false }  // computed before a clear(): stale
            s.chunksPushed += 1
            let d = s.dimension
            // The overlap with what is queued decides the cross-fade weights.
            var overlap = 0
            for k in 0..<chunk.horizon {
                let tick = chunk.startTick + Int64(k)
                if tick > s.consumedTick, s.ticks[slot(tick, s.capacity)] == tick { overlap += 1 }
            }
            var overlapIndex = 0
            for k in 0..<chunk.horizon {
                let tick = chunk.startTick + Int64(k)
                if tick <= s.consumedTick {
                    s.droppedLate += 1
                    continue
                }
                if tick > s.consumedTick + Int64(s.capacity) { break }  // beyond the ring: the next chunk covers it
                let i = slot(tick, s.capacity)
                let base = i * d
                let fresh = s.ticks[i] != tick
                if fresh {
                    s.ticks[i] = tick
                    s.weights[i] = 0
                    s.votes[i] = 0
                    s.sources[i] = 0
                }
                switch blending {
                case .replace:
                    for j in 0..<d { s.values[base + j] = chunk.actions[k * d + j] }
                case .crossFade:
                    if fresh {
                        for j in 0..<d { s.values[base + j] = chunk.actions[k * d + j] }
                    } else {
                        overlapIndex += 1
                        let alpha = Float(overlapIndex) / Float(overlap + 1)
                        for j in 0..<d {
                            s.values[base + j] = (1 - alpha) * s.values[base + j] + alpha * chunk.actions[k * d + j]
                        }
                    }
                case .temporalEnsemble(let m):
                    let w = expf(-m * Float(s.votes[i]))
                    let total = s.weights[i] + w
                    for j in 0..<d {
                        s.values[base + j] = (s.values[base + j] * s.weights[i] + w * chunk.actions[k * d + j]) / total
                    }
                    s.weights[i] = total
                }
                s.votes[i] += 1
                s.sources[i] = max(s.sources[i], chunk.observationTimestampNanoseconds)
            }
            return true
        }
    }

    /// The action for `tick`, copied into `action`, and the observation time of
    /// the newest chunk behind it; nil when no action is queued for `tick`.
    /// Marks every tick up to `tick` as consumed.
    public func take(tick: Int64, into action: inout [Float]) -> UInt64? {
        storage.withLock { s in
            s.consumedTick = max(s.consumedTick, tick)
            let i = slot(tick, s.capacity)
            guard s.ticks[i] == tick else { return nil }
            let base = i * s.dimension
            for j in 0..<s.dimension { action[j] = s.values[base + j] }
            s.ticks[i] = .min
            return s.sources[i]
        }
    }

    /// Drops everything queued and starts a new epoch: chunks computed from
    /// observations before this call are refused (a simulated episode ended).
    public func clear() {
        storage.withLock { s in
            for i in s.ticks.indices { s.ticks[i] = .min }
            s.epoch += 1
        }
    }

    /// The current epoch (stamp observations with it).
    public var epoch: Int { storage.withLock { $0.epoch } }

    /// Queued actions for ticks after `tick` (the refill threshold compares against this).
    public func remaining(after tick: Int64) -> Int {
        storage.withLock { s in
            var n = 0
            var t = tick + 1
            while n < s.capacity, s.ticks[slot(t, s.capacity)] == t {
                n += 1
                t += 1
            }
            return n
        }
    }

    /// Counters: actions dropped for arriving late, chunks accepted, chunks refused (non-finite).
    public var counters: (droppedLate: Int, chunksPushed: Int, chunksRefused: Int) {
        storage.withLock { ($0.droppedLate, $0.chunksPushed, $0.chunksRefused) }
    }
}

@inline(__always)
private func slot(_ tick: Int64, _ capacity: Int) -> Int {
    Int(((tick % Int64(capacity)) + Int64(capacity)) % Int64(capacity))
}

#if canImport(Glibc)
import Glibc
#endif
