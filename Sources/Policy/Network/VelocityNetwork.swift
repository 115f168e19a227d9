/// The action expert: `v_θ(x, t, prefix)` with the Flow-Noise head on its last hidden features.
///
/// Per row: `h₀ = Linear(x)` (x is the flattened H·D chunk); the condition
/// `c = MLP(sin-cos(t)) + Linear(prefix)`, `ĉ = SiLU(c)`; each block
/// `h += W₂·GELU(W₁·adaLN(h; ĉ))` with `adaLN(h; ĉ) = LN(h)⊙(1 + scale) + shift`,
/// `[scale, shift] = Linear(ĉ)`; the last hidden features `z = adaLN_final(h; ĉ)`;
/// `v = Linear(z)`. Noise head: `u = tanh(Linear(tanh(Linear(z))))`,
/// `log s² = log s_min² + (log s_max² − log s_min²)·(u + 1)/2` (docs/design/flow-rl.md §3).
struct VelocityNetwork {
    struct Block {
        let norm: LayerNorm
        let modulation: Linear
        let fc1: Linear
        let fc2: Linear
    }

    let inputProjection: Linear
    let timeEmbedding: SinusoidalTimeEmbedding
    let time1: Linear
    let time2: Linear
    let prefixProjection: Linear
    let blocks: [Block]
    let finalNorm: LayerNorm
    let finalModulation: Linear
    let output: Linear
    let noise1: Linear
    let noise2: Linear
    let logVarianceMin: Float
    let logVarianceMax: Float

    var chunk: Int { inputProjection.inFeatures }
    var width: Int { inputProjection.outFeatures }
    var hidden: Int { blocks.first?.fc1.outFeatures ?? 0 }
    var prefixWidth: Int { prefixProjection.inFeatures }

    init(config: PolicyConfig, layout: inout ParameterLayout) {
        let a = config.architecture, w = a.expertWidth, chunk = config.io.chunkCount
        inputProjection = Linear("expert.in", inFeatures: chunk, outFeatures: w, layout: &layout)
        timeEmbedding = SinusoidalTimeEmbedding(width: a.timeEmbeddingWidth, minPeriod: a.timeMinPeriod, maxPeriod: a.timeMaxPeriod)
        time1 = Linear("expert.time.fc1", inFeatures: a.timeEmbeddingWidth, outFeatures: w, layout: &layout)
        time2 = Linear("expert.time.fc2", inFeatures: w, outFeatures: w, layout: &layout)
        prefixProjection = Linear("expert.prefix", inFeatures: a.prefixWidth, outFeatures: w, layout: &layout)
        blocks = (0..<a.expertBlocks).map { i in
            Block(norm: LayerNorm("expert.blocks.\(i).norm", width: w, affine: false, layout: &layout),
                  modulation: Linear("expert.blocks.\(i).modulation", inFeatures: w, outFeatures: 2 * w, layout: &layout),
                  fc1: Linear("expert.blocks.\(i).fc1", inFeatures: w, outFeatures: a.expertHiddenWidth, layout: &layout),
                  fc2: Linear("expert.blocks.\(i).fc2", inFeatures: a.expertHiddenWidth, outFeatures: w, layout: &layout))
        }
        finalNorm = LayerNorm("expert.final.norm", width: w, affine: false, layout: &layout)
        finalModulation = Linear("expert.final.modulation", inFeatures: w, outFeatures: 2 * w, layout: &layout)
        output = Linear("expert.out", inFeatures: w, outFeatures: chunk, layout: &layout)
        noise1 = Linear("noise_head.fc1", inFeatures: w, outFeatures: a.noiseHeadWidth, layout: &layout)
        noise2 = Linear("noise_head.fc2", inFeatures: a.noiseHeadWidth, outFeatures: chunk, layout: &layout)
        logVarianceMin = Float(2 * _log(a.noiseStdMin))
        logVarianceMax = Float(2 * _log(a.noiseStdMax))
    }

