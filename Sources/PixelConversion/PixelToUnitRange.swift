/// The one uint8 → float mapping of every image tensor: `x / 255 · 2 − 1`, in [−1, 1], as
/// openpi computes it with numpy. Camera frames (Camera's `ImagePreprocessor`), observations
/// (Policy's `RGBFrame`) and rollout batches (Training's `ObservationPacker`) all go through
/// ``write(_:width:height:atX:y:into:outputWidth:outputHeight:channelsFirst:)``, so a policy
/// sees bit-identical inputs whichever path a frame took.
public enum PixelToUnitRange {
    /// `x / 255 · 2 − 1` in Float32 for every byte value. Bit-identical to `x / 127.5 − 1`:
    /// doubling is exact, so both round the same real number once before the subtraction.
    public static let table: [Float] = (0..<256).map { Float($0) / 255.0 * 2.0 - 1.0 }

    /// Writes packed RGB8 `source` (`width × height`, rows `width × 3` bytes) mapped by
    /// ``table`` into `output`, an `outputWidth × outputHeight` image (CHW planes when
    /// `channelsFirst`, else HWC), with the source's top-left pixel at (`x0`, `y0`).
    /// Pixels of `output` outside that window are left as they are.
    /// - Precondition: the window fits inside the output.
    public static func write(
        _ source: UnsafePointer<UInt8>, width: Int, height: Int, atX x0: Int = 0, y y0: Int = 0,
        into output: UnsafeMutablePointer<Float>, outputWidth: Int, outputHeight: Int, channelsFirst: Bool
    ) {
        precondition(x0 >= 0 && y0 >= 0 && x0 + width <= outputWidth && y0 + height <= outputHeight,
                     "a \(width)x\(height) window at (\(x0), \(y0)) leaves the \(outputWidth)x\(outputHeight) output")
        let planeSize = outputWidth * outputHeight
        table.withUnsafeBufferPointer { unitBuffer in
            let unit = unitBuffer.baseAddress!
            for y in 0..<height {
                let row = source + y * width * 3
                let firstPixel = (y0 + y) * outputWidth + x0
                if channelsFirst {
                    for channel in 0..<3 {
                        let out = output + channel * planeSize + firstPixel
                        for x in 0..<width { out[x] = unit[Int(row[x * 3 + channel])] }
                    }
                } else {
                    let out = output + firstPixel * 3
                    for i in 0..<(width * 3) { out[i] = unit[Int(row[i])] }
                }
            }
        }
    }
}
