import Testing
@testable import Policy

/// Finite-difference checks of every layer type's backward pass (docs/design/style.md: forward and
/// backward side by side, each gradient checked). Loss: `L = Σ cᵢ·yᵢ` with fixed random c.
@Suite("Layer gradients")
struct LayerGradientTests {
    /// Random floats in [−1, 1].
    static func random(_ n: Int, _ rng: inout RandomSource) -> [Float] {
        (0..<n).map { _ in Float(rng.uniformOpen() * 2 - 1) }
    }

    static func dot(_ a: UnsafePointer<Float>, _ c: [Float]) -> Double {
        var s = 0.0
        for i in 0..<c.count { s += Double(a[i]) * Double(c[i]) }
        return s
    }

    @Test func linear() {
        var rng = RandomSource(seed: 1)
        var layout = ParameterLayout()
        let layer = Linear("fc", inFeatures: 5, outFeatures: 4, layout: &layout)
        let store = ParameterStore(layout: layout)
        layer.initialize(store.values, using: &rng)
        let rows = 3
        let x = Buf(Self.random(rows * 5, &rng))
        let c = Self.random(rows * 4, &rng)
        var y = [Float](repeating: 0, count: rows * 4)
        func loss() -> Double {
            layer.forward(store.values, x: x.p, y: &y, rows: rows)
            return Self.dot(y, c)
        }
        var dx = [Float](repeating: 7, count: rows * 5)
        store.zeroGradients()
        layer.backward(store.values, store.gradients, x: x.p, dy: c, dx: &dx, rows: rows)
        let analytic = (0..<store.count).map { Double(store.gradients[$0]) }
        let numeric = (0..<store.count).map { i in Support.centralDifference(store.values, i, loss) }
        Support.expectClose(analytic, numeric, "linear params")
        let numericX = (0..<x.count).map { i in Support.centralDifference(x.p, i, loss) }
        Support.expectClose(dx.map(Double.init), numericX, "linear input")
    }

    @Test(arguments: Activation.allCases) func activation(_ f: Activation) {
        var rng = RandomSource(seed: 2)
        // Keep ReLU inputs away from the kink at 0.
        let x = Buf(Self.random(16, &rng).map { f == .relu && abs($0) < 0.05 ? $0 + 0.1 : $0 * 2 })
        let c = Self.random(16, &rng)
        var y = [Float](repeating: 0, count: 16)
        func loss() -> Double { f.forward(x.p, &y, count: 16); return Self.dot(y, c) }
        _ = loss()
        var dx = [Float](repeating: 0, count: 16)
        f.backward(x: x.p, y: y, dy: c, dx: &dx, count: 16)
        let numeric = (0..<16).map { i in Support.centralDifference(x.p, i, eps: 1e-3, loss) }
        Support.expectClose(dx.map(Double.init), numeric, "\(f)")
    }

    @Test(arguments: [true, false]) func layerNorm(affine: Bool) {
        var rng = RandomSource(seed: 3)
        var layout = ParameterLayout()
        _ = layout.add("pad", shape: [1])
        let norm = LayerNorm("ln", width: 6, affine: affine, layout: &layout)
        let store = ParameterStore(layout: layout)
        for i in 0..<store.count { store.values[i] = Float(rng.uniformOpen() * 2 - 1) }
        let rows = 3
        let x = Buf(Self.random(rows * 6, &rng))
        let c = Self.random(rows * 6, &rng)
        var y = [Float](repeating: 0, count: rows * 6), mean = [Float](repeating: 0, count: rows), rstd = mean
        func loss() -> Double {
            norm.forward(store.values, x: x.p, y: &y, mean: &mean, rstd: &rstd, rows: rows)
            return Self.dot(y, c)
        }
        _ = loss()
        var dx = [Float](repeating: 0, count: rows * 6)
        store.zeroGradients()
        norm.backward(store.values, store.gradients, x: x.p, mean: mean, rstd: rstd, dy: c, dx: &dx, rows: rows)
        let numericX = (0..<x.count).map { i in Support.centralDifference(x.p, i, eps: 1e-3, loss) }
        Support.expectClose(dx.map(Double.init), numericX, "layer norm input")
        if affine {
            let analytic = (1..<store.count).map { Double(store.gradients[$0]) }
            let numeric = (1..<store.count).map { i in Support.centralDifference(store.values, i, eps: 1e-3, loss) }
            Support.expectClose(analytic, numeric, "layer norm affine")
        }
    }

    @Test func modulation() {
        var rng = RandomSource(seed: 4)
        let rows = 2, w = 5
        let x = Buf(Self.random(rows * w, &rng)), m = Buf(Self.random(rows * 2 * w, &rng))
        let c = Self.random(rows * w, &rng)
        var y = [Float](repeating: 0, count: rows * w)
        func loss() -> Double { Modulation.forward(x: x.p, modulation: m.p, y: &y, rows: rows, width: w); return Self.dot(y, c) }
        var dx = [Float](repeating: 0, count: rows * w), dm = [Float](repeating: 0, count: rows * 2 * w)
        Modulation.backward(x: x.p, modulation: m.p, dy: c, dx: &dx, dModulation: &dm, rows: rows, width: w)
        let nx = (0..<x.count).map { i in Support.centralDifference(x.p, i, loss) }
        let nm = (0..<m.count).map { i in Support.centralDifference(m.p, i, loss) }
        Support.expectClose(dx.map(Double.init), nx, "modulation input")
        Support.expectClose(dm.map(Double.init), nm, "modulation scale/shift")
    }

