import Foundation
import Testing
@testable import Policy

/// The spatial encoder options (issue 28 §2): GroupNorm, spatial softmax, strides, random
/// shift. Gradients against central differences, as in ``LayerGradientTests``.
@Suite("Vision encoder")
struct VisionEncoderTests {
    /// Largest |analytic − numeric| / (|numeric| + 1e-3) over a check, for the report.
    static func worst(_ a: [Double], _ n: [Double]) -> Double {
        zip(a, n).map { abs($0 - $1) / (abs($1) + 1e-3) }.max() ?? 0
    }

    @Test(arguments: [1, 2, 6]) func groupNorm(groups: Int) {
        var rng = RandomSource(seed: 41)
        var layout = ParameterLayout()
        _ = layout.add("pad", shape: [1])
        let channels = 6, spatial = 5, images = 2
        let norm = GroupNorm("gn", channels: channels, groups: groups, layout: &layout)
        let store = ParameterStore(layout: layout)
        for i in 0..<store.count { store.values[i] = Float(rng.uniformOpen() * 2 - 1) }
        let x = Buf(LayerGradientTests.random(images * channels * spatial, &rng))
        let c = LayerGradientTests.random(images * channels * spatial, &rng)
        var y = [Float](repeating: 0, count: c.count), mean = [Float](repeating: 0, count: images * groups), rstd = mean
        func loss() -> Double {
            norm.forward(store.values, x: x.p, y: &y, mean: &mean, rstd: &rstd, images: images, spatial: spatial)
            return LayerGradientTests.dot(y, c)
        }
        _ = loss()
        var dx = [Float](repeating: 0, count: c.count)
        store.zeroGradients()
        norm.backward(store.values, store.gradients, x: x.p, mean: mean, rstd: rstd, dy: c, dx: &dx, images: images, spatial: spatial)
        let numericX = (0..<x.count).map { i in Support.centralDifference(x.p, i, eps: 1e-3, loss) }
        Support.expectClose(dx.map(Double.init), numericX, "group norm input")
        let analytic = (1..<store.count).map { Double(store.gradients[$0]) }
        let numeric = (1..<store.count).map { i in Support.centralDifference(store.values, i, eps: 1e-3, loss) }
        Support.expectClose(analytic, numeric, "group norm affine")
        print("group norm (\(groups) groups): worst relative error input \(Self.worst(dx.map(Double.init), numericX)), affine \(Self.worst(analytic, numeric))")
    }

    @Test(arguments: [false, true]) func spatialSoftmax(learnedTemperature: Bool) {
        var rng = RandomSource(seed: 42)
        var layout = ParameterLayout()
        _ = layout.add("pad", shape: [1])
        let keypoints = 3, height = 4, width = 5, images = 2
        let softmax = SpatialSoftmax("ss", keypoints: keypoints, learnedTemperature: learnedTemperature, layout: &layout)
        let store = ParameterStore(layout: layout)
        for i in 0..<store.count { store.values[i] = Float(rng.uniformOpen() - 0.5) }
        let spatial = height * width
        let x = Buf(LayerGradientTests.random(images * keypoints * spatial, &rng).map { $0 * 2 })
        // Rows are wider than the features (as in the concat) to check the stride.
        let stride = 2 * keypoints + 1
        let c = LayerGradientTests.random(images * stride, &rng)
        var probabilities = [Float](repeating: 0, count: x.count), y = [Float](repeating: 0, count: images * stride)
        func loss() -> Double {
            softmax.forward(store.values, x: x.p, probabilities: &probabilities, y: &y, yStride: stride,
                            images: images, height: height, width: width)
            var s = 0.0
            for b in 0..<images { for j in 0..<(2 * keypoints) { s += Double(y[b * stride + j]) * Double(c[b * stride + j]) } }
            return s
        }
        _ = loss()
        var dx = [Float](repeating: 0, count: x.count)
        store.zeroGradients()
        softmax.backward(store.values, store.gradients, x: x.p, probabilities: probabilities, y: y, dy: c, yStride: stride,
                         dx: &dx, images: images, height: height, width: width)
        let numericX = (0..<x.count).map { i in Support.centralDifference(x.p, i, eps: 1e-3, loss) }
        Support.expectClose(dx.map(Double.init), numericX, "spatial softmax input")
        var report = "spatial softmax (learned T \(learnedTemperature)): worst relative error input \(Self.worst(dx.map(Double.init), numericX))"
        if let t = softmax.logTemperature {
            let numeric = Support.centralDifference(store.values, t, eps: 1e-3, loss)
            Support.expectClose([Double(store.gradients[t])], [numeric], "spatial softmax temperature")
            report += ", temperature \(Self.worst([Double(store.gradients[t])], [numeric]))"
        }
        print(report)
    }

