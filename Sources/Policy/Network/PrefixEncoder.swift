/// The observation encoder: a small CNN per camera → mean-pooled features; the
/// instruction's hashed tokens → an embedding bag; the state → Linear + SiLU; all
/// concatenated and fused by Linear + SiLU into `prefixWidth` features.
///
/// Shapes per observation: camera c `3 × H × W` → `visionChannels.last`; tokens →
/// `tokenWidth`; state `stateDim` → `stateWidth`; fused `prefixWidth`.
///
/// With no cameras (a state-only policy) there are no CNN stages and no `vision.*`
/// parameters; the prefix is fused from the tokens and the state alone.
struct PrefixEncoder {
    /// The CNN stages of each camera (the same offsets when the encoder is shared).
    let cameraStages: [[Conv2d]]
    let stageActivation = Activation.silu
    let embedding: EmbeddingBag
    let stateProjection: Linear
    let fuse: Linear
    let config: PolicyConfig

    /// Features per camera; 0 when there are no cameras (the CNN is never built then).
    var cameraFeatures: Int { config.io.cameras.isEmpty ? 0 : config.architecture.visionChannels.last ?? 0 }
    var concatWidth: Int { config.io.cameras.count * cameraFeatures + embedding.width + stateProjection.outFeatures }
    var width: Int { fuse.outFeatures }

    init(config: PolicyConfig, layout: inout ParameterLayout) {
        self.config = config
        let a = config.architecture
        func stages(prefix: String, camera: PolicyConfig.Camera) -> [Conv2d] {
            var result: [Conv2d] = []
            var channels = 3, h = camera.height, w = camera.width
            for (i, out) in a.visionChannels.enumerated() {
                let conv = i == 0
                    ? Conv2d("\(prefix).conv\(i)", inChannels: channels, outChannels: out, kernel: a.patchSize, stride: a.patchSize,
                             padding: 0, height: h, width: w, layout: &layout)
                    : Conv2d("\(prefix).conv\(i)", inChannels: channels, outChannels: out, kernel: 3, stride: 2,
                             padding: 1, height: h, width: w, layout: &layout)
                result.append(conv)
                channels = out; h = conv.outHeight; w = conv.outWidth
            }
            return result
        }
        if config.io.cameras.isEmpty {
            cameraStages = []  // state-only: no CNN, so no vision.* parameters
        } else if a.sharedVisionEncoder {
            let shared = stages(prefix: "vision", camera: config.io.cameras[0])
            // Cameras of other sizes reuse the weights with their own spatial sizes.
            cameraStages = config.io.cameras.map { camera in
                var h = camera.height, w = camera.width
                return shared.map { c in
                    let conv = Conv2d(sharing: c, height: h, width: w)
                    h = conv.outHeight; w = conv.outWidth
                    return conv
                }
            }
        } else {
            cameraStages = config.io.cameras.map { stages(prefix: "vision.\($0.name)", camera: $0) }
        }
        embedding = EmbeddingBag("language.embedding", vocabularySize: a.vocabularySize, width: a.tokenWidth, layout: &layout)
        stateProjection = Linear("state.proj", inFeatures: config.io.stateDim, outFeatures: a.stateWidth, layout: &layout)
        let features = config.io.cameras.isEmpty ? 0 : a.visionChannels.last ?? 0
        fuse = Linear("prefix.fuse", inFeatures: config.io.cameras.count * features + a.tokenWidth + a.stateWidth,
                      outFeatures: a.prefixWidth, layout: &layout)
    }

    func initialize(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        // A shared CNN is initialized once; with no cameras there is nothing to initialize.
        let owners = config.architecture.sharedVisionEncoder ? Array(cameraStages.prefix(1)) : cameraStages
        for stages in owners { for conv in stages { conv.initialize(p, using: &rng) } }
        embedding.initialize(p, using: &rng)
        stateProjection.initialize(p, using: &rng)
        fuse.initialize(p, using: &rng)
    }

    /// FLOPs to encode one observation.
    var flopsPerObservation: Int {
        cameraStages.flatMap { $0 }.map(\.flopsPerImage).reduce(0, +) + stateProjection.flopsPerRow + fuse.flopsPerRow
    }