    @Test(arguments: [(4, 4, 0, 8), (3, 2, 1, 7), (3, 1, 1, 5), (3, 2, 1, 1), (3, 2, 1, 2)])
    func conv2d(kernel: Int, stride: Int, padding: Int, size: Int) {
        var rng = RandomSource(seed: 5)
        var layout = ParameterLayout()
        let conv = Conv2d("conv", inChannels: 2, outChannels: 3, kernel: kernel, stride: stride, padding: padding,
                          height: size, width: size, layout: &layout)
        let store = ParameterStore(layout: layout)
        conv.initialize(store.values, using: &rng)
        let images = 2
        let x = Buf(Self.random(images * conv.inputCount, &rng))
        let c = Self.random(images * conv.outputCount, &rng)
        var y = [Float](repeating: 0, count: images * conv.outputCount)
        var columns = [Float](repeating: 0, count: conv.columnCount)
        func loss() -> Double {
            conv.forward(store.values, x: x.p, y: &y, images: images, columns: &columns)
            return Self.dot(y, c)
        }
        var dx = [Float](repeating: 0, count: x.count)
        store.zeroGradients()
        conv.backward(store.values, store.gradients, x: x.p, dy: c, dx: &dx, images: images, columns: &columns)
        let analytic = (0..<store.count).map { Double(store.gradients[$0]) }
        let numeric = (0..<store.count).map { i in Support.centralDifference(store.values, i, loss) }
        Support.expectClose(analytic, numeric, "conv params")
        let numericX = (0..<x.count).map { i in Support.centralDifference(x.p, i, loss) }
        Support.expectClose(dx.map(Double.init), numericX, "conv input")
    }

    @Test func conv2dMatchesDirectConvolution() {
        var rng = RandomSource(seed: 6)
        var layout = ParameterLayout()
        let conv = Conv2d("conv", inChannels: 2, outChannels: 2, kernel: 3, stride: 2, padding: 1, height: 5, width: 5, layout: &layout)
        let store = ParameterStore(layout: layout)
        conv.initialize(store.values, using: &rng)
        let x = Buf(Self.random(conv.inputCount, &rng))
        var y = [Float](repeating: 0, count: conv.outputCount), columns = [Float](repeating: 0, count: conv.columnCount)
        conv.forward(store.values, x: x.p, y: &y, images: 1, columns: &columns)
        let p = store.values
        for o in 0..<2 { for oy in 0..<3 { for ox in 0..<3 {
            var s = Double(p[conv.bias + o])
            for ci in 0..<2 { for ky in 0..<3 { for kx in 0..<3 {
                let iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx
                guard iy >= 0, iy < 5, ix >= 0, ix < 5 else { continue }
                s += Double(p[conv.weight + ((o * 2 + ci) * 3 + ky) * 3 + kx]) * Double(x.p[(ci * 5 + iy) * 5 + ix])
            } } }
            #expect(abs(Double(y[(o * 3 + oy) * 3 + ox]) - s) < 1e-5)
        } } }
    }

    @Test func embeddingBag() {
        var rng = RandomSource(seed: 7)
        var layout = ParameterLayout()
        let bag = EmbeddingBag("emb", vocabularySize: 6, width: 3, layout: &layout)
        let store = ParameterStore(layout: layout)
        bag.initialize(store.values, using: &rng)
        let tokens: [Int32] = [1, 4, 1, 5, 0], offsets: [Int32] = [0, 3, 3, 5]  // sample 1 is empty
        let c = Self.random(9, &rng)
        var y = [Float](repeating: 0, count: 9)
        func loss() -> Double { bag.forward(store.values, tokens: tokens, offsets: offsets, y: &y, samples: 3); return Self.dot(y, c) }
        _ = loss()
        #expect(y[3..<6].allSatisfy { $0 == 0 }, "an empty bag is zero")
        let row1 = (0..<3).map { store.values[3 + $0] }, row4 = (0..<3).map { store.values[12 + $0] }
        for i in 0..<3 { #expect(abs(y[i] - (2 * row1[i] + row4[i]) / 3) < 1e-6) }
        store.zeroGradients()
        bag.backward(store.gradients, tokens: tokens, offsets: offsets, dy: c, samples: 3)
        let analytic = (0..<store.count).map { Double(store.gradients[$0]) }
        let numeric = (0..<store.count).map { i in Support.centralDifference(store.values, i, loss) }
        Support.expectClose(analytic, numeric, "embedding bag")
    }

    @Test func timeEmbeddingPeriods() {
        let e = SinusoidalTimeEmbedding(width: 8, minPeriod: 4e-3, maxPeriod: 4.0)
        #expect(abs(Double(e.frequencies[0]) - 2 * Double.pi / 4e-3) < 1e-2)
        #expect(abs(Double(e.frequencies[3]) - 2 * Double.pi / 4.0) < 1e-5)
        var y = [Float](repeating: 0, count: 8)
        let t: [Float] = [0.25]
        e.forward(t: t, y: &y, rows: 1)
        // The longest period (4): angle 2π·0.25/4 = π/8; sin half first, then cos.
        #expect(abs(Double(y[3]) - 0.38268343236) < 1e-6)
        #expect(abs(Double(y[7]) - 0.92387953251) < 1e-6)
    }
}
