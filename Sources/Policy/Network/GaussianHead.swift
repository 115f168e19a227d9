/// A Gaussian policy head that RL trains on top of a frozen flow: per row,
/// `μ = bound·tanh(Linear → tanh → Linear)` of the row's prefix features (gathered by its
/// observation index) concatenated with `extraInputs` floats of the row, and a
/// state-independent `σ = exp(log_std)` per output.
///
/// Two heads use it (``PolicyConfig/Architecture``): noise steering, a policy over the flow's
/// start `x⁽⁰⁾` (outputs: H·D, no extra inputs, log-std 0), and the residual, a policy over a
/// smooth correction added to the flow's chunk (outputs: the correction's cosine
/// coefficients, extra inputs: the flow's chunk). The output layer starts at zero, so μ = 0
/// and the head starts as "no change". The prefix is detached (the encoder stays frozen).
struct GaussianHead {
    let fc1: Linear
    let fc2: Linear
    /// Offset of the log-stds: `outputs` of them, or one shared by every output.
    let logStd: Int
    /// How many log-stds the head has (1 when they are shared).
    let stdCount: Int
    /// Floats per row after the prefix features.
    let extraInputs: Int
    /// Gaussian dimensions per row.
    let outputs: Int
    /// The largest |μ|.
    let bound: Float
    /// The log-std a fresh head starts with.
    let initialLogStd: Float

    /// The log-std range the head can express: σ ∈ [e⁻⁵, e] (the gradient stops outside).
    static let logStdRange: ClosedRange<Float> = -5...1

    init(_ name: String, prefixWidth: Int, extraInputs: Int, width: Int, outputs: Int, bound: Double, initialStd: Double,
         sharedStd: Bool = false, layout: inout ParameterLayout) {
        self.extraInputs = extraInputs
        self.outputs = outputs
        self.bound = Float(bound)
        initialLogStd = Float(_log(initialStd))
        fc1 = Linear("\(name).fc1", inFeatures: prefixWidth + extraInputs, outFeatures: width, layout: &layout)
        fc2 = Linear("\(name).fc2", inFeatures: width, outFeatures: outputs, layout: &layout)
        stdCount = sharedStd ? 1 : outputs
        logStd = layout.add("\(name).log_std", shape: [stdCount])
    }

    /// fc1 as `nn.Linear`; fc2 zero (μ = 0) and the log-std at its initial value.
    func initialize(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        fc1.initialize(p, using: &rng)
        (p + fc2.weight).update(repeating: 0, count: fc2.inFeatures * fc2.outFeatures)
        (p + fc2.bias).update(repeating: 0, count: fc2.outFeatures)
        (p + logStd).update(repeating: initialLogStd, count: stdCount)
    }

    /// Activations for up to `capacity` rows.
    final class Activations {
        let input, hiddenPre, hiddenPost, squashed, dHiddenPost, dHiddenPre, dRaw: UnsafeMutablePointer<Float>
        let capacity: Int
        var rows = 0
        private let arena: BufferArena
        init(_ h: GaussianHead, capacity: Int) {
            let w = h.fc1.outFeatures, n = h.outputs
            let arena = BufferArena(count: capacity * (h.fc1.inFeatures + 4 * w + 2 * n))
            self.arena = arena
            self.capacity = capacity
            input = arena.take(capacity * h.fc1.inFeatures)
            hiddenPre = arena.take(capacity * w); hiddenPost = arena.take(capacity * w)
            squashed = arena.take(capacity * n); dHiddenPost = arena.take(capacity * w)
            dHiddenPre = arena.take(capacity * w); dRaw = arena.take(capacity * n)
        }
    }

    /// Writes each row's `μ` and clamped log-std (`rows × outputs` each). Row r reads the
    /// prefix features of observation `conditions[r]` and `extra[r·extraInputs…]`.
    func forward(_ p: UnsafePointer<Float>, prefix: UnsafePointer<Float>, prefixWidth: Int, conditions: UnsafePointer<Int32>,
                 extra: UnsafePointer<Float>?, rows: Int, act: Activations,
                 mean: UnsafeMutablePointer<Float>, logStd out: UnsafeMutablePointer<Float>) {
        precondition(rows <= act.capacity && (extraInputs == 0 || extra != nil))
        act.rows = rows
        let width = fc1.inFeatures, w = fc1.outFeatures, n = outputs, stds = stdCount
        for r in 0..<rows {
            (act.input + r * width).update(from: prefix + Int(conditions[r]) * prefixWidth, count: prefixWidth)
            if let extra, extraInputs > 0 { (act.input + r * width + prefixWidth).update(from: extra + r * extraInputs, count: extraInputs) }
        }
        fc1.forward(p, x: act.input, y: act.hiddenPre, rows: rows)
        Activation.tanh.forward(act.hiddenPre, act.hiddenPost, count: rows * w)
        fc2.forward(p, x: act.hiddenPost, y: act.squashed, rows: rows)
        for i in 0..<(rows * n) {
            act.squashed[i] = _tanh(act.squashed[i])
            mean[i] = bound * act.squashed[i]
            let raw = p[logStd + i % stds]
            out[i] = min(max(raw, Self.logStdRange.lowerBound), Self.logStdRange.upperBound)
        }
    }

    /// Accumulates the head's gradients for `dMean` and `dLogStd` (`rows × outputs` each) of
    /// the last ``forward``; nothing flows into the prefix or the extra inputs.
    func backward(_ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, dMean: UnsafePointer<Float>,
                  dLogStd: UnsafePointer<Float>, act: Activations) {
        let rows = act.rows, w = fc1.outFeatures, n = outputs, stds = stdCount
        for i in 0..<(rows * n) {
            let s = act.squashed[i]
            act.dRaw[i] = dMean[i] * bound * (1 - s * s)
            if Self.logStdRange.contains(p[logStd + i % stds]) { g[logStd + i % stds] += dLogStd[i] }
        }
        fc2.backward(p, g, x: act.hiddenPost, dy: act.dRaw, dx: act.dHiddenPost, rows: rows)
        Activation.tanh.backward(x: act.hiddenPre, y: act.hiddenPost, dy: act.dHiddenPost, dx: act.dHiddenPre, count: rows * w)
        fc1.backward(p, g, x: act.input, dy: act.dHiddenPre, dx: nil, rows: rows)
    }
}
