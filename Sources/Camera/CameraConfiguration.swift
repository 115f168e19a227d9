/// How to open and stream one camera. Every field has a default that suits a
/// UVC webcam in a 30 Hz control loop.
public struct CameraConfiguration: Sendable, Equatable {
    /// How frames reach the application.
    public enum Mode: Sendable, Equatable {
        /// libv4l2 converts every frame to RGB24 (libv4lconvert) before DQBUF returns.
        case conversion
        /// libv4l2 passes the driver's bytes through (V4L2_DISABLE_CONVERSION);
        /// the consumer decodes only the frame it uses (``FrameDecoder``).
        case raw
    }

    /// The device node or by-id symlink, e.g. /dev/v4l/by-id/usb-…-video-index0.
    public var device: String
    /// Requested width in pixels.
    public var width: Int = 640
    /// Requested height in pixels.
    public var height: Int = 480
    /// Requested frame rate (VIDIOC_S_PARM); the granted one is in ``CameraSetup``.
    public var framesPerSecond: Double = 30
    /// Pixel formats to try in order (raw mode). MJPEG first: it needs the
    /// least USB bandwidth. Conversion mode always asks for RGB24.
    public var preferredFormats: [PixelFormat] = [.mjpeg, .yuyv]
    /// Conversion or raw capture.
    public var mode: Mode = .raw
    /// Number of MMAP buffers (3–4: one being filled, one ready, one in use).
    public var bufferCount: Int = 4
    /// Camera controls, set after S_FMT and read back.
    public var controls = CameraControlSettings()
    /// Directory searched for a stable path to reopen after an unplug.
    public var byIDDirectory: String = "/dev/v4l/by-id"
    /// Pause between reopen attempts while disconnected, in milliseconds.
    public var reopenIntervalMilliseconds: Int = 500
    /// How long ``V4L2Camera/read(into:)`` waits for the next frame, in milliseconds.
    public var readTimeoutMilliseconds: Int = 2000

    /// A configuration for `device` with every other field at its default.
    public init(device: String) {
        self.device = device
    }

    /// The formats S_FMT is asked for, in order.
    var requestedFormats: [PixelFormat] {
        mode == .conversion ? [.rgb24] : preferredFormats
    }
}
