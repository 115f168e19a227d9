/// The observation encoder: a small CNN per camera → pooled features; the
/// instruction's hashed tokens → an embedding bag; the state → Linear + SiLU; all
/// concatenated and fused by Linear + SiLU into `prefixWidth` features.
///
/// A CNN stage is conv → (GroupNorm, when `visionGroupNorm > 0`) → SiLU. The last map is
/// pooled by the mean over space (`visionChannels.last` features) or by a spatial softmax
/// (optionally after a 1×1 keypoint convolution; 2 features per keypoint: where, not what).
///
/// Shapes per observation: camera c `3 × H × W` → ``cameraFeatures``; tokens →
/// `tokenWidth`; state `stateDim` → `stateWidth`; fused `prefixWidth`.
///
/// With no cameras (a state-only policy) there are no CNN stages and no `vision.*`
/// parameters; the prefix is fused from the tokens and the state alone.
struct PrefixEncoder {
    /// The CNN stages of each camera (the same offsets when the encoder is shared).
    let cameraStages: [[Conv2d]]
    /// Per camera, the GroupNorm after each stage's convolution (empty without GroupNorm).
    let cameraNorms: [[GroupNorm]]
    /// Per camera, the 1×1 keypoint convolution before the spatial softmax (nil: none).
    let keypointConvs: [Conv2d?]
    /// Per camera, the spatial softmax (empty with mean pooling).
    let cameraSoftmax: [SpatialSoftmax]
    let stageActivation = Activation.silu
    let embedding: EmbeddingBag
    let stateProjection: Linear
    let fuse: Linear
    let config: PolicyConfig

