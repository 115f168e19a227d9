/// The critic `V(o)`: `Linear → tanh → Linear(→ 1)` on the fused prefix features
/// (which include the state), detached from the encoder (docs/design/flow-rl.md §5). With
/// ``PolicyConfig/Architecture/valueTimeInputs`` F > 0 it is `V(o, τ)`: the F time features
/// of the fraction of the episode left enter the hidden layer through `value_head.time.weight`
/// (`valueWidth × F`, no bias), registered after the other tensors so that a checkpoint
/// without it is a prefix of the layout.
struct ValueHead {
    let fc1: Linear
    let fc2: Linear
    /// F, the time features per observation.
    let timeInputs: Int
    /// Offset of the `valueWidth × F` time weights (meaningful when F > 0).
    let timeWeight: Int

    init(config: PolicyConfig, layout: inout ParameterLayout) {
        fc1 = Linear("value_head.fc1", inFeatures: config.architecture.prefixWidth, outFeatures: config.architecture.valueWidth, layout: &layout)
        fc2 = Linear("value_head.fc2", inFeatures: config.architecture.valueWidth, outFeatures: 1, layout: &layout)
        timeInputs = config.architecture.valueTimeInputs
        timeWeight = timeInputs > 0 ? layout.add("value_head.time.weight", shape: [config.architecture.valueWidth, timeInputs]) : 0
    }

    func initialize(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        fc1.initialize(p, using: &rng)
        fc2.initialize(p, using: &rng)
        initializeTime(p, using: &rng)
    }

    /// Uniform(±1/√F) time weights, as `nn.Linear`'s default.
    func initializeTime(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        guard timeInputs > 0 else { return }
        let bound = 1 / Float(timeInputs).squareRoot()
        for i in 0..<(fc1.outFeatures * timeInputs) { p[timeWeight + i] = Float(rng.uniformOpen() * 2 - 1) * bound }
    }

    /// Activations for up to `capacity` observations.
    final class Activations {
        let hiddenPre, hiddenPost, values, dHiddenPost, dHiddenPre, time: UnsafeMutablePointer<Float>
        var rows = 0
        private let arena: BufferArena
        init(_ h: ValueHead, capacity: Int) {
            let w = h.fc1.outFeatures
            let arena = BufferArena(count: capacity * (4 * w + 1 + h.timeInputs))
            self.arena = arena
            hiddenPre = arena.take(capacity * w); hiddenPost = arena.take(capacity * w)
            values = arena.take(capacity); dHiddenPost = arena.take(capacity * w); dHiddenPre = arena.take(capacity * w)
            time = arena.take(capacity * h.timeInputs)
        }
    }

    /// `time` holds `rows × F` features (nil when F is 0); they are kept for ``backward``.
    func forward(_ p: UnsafePointer<Float>, prefix: UnsafePointer<Float>, time: UnsafePointer<Float>?, rows: Int, act: Activations) {
        act.rows = rows
        fc1.forward(p, x: prefix, y: act.hiddenPre, rows: rows)
        if timeInputs > 0, let time {
            act.time.update(from: time, count: rows * timeInputs)
            BLAS.gemm(.none, .transposed, m: rows, n: fc1.outFeatures, k: timeInputs,
                      a: act.time, b: p + timeWeight, beta: 1, c: act.hiddenPre)
        }
        Activation.tanh.forward(act.hiddenPre, act.hiddenPost, count: rows * fc1.outFeatures)
        fc2.forward(p, x: act.hiddenPost, y: act.values, rows: rows)
    }

    /// Accumulates the head's gradients; nothing flows into the prefix (detached).
    func backward(_ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, prefix: UnsafePointer<Float>, dValues: UnsafePointer<Float>, act: Activations) {
        let rows = act.rows
        fc2.backward(p, g, x: act.hiddenPost, dy: dValues, dx: act.dHiddenPost, rows: rows)
        Activation.tanh.backward(x: act.hiddenPre, y: act.hiddenPost, dy: act.dHiddenPost, dx: act.dHiddenPre, count: rows * fc1.outFeatures)
        fc1.backward(p, g, x: prefix, dy: act.dHiddenPre, dx: nil, rows: rows)
        if timeInputs > 0 {
            BLAS.gemm(.transposed, .none, m: fc1.outFeatures, n: timeInputs, k: rows,
                      a: act.dHiddenPre, b: act.time, beta: 1, c: g + timeWeight)
        }
    }
}
