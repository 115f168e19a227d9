/// Why a camera operation failed: where (the device path), what the driver
/// said, and one sentence on what to do next.
public enum CameraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// open(2) failed (ENOENT: no such node; EACCES: permissions).
    case cannotOpen(path: String, errno: Errno)
    /// The node exists but cannot capture video (e.g. a UVC metadata node).
    case notACaptureDevice(path: String, card: String)
    /// EBUSY: another process streams from this camera, or buffers are in use.
    case busy(path: String, operation: String)
    /// ENOSPC at STREAMON: the USB controller has no isochronous bandwidth left.
    case usbBandwidth(path: String, format: String)
    /// EINVAL: the driver rejected the request.
    case invalidRequest(path: String, operation: String)
    /// The driver (or libv4l2) substituted another format or size than asked.
    case formatMismatch(path: String, requested: String, granted: String)
    /// None of the requested pixel formats is offered by the device.
    case unsupportedFormat(path: String, requested: [PixelFormat], available: [PixelFormat])
    /// ENODEV: the camera was unplugged.
    case disconnected(path: String)
    /// Any other failed ioctl.
    case ioctlFailed(path: String, operation: String, errno: Errno)
    /// The newest frame is older than the caller allows.
    case staleFrame(path: String, ageMilliseconds: Double, limitMilliseconds: Double)
    /// No frame has arrived since the camera started.
    case noFrameYet(path: String)
    /// No new frame arrived within the timeout.
    case timedOut(path: String, milliseconds: Double)
    /// A frame could not be decoded.
    case decodeFailed(format: PixelFormat, reason: String)
    /// The caller's output buffer is too small.
    case bufferTooSmall(needed: Int, available: Int)
    /// Writing a PNG file failed.
    case imageWriteFailed(path: String, reason: String)
    /// Compressing an image to JPEG failed.
    case encodeFailed(reason: String)
    /// Reading an image file (PNG or JPEG) failed.
    case imageReadFailed(path: String, reason: String)

    /// What happened, where, and what to do.
    public var description: String {
        switch self {
        case let .cannotOpen(path, errno):
            let fix = errno.code == 13
                ? "add your user to the 'video' group (sudo usermod -aG video $USER) and log in again"
                : "check the path with `pirl-robot cameras list`; by-id paths under /dev/v4l/by-id survive re-plugging"
            return "cannot open camera \(path): \(errno). Fix: \(fix)."
        case let .notACaptureDevice(path, card):
            return "\(path) (\(card)) is not a video capture node (UVC cameras also expose a metadata-only node). Fix: use the camera's other /dev/video node; `pirl-robot cameras list` shows capture nodes only."
        case let .busy(path, operation):
            return "camera \(path) is busy (\(operation) returned EBUSY). Fix: close the other program using it (`fuser \(path)` names it) and retry."
        case let .usbBandwidth(path, format):
            return "camera \(path) cannot stream \(format): not enough USB bandwidth (STREAMON returned ENOSPC). Fix: use MJPEG, a lower resolution or frame rate, or move cameras to different USB controllers."
        case let .invalidRequest(path, operation):
            return "camera \(path) rejected \(operation) (EINVAL). Fix: pick a format, size and rate listed by `pirl-robot cameras list`."
        case let .formatMismatch(path, requested, granted):
            return "camera \(path) gave \(granted) instead of the requested \(requested). Fix: request a mode listed by `pirl-robot cameras list`."
        case let .unsupportedFormat(path, requested, available):
            return "camera \(path) offers \(available.map(\.description).joined(separator: ", ")) but none of \(requested.map(\.description).joined(separator: ", ")). Fix: request one of the offered formats."
        case let .disconnected(path):
            return "camera \(path) is disconnected (ENODEV). Fix: plug it back in; the camera reopens itself by its /dev/v4l/by-id path."
        case let .ioctlFailed(path, operation, errno):
            return "camera \(path): \(operation) failed with \(errno). Fix: check `dmesg` for USB errors and re-plug the camera."
        case let .staleFrame(path, age, limit):
            return "camera \(path): newest frame is \(Self.format(age)) ms old, limit \(Self.format(limit)) ms. Fix: check the camera is still streaming (`pirl-robot cameras probe --device \(path)`)."
        case let .noFrameYet(path):
            return "camera \(path) has not delivered a frame yet. Fix: wait for the first frame or check `pirl-robot cameras probe --device \(path)`."
        case let .timedOut(path, milliseconds):
            return "camera \(path): no new frame within \(Self.format(milliseconds)) ms. Fix: check the cable and `pirl-robot cameras probe --device \(path)`."
        case let .decodeFailed(format, reason):
            return "cannot decode a \(format) frame: \(reason). Fix: re-plug the camera; persistent errors mean a damaged stream."
        case let .bufferTooSmall(needed, available):
            return "output buffer holds \(available) elements, \(needed) needed. Fix: allocate the size the preprocessor reports."
        case let .imageWriteFailed(path, reason):
            return "cannot write \(path): \(reason). Fix: check the directory exists and is writable."
        case let .encodeFailed(reason):
            return "cannot compress an image to JPEG: \(reason). Fix: pass a non-empty image and a quality of 1…100."
        case let .imageReadFailed(path, reason):
            return "cannot read the image \(path): \(reason). Fix: give the path of a PNG or JPEG file."
        }
    }

    private static func format(_ value: Double) -> String {
        String(Double((value * 10).rounded()) / 10)
    }

    /// Maps a failed ioctl to the error a user can act on.
    static func from(_ errno: Errno, path: String, operation: String, format: String = "") -> CameraError {
        switch errno {
        case .noDevice: .disconnected(path: path)
        case .busy: .busy(path: path, operation: operation)
        case .noSpace: .usbBandwidth(path: path, format: format)
        case .invalid: .invalidRequest(path: path, operation: operation)
        default: .ioctlFailed(path: path, operation: operation, errno: errno)
        }
    }
}
