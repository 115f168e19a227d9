import Policy

/// The order in which an update epoch visits the rollout's decisions: a seeded
/// Fisher–Yates shuffle of the decisions in use, cut into minibatches of
/// ``minibatchSize`` (the last one may be shorter). Reuses its storage.
public struct MinibatchOrder: Sendable {
    /// The decision indices, in visiting order.
    public private(set) var permutation: [Int] = []
    /// Decisions per minibatch.
    public let minibatchSize: Int

    /// An order over `0..<count` (identity until ``shuffle(using:)``).
    public init(count: Int, minibatchSize: Int) {
        precondition(count >= 0 && minibatchSize >= 1)
        self.minibatchSize = minibatchSize
        assign(0..<count)
    }

    /// Replaces the decisions to visit (e.g. only those GRPO keeps), in the given order.
    public mutating func assign(_ indices: some Sequence<Int>) {
        permutation.removeAll(keepingCapacity: true)
        permutation.append(contentsOf: indices)
    }

    /// Reshuffles in place (no allocation).
    public mutating func shuffle(using rng: inout RandomSource) {
        guard permutation.count > 1 else { return }
        for i in stride(from: permutation.count - 1, to: 0, by: -1) {
            permutation.swapAt(i, rng.index(below: i + 1))
        }
    }

    /// Number of minibatches per epoch.
    public var minibatchCount: Int { (permutation.count + minibatchSize - 1) / minibatchSize }

    /// The decision indices of minibatch `m`.
    public func minibatch(_ m: Int) -> ArraySlice<Int> {
        let start = m * minibatchSize
        return permutation[start..<min(start + minibatchSize, permutation.count)]
    }
}