    func initialize(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        for l in [inputProjection, time1, time2, prefixProjection] { l.initialize(p, using: &rng) }
        for b in blocks { for l in [b.modulation, b.fc1, b.fc2] { l.initialize(p, using: &rng) } }
        for l in [finalModulation, output, noise1, noise2] { l.initialize(p, using: &rng) }
    }

    /// FLOPs of the velocity for one row (the noise head excluded).
    var flopsPerRow: Int {
        [inputProjection, time1, time2, prefixProjection, finalModulation, output].map(\.flopsPerRow).reduce(0, +)
            + blocks.map { $0.modulation.flopsPerRow + $0.fc1.flopsPerRow + $0.fc2.flopsPerRow }.reduce(0, +)
    }

    /// Activations (and backward scratch) for up to `capacity` rows.
    final class Activations {
        let capacity: Int
        let x, times, timeSin, time1Pre, time1Post, cond, condPost, prefixRows, prefixProj: UnsafeMutablePointer<Float>
        let residual: [UnsafeMutablePointer<Float>]  // blocks + 1 residual streams
        let mean: [UnsafeMutablePointer<Float>], rstd: [UnsafeMutablePointer<Float>]  // blocks + 1
        let normed: [UnsafeMutablePointer<Float>], modulation: [UnsafeMutablePointer<Float>], modulated: [UnsafeMutablePointer<Float>]
        let fc1Pre: [UnsafeMutablePointer<Float>], fc1Post: [UnsafeMutablePointer<Float>]
        let noise1Pre, noise1Post, noise2Post: UnsafeMutablePointer<Float>
        let dH, dModulated, dNormed, dModulation, dHidden, dHiddenPre, dCondPost, dCond, dTime1Post, dTime1Pre: UnsafeMutablePointer<Float>
        let dNoise1Post, dNoise1Pre, dNoise2: UnsafeMutablePointer<Float>
        /// The gradient of the gathered prefix rows (`rows × prefixWidth`), written by backward.
        let dPrefixRows: UnsafeMutablePointer<Float>
        var rows = 0
        /// The observation index of each row of the last forward.
        let conditions: UnsafeMutablePointer<Int32>
        private let arena: BufferArena

        init(_ n: VelocityNetwork, capacity: Int) {
            self.capacity = capacity
            conditions = .allocate(capacity: capacity)
            conditions.initialize(repeating: 0, count: capacity)
            let w = n.width, c = n.chunk, hid = max(n.hidden, 1), e = n.timeEmbedding.width, nh = n.noise1.outFeatures
            let nb = n.blocks.count
            let perRow = c + 1 + e + 2 * w + 2 * w + n.prefixWidth + w
                + (nb + 1) * (w + 2 + w + 2 * w + w) + nb * 2 * hid
                + 2 * nh + c
                + w * 3 + 2 * w + 2 * hid + 2 * w + 2 * w + 2 * nh + c + n.prefixWidth
            let arena = BufferArena(count: capacity * perRow)
            self.arena = arena
            func take(_ k: Int) -> UnsafeMutablePointer<Float> { arena.take(capacity * k) }
            x = take(c); times = take(1); timeSin = take(e); time1Pre = take(w); time1Post = take(w)
            cond = take(w); condPost = take(w); prefixRows = take(n.prefixWidth); prefixProj = take(w)
            residual = (0...nb).map { _ in take(w) }
            mean = (0...nb).map { _ in take(1) }
            rstd = (0...nb).map { _ in take(1) }
            normed = (0...nb).map { _ in take(w) }
            modulation = (0...nb).map { _ in take(2 * w) }
            modulated = (0...nb).map { _ in take(w) }
            fc1Pre = (0..<nb).map { _ in take(hid) }
            fc1Post = (0..<nb).map { _ in take(hid) }
            noise1Pre = take(nh); noise1Post = take(nh); noise2Post = take(c)
            dH = take(w); dModulated = take(w); dNormed = take(w); dModulation = take(2 * w)
            dHidden = take(hid); dHiddenPre = take(hid); dCondPost = take(w); dCond = take(w)
            dTime1Post = take(w); dTime1Pre = take(w)
            dNoise1Post = take(nh); dNoise1Pre = take(nh); dNoise2 = take(c)
            dPrefixRows = take(n.prefixWidth)
        }

