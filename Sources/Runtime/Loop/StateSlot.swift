import Synchronization

/// The newest joint state the control thread read, for the inference thread.
public struct StateSnapshot: Sendable {
    /// The tick the state was read at.
    public var tick: Int64
    /// CLOCK_MONOTONIC time of the read, nanoseconds.
    public var timestampNanoseconds: UInt64
    /// Joint positions in joint units.
    public var state: [Float]
    /// The action queue's epoch when the state was read.
    public var epoch: Int
}

/// A single-slot mailbox: the control thread publishes, the inference thread copies out.
final class StateSlot: Sendable {
    private let slot: Mutex<StateSnapshot?>

    init() { slot = Mutex(nil) }

    /// Publishes a state (copies into the slot's storage; no allocation once sized).
    func publish(tick: Int64, timestamp: UInt64, state: [Float], epoch: Int) {
        slot.withLock { current in
            if current == nil {
                current = StateSnapshot(tick: tick, timestampNanoseconds: timestamp, state: state, epoch: epoch)
            } else {
                current!.epoch = epoch
                current!.tick = tick
                current!.timestampNanoseconds = timestamp
                for i in state.indices { current!.state[i] = state[i] }
            }
        }
    }

    /// The newest snapshot, if any was published.
    var latest: StateSnapshot? { slot.withLock { $0 } }
}
