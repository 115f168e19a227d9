/// The preprocessing shared by camera frames and simulator renders: fit an
/// RGB8 image into the model's input size (``ResizeMethod``), with bilinear
/// resampling that matches Pillow's `Image.BILINEAR` (see ``ResampleAxis``),
/// then map uint8 to float in [−1, 1] as openpi does (`x / 255 * 2 − 1`).
///
/// Results go into caller-provided buffers. Weights and scratch rows are
/// built once per input size and reused, so a steady stream of same-sized
/// frames allocates nothing. Not thread-safe: one preprocessor per thread.
public final class ImagePreprocessor {
    /// Output width in pixels.
    public let outputWidth: Int
    /// Output height in pixels.
    public let outputHeight: Int
    /// How the input is fitted.
    public let method: ResizeMethod
    /// Axis order of float tensors.
    public let layout: TensorLayout

    private struct Plan {
        let inputWidth: Int, inputHeight: Int
        let geometry: ResizeGeometry
        let horizontal: ResampleAxis
        let vertical: ResampleAxis
    }

    private var plan: Plan?
    private var intermediate: [UInt8] = []
    private var resized: [UInt8] = []

    /// x / 255 * 2 − 1 in Float32 for every byte value, computed as numpy does for openpi.
    private static let unitRange: [Float] = (0..<256).map { Float($0) / 255.0 * 2.0 - 1.0 }

    /// A preprocessor producing `width × height` outputs.
    public init(width: Int, height: Int, method: ResizeMethod = .resizeWithPad, layout: TensorLayout = .hwc) {
        precondition(width > 0 && height > 0, "output size must be positive")
        outputWidth = width
        outputHeight = height
        self.method = method
        self.layout = layout
    }

    /// Elements in one float tensor: width × height × 3.
    public var tensorElementCount: Int { outputWidth * outputHeight * 3 }

    /// The resized uint8 image, padding included (what openpi's PIL path returns).
    public func resize(_ image: RGBImage, into output: inout RGBImage) {
        image.withUnsafeBytes { pixels in
            resample(pixels, width: image.width, height: image.height, bytesPerRow: image.width * 3)
        }
        let geometry = plan!.geometry
        output.reshape(width: outputWidth, height: outputHeight)
        output.withUnsafeMutableBytes { out in
            out.initializeMemory(as: UInt8.self, repeating: 0)
            resized.withUnsafeBytes { source in
                let rowBytes = geometry.targetWidth * 3
                for y in 0..<geometry.targetHeight {
                    let destination = ((geometry.targetY + y) * outputWidth + geometry.targetX) * 3
                    out.baseAddress!.advanced(by: destination)
                        .copyMemory(from: source.baseAddress!.advanced(by: y * rowBytes), byteCount: rowBytes)
                }
            }
        }
    }

