import CV4L2

/// A V4L2 pixel format, identified by its four-character code.
public struct PixelFormat: Hashable, Sendable, CustomStringConvertible {
    /// The fourcc as V4L2 stores it (little-endian, first character lowest).
    public let fourcc: UInt32

    /// Wraps a raw fourcc.
    public init(fourcc: UInt32) { self.fourcc = fourcc }

    /// Builds the fourcc from four ASCII characters, as v4l2_fourcc() does.
    public init(_ code: StaticString) {
        let bytes = code.withUTF8Buffer { Array($0) }
        precondition(bytes.count == 4, "a fourcc has four characters")
        fourcc = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    /// Packed YUV 4:2:2 (Y0 U Y1 V), the uncompressed format every UVC camera offers.
    public static let yuyv = PixelFormat("YUYV")
    /// Motion-JPEG: each buffer is a JPEG image.
    public static let mjpeg = PixelFormat("MJPG")
    /// Packed 8-bit RGB, what libv4l2 produces in conversion mode.
    public static let rgb24 = PixelFormat("RGB3")

    /// The four characters, e.g. "MJPG".
    public var description: String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: fourcc >> (8 * $0)) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
