/// Bilinear resampling weights for one image axis, computed the way Pillow's
/// `Image.resize(..., Image.BILINEAR)` computes them (libImaging/Resample.c,
/// as documented in Pillow's "convolution-based resampling"): the triangle
/// filter (support 1) is stretched by the downscale factor, so shrinking
/// averages every covered source pixel (antialiasing) instead of sampling two.
/// Weights are normalised per output pixel, then stored in fixed point with
/// 22 fractional bits and rounded half away from zero, as Pillow stores 8-bit
/// coefficients; results are rounded by adding half before the shift.
struct ResampleAxis: Equatable {
    /// Fractional bits of the fixed-point weights (Pillow: 32 − 8 − 2).
    static let precisionBits = 22

    /// Output length.
    let outputSize: Int
    /// Taps per output pixel (unused taps have weight 0).
    let taps: Int
    /// For output i: first source index (absolute, window offset included).
    let first: [Int]
    /// For output i: number of source pixels used.
    let count: [Int]
    /// `outputSize × taps` fixed-point weights.
    let weights: [Int32]

    /// Weights mapping the source window `offset ..< offset + inputSize` onto `outputSize` pixels.
    init(inputSize: Int, outputSize: Int, offset: Int = 0) {
        precondition(inputSize > 0 && outputSize > 0, "resampling needs non-empty sizes")
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1.0)
        let support = 1.0 * filterScale
        let taps = Int(support.rounded(.up)) * 2 + 1
        var first = [Int](repeating: 0, count: outputSize)
        var count = [Int](repeating: 0, count: outputSize)
        var weights = [Int32](repeating: 0, count: outputSize * taps)
        var raw = [Double](repeating: 0, count: taps)
        for i in 0..<outputSize {
            let center = (Double(i) + 0.5) * scale
            let low = max(Int(center - support + 0.5), 0)
            let high = min(Int(center + support + 0.5), inputSize)
            let n = high - low
            var total = 0.0
            for k in 0..<n {
                let distance = abs((Double(k + low) - center + 0.5) / filterScale)
                raw[k] = distance < 1 ? 1 - distance : 0
                total += raw[k]
            }
            for k in 0..<n {
                let normalised = total != 0 ? raw[k] / total : 0
                let fixed = normalised * Double(1 << Self.precisionBits)
                weights[i * taps + k] = Int32(fixed < 0 ? fixed - 0.5 : fixed + 0.5)
            }
            first[i] = low + offset
            count[i] = n
        }
        self.outputSize = outputSize
        self.taps = taps
        self.first = first
        self.count = count
        self.weights = weights
    }
}
