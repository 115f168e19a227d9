/// An 8-bit RGB image, rows packed (stride = 3 × width), pixels in HWC order.
/// Its storage grows to the largest size it has held and is then reused.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public private(set) var width: Int
    /// Height in pixels.
    public private(set) var height: Int
    /// `height × width × 3` bytes (more capacity may follow; only this prefix counts).
    public private(set) var pixels: [UInt8]

    /// A black image of the given size.
    public init(width: Int = 0, height: Int = 0) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
    }

    /// Wraps packed RGB bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count >= width * height * 3, "RGBImage needs width × height × 3 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Number of meaningful bytes.
    public var byteCount: Int { width * height * 3 }

    /// The RGB triple at (x, y).
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let offset = (y * width + x) * 3
        return (pixels[offset], pixels[offset + 1], pixels[offset + 2])
    }

    /// Sets the size, growing storage only when it is too small.
    mutating func reshape(width: Int, height: Int) {
        self.width = width
        self.height = height
        if pixels.count < width * height * 3 {
            pixels = [UInt8](repeating: 0, count: width * height * 3)
        }
    }

    /// Writable bytes, for decoders.
    mutating func withUnsafeMutableBytes<Result>(_ body: (UnsafeMutableRawBufferPointer) throws -> Result) rethrows -> Result {
        try pixels.withUnsafeMutableBytes(body)
    }

    /// Readable bytes.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try pixels.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0.prefix(byteCount))) }
    }
}
