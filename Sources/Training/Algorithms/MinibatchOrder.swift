import Policy

/// The order in which an update epoch visits the rollout's decisions: a seeded
/// Fisher–Yates shuffle, cut into minibatches (the last one may be shorter).
public struct MinibatchOrder: Sendable {
    /// A permutation of `0..<count`.
    public private(set) var permutation: [Int]
    /// Decisions per minibatch.
    public let minibatchSize: Int

    /// An order over `count` decisions, with the identity permutation until ``shuffle(using:)``.
    public init(count: Int, minibatchSize: Int) {
        precondition(count >= 1 && minibatchSize >= 1)
        permutation = Array(0..<count)
        self.minibatchSize = minibatchSize
    }

    /// Reshuffles in place (no allocation).
    public mutating func shuffle(using rng: inout RandomSource) {
        for i in stride(from: permutation.count - 1, to: 0, by: -1) {
            let j = rng.index(below: i + 1)
            permutation.swapAt(i, j)
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
