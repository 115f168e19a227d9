/// What went wrong with a serial port, with the path and what to do next.
public enum SerialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path does not exist.
    case noSuchPort(path: String)
    /// Permission denied opening the port.
    case permissionDenied(path: String)
    /// Another process holds the port.
    case portBusy(path: String)
    /// The path exists but is not a serial device.
    case notASerialPort(path: String)
    /// The driver rejected the baud rate, or applied a different one.
    case unsupportedBaudRate(path: String, requested: Int, applied: Int?)
    /// The device went away (unplugged adapter).
    case disconnected(path: String)
    /// The port was closed.
    case closed(path: String)
    /// Any other system error.
    case system(path: String, operation: String, errno: Int32, message: String)

    public var description: String {
        switch self {
        case .noSuchPort(let path):
            "serial port \(path) does not exist. Plug in the adapter and list ports with `pirl-robot ports`."
        case .permissionDenied(let path):
            "permission denied opening \(path). Add yourself to the dialout group (`sudo usermod -aG dialout $USER`, "
                + "then log in again) or install the udev rule from the README."
        case .portBusy(let path):
            "serial port \(path) is already in use by another process. Close the other program "
                + "(`fuser \(path)` shows which) and try again."
        case .notASerialPort(let path):
            "\(path) is not a serial port. List ports with `pirl-robot ports`."
        case let .unsupportedBaudRate(path, requested, applied):
            if let applied {
                "\(path): the driver applied \(applied) baud instead of the requested \(requested)."
            } else {
                "\(path): the driver rejected \(requested) baud."
            }
        case .disconnected(let path):
            "serial port \(path) disconnected. Check the USB cable, then restart."
        case .closed(let path):
            "serial port \(path) is closed."
        case let .system(path, operation, errno, message):
            "\(operation) on \(path) failed: \(message) (errno \(errno))."
        }
    }
}