    /// One bright pixel: with a sharp softmax the keypoint is that pixel's coordinates.
    @Test func spatialSoftmaxFindsABlob() {
        var layout = ParameterLayout()
        let softmax = SpatialSoftmax("ss", keypoints: 1, learnedTemperature: false, layout: &layout)
        let store = ParameterStore(layout: layout)
        let height = 8, width = 8
        for (row, col) in [(2, 5), (0, 0), (7, 7), (4, 1)] {
            var map = [Float](repeating: 0, count: height * width)
            map[row * width + col] = 30
            var probabilities = map, y: [Float] = [0, 0]
            softmax.forward(store.values, x: map, probabilities: &probabilities, y: &y, yStride: 2, images: 1, height: height, width: width)
            #expect(abs(y[0] - (Float(col) / 7 * 2 - 1)) < 1e-3, "x of (\(row), \(col)): \(y[0])")
            #expect(abs(y[1] - (Float(row) / 7 * 2 - 1)) < 1e-3, "y of (\(row), \(col)): \(y[1])")
        }
        // A uniform map is centred.
        var probabilities = [Float](repeating: 0, count: 64), y: [Float] = [1, 1]
        softmax.forward(store.values, x: [Float](repeating: 3, count: 64), probabilities: &probabilities, y: &y, yStride: 2,
                        images: 1, height: height, width: width)
        #expect(abs(y[0]) < 1e-6 && abs(y[1]) < 1e-6)
    }

    /// The encoder with both options: strides keep an 8×8-ish map, keypoints through a
    /// 1×1 convolution or straight from the channels.
    static func spatialConfig(shared: Bool, keypoints: Int, learnedTemperature: Bool) -> PolicyConfig {
        var c = Support.smallConfig(shared: shared)
        c.io.cameras = [.init(name: "base", width: 12, height: 12), .init(name: "wrist", width: 8, height: 8)]
        c.architecture.visionChannels = [4, 6, 6]
        c.architecture.visionStrides = [1, 2]
        c.architecture.visionGroupNorm = 2
        c.architecture.visionPooling = .spatialSoftmax
        c.architecture.visionKeypoints = keypoints
        c.architecture.visionLearnedTemperature = learnedTemperature
        return c
    }

    @Test(arguments: [(true, 3, true), (false, 0, true), (true, 0, false), (false, 5, false)])
    func wholeNetworkGradient(shared: Bool, keypoints: Int, learnedTemperature: Bool) throws {
        let config = Self.spatialConfig(shared: shared, keypoints: keypoints, learnedTemperature: learnedTemperature)
        try config.validate()
        let policy = try FlowPolicy(config: config)
        policy.initialize(seed: 43)
        // Scale the maps up so the softmaxes are not flat and GroupNorm's affine is not the identity.
        for e in policy.parameters.layout.entries where e.name.hasPrefix("vision.") {
            for i in e.range { policy.parameters.values[i] *= e.name.contains("norm") ? 1.5 : 2 }
        }
        let names = Set(policy.parameters.layout.entries.map(\.name))
        let prefix = shared ? "vision" : "vision.base"
        #expect(names.contains("\(prefix).norm2.weight") && names.contains("\(prefix).norm0.bias"))
        #expect(names.contains("\(prefix).keypoints.weight") == (keypoints > 0))
        #expect(names.contains("\(prefix).softmax.log_temperature") == learnedTemperature)
        #expect(policy.encoder.cameraFeatures == 2 * (keypoints > 0 ? keypoints : 6))
        #expect(policy.encoder.cameraStages[0].last!.outHeight == 3 && policy.encoder.cameraStages[1].last!.outHeight == 2)
        var rng = RandomSource(seed: 44)
        NetworkGradientTests.checkFlowMatchingGradient(policy, rng: &rng, "spatial encoder FM loss")
    }

