/// The critic `V(o)`: `Linear → tanh → Linear(→ 1)` on the fused prefix features
/// (which include the state), detached from the encoder (flow-rl.md §5).
struct ValueHead {
    let fc1: Linear
    let fc2: Linear

    init(config: PolicyConfig, layout: inout ParameterLayout) {
        fc1 = Linear("value_head.fc1", inFeatures: config.architecture.prefixWidth, outFeatures: config.architecture.valueWidth, layout: &layout)
        fc2 = Linear("value_head.fc2", inFeatures: config.architecture.valueWidth, outFeatures: 1, layout: &layout)
    }

    func initialize(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        fc1.initialize(p, using: &rng)
        fc2.initialize(p, using: &rng)
    }

    /// Activations for up to `capacity` observations.
    final class Activations {
        let hiddenPre, hiddenPost, values, dHiddenPost, dHiddenPre: UnsafeMutablePointer<Float>
        var rows = 0
        private let arena: BufferArena
        init(_ h: ValueHead, capacity: Int) {
            let w = h.fc1.outFeatures
            let arena = BufferArena(count: capacity * (4 * w + 1))
            self.arena = arena
            hiddenPre = arena.take(capacity * w); hiddenPost = arena.take(capacity * w)
            values = arena.take(capacity); dHiddenPost = arena.take(capacity * w); dHiddenPre = arena.take(capacity * w)
        }
    }

    func forward(_ p: UnsafePointer<Float>, prefix: UnsafePointer<Float>, rows: Int, act: Activations) {
        act.rows = rows
        fc1.forward(p, x: prefix, y: act.hiddenPre, rows: rows)
        Activation.tanh.forward(act.hiddenPre, act.hiddenPost, count: rows * fc1.outFeatures)
        fc2.forward(p, x: act.hiddenPost, y: act.values, rows: rows)
    }

    /// Accumulates the head's gradients; nothing flows into the prefix (detached).
    func backward(_ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, prefix: UnsafePointer<Float>, dValues: UnsafePointer<Float>, act: Activations) {
        let rows = act.rows
        fc2.backward(p, g, x: act.hiddenPost, dy: dValues, dx: act.dHiddenPost, rows: rows)
        Activation.tanh.backward(x: act.hiddenPre, y: act.hiddenPost, dy: act.dHiddenPost, dx: act.dHiddenPre, count: rows * fc1.outFeatures)
        fc1.backward(p, g, x: prefix, dy: act.dHiddenPre, dx: nil, rows: rows)
    }
}
