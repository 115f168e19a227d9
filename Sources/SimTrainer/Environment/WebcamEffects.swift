import Foundation

/// One episode's draw of the webcam part of ``DomainRandomization`` for one camera:
/// what a real UVC camera does to the picture between the lens and `run`'s decoder.
/// Applied to the render in physical order: defocus blur, exposure and white balance
/// gains, then the MJPEG compression (``CameraPipeline``).
struct WebcamEffects: Equatable {
    /// Per-channel gain (exposure × white balance), 1 when off.
    var gains: (red: Float, green: Float, blue: Float) = (1, 1, 1)
    /// Gaussian blur σ in render pixels, 0 when off.
    var blurSigma = 0.0
    /// JPEG quality of the recompression, `nil` when off.
    var jpegQuality: Int?

    /// No effect: the render reaches the preprocessor as drawn.
    static let none = WebcamEffects()

    static func == (a: WebcamEffects, b: WebcamEffects) -> Bool {
        a.gains == b.gains && a.blurSigma == b.blurSigma && a.jpegQuality == b.jpegQuality
    }

    /// Draws the effects for a camera whose render is `renderScale` times smaller than its
    /// native frames. Every draw is taken whether or not the effect is on, so switching one
    /// effect off leaves the others' values unchanged.
    static func draw(_ settings: DomainRandomization, renderScale: Double, _ random: inout SimRandom) -> WebcamEffects {
        let exposure = random.uniform(-1, 1) * settings.exposureGain
        let balance = (random.uniform(-1, 1), random.uniform(-1, 1), random.uniform(-1, 1))
        let blur = random.unit() * settings.blur / renderScale
        let quality = settings.jpegMinQuality + random.index(max(1, settings.jpegMaxQuality - settings.jpegMinQuality + 1))
        let w = settings.whiteBalance
        func gain(_ channel: Double) -> Float { Float((1 + exposure) * (1 + channel * w)) }
        return WebcamEffects(gains: (gain(balance.0), gain(balance.1), gain(balance.2)),
                             blurSigma: blur, jpegQuality: settings.jpegMaxQuality > 0 ? quality : nil)
    }

    /// Whether the gains change pixel values.
    var hasGains: Bool { gains != (1, 1, 1) }
}

/// In-place image operations of ``WebcamEffects`` on packed RGB8 with reusable scratch.
struct WebcamFilter {
    private var planes: [Float] = []
    private var kernel: [Float] = []

    /// Multiplies each channel by its gain, rounding and clamping to 0…255.
    static func applyGains(_ gains: (red: Float, green: Float, blue: Float), to pixels: inout [UInt8], count: Int) {
        pixels.withUnsafeMutableBufferPointer { buffer in
            var i = 0
            while i + 2 < count {
                buffer[i] = UInt8(min(max(Float(buffer[i]) * gains.red + 0.5, 0), 255))
                buffer[i + 1] = UInt8(min(max(Float(buffer[i + 1]) * gains.green + 0.5, 0), 255))
                buffer[i + 2] = UInt8(min(max(Float(buffer[i + 2]) * gains.blue + 0.5, 0), 255))
                i += 3
            }
        }
    }

    /// Separable Gaussian blur of σ `sigma` pixels (taps to 3σ, edges clamped).
    mutating func blur(_ pixels: inout [UInt8], width: Int, height: Int, sigma: Double) {
        guard sigma > 0.05 else { return }
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = kernel.reduce(0, +)
        for k in kernel.indices { kernel[k] /= total }
        let count = width * height * 3
        if planes.count < count { planes = [Float](repeating: 0, count: count) }
        // Horizontal pass into `planes` (floats), vertical pass back into the bytes.
        pixels.withUnsafeBufferPointer { source in
            for y in 0..<height {
                let base = y * width * 3
                for x in 0..<width {
                    var sum: (Float, Float, Float) = (0, 0, 0)
                    for k in -radius...radius {
                        let p = base + min(max(x + k, 0), width - 1) * 3, w = kernel[k + radius]
                        sum.0 += w * Float(source[p]); sum.1 += w * Float(source[p + 1]); sum.2 += w * Float(source[p + 2])
                    }
                    planes[base + x * 3] = sum.0; planes[base + x * 3 + 1] = sum.1; planes[base + x * 3 + 2] = sum.2
                }
            }
        }
        pixels.withUnsafeMutableBufferPointer { out in
            for x in 0..<width {
                for y in 0..<height {
                    var sum: (Float, Float, Float) = (0, 0, 0)
                    for k in -radius...radius {
                        let p = (min(max(y + k, 0), height - 1) * width + x) * 3, w = kernel[k + radius]
                        sum.0 += w * planes[p]; sum.1 += w * planes[p + 1]; sum.2 += w * planes[p + 2]
                    }
                    let o = (y * width + x) * 3
                    out[o] = UInt8(min(max(sum.0 + 0.5, 0), 255))
                    out[o + 1] = UInt8(min(max(sum.1 + 0.5, 0), 255))
                    out[o + 2] = UInt8(min(max(sum.2 + 0.5, 0), 255))
                }
            }
        }
    }
}
