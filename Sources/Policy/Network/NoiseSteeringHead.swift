/// The noise-steering head: a Gaussian policy over the flow's initial noise,
/// `x⁽⁰⁾ ~ N(μ(o), σ²)` with `μ = bound·tanh(Linear → tanh → Linear)` on the fused prefix
/// features and a state-independent `σ = exp(noise_steering.log_std)` per chunk entry.
///
/// It starts as the unsteered flow: the output layer and the log-std are zero, so μ = 0
/// and σ = 1 reproduce `N(0, I)` exactly, and RL begins from the SFT policy as deployed.
/// The prefix is detached (the encoder stays frozen). Its tensors are registered after the
/// critic's, so a checkpoint without the head is a prefix of the layout.
struct NoiseSteeringHead {
    let fc1: Linear
    let fc2: Linear
    /// Offset of the `dimension` log-stds.
    let logStd: Int
    /// Floats per chunk.
    let dimension: Int
    /// The largest |μ|.
    let bound: Float

    /// The log-std range the head can express: σ ∈ [e⁻⁵, e] (the gradient stops outside).
    static let logStdRange: ClosedRange<Float> = -5...1

    init(config: PolicyConfig, layout: inout ParameterLayout) {
        let width = config.architecture.noiseSteeringWidth
        dimension = config.io.chunkCount
        bound = Float(config.architecture.noiseSteeringBound)
        fc1 = Linear("noise_steering.fc1", inFeatures: config.architecture.prefixWidth, outFeatures: width, layout: &layout)
        fc2 = Linear("noise_steering.fc2", inFeatures: width, outFeatures: dimension, layout: &layout)
        logStd = layout.add("noise_steering.log_std", shape: [dimension])
    }

    /// fc1 as `nn.Linear`; fc2 and the log-std zero, so the head starts at `N(0, I)`.
    func initialize(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        fc1.initialize(p, using: &rng)
        (p + fc2.weight).update(repeating: 0, count: fc2.inFeatures * fc2.outFeatures)
        (p + fc2.bias).update(repeating: 0, count: fc2.outFeatures)
        (p + logStd).update(repeating: 0, count: dimension)
    }

    /// Activations for up to `capacity` observations.
    final class Activations {
        let hiddenPre, hiddenPost, squashed, dHiddenPost, dHiddenPre, dRaw: UnsafeMutablePointer<Float>
        var rows = 0
        private let arena: BufferArena
        init(_ h: NoiseSteeringHead, capacity: Int) {
            let w = h.fc1.outFeatures, d = h.dimension
            let arena = BufferArena(count: capacity * (4 * w + 2 * d))
            self.arena = arena
            hiddenPre = arena.take(capacity * w); hiddenPost = arena.take(capacity * w)
            squashed = arena.take(capacity * d); dHiddenPost = arena.take(capacity * w)
            dHiddenPre = arena.take(capacity * w); dRaw = arena.take(capacity * d)
        }
    }

    /// `tanh(raw)` of every observation into `act.squashed` (μ = bound × it).
    func forward(_ p: UnsafePointer<Float>, prefix: UnsafePointer<Float>, rows: Int, act: Activations) {
        act.rows = rows
        let w = fc1.outFeatures
        fc1.forward(p, x: prefix, y: act.hiddenPre, rows: rows)
        Activation.tanh.forward(act.hiddenPre, act.hiddenPost, count: rows * w)
        fc2.forward(p, x: act.hiddenPost, y: act.squashed, rows: rows)
        for i in 0..<(rows * dimension) { act.squashed[i] = _tanh(act.squashed[i]) }
    }

    /// The clamped log-std of entry `i`.
    @inline(__always)
    func logStd(_ p: UnsafePointer<Float>, _ i: Int) -> Float {
        min(max(p[logStd + i], Self.logStdRange.lowerBound), Self.logStdRange.upperBound)
    }

    /// Accumulates the head's gradients for `dMean` (`act.rows × dimension`) and `dLogStd`
    /// (`dimension`, summed over rows by the caller); nothing flows into the prefix.
    func backward(_ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, prefix: UnsafePointer<Float>,
                  dMean: UnsafePointer<Float>, dLogStd: UnsafePointer<Float>, act: Activations) {
        let rows = act.rows, w = fc1.outFeatures
        for i in 0..<(rows * dimension) {
            let s = act.squashed[i]
            act.dRaw[i] = dMean[i] * bound * (1 - s * s)
        }
        fc2.backward(p, g, x: act.hiddenPost, dy: act.dRaw, dx: act.dHiddenPost, rows: rows)
        Activation.tanh.backward(x: act.hiddenPre, y: act.hiddenPost, dy: act.dHiddenPost, dx: act.dHiddenPre, count: rows * w)
        fc1.backward(p, g, x: prefix, dy: act.dHiddenPre, dx: nil, rows: rows)
        for i in 0..<dimension where Self.logStdRange.contains(p[logStd + i]) { g[logStd + i] += dLogStd[i] }
    }
}