        deinit { conditions.deallocate() }
    }

    /// Forward pass: `velocity` (`rows × chunk`) and, when given, `logVariance`.
    /// `prefix` holds one row per observation; row r reads `prefix[conditions[r]]`.
    func forward(
        _ p: UnsafePointer<Float>, x: UnsafePointer<Float>, t: UnsafePointer<Float>, conditions: UnsafePointer<Int32>,
        prefix: UnsafePointer<Float>, rows: Int, act: Activations,
        velocity: UnsafeMutablePointer<Float>, logVariance: UnsafeMutablePointer<Float>?
    ) {
        precondition(rows <= act.capacity)
        let w = width, pw = prefixWidth, nb = blocks.count
        act.rows = rows
        act.conditions.update(from: conditions, count: rows)
        act.x.update(from: x, count: rows * chunk)
        act.times.update(from: t, count: rows)
        for r in 0..<rows { (act.prefixRows + r * pw).update(from: prefix + Int(conditions[r]) * pw, count: pw) }
        // Condition: time MLP + prefix projection, then SiLU.
        timeEmbedding.forward(t: act.times, y: act.timeSin, rows: rows)
        time1.forward(p, x: act.timeSin, y: act.time1Pre, rows: rows)
        Activation.silu.forward(act.time1Pre, act.time1Post, count: rows * w)
        time2.forward(p, x: act.time1Post, y: act.cond, rows: rows)
        prefixProjection.forward(p, x: act.prefixRows, y: act.prefixProj, rows: rows)
        VectorMath.add(act.prefixProj, into: act.cond, count: rows * w)
        Activation.silu.forward(act.cond, act.condPost, count: rows * w)
        // Residual stream.
        inputProjection.forward(p, x: act.x, y: act.residual[0], rows: rows)
        for i in blocks.indices {  // index loop: no iterator boxing in unoptimized builds
            let b = blocks[i]
            b.norm.forward(p, x: act.residual[i], y: act.normed[i], mean: act.mean[i], rstd: act.rstd[i], rows: rows)
            b.modulation.forward(p, x: act.condPost, y: act.modulation[i], rows: rows)
            Modulation.forward(x: act.normed[i], modulation: act.modulation[i], y: act.modulated[i], rows: rows, width: w)
            b.fc1.forward(p, x: act.modulated[i], y: act.fc1Pre[i], rows: rows)
            Activation.gelu.forward(act.fc1Pre[i], act.fc1Post[i], count: rows * b.fc1.outFeatures)
            b.fc2.forward(p, x: act.fc1Post[i], y: act.residual[i + 1], rows: rows)
            VectorMath.add(act.residual[i], into: act.residual[i + 1], count: rows * w)
        }
        finalNorm.forward(p, x: act.residual[nb], y: act.normed[nb], mean: act.mean[nb], rstd: act.rstd[nb], rows: rows)
        finalModulation.forward(p, x: act.condPost, y: act.modulation[nb], rows: rows)
        Modulation.forward(x: act.normed[nb], modulation: act.modulation[nb], y: act.modulated[nb], rows: rows, width: w)
        output.forward(p, x: act.modulated[nb], y: velocity, rows: rows)
        if let logVariance {
            let nh = noise1.outFeatures
            noise1.forward(p, x: act.modulated[nb], y: act.noise1Pre, rows: rows)
            Activation.tanh.forward(act.noise1Pre, act.noise1Post, count: rows * nh)
            noise2.forward(p, x: act.noise1Post, y: logVariance, rows: rows)
            Activation.tanh.forward(logVariance, act.noise2Post, count: rows * chunk)
            let half = (logVarianceMax - logVarianceMin) / 2
            for i in 0..<(rows * chunk) { logVariance[i] = logVarianceMin + half * (act.noise2Post[i] + 1) }
        }
    }