    /// Strides and GroupNorm change the FLOP count as the layers say.
    @Test func flopsFollowStrides() throws {
        var c = PolicyConfig()
        let base = try FlowPolicy(config: c).encoderFlops
        c.architecture.visionStrides = [2, 1]
        let stride1 = try FlowPolicy(config: c)
        // The last 3×3 stage now runs on 8×8 instead of 4×4 outputs: 4× its FLOPs.
        let last = 2 * 64 * 9 * 128
        #expect(stride1.encoderFlops - base == 2 * 3 * last * 16)
        #expect(stride1.encoder.cameraStages[0].last!.outHeight == 8)
        c.architecture.visionGroupNorm = 8
        c.architecture.visionPooling = .spatialSoftmax
        c.architecture.visionKeypoints = 32
        let both = try FlowPolicy(config: c)
        #expect(both.encoderFlops > stride1.encoderFlops)
        #expect(both.encoder.cameraFeatures == 64)
    }

    @Test func validation() {
        func error(_ edit: (inout PolicyConfig.Architecture) -> Void) -> String? {
            var c = PolicyConfig()
            edit(&c.architecture)
            do { try c.validate(); return nil } catch { return error.field }
        }
        #expect(error { $0.visionStrides = [1, 1] } == nil)
        #expect(error { $0.visionStrides = [2] } == "architecture.visionStrides")
        #expect(error { $0.visionStrides = [0, 2] } == "architecture.visionStrides")
        #expect(error { $0.visionGroupNorm = 8 } == nil)
        #expect(error { $0.visionGroupNorm = 3 } == "architecture.visionGroupNorm")
        #expect(error { $0.visionKeypoints = 16 } == "architecture.visionKeypoints")
        #expect(error { $0.visionPooling = .spatialSoftmax; $0.visionKeypoints = 16 } == nil)
        #expect(error { $0.visionChannels = [8, 8, 8, 8, 8, 8, 8]; $0.visionStrides = [1, 1, 1, 1, 4, 4] } == nil)
    }

