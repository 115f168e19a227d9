import PixelConversion

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
    private var accumulator: [Int32] = []

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

    /// The resized uint8 image, padding included (what openpi's PIL path
    /// returns). An empty input gives an all-black output.
    public func resize(_ image: RGBImage, into output: inout RGBImage) {
        guard image.width > 0, image.height > 0 else {
            output.reshape(width: outputWidth, height: outputHeight)
            output.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
            return
        }
        image.withUnsafeBytes { pixels in
            resize(fromPixels: pixels, width: image.width, height: image.height, bytesPerRow: image.width * 3, into: &output)
        }
    }

    /// ``resize(_:into:)`` for packed RGB8 pixels (e.g. a simulator render), rows
    /// `bytesPerRow` apart: the same picture a camera frame of that size would give.
    /// - Precondition: `width`, `height` positive and `pixels` large enough.
    public func resize(
        fromPixels pixels: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerRow: Int, into output: inout RGBImage
    ) {
        precondition(width > 0 && height > 0 && pixels.count >= bytesPerRow * (height - 1) + width * 3,
                     "resize needs \(width)x\(height) pixels")
        resample(pixels, width: width, height: height, bytesPerRow: bytesPerRow)
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

    /// The model tensor of an image ``resize(_:into:)`` made (output size, padding
    /// included), written into `output`: the same values ``tensor(from:into:)`` gives
    /// for the original, without resampling twice.
    public func tensor(fromResized image: RGBImage, into output: UnsafeMutableBufferPointer<Float>) throws(CameraError) {
        guard output.count >= tensorElementCount else {
            throw .bufferTooSmall(needed: tensorElementCount, available: output.count)
        }
        precondition(image.width == outputWidth && image.height == outputHeight,
                     "tensor(fromResized:) takes a \(outputWidth)x\(outputHeight) image, got \(image.width)x\(image.height)")
        image.withUnsafeBytes { bytes in
            writeUnitRange(bytes.bindMemory(to: UInt8.self).baseAddress!, width: outputWidth, height: outputHeight, atX: 0, y: 0, into: output)
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
        output.update(repeating: PixelToUnitRange.table[0])
        resized.withUnsafeBufferPointer { source in
            writeUnitRange(source.baseAddress!, width: geometry.targetWidth, height: geometry.targetHeight,
                           atX: geometry.targetX, y: geometry.targetY, into: output)
        }
    }

    /// Writes packed RGB8 `source` (`width × height`) into the tensor at (`x0`, `y0`), in the
    /// tensor's layout, through the one uint8 → float mapping (``PixelToUnitRange``).
    private func writeUnitRange(_ source: UnsafePointer<UInt8>, width: Int, height: Int, atX x0: Int, y y0: Int,
                                into output: UnsafeMutableBufferPointer<Float>) {
        PixelToUnitRange.write(source, width: width, height: height, atX: x0, y: y0, into: output.baseAddress!,
                               outputWidth: outputWidth, outputHeight: outputHeight, channelsFirst: layout == .chw)
    }

    /// Builds (or reuses) the plan for this input size and fills `resized`
    /// with the target window: horizontal pass into `intermediate`, then
    /// vertical pass, each 8-bit with Pillow's rounding. Sums stay below
    /// 2^31 (255 × 2^22 × Σweights ≈ 1.07 × 10^9), so Int32 wrapping
    /// arithmetic is exact and lets the compiler vectorise the vertical pass.
    private func resample(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerRow: Int) {
        let plan = preparePlan(width: width, height: height)
        let g = plan.geometry
        let rowBytes = g.targetWidth * 3
        let half = Int32(1 << (ResampleAxis.precisionBits - 1))
        let shift = Int32(ResampleAxis.precisionBits)
        let source = pixels.bindMemory(to: UInt8.self).baseAddress!
        let horizontal = plan.horizontal, vertical = plan.vertical
        intermediate.withUnsafeMutableBufferPointer { middleBuffer in
            let middle = middleBuffer.baseAddress!
            horizontal.weights.withUnsafeBufferPointer { weightBuffer in
            horizontal.first.withUnsafeBufferPointer { firstBuffer in
            horizontal.count.withUnsafeBufferPointer { countBuffer in
                let weights = weightBuffer.baseAddress!, taps = horizontal.taps
                for row in 0..<g.sourceHeight {
                    let input = source + (g.sourceY + row) * bytesPerRow
                    var output = middle + row * rowBytes
                    for x in 0..<g.targetWidth {
                        var p = input + firstBuffer[x] * 3
                        var w = weights + x * taps
                        var r = half, gr = half, b = half
                        for _ in 0..<countBuffer[x] {
                            let weight = w.pointee
                            r &+= Int32(p[0]) &* weight
                            gr &+= Int32(p[1]) &* weight
                            b &+= Int32(p[2]) &* weight
                            p += 3
                            w += 1
                        }
                        output[0] = Self.clip(r >> shift)
                        output[1] = Self.clip(gr >> shift)
                        output[2] = Self.clip(b >> shift)
                        output += 3
                    }
                }
            }
            }
            }
        }
        intermediate.withUnsafeBufferPointer { middleBuffer in
        resized.withUnsafeMutableBufferPointer { outBuffer in
        accumulator.withUnsafeMutableBufferPointer { sumBuffer in
        vertical.weights.withUnsafeBufferPointer { weightBuffer in
            let middle = middleBuffer.baseAddress!, out = outBuffer.baseAddress!, sums = sumBuffer.baseAddress!
            for y in 0..<g.targetHeight {
                for column in 0..<rowBytes { sums[column] = half }
                let first = vertical.first[y]
                for k in 0..<vertical.count[y] {
                    let weight = weightBuffer[y * vertical.taps + k]
                    let row = middle + (first + k) * rowBytes
                    for column in 0..<rowBytes { sums[column] &+= Int32(row[column]) &* weight }
                }
                let output = out + y * rowBytes
                for column in 0..<rowBytes { output[column] = Self.clip(sums[column] >> shift) }
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
        accumulator = [Int32](repeating: 0, count: geometry.targetWidth * 3)
        self.plan = plan
        return plan
    }

    @inline(__always)
    private static func clip(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(max(value, 0), 255))
    }
}
