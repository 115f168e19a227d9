import Policy

/// SAC's replay of decisions: a ring of the last `capacity` transitions
/// `(o, w, r, terminal, o′)`, each observation as its encoded prefix features and time
/// features (the encoder is frozen, so the features stand for the observation), `w` the
/// flow's start the decision used. Oldest transitions are overwritten first.
///
/// Lives in memory: a resumed run starts it empty.
public final class TransitionReplay {
    /// Transitions it can hold.
    public let capacity: Int
    /// Floats per observation: prefix features then time features.
    public let observationWidth: Int
    /// Floats per start `w`.
    public let startWidth: Int
    /// Transitions held.
    public private(set) var count = 0
    /// Transitions added since creation.
    public private(set) var added = 0
    private var observations: [Float], nextObservations: [Float], starts: [Float]
    private var rewards: [Float], terminals: [Float]

    /// An empty replay.
    public init(capacity: Int, observationWidth: Int, startWidth: Int) {
        precondition(capacity > 0 && observationWidth > 0 && startWidth > 0)
        self.capacity = capacity; self.observationWidth = observationWidth; self.startWidth = startWidth
        observations = .init(repeating: 0, count: capacity * observationWidth)
        nextObservations = .init(repeating: 0, count: capacity * observationWidth)
        starts = .init(repeating: 0, count: capacity * startWidth)
        rewards = .init(repeating: 0, count: capacity)
        terminals = .init(repeating: 0, count: capacity)
    }

    /// Adds one transition; `next` is ignored (zeros stored) when `terminal`.
    public func add(observation: UnsafePointer<Float>, start: UnsafePointer<Float>, reward: Float, terminal: Bool,
                    next: UnsafePointer<Float>?) {
        let slot = added % capacity, o = observationWidth
        observations.withUnsafeMutableBufferPointer { ($0.baseAddress! + slot * o).update(from: observation, count: o) }
        nextObservations.withUnsafeMutableBufferPointer {
            if let next, !terminal { ($0.baseAddress! + slot * o).update(from: next, count: o) }
            else { ($0.baseAddress! + slot * o).update(repeating: 0, count: o) }
        }
        starts.withUnsafeMutableBufferPointer { ($0.baseAddress! + slot * startWidth).update(from: start, count: startWidth) }
        rewards[slot] = reward
        terminals[slot] = terminal ? 1 : 0
        added += 1
        count = min(count + 1, capacity)
    }

    /// Copies transition `index`'s observation (below ``count``) to `destination`.
    public func copyObservation(_ index: Int, to destination: UnsafeMutablePointer<Float>) {
        observations.withUnsafeBufferPointer { destination.update(from: $0.baseAddress! + index * observationWidth, count: observationWidth) }
    }

    /// Copies transitions `indices` (each below ``count``) into the minibatch buffers, row j
    /// from `indices[j]`: observations and next observations `rows × observationWidth`,
    /// starts `rows × startWidth`, rewards and terminal flags (1 or 0) `rows`.
    public func gather(_ indices: [Int], observations o: UnsafeMutablePointer<Float>, starts w: UnsafeMutablePointer<Float>,
                       rewards r: UnsafeMutablePointer<Float>, terminals t: UnsafeMutablePointer<Float>,
                       nextObservations n: UnsafeMutablePointer<Float>) {
        let ow = observationWidth, sw = startWidth
        observations.withUnsafeBufferPointer { src in
            for (j, i) in indices.enumerated() { (o + j * ow).update(from: src.baseAddress! + i * ow, count: ow) }
        }
        nextObservations.withUnsafeBufferPointer { src in
            for (j, i) in indices.enumerated() { (n + j * ow).update(from: src.baseAddress! + i * ow, count: ow) }
        }
        starts.withUnsafeBufferPointer { src in
            for (j, i) in indices.enumerated() { (w + j * sw).update(from: src.baseAddress! + i * sw, count: sw) }
        }
        for (j, i) in indices.enumerated() { r[j] = rewards[i]; t[j] = terminals[i] }
    }
}
