#if canImport(Glibc)
import Glibc
#endif

/// A POSIX error number with its symbolic name, as returned by a failed
/// libc or libv4l2 call (`errno`).
public struct Errno: Error, Equatable, Sendable, CustomStringConvertible {
    /// The raw `errno` value.
    public let code: Int32

    /// Wraps a raw `errno` value.
    public init(_ code: Int32) { self.code = code }

    /// The current thread's `errno`.
    static var current: Errno { Errno(errno) }

    /// The symbolic name ("EBUSY"), or "errno N" for codes this module never expects.
    public var name: String {
        switch code {
        case EPERM: "EPERM"
        case ENOENT: "ENOENT"
        case EINTR: "EINTR"
        case EIO: "EIO"
        case ENXIO: "ENXIO"
        case EAGAIN: "EAGAIN"
        case ENOMEM: "ENOMEM"
        case EACCES: "EACCES"
        case EBUSY: "EBUSY"
        case ENODEV: "ENODEV"
        case EINVAL: "EINVAL"
        case ENOTTY: "ENOTTY"
        case ENOSPC: "ENOSPC"
        case EPIPE: "EPIPE"
        case ERANGE: "ERANGE"
        case ETIMEDOUT: "ETIMEDOUT"
        default: "errno \(code)"
        }
    }

    /// `NAME (strerror text)`.
    public var description: String { "\(name) (\(String(cString: strerror(code))))" }

    /// EAGAIN: no data now, try again.
    public static let wouldBlock = Errno(EAGAIN)
    /// EINTR: a signal interrupted the call.
    public static let interrupted = Errno(EINTR)
    /// ENODEV: the device is gone (unplugged).
    public static let noDevice = Errno(ENODEV)
    /// EBUSY: another user holds the device or the queue.
    public static let busy = Errno(EBUSY)
    /// ENOSPC: for USB video, not enough isochronous bandwidth.
    public static let noSpace = Errno(ENOSPC)
    /// EINVAL: the driver rejected an argument.
    public static let invalid = Errno(EINVAL)
    /// EIO: a transfer failed.
    public static let io = Errno(EIO)
}