    /// The activations of one forward pass over up to `capacity` observations.
    final class Activations {
        let capacity: Int
        /// Per camera: the input images, then per stage the pre-activation and the activation.
        let images: [UnsafeMutablePointer<Float>]
        let stagePre: [[UnsafeMutablePointer<Float>]]
        let stagePost: [[UnsafeMutablePointer<Float>]]
        let tokenFeatures, statePre, statePost, concat, fusePre, prefix: UnsafeMutablePointer<Float>
        let state: UnsafeMutablePointer<Float>
        let columns: UnsafeMutablePointer<Float>
        // Backward scratch.
        let dConcat, dFusePre, dStatePost, dStatePre: UnsafeMutablePointer<Float>
        let dStage0, dStage1: UnsafeMutablePointer<Float>
        var tokens: [Int32] = []
        var tokenOffsets: [Int32] = [0]
        var count = 0
        private let arena: BufferArena

        init(_ e: PrefixEncoder, capacity: Int) {
            self.capacity = capacity
            // All 0 without cameras: the CNN scratch buffers are then empty.
            let maxStage = e.cameraStages.flatMap { $0 }.map(\.outputCount).max() ?? 0
            let maxInput = e.cameraStages.map { $0[0].inputCount }.max() ?? 0
            let maxColumns = e.cameraStages.flatMap { $0 }.map(\.columnCount).max() ?? 0
            var total = e.cameraStages.map { s in capacity * (s[0].inputCount + 2 * s.map(\.outputCount).reduce(0, +)) }.reduce(0, +)
            total += capacity * (e.embedding.width + 2 * e.stateProjection.outFeatures + 2 * e.concatWidth + 3 * e.width
                                 + 2 * e.stateProjection.outFeatures + e.config.io.stateDim)
            total += maxColumns + 2 * capacity * max(maxStage, maxInput)
            let arena = BufferArena(count: total)
            self.arena = arena
            var images: [UnsafeMutablePointer<Float>] = [], stagePre: [[UnsafeMutablePointer<Float>]] = []
            var stagePost: [[UnsafeMutablePointer<Float>]] = []
            for stages in e.cameraStages {
                images.append(arena.take(capacity * stages[0].inputCount))
                stagePre.append(stages.map { arena.take(capacity * $0.outputCount) })
                stagePost.append(stages.map { arena.take(capacity * $0.outputCount) })
            }
            self.images = images; self.stagePre = stagePre; self.stagePost = stagePost
            tokenFeatures = arena.take(capacity * e.embedding.width)
            state = arena.take(capacity * e.config.io.stateDim)
            statePre = arena.take(capacity * e.stateProjection.outFeatures)
            statePost = arena.take(capacity * e.stateProjection.outFeatures)
            concat = arena.take(capacity * e.concatWidth)
            fusePre = arena.take(capacity * e.width)
            prefix = arena.take(capacity * e.width)
            dConcat = arena.take(capacity * e.concatWidth)
            dFusePre = arena.take(capacity * e.width)
            dStatePost = arena.take(capacity * e.stateProjection.outFeatures)
            dStatePre = arena.take(capacity * e.stateProjection.outFeatures)
            columns = arena.take(maxColumns)
            dStage0 = arena.take(capacity * max(maxStage, maxInput))
            dStage1 = arena.take(capacity * max(maxStage, maxInput))
        }
    }