    /// A config.json without the new keys decodes to the old architecture, and the new
    /// keys round-trip.
    @Test func decoding() throws {
        let old = try JSONDecoder().decode(PolicyConfig.Architecture.self, from: Data(#"{"visionChannels": [32, 64, 128]}"#.utf8))
        #expect(old == PolicyConfig.Architecture())
        #expect(old.visionPooling == .mean && old.visionGroupNorm == 0 && old.visionStrides.isEmpty && old.visionKeypoints == 0)
        let json = #"{"visionStrides": [2, 1], "visionGroupNorm": 8, "visionPooling": "spatialSoftmax", "visionKeypoints": 32, "visionLearnedTemperature": false}"#
        let new = try JSONDecoder().decode(PolicyConfig.Architecture.self, from: Data(json.utf8))
        #expect(new.visionStrides == [2, 1] && new.visionGroupNorm == 8 && new.visionPooling == .spatialSoftmax)
        #expect(new.visionKeypoints == 32 && !new.visionLearnedTemperature)
        let again = try JSONDecoder().decode(PolicyConfig.Architecture.self, from: try JSONEncoder().encode(new))
        #expect(again == new)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(PolicyConfig.Architecture.self, from: Data(#"{"visionPooling": "max"}"#.utf8))
        }
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The bundled reach checkpoint (two cameras, mean pooling) loads with the old layout
    /// and encodes exactly as before this change: the values were recorded with the encoder
    /// at commit 7be2d57.
    @Test func bundledCheckpointUnchanged() throws {
        let (policy, _) = try PolicyCheckpoint.load(from: Self.repositoryRoot + "/checkpoints/reach")
        #expect(!policy.parameters.layout.entries.contains { $0.name.contains("norm") || $0.name.contains("softmax") })
        let c = policy.config
        let n = 2
        let images = c.io.cameras.enumerated().map { (ci, cam) in
            (0..<(n * 3 * cam.width * cam.height)).map { i in Float(((i * 7919 + ci * 104729) % 1000)) / 500 - 1 }
        }
        let state = (0..<(n * c.io.stateDim)).map { Float($0 % 5) * 0.3 - 0.6 }
        let tokens = policy.tokenizer.tokens("pick up the red cube")
        let batch = ObservationBatch(count: n, images: images, state: state, tokens: tokens + tokens,
                                     tokenOffsets: [0, Int32(tokens.count), Int32(2 * tokens.count)])
        policy.encode(batch)
        let f = policy.prefixFeatures
        #expect(f.count == 512)
        #expect([f[0], f[1], f[100], f[f.count - 1]].map(\.bitPattern) == Self.recordedReach, "\([f[0], f[1], f[100], f[f.count - 1]])")
        #expect(f.reduce(0.0) { $0 + Double($1) } == 5.894952086280682)
    }

    static let recordedReach: [UInt32] = [3193734853, 3179432322, 1032803462, 1044017023]

    @Test func randomShiftMovesContentByTheDrawnOffset() {
        let channels = 2, height = 6, width = 7, count = 3, pad = 2
        let original = (0..<(count * channels * height * width)).map { Float($0) }
        var shifted = original
        var rng = RandomSource(seed: 45), replay = RandomSource(seed: 45)
        RandomShift.apply(&shifted, count: count, channels: channels, height: height, width: width, pad: pad, using: &rng)
        var moved = 0
        for b in 0..<count {
            let dx = replay.index(below: 2 * pad + 1) - pad, dy = replay.index(below: 2 * pad + 1) - pad
            if dx != 0 || dy != 0 { moved += 1 }
            for ch in 0..<channels {
                for y in 0..<height {
                    for x in 0..<width {
                        let sy = min(max(y + dy, 0), height - 1), sx = min(max(x + dx, 0), width - 1)
                        let plane = (b * channels + ch) * height * width
                        #expect(shifted[plane + y * width + x] == original[plane + sy * width + sx], "image \(b) (\(dx), \(dy)) at \(ch),\(y),\(x)")
                    }
                }
            }
        }
        #expect(moved > 0)
        // Every direction, including in-place rows (dy = 0) and both signs.
        for dy in -3...3 {
            for dx in -3...3 {
                var image = Array(original[0..<(channels * height * width)])
                image.withUnsafeMutableBufferPointer { RandomShift.shift($0.baseAddress!, channels: channels, height: height, width: width, dx: dx, dy: dy) }
                for i in 0..<image.count {
                    let ch = i / (height * width), y = (i / width) % height, x = i % width
                    let sy = min(max(y + dy, 0), height - 1), sx = min(max(x + dx, 0), width - 1)
                    #expect(image[i] == original[ch * height * width + sy * width + sx], "(\(dx), \(dy)) at \(i)")
                }
            }
        }
    }

    @Test func randomShiftPadZeroIsIdentity() {
        let original = (0..<(2 * 3 * 4 * 4)).map { Float($0) * 0.5 }
        var images = original
        var rng = RandomSource(seed: 46)
        let before = rng
        RandomShift.apply(&images, count: 2, channels: 3, height: 4, width: 4, pad: 0, using: &rng)
        #expect(images == original)
        var a = rng, b = before
        #expect(a.next() == b.next(), "pad 0 draws nothing")
    }
}
