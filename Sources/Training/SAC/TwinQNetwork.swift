import Policy

/// SAC's two critics over the flow's start, `Q_i(o, w)` for i = 0, 1 (DSRL, Wagenmaker et al.
/// 2025): each `Linear → LayerNorm → ReLU → Linear → LayerNorm → ReLU → Linear(→ 1)` on the
/// row `[prefix features | time features | w]`. The layer norms keep the fit stable when each
/// sample is replayed many times (DSRL's critics use them too). Both critics live in one
/// ``ParameterStore``; ``target`` holds their Polyak-averaged copy for the TD targets.
public final class TwinQNetwork {
    /// One critic's layers.
    struct Critic {
        let fc1, fc2, fc3: Linear
        let norm1, norm2: LayerNorm
        init(_ name: String, inputs: Int, width: Int, layout: inout ParameterLayout) {
            fc1 = Linear("\(name).fc1", inFeatures: inputs, outFeatures: width, layout: &layout)
            norm1 = LayerNorm("\(name).norm1", width: width, affine: true, layout: &layout)
            fc2 = Linear("\(name).fc2", inFeatures: width, outFeatures: width, layout: &layout)
            norm2 = LayerNorm("\(name).norm2", width: width, affine: true, layout: &layout)
            fc3 = Linear("\(name).fc3", inFeatures: width, outFeatures: 1, layout: &layout)
        }
    }

    /// One critic's activations for up to `capacity` rows.
    final class Activations {
        let pre1, norm1, post1, pre2, norm2, post2, q, d1, d2, dNorm: UnsafeMutablePointer<Float>
        let mean1, rstd1, mean2, rstd2: UnsafeMutablePointer<Float>
        private let arena: BufferArena
        init(width: Int, capacity: Int) {
            let arena = BufferArena(count: capacity * (9 * width + 5))
            self.arena = arena
            pre1 = arena.take(capacity * width); norm1 = arena.take(capacity * width); post1 = arena.take(capacity * width)
            pre2 = arena.take(capacity * width); norm2 = arena.take(capacity * width); post2 = arena.take(capacity * width)
            d1 = arena.take(capacity * width); d2 = arena.take(capacity * width); dNorm = arena.take(capacity * width)
            q = arena.take(capacity)
            mean1 = arena.take(capacity); rstd1 = arena.take(capacity); mean2 = arena.take(capacity); rstd2 = arena.take(capacity)
        }
    }

    /// Floats per input row: prefix + time features + start.
    public let inputs: Int
    /// Hidden width of each critic.
    public let width: Int
    /// Whether the hidden layers are layer-normalized.
    public let layerNorm: Bool
    /// Rows one forward pass can take.
    public let capacity: Int
    /// Both critics' parameters, gradients and Adam moments.
    public let parameters: ParameterStore
    /// The target critics (values only).
    public let target: ParameterStore
    let critics: [Critic]
    private let activations: [Activations]

    /// Two fresh critics over `inputs` floats per row, `nn.Linear`-initialized from `seed`,
    /// with their targets equal to them.
    public init(inputs: Int, width: Int, capacity: Int, layerNorm: Bool = true, seed: UInt64) {
        precondition(inputs > 0 && width > 0 && capacity > 0)
        self.inputs = inputs; self.width = width; self.capacity = capacity; self.layerNorm = layerNorm
        var layout = ParameterLayout()
        critics = (0..<2).map { Critic("q\($0)", inputs: inputs, width: width, layout: &layout) }
        parameters = ParameterStore(layout: layout)
        target = ParameterStore(layout: layout)
        activations = (0..<2).map { _ in Activations(width: width, capacity: capacity) }
        var rng = RandomSource(seed: seed)
        let p = parameters.values
        for c in critics {
            c.fc1.initialize(p, using: &rng); c.fc2.initialize(p, using: &rng); c.fc3.initialize(p, using: &rng)
            c.norm1.initialize(p); c.norm2.initialize(p)
        }
        copyToTarget()
    }

    /// Sets the targets to the critics.
    public func copyToTarget() { target.values.update(from: parameters.values, count: parameters.count) }

    /// `target ← (1 − τ)·target + τ·critics`.
    public func updateTarget(rate tau: Float) {
        let t = target.values, p = parameters.values
        for i in 0..<parameters.count { t[i] += tau * (p[i] - t[i]) }
    }

    /// `Q_i` of `rows` input rows into `out[i·rows + r]`, with the critics' parameters or the
    /// targets'. The activations are kept for ``backward(dQ:input:dInput:rows:)`` (critics only).
    public func forward(_ input: UnsafePointer<Float>, rows: Int, useTarget: Bool = false, out: UnsafeMutablePointer<Float>) {
        precondition(rows <= capacity)
        let p = UnsafePointer(useTarget ? target.values : parameters.values), w = width
        for (i, c) in critics.enumerated() {
            let a = activations[i]
            c.fc1.forward(p, x: input, y: a.pre1, rows: rows)
            if layerNorm { c.norm1.forward(p, x: a.pre1, y: a.norm1, mean: a.mean1, rstd: a.rstd1, rows: rows) } else { a.norm1.update(from: a.pre1, count: rows * w) }
            Activation.relu.forward(a.norm1, a.post1, count: rows * w)
            c.fc2.forward(p, x: a.post1, y: a.pre2, rows: rows)
            if layerNorm { c.norm2.forward(p, x: a.pre2, y: a.norm2, mean: a.mean2, rstd: a.rstd2, rows: rows) } else { a.norm2.update(from: a.pre2, count: rows * w) }
            Activation.relu.forward(a.norm2, a.post2, count: rows * w)
            c.fc3.forward(p, x: a.post2, y: a.q, rows: rows)
            (out + i * rows).update(from: a.q, count: rows)
        }
    }

    /// Accumulates both critics' parameter gradients for `dQ` (`2 × rows`, laid out as
    /// ``forward(_:rows:useTarget:out:)``'s output) of the last forward pass with the critics'
    /// own parameters; adds `∂/∂input` to `dInput` when given.
    public func backward(dQ: UnsafePointer<Float>, input: UnsafePointer<Float>, dInput: UnsafeMutablePointer<Float>?, rows: Int) {
        let p = UnsafePointer(parameters.values), g = parameters.gradients, w = width
        for (i, c) in critics.enumerated() {
            let a = activations[i]
            c.fc3.backward(p, g, x: a.post2, dy: dQ + i * rows, dx: a.d2, rows: rows)
            Activation.relu.backward(x: a.norm2, y: a.post2, dy: a.d2, dx: a.dNorm, count: rows * w)
            if layerNorm {
                a.d2.update(repeating: 0, count: rows * w)
                c.norm2.backward(p, g, x: a.pre2, mean: a.mean2, rstd: a.rstd2, dy: a.dNorm, dx: a.d2, rows: rows)
            } else { a.d2.update(from: a.dNorm, count: rows * w) }
            c.fc2.backward(p, g, x: a.post1, dy: a.d2, dx: a.d1, rows: rows)
            Activation.relu.backward(x: a.norm1, y: a.post1, dy: a.d1, dx: a.dNorm, count: rows * w)
            if layerNorm {
                a.d1.update(repeating: 0, count: rows * w)
                c.norm1.backward(p, g, x: a.pre1, mean: a.mean1, rstd: a.rstd1, dy: a.dNorm, dx: a.d1, rows: rows)
            } else { a.d1.update(from: a.dNorm, count: rows * w) }
            c.fc1.backward(p, g, x: input, dy: a.d1, dx: dInput, rows: rows, accumulate: true)
        }
    }
}