    /// Encodes `batch` into `act.prefix` (`count × width`).
    func forward(_ p: UnsafePointer<Float>, batch: ObservationBatch, act: Activations) {
        let n = batch.count
        act.count = n
        let f = cameraFeatures, cw = concatWidth
        for c in cameraStages.indices {
            let stages = cameraStages[c]
            batch.images[c].withUnsafeBufferPointer { act.images[c].update(from: $0.baseAddress!, count: n * stages[0].inputCount) }
            var input = UnsafePointer(act.images[c])
            for i in stages.indices {
                let conv = stages[i]
                conv.forward(p, x: input, y: act.stagePre[c][i], images: n, columns: act.columns)
                stageActivation.forward(act.stagePre[c][i], act.stagePost[c][i], count: n * conv.outputCount)
                input = UnsafePointer(act.stagePost[c][i])
            }
            let last = stages.last!, spatial = last.outHeight * last.outWidth
            let scale = 1 / Float(spatial)
            for b in 0..<n {
                let dst = act.concat + b * cw + c * f
                let src = act.stagePost[c][stages.count - 1] + b * last.outputCount
                for ch in 0..<f {
                    var s: Float = 0
                    for i in 0..<spatial { s += src[ch * spatial + i] }
                    dst[ch] = s * scale
                }
            }
        }
        act.tokens = batch.tokens + [0]  // one spare id so the buffer is never empty
        act.tokenOffsets = batch.tokenOffsets
        act.tokens.withUnsafeBufferPointer { t in
            act.tokenOffsets.withUnsafeBufferPointer { o in
                embedding.forward(p, tokens: t.baseAddress!, offsets: o.baseAddress!, y: act.tokenFeatures, samples: n)
            }
        }
        batch.state.withUnsafeBufferPointer { act.state.update(from: $0.baseAddress!, count: n * config.io.stateDim) }
        stateProjection.forward(p, x: act.state, y: act.statePre, rows: n)
        Activation.silu.forward(act.statePre, act.statePost, count: n * stateProjection.outFeatures)
        let camerasWidth = config.io.cameras.count * f, sw = stateProjection.outFeatures
        for b in 0..<n {
            (act.concat + b * cw + camerasWidth).update(from: act.tokenFeatures + b * embedding.width, count: embedding.width)
            (act.concat + b * cw + camerasWidth + embedding.width).update(from: act.statePost + b * sw, count: sw)
        }
        fuse.forward(p, x: act.concat, y: act.fusePre, rows: n)
        Activation.silu.forward(act.fusePre, act.prefix, count: n * width)
    }

    /// Backpropagates `dPrefix` (`count × width`) into the encoder's parameter gradients.
    func backward(_ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, dPrefix: UnsafePointer<Float>, act: Activations) {
        let n = act.count, f = cameraFeatures, cw = concatWidth
        Activation.silu.backward(x: act.fusePre, y: act.prefix, dy: dPrefix, dx: act.dFusePre, count: n * width)
        fuse.backward(p, g, x: act.concat, dy: act.dFusePre, dx: act.dConcat, rows: n)
        let camerasWidth = config.io.cameras.count * f, sw = stateProjection.outFeatures
        for b in 0..<n {
            (act.tokenFeatures + b * embedding.width).update(from: act.dConcat + b * cw + camerasWidth, count: embedding.width)
            (act.dStatePost + b * sw).update(from: act.dConcat + b * cw + camerasWidth + embedding.width, count: sw)
        }
        // tokenFeatures now holds its gradient (the forward values are no longer needed).
        act.tokens.withUnsafeBufferPointer { t in
            act.tokenOffsets.withUnsafeBufferPointer { o in
                embedding.backward(g, tokens: t.baseAddress!, offsets: o.baseAddress!, dy: act.tokenFeatures, samples: n)
            }
        }
        Activation.silu.backward(x: act.statePre, y: act.statePost, dy: act.dStatePost, dx: act.dStatePre, count: n * sw)
        stateProjection.backward(p, g, x: act.state, dy: act.dStatePre, dx: nil, rows: n)
        for (c, stages) in cameraStages.enumerated() {
            let last = stages.last!, spatial = last.outHeight * last.outWidth
            let scale = 1 / Float(spatial)
            let dPost = act.dStage0, dPre = act.dStage1
            for b in 0..<n {
                for ch in 0..<f {
                    let v = act.dConcat[b * cw + c * f + ch] * scale
                    (dPost + b * last.outputCount + ch * spatial).update(repeating: v, count: spatial)
                }
            }
            for i in stride(from: stages.count - 1, through: 0, by: -1) {
                let conv = stages[i]
                stageActivation.backward(x: act.stagePre[c][i], y: act.stagePost[c][i], dy: dPost, dx: dPre, count: n * conv.outputCount)
                let input = i == 0 ? act.images[c] : act.stagePost[c][i - 1]
                if i > 0 { dPost.update(repeating: 0, count: n * conv.inputCount) }
                conv.backward(p, g, x: input, dy: dPre, dx: i > 0 ? dPost : nil, images: n, columns: act.columns)
                // dPost now holds the gradient of the previous stage's activation.
            }
        }
    }
}

extension Conv2d {
    /// The same weights applied to inputs of another spatial size.
    init(sharing other: Conv2d, height: Int, width: Int) {
        self.init(inChannels: other.inChannels, outChannels: other.outChannels, kernel: other.kernel, stride: other.stride,
                  padding: other.padding, height: height, width: width, weight: other.weight, bias: other.bias)
    }
}
