/// What VIDIOC_QUERYCAP says about one device node.
public struct DeviceCapabilities: Sendable, Equatable {
    /// Kernel driver name, e.g. "uvcvideo".
    public let driver: String
    /// Human-readable device name, e.g. "HD Pro Webcam C920".
    public let card: String
    /// Where it hangs, e.g. "usb-0000:00:14.0-1".
    public let busInfo: String
    /// The node's own capabilities (`device_caps` when the driver fills it).
    public let capabilities: UInt32

    /// True for a node that captures video frames through MMAP streaming,
    /// false for UVC metadata nodes and output-only devices.
    public var canCaptureVideo: Bool {
        capabilities & V4L2Flag.videoCapture != 0 && capabilities & V4L2Flag.streaming != 0
    }
}

/// The format the driver granted after VIDIOC_S_FMT.
public struct NegotiatedFormat: Sendable, Equatable, CustomStringConvertible {
    /// Pixel format of each buffer.
    public let pixelFormat: PixelFormat
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Bytes per row for packed formats, 0 for compressed ones.
    public let bytesPerLine: Int
    /// Largest number of bytes one frame can take.
    public let sizeImage: Int

    /// e.g. "MJPG 640x480".
    public var description: String { "\(pixelFormat) \(width)x\(height)" }
}