    /// Features per camera; 0 when there are no cameras (the CNN is never built then).
    var cameraFeatures: Int { Self.cameraFeatures(config) }
    static func cameraFeatures(_ config: PolicyConfig) -> Int {
        let a = config.architecture, last = a.visionChannels.last ?? 0
        if config.io.cameras.isEmpty { return 0 }
        return a.visionPooling == .spatialSoftmax ? 2 * (a.visionKeypoints > 0 ? a.visionKeypoints : last) : last
    }
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
                    : Conv2d("\(prefix).conv\(i)", inChannels: channels, outChannels: out, kernel: 3, stride: a.visionStride(i),
                             padding: 1, height: h, width: w, layout: &layout)
                result.append(conv)
                channels = out; h = conv.outHeight; w = conv.outWidth
            }
            return result
        }
        // Registered after a camera's convolutions, so a config without GroupNorm or a
        // spatial softmax has exactly the old parameter layout.
        func norms(prefix: String) -> [GroupNorm] {
            a.visionGroupNorm == 0 ? [] : a.visionChannels.indices.map {
                GroupNorm("\(prefix).norm\($0)", channels: a.visionChannels[$0], groups: a.visionGroupNorm, layout: &layout)
            }
        }
        func pooling(prefix: String, last: Conv2d) -> (Conv2d?, SpatialSoftmax?) {
            guard a.visionPooling == .spatialSoftmax else { return (nil, nil) }
            let conv = a.visionKeypoints == 0 ? nil
                : Conv2d("\(prefix).keypoints", inChannels: last.outChannels, outChannels: a.visionKeypoints, kernel: 1, stride: 1,
                         padding: 0, height: last.outHeight, width: last.outWidth, layout: &layout)
            let softmax = SpatialSoftmax("\(prefix).softmax", keypoints: conv?.outChannels ?? last.outChannels,
                                         learnedTemperature: a.visionLearnedTemperature, layout: &layout)
            return (conv, softmax)
        }
        if config.io.cameras.isEmpty {
            cameraStages = []  // state-only: no CNN, so no vision.* parameters
            cameraNorms = []; keypointConvs = []; cameraSoftmax = []
        } else if a.sharedVisionEncoder {
            let shared = stages(prefix: "vision", camera: config.io.cameras[0])
            let sharedNorms = norms(prefix: "vision")
            let (sharedKeypoints, sharedSoftmax) = pooling(prefix: "vision", last: shared.last!)
            // Cameras of other sizes reuse the weights with their own spatial sizes.
            cameraStages = config.io.cameras.map { camera in
                var h = camera.height, w = camera.width
                return shared.map { c in
                    let conv = Conv2d(sharing: c, height: h, width: w)
                    h = conv.outHeight; w = conv.outWidth
                    return conv
                }
            }
            cameraNorms = cameraStages.map { _ in sharedNorms }
            keypointConvs = cameraStages.map { s in sharedKeypoints.map { Conv2d(sharing: $0, height: s.last!.outHeight, width: s.last!.outWidth) } }
            let cameras = config.io.cameras.count
            cameraSoftmax = sharedSoftmax.map { Array(repeating: $0, count: cameras) } ?? []
        } else {
            var stagesList: [[Conv2d]] = [], normsList: [[GroupNorm]] = [], keypointList: [Conv2d?] = [], softmaxList: [SpatialSoftmax] = []
            for camera in config.io.cameras {
                let prefix = "vision.\(camera.name)"
                let s = stages(prefix: prefix, camera: camera)
                stagesList.append(s)
                normsList.append(norms(prefix: prefix))
                let (k, softmax) = pooling(prefix: prefix, last: s.last!)
                keypointList.append(k)
                if let softmax { softmaxList.append(softmax) }
            }
            cameraStages = stagesList; cameraNorms = normsList; keypointConvs = keypointList; cameraSoftmax = softmaxList
        }
        embedding = EmbeddingBag("language.embedding", vocabularySize: a.vocabularySize, width: a.tokenWidth, layout: &layout)
        stateProjection = Linear("state.proj", inFeatures: config.io.stateDim, outFeatures: a.stateWidth, layout: &layout)
        fuse = Linear("prefix.fuse", inFeatures: config.io.cameras.count * Self.cameraFeatures(config) + a.tokenWidth + a.stateWidth,
                      outFeatures: a.prefixWidth, layout: &layout)
    }

    func initialize(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        // A shared CNN is initialized once; with no cameras there is nothing to initialize.
        let owners = config.architecture.sharedVisionEncoder ? min(1, cameraStages.count) : cameraStages.count
        for c in 0..<owners {
            for conv in cameraStages[c] { conv.initialize(p, using: &rng) }
            for norm in cameraNorms[c] { norm.initialize(p) }
            keypointConvs[c]?.initialize(p, using: &rng)
            if !cameraSoftmax.isEmpty { cameraSoftmax[c].initialize(p) }
        }
        embedding.initialize(p, using: &rng)
        stateProjection.initialize(p, using: &rng)
        fuse.initialize(p, using: &rng)
    }

    /// FLOPs to encode one observation.
    var flopsPerObservation: Int {
        var flops = stateProjection.flopsPerRow + fuse.flopsPerRow
        for (c, stages) in cameraStages.enumerated() {
            flops += stages.map(\.flopsPerImage).reduce(0, +)
            for (norm, conv) in zip(cameraNorms[c], stages) { flops += norm.flopsPerImage(spatial: conv.outHeight * conv.outWidth) }
            if let k = keypointConvs[c] { flops += k.flopsPerImage }
            if !cameraSoftmax.isEmpty { flops += cameraSoftmax[c].flopsPerImage(spatial: stages.last!.outHeight * stages.last!.outWidth) }
        }
        return flops
    }

    /// Floats the camera activations of one observation keep (for the memory guard).
    var cameraActivationsPerObservation: Int {
        var total = 0
        for (c, stages) in cameraStages.enumerated() {
            let perStage = cameraNorms[c].isEmpty ? 2 : 3
            total += stages[0].inputCount + perStage * stages.map(\.outputCount).reduce(0, +)
            // The softmax's probabilities, and the keypoint convolution's maps when there is one
            // (without it the softmax reads the last stage's activation).
            let maps = Self.keypointMapCount(stages, keypointConvs[c], cameraSoftmax.isEmpty ? nil : cameraSoftmax[c])
            total += (keypointConvs[c] == nil ? 1 : 2) * maps
        }
        return total
    }

    /// Floats per image of the maps the spatial softmax runs over (0 with mean pooling).
    static func keypointMapCount(_ stages: [Conv2d], _ keypoints: Conv2d?, _ softmax: SpatialSoftmax?) -> Int {
        guard let softmax, let last = stages.last else { return 0 }
        return softmax.keypoints * last.outHeight * last.outWidth
    }

    /// The activations of one forward pass over up to `capacity` observations.
    final class Activations {
        let capacity: Int
        /// Per camera: the input images, then per stage the convolution's output, the
        /// activation's input (the GroupNorm output; the same buffer as `stageConv` without
        /// GroupNorm) and the activation.
        let images: [UnsafeMutablePointer<Float>]
        let stageConv: [[UnsafeMutablePointer<Float>]]
        let stagePre: [[UnsafeMutablePointer<Float>]]
        let stagePost: [[UnsafeMutablePointer<Float>]]
        /// Per camera and stage, GroupNorm's mean and 1/std per (observation, group).
        let stageMean, stageRstd: [[UnsafeMutablePointer<Float>]]
        /// Per camera, the maps the spatial softmax reads (the keypoint convolution's output,
        /// or the last stage's activation without one) and its probabilities.
        let keypointMaps, probabilities: [UnsafeMutablePointer<Float>]
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
            let cams = e.cameraStages.indices
            func mapCount(_ c: Int) -> Int {
                PrefixEncoder.keypointMapCount(e.cameraStages[c], e.keypointConvs[c], e.cameraSoftmax.isEmpty ? nil : e.cameraSoftmax[c])
            }
            let maxStage = max(e.cameraStages.flatMap { $0 }.map(\.outputCount).max() ?? 0, cams.map(mapCount).max() ?? 0)
            let maxInput = e.cameraStages.map { $0[0].inputCount }.max() ?? 0
            let allConvs = e.cameraStages.flatMap { $0 } + e.keypointConvs.compactMap { $0 }
            let maxColumns = allConvs.map(\.columnCount).max() ?? 0
            let groups = e.config.architecture.visionGroupNorm
            var total = capacity * e.cameraActivationsPerObservation
            total += cams.map { 2 * capacity * groups * e.cameraNorms[$0].count }.reduce(0, +)
            total += capacity * (e.embedding.width + 2 * e.stateProjection.outFeatures + 2 * e.concatWidth + 3 * e.width
                                 + 2 * e.stateProjection.outFeatures + e.config.io.stateDim)
            total += maxColumns + 2 * capacity * max(maxStage, maxInput)
            let arena = BufferArena(count: total)
            self.arena = arena
            var images: [UnsafeMutablePointer<Float>] = [], stageConv: [[UnsafeMutablePointer<Float>]] = []
            var stagePre: [[UnsafeMutablePointer<Float>]] = [], stagePost: [[UnsafeMutablePointer<Float>]] = []
            var stageMean: [[UnsafeMutablePointer<Float>]] = [], stageRstd: [[UnsafeMutablePointer<Float>]] = []
            var keypointMaps: [UnsafeMutablePointer<Float>] = [], probabilities: [UnsafeMutablePointer<Float>] = []
            for c in cams {
                let stages = e.cameraStages[c], normed = !e.cameraNorms[c].isEmpty
                images.append(arena.take(capacity * stages[0].inputCount))
                let pre = stages.map { arena.take(capacity * $0.outputCount) }
                stagePre.append(pre)
                stagePost.append(stages.map { arena.take(capacity * $0.outputCount) })
                stageConv.append(normed ? stages.map { arena.take(capacity * $0.outputCount) } : pre)
                stageMean.append(e.cameraNorms[c].map { _ in arena.take(capacity * groups) })
                stageRstd.append(e.cameraNorms[c].map { _ in arena.take(capacity * groups) })
                keypointMaps.append(e.keypointConvs[c] == nil ? stagePost[c][stages.count - 1] : arena.take(capacity * mapCount(c)))
                probabilities.append(arena.take(capacity * mapCount(c)))
            }
            self.images = images; self.stageConv = stageConv; self.stagePre = stagePre; self.stagePost = stagePost
            self.stageMean = stageMean; self.stageRstd = stageRstd
            self.keypointMaps = keypointMaps; self.probabilities = probabilities
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
                let conv = stages[i], spatial = conv.outHeight * conv.outWidth
                conv.forward(p, x: input, y: act.stageConv[c][i], images: n, columns: act.columns)
                if !cameraNorms[c].isEmpty {
                    cameraNorms[c][i].forward(p, x: act.stageConv[c][i], y: act.stagePre[c][i], mean: act.stageMean[c][i],
                                              rstd: act.stageRstd[c][i], images: n, spatial: spatial)
                }
                stageActivation.forward(act.stagePre[c][i], act.stagePost[c][i], count: n * conv.outputCount)
                input = UnsafePointer(act.stagePost[c][i])
            }
            let last = stages.last!, spatial = last.outHeight * last.outWidth
            if !cameraSoftmax.isEmpty {
                keypointConvs[c]?.forward(p, x: input, y: act.keypointMaps[c], images: n, columns: act.columns)
                cameraSoftmax[c].forward(p, x: act.keypointMaps[c], probabilities: act.probabilities[c], y: act.concat + c * f,
                                         yStride: cw, images: n, height: last.outHeight, width: last.outWidth)
                continue
            }
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
            // Two buffers take turns: `dPost` holds the gradient of the current stage's
            // activation, `dPre` is free.
            var dPost = act.dStage0, dPre = act.dStage1
            if !cameraSoftmax.isEmpty {
                let lastPost = act.stagePost[c][stages.count - 1]
                if let k = keypointConvs[c] {
                    cameraSoftmax[c].backward(p, g, x: act.keypointMaps[c], probabilities: act.probabilities[c], y: act.concat + c * f,
                                              dy: act.dConcat + c * f, yStride: cw, dx: dPre, images: n,
                                              height: last.outHeight, width: last.outWidth)
                    dPost.update(repeating: 0, count: n * last.outputCount)
                    k.backward(p, g, x: lastPost, dy: dPre, dx: dPost, images: n, columns: act.columns)
                } else {
                    cameraSoftmax[c].backward(p, g, x: act.keypointMaps[c], probabilities: act.probabilities[c], y: act.concat + c * f,
                                              dy: act.dConcat + c * f, yStride: cw, dx: dPost, images: n,
                                              height: last.outHeight, width: last.outWidth)
                }
            } else {
                let scale = 1 / Float(spatial)
                for b in 0..<n {
                    for ch in 0..<f {
                        let v = act.dConcat[b * cw + c * f + ch] * scale
                        (dPost + b * last.outputCount + ch * spatial).update(repeating: v, count: spatial)
                    }
                }
            }
            for i in stride(from: stages.count - 1, through: 0, by: -1) {
                let conv = stages[i]
                stageActivation.backward(x: act.stagePre[c][i], y: act.stagePost[c][i], dy: dPost, dx: dPre, count: n * conv.outputCount)
                if !cameraNorms[c].isEmpty {
                    // dPre is the GroupNorm output's gradient; its input's goes to the free buffer.
                    dPost.update(repeating: 0, count: n * conv.outputCount)
                    cameraNorms[c][i].backward(p, g, x: act.stageConv[c][i], mean: act.stageMean[c][i], rstd: act.stageRstd[c][i],
                                               dy: dPre, dx: dPost, images: n, spatial: conv.outHeight * conv.outWidth)
                    swap(&dPost, &dPre)
                }
                // dPre holds the convolution output's gradient; dPost is free.
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