    /// Backward pass of the last forward: accumulates parameter gradients and writes
    /// `act.dPrefixRows`. `dLogVariance` must be nil when the forward had no noise head.
    func backward(
        _ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
        dVelocity: UnsafePointer<Float>, dLogVariance: UnsafePointer<Float>?, act: Activations
    ) {
        let rows = act.rows, w = width, nb = blocks.count
        let dZ = act.dModulated
        output.backward(p, g, x: act.modulated[nb], dy: dVelocity, dx: dZ, rows: rows)
        if let dLogVariance {
            let nh = noise1.outFeatures, half = (logVarianceMax - logVarianceMin) / 2
            for i in 0..<(rows * chunk) {
                let u = act.noise2Post[i]
                act.dNoise2[i] = dLogVariance[i] * half * (1 - u * u)
            }
            noise2.backward(p, g, x: act.noise1Post, dy: act.dNoise2, dx: act.dNoise1Post, rows: rows)
            Activation.tanh.backward(x: act.noise1Pre, y: act.noise1Post, dy: act.dNoise1Post, dx: act.dNoise1Pre, count: rows * nh)
            noise1.backward(p, g, x: act.modulated[nb], dy: act.dNoise1Pre, dx: dZ, rows: rows, accumulate: true)
        }
        Modulation.backward(x: act.normed[nb], modulation: act.modulation[nb], dy: dZ, dx: act.dNormed,
                            dModulation: act.dModulation, rows: rows, width: w)
        finalModulation.backward(p, g, x: act.condPost, dy: act.dModulation, dx: act.dCondPost, rows: rows)
        act.dH.update(repeating: 0, count: rows * w)
        finalNorm.backward(p, g, x: act.residual[nb], mean: act.mean[nb], rstd: act.rstd[nb], dy: act.dNormed, dx: act.dH, rows: rows)
        for i in stride(from: nb - 1, through: 0, by: -1) {
            let b = blocks[i]
            // act.dH is the gradient of residual[i + 1] = residual[i] + fc2(…); it flows on unchanged.
            b.fc2.backward(p, g, x: act.fc1Post[i], dy: act.dH, dx: act.dHidden, rows: rows)
            Activation.gelu.backward(x: act.fc1Pre[i], y: act.fc1Post[i], dy: act.dHidden, dx: act.dHiddenPre, count: rows * b.fc1.outFeatures)
            b.fc1.backward(p, g, x: act.modulated[i], dy: act.dHiddenPre, dx: act.dModulated, rows: rows)
            Modulation.backward(x: act.normed[i], modulation: act.modulation[i], dy: act.dModulated, dx: act.dNormed,
                                dModulation: act.dModulation, rows: rows, width: w)
            b.modulation.backward(p, g, x: act.condPost, dy: act.dModulation, dx: act.dCondPost, rows: rows, accumulate: true)
            b.norm.backward(p, g, x: act.residual[i], mean: act.mean[i], rstd: act.rstd[i], dy: act.dNormed, dx: act.dH, rows: rows)
        }
        inputProjection.backward(p, g, x: act.x, dy: act.dH, dx: nil, rows: rows)
        Activation.silu.backward(x: act.cond, y: act.condPost, dy: act.dCondPost, dx: act.dCond, count: rows * w)
        prefixProjection.backward(p, g, x: act.prefixRows, dy: act.dCond, dx: act.dPrefixRows, rows: rows)
        time2.backward(p, g, x: act.time1Post, dy: act.dCond, dx: act.dTime1Post, rows: rows)
        Activation.silu.backward(x: act.time1Pre, y: act.time1Post, dy: act.dTime1Post, dx: act.dTime1Pre, count: rows * w)
        time1.backward(p, g, x: act.timeSin, dy: act.dTime1Pre, dx: nil, rows: rows)
    }
}
