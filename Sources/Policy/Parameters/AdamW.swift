/// AdamW (decoupled weight decay) over a ``ParameterStore``, with parameter groups
/// that have their own learning rates, and global gradient-norm clipping.
///
/// One loop over the flat buffer per group, as the layout table makes possible.
public struct AdamW: Sendable {
    /// A set of tensors sharing a learning rate and weight decay.
    public struct Group: Sendable {
        /// A name for logs (`actor`, `critic`).
        public var name: String
        /// Flat index ranges of the tensors in the group.
        public var ranges: [Range<Int>]
        /// The learning rate; zero freezes the group.
        public var learningRate: Float
        /// The decoupled weight-decay coefficient.
        public var weightDecay: Float

        /// Creates a group.
        public init(name: String, ranges: [Range<Int>], learningRate: Float, weightDecay: Float) {
            self.name = name
            self.ranges = ranges
            self.learningRate = learningRate
            self.weightDecay = weightDecay
        }

        /// A group of every tensor of `layout` whose name passes `include`.
        public init(name: String, layout: ParameterLayout, learningRate: Float, weightDecay: Float, where include: (String) -> Bool) {
            self.init(
                name: name, ranges: layout.entries.filter { include($0.name) }.map(\.range),
                learningRate: learningRate, weightDecay: weightDecay)
        }
    }

    /// The outcome of one ``step(_:)``.
    public struct StepReport: Sendable {
        /// The global gradient norm before clipping.
        public var gradientNorm: Double
        /// False when the norm was not finite and the update was skipped.
        public var applied: Bool
    }

    /// The parameter groups.
    public var groups: [Group]
    /// β₁ and β₂ (docs/design/flow-rl.md §5: 0.9, 0.95).
    public var betas: (Float, Float) = (0.9, 0.95)
    /// The ε added to the root of the second moment (docs/design/flow-rl.md §5: 1e-5).
    public var epsilon: Float = 1e-5
    /// Gradients are scaled down so their global norm is at most this (1.0); nil disables.
    public var maxGradientNorm: Float? = 1.0
    /// Steps taken so far (for bias correction); a trainer resuming from saved moments restores it.
    public var stepCount = 0

    /// Creates an optimizer over `groups`.
    public init(groups: [Group]) { self.groups = groups }

    /// Clips the gradients and applies one AdamW update; skips it when the norm is not finite.
    public mutating func step(_ store: ParameterStore) -> StepReport {
        let norm = store.gradientNorm()
        guard norm.isFinite else { return StepReport(gradientNorm: norm, applied: false) }
        var scale: Float = 1
        if let maxNorm = maxGradientNorm, norm > Double(maxNorm) { scale = Float(Double(maxNorm) / (norm + 1e-6)) }
        stepCount += 1
        let (b1, b2) = betas
        let c1 = 1 - _pow(b1, Float(stepCount)), c2 = 1 - _pow(b2, Float(stepCount))
        let p = store.values, g = store.gradients, m = store.firstMoment, v = store.secondMoment
        for group in groups where group.learningRate != 0 {
            let lr = group.learningRate, wd = group.weightDecay
            for range in group.ranges {
                for i in range {
                    let gi = g[i] * scale
                    m[i] = b1 * m[i] + (1 - b1) * gi
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi
                    let mHat = m[i] / c1, vHat = v[i] / c2
                    p[i] -= lr * (mHat / (vHat.squareRoot() + epsilon) + wd * p[i])
                }
            }
        }
        return StepReport(gradientNorm: norm, applied: true)
    }
}
