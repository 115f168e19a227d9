/// A 2-D convolution over NCHW images, computed as im2col + one sgemm per image.
///
/// Shapes: `x` is `images × inChannels × height × width`; `W` is
/// `outChannels × inChannels × kernel × kernel` (PyTorch layout); `y` is
/// `images × outChannels × outHeight × outWidth`. Zero padding, square kernels.
/// Backward needs `x` (kept by the caller) and a column scratch of ``columnCount`` floats.
public struct Conv2d: Sendable {
    /// Input channels.
    public let inChannels: Int
    /// Output channels.
    public let outChannels: Int
    /// Kernel side.
    public let kernel: Int
    /// Stride.
    public let stride: Int
    /// Zero padding on each side.
    public let padding: Int
    /// Input height and width.
    public let height: Int, width: Int
    /// Offsets of `W` and `b`.
    public let weight: Int, bias: Int

    /// Output height.
    public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    /// Output width.
    public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Elements per input image.
    public var inputCount: Int { inChannels * height * width }
    /// Elements per output image.
    public var outputCount: Int { outChannels * outHeight * outWidth }
    /// Rows of the im2col matrix (`inChannels · kernel²`).
    public var patchSize: Int { inChannels * kernel * kernel }
    /// Elements of the im2col scratch for one image.
    public var columnCount: Int { patchSize * outHeight * outWidth }
    /// FLOPs per image.
    public var flopsPerImage: Int { 2 * patchSize * outHeight * outWidth * outChannels }
    /// A 1×1, stride-1, unpadded convolution: the image already is its column matrix, so
    /// no im2col copy (the spatial softmax's keypoint projection).
    var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }

    /// Registers `name.weight` and `name.bias`.
    public init(
        _ name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int,
        height: Int, width: Int, layout: inout ParameterLayout
    ) {
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        self.height = height; self.width = width
        weight = layout.add("\(name).weight", shape: [outChannels, inChannels, kernel, kernel])
        bias = layout.add("\(name).bias", shape: [outChannels])
    }

    /// A convolution over parameters that are already registered (weights shared between inputs).
    init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int,
         height: Int, width: Int, weight: Int, bias: Int) {
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        self.height = height; self.width = width
        self.weight = weight; self.bias = bias
    }

    /// Uniform(±1/√fanIn) initialization.
    public func initialize(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        let bound = 1 / Float(patchSize).squareRoot()
        for i in 0..<(outChannels * patchSize) { p[weight + i] = Float(rng.uniformOpen() * 2 - 1) * bound }
        for i in 0..<outChannels { p[bias + i] = Float(rng.uniformOpen() * 2 - 1) * bound }
    }

    /// Unfolds one image into the `patchSize × (outHeight·outWidth)` column matrix.
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        let oh = outHeight, ow = outWidth
        var row = 0
        for c in 0..<inChannels {
            let xc = x + c * height * width
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let dst = col + row * oh * ow
                    // Output columns whose input column ix = ox·stride − padding + kx is inside the image.
                    let oxLo = min(ow, max(0, (padding - kx + stride - 1) / stride))
                    let last = width - 1 + padding - kx  // ix < width ⇔ ox·stride ≤ last
                    let oxHi = last < 0 ? oxLo : max(oxLo, min(ow, last / stride + 1))
                    for oy in 0..<oh {
                        let iy = oy * stride - padding + ky
                        let d = dst + oy * ow
                        if iy < 0 || iy >= height {
                            d.update(repeating: 0, count: ow)
                            continue
                        }
                        if oxLo > 0 { d.update(repeating: 0, count: oxLo) }
                        if oxHi < ow { (d + oxHi).update(repeating: 0, count: ow - oxHi) }
                        let src = xc + iy * width - padding + kx
                        for ox in oxLo..<oxHi { d[ox] = src[ox * stride] }
                    }
                    row += 1
                }
            }
        }
    }

    /// Folds a column-matrix gradient back onto an image gradient (adds).
    func col2im(_ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>) {
        let oh = outHeight, ow = outWidth
        var row = 0
        for c in 0..<inChannels {
            let dxc = dx + c * height * width
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let src = col + row * oh * ow
                    for oy in 0..<oh {
                        let iy = oy * stride - padding + ky
                        if iy < 0 || iy >= height { continue }
                        for ox in 0..<ow {
                            let ix = ox * stride - padding + kx
                            if ix >= 0 && ix < width { dxc[iy * width + ix] += src[oy * ow + ox] }
                        }
                    }
                    row += 1
                }
            }
        }
    }

    /// Forward pass over `images` images; `columns` is scratch of ``columnCount`` floats.
    public func forward(
        _ p: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        images: Int, columns: UnsafeMutablePointer<Float>
    ) {
        let spatial = outHeight * outWidth
        for n in 0..<images {
            let yn = y + n * outputCount
            for o in 0..<outChannels { (yn + o * spatial).update(repeating: p[bias + o], count: spatial) }
            let cols: UnsafePointer<Float>
            if isPointwise { cols = x + n * inputCount } else { im2col(x + n * inputCount, columns); cols = UnsafePointer(columns) }
            BLAS.gemm(.none, .none, m: outChannels, n: spatial, k: patchSize,
                      a: p + weight, b: cols, beta: 1, c: yn)
        }
    }

    /// Accumulates `dW`, `db`, and, when `dx` is given, adds the input gradient to it.
    public func backward(
        _ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
        x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
        images: Int, columns: UnsafeMutablePointer<Float>
    ) {
        let spatial = outHeight * outWidth
        for n in 0..<images {
            let dyn = dy + n * outputCount
            for o in 0..<outChannels {
                var s: Float = 0
                for i in 0..<spatial { s += dyn[o * spatial + i] }
                g[bias + o] += s
            }
            let cols: UnsafePointer<Float>
            if isPointwise { cols = x + n * inputCount } else { im2col(x + n * inputCount, columns); cols = UnsafePointer(columns) }
            BLAS.gemm(.none, .transposed, m: outChannels, n: patchSize, k: spatial,
                      a: dyn, b: cols, beta: 1, c: g + weight)
            if let dx, isPointwise {
                BLAS.gemm(.transposed, .none, m: patchSize, n: spatial, k: outChannels,
                          a: p + weight, b: dyn, beta: 1, c: dx + n * inputCount)
            } else if let dx {
                BLAS.gemm(.transposed, .none, m: patchSize, n: spatial, k: outChannels,
                          a: p + weight, b: dyn, beta: 0, c: columns)
                col2im(columns, dx + n * inputCount)
            }
        }
    }
}