    /// The model tensor for `image`, written into `output` (at least ``tensorElementCount`` floats).
    public func tensor(from image: RGBImage, into output: UnsafeMutableBufferPointer<Float>) throws(CameraError) {
        let outcome: Result<Void, CameraError> = image.withUnsafeBytes { pixels in
            do throws(CameraError) {
                try tensor(fromPixels: pixels, width: image.width, height: image.height,
                           bytesPerRow: image.width * 3, into: output)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
    }

    /// The model tensor for packed RGB8 pixels (e.g. a simulator render), rows
    /// `bytesPerRow` apart, written into `output`.
    public func tensor(
        fromPixels pixels: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerRow: Int,
        into output: UnsafeMutableBufferPointer<Float>
    ) throws(CameraError) {
        guard output.count >= tensorElementCount else {
            throw .bufferTooSmall(needed: tensorElementCount, available: output.count)
        }
        guard width > 0, height > 0, pixels.count >= bytesPerRow * (height - 1) + width * 3 else {
            throw .bufferTooSmall(needed: bytesPerRow * height, available: pixels.count)
        }
        resample(pixels, width: width, height: height, bytesPerRow: bytesPerRow)
        let geometry = plan!.geometry
        let table = Self.unitRange
        let planeSize = outputWidth * outputHeight
        output.update(repeating: table[0])
        table.withUnsafeBufferPointer { unit in
            resized.withUnsafeBufferPointer { source in
                for y in 0..<geometry.targetHeight {
                    for x in 0..<geometry.targetWidth {
                        let from = (y * geometry.targetWidth + x) * 3
                        let pixel = (geometry.targetY + y) * outputWidth + geometry.targetX + x
                        for channel in 0..<3 {
                            let value = unit[Int(source[from + channel])]
                            switch layout {
                            case .hwc: output[pixel * 3 + channel] = value
                            case .chw: output[channel * planeSize + pixel] = value
                            }
                        }
                    }
                }
            }
        }
    }

    /// Builds (or reuses) the plan for this input size and fills `resized`
    /// with the target window: horizontal pass into `intermediate`, then
    /// vertical pass, each 8-bit with Pillow's rounding.
    private func resample(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerRow: Int) {
        let plan = preparePlan(width: width, height: height)
        let g = plan.geometry
        let rowBytes = g.targetWidth * 3
        let half = 1 << (ResampleAxis.precisionBits - 1)
        let shift = ResampleAxis.precisionBits
        let source = pixels.bindMemory(to: UInt8.self)
        intermediate.withUnsafeMutableBufferPointer { middle in
            plan.horizontal.weights.withUnsafeBufferPointer { weights in
                let axis = plan.horizontal
                for row in 0..<g.sourceHeight {
                    let input = (g.sourceY + row) * bytesPerRow
                    let output = row * rowBytes
                    for x in 0..<g.targetWidth {
                        let start = input + axis.first[x] * 3
                        let n = axis.count[x]
                        let w = x * axis.taps
                        var r = half, gr = half, b = half
                        for k in 0..<n {
                            let weight = Int(weights[w + k])
                            let p = start + k * 3
                            r += Int(source[p]) * weight
                            gr += Int(source[p + 1]) * weight
                            b += Int(source[p + 2]) * weight
                        }
                        middle[output + x * 3] = Self.clip(r >> shift)
                        middle[output + x * 3 + 1] = Self.clip(gr >> shift)
                        middle[output + x * 3 + 2] = Self.clip(b >> shift)
                    }
                }
            }
        }
        intermediate.withUnsafeBufferPointer { middle in
            resized.withUnsafeMutableBufferPointer { out in
                plan.vertical.weights.withUnsafeBufferPointer { weights in
                    let axis = plan.vertical
                    for y in 0..<g.targetHeight {
                        let first = axis.first[y] * rowBytes
                        let n = axis.count[y]
                        let w = y * axis.taps
                        let output = y * rowBytes
                        for column in 0..<rowBytes {
                            var sum = half
                            for k in 0..<n {
                                sum += Int(middle[first + k * rowBytes + column]) * Int(weights[w + k])
                            }
                            out[output + column] = Self.clip(sum >> shift)
                        }
                    }
                }
            }
        }
    }

    private func preparePlan(width: Int, height: Int) -> Plan {
        if let plan, plan.inputWidth == width, plan.inputHeight == height { return plan }
        let geometry = ResizeGeometry(
            width: width, height: height, outputWidth: outputWidth, outputHeight: outputHeight, method: method)
        let plan = Plan(
            inputWidth: width, inputHeight: height, geometry: geometry,
            horizontal: ResampleAxis(inputSize: geometry.sourceWidth, outputSize: geometry.targetWidth, offset: geometry.sourceX),
            vertical: ResampleAxis(inputSize: geometry.sourceHeight, outputSize: geometry.targetHeight))
        intermediate = [UInt8](repeating: 0, count: geometry.sourceHeight * geometry.targetWidth * 3)
        resized = [UInt8](repeating: 0, count: geometry.targetHeight * geometry.targetWidth * 3)
        self.plan = plan
        return plan
    }

    @inline(__always)
    private static func clip(_ value: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: min(max(value, 0), 255))
    }
}
