/// GRPO's critic-free advantages (docs/design/flow-rl.md §6).
///
/// Groups of G consecutive environments start every episode from the same reset seed.
/// Each finished trajectory is scored by its return; within a group
/// `A = (score − mean_G)/(std_G + 1e-6)` (population std), broadcast to every decision
/// of that trajectory. Groups whose mean score lies outside `[minMean, maxMean]` carry
/// no signal and are dropped.
public enum GroupAdvantages {
    /// One group's outcome.
    public struct Group: Sendable, Equatable {
        /// Per member trajectory, its advantage (all zero when dropped).
        public var advantages: [Float]
        /// Mean score of the group.
        public var meanScore: Float
        /// False when the mean is outside the kept interval.
        public var kept: Bool
    }

    /// Advantages for one group of trajectory `scores`.
    public static func group(scores: [Float], minMean: Float, maxMean: Float) -> Group {
        precondition(!scores.isEmpty, "a group needs at least one trajectory")
        let n = Float(scores.count)
        let mean = scores.reduce(0, +) / n
        let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let kept = mean >= minMean && mean <= maxMean
        guard kept else { return Group(advantages: .init(repeating: 0, count: scores.count), meanScore: mean, kept: false) }
        let scale = 1 / (variance.squareRoot() + 1e-6)
        return Group(advantages: scores.map { ($0 - mean) * scale }, meanScore: mean, kept: true)
    }

    /// Splits `scores` (one per trajectory, groups of `groupSize` consecutive entries) into groups.
    public static func groups(scores: [Float], groupSize: Int, minMean: Float, maxMean: Float) -> [Group] {
        precondition(groupSize >= 1 && scores.count % groupSize == 0, "scores must fill whole groups")
        return stride(from: 0, to: scores.count, by: groupSize).map {
            group(scores: Array(scores[$0..<($0 + groupSize)]), minMean: minMean, maxMean: maxMean)
        }
    }
}
