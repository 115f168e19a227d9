import CSerialShim
#if canImport(Glibc)
import Glibc
#endif

/// Why the virtual bus could not be set up.
public enum VirtualBusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// posix_openpt / grantpt / unlockpt failed.
    case pseudoTerminalUnavailable(message: String)
    /// Something that is not a symlink already sits at the requested link path.
    case linkPathOccupied(path: String)
    /// symlink(2) failed.
    case linkFailed(path: String, message: String)
    /// The serving thread could not be started.
    case threadStartFailed(message: String)
    /// `start()` was called twice, or after `stop()`.
    case notStartable(reason: String)
    /// The calibration to start with is another robot's.
    case calibrationForAnotherRobot(calibration: String, robot: String)
    /// `VirtualBusOptions.mechanics` does not have one shaft per motor.
    case mechanicsCount(given: Int, motors: Int)

    public var description: String {
        switch self {
        case .pseudoTerminalUnavailable(let message):
            "cannot open a pseudo-terminal: \(message). Is /dev/pts mounted?"
        case .linkPathOccupied(let path):
            "\(path) exists and is not a symlink; choose another --link path or remove it."
        case let .linkFailed(path, message):
            "cannot create the symlink \(path): \(message)."
        case .threadStartFailed(let message):
            "cannot start the virtual bus thread: \(message)."
        case .notStartable(let reason):
            "the virtual bus cannot start: \(reason)."
        case let .calibrationForAnotherRobot(calibration, robot):
            "the calibration is for \(calibration), but the virtual bus emulates \(robot); pass the same robot to both."
        case let .mechanicsCount(given, motors):
            "the virtual bus was given \(given) servo shafts for \(motors) motors."
        }
    }
}

/// The master side of a pseudo-terminal, plus an optional symlink to its slave.
/// Clients open the slave (`slavePath`) as if it were a USB-serial adapter.
struct PseudoTerminal: Sendable {
    /// Master file descriptor (non-blocking, raw).
    let masterFD: Int32
    /// /dev/pts/N.
    let slavePath: String
    /// The symlink to `slavePath`, when one was asked for.
    let linkPath: String?

    /// posix_openpt + grantpt + unlockpt (through the C shim), then symlink(2) when `linkPath` is given.
    static func open(linkPath: String?) throws(VirtualBusError) -> PseudoTerminal {
        var name = [CChar](repeating: 0, count: 128)
        let fd = pirl_pty_open_master(&name, Int32(name.count))
        if fd < 0 { throw .pseudoTerminalUnavailable(message: String(cString: strerror(errno))) }
        let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let terminal = PseudoTerminal(masterFD: fd, slavePath: slavePath, linkPath: linkPath)
        if let linkPath {
            do throws(VirtualBusError) { try terminal.createLink(linkPath) } catch {
                _ = Glibc.close(fd)
                throw error
            }
        }
        return terminal
    }

    /// Replaces a stale symlink (a previous run's) but never a real file.
    private func createLink(_ linkPath: String) throws(VirtualBusError) {
        var info = stat()
        if lstat(linkPath, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFLNK else { throw .linkPathOccupied(path: linkPath) }
            _ = unlink(linkPath)
        }
        if symlink(slavePath, linkPath) != 0 {
            throw .linkFailed(path: linkPath, message: String(cString: strerror(errno)))
        }
    }

    /// The baud rate the client configured on the slave (TCGETS2 on the master
    /// reports the slave's termios), or nil when it cannot be read.
    func clientBaudRate() -> Int? {
        var baud: UInt32 = 0
        return pirl_serial_get_baud(masterFD, &baud) == 0 ? Int(baud) : nil
    }

    /// Waits up to `timeoutNanoseconds` for bytes: 1 readable, 0 timeout,
    /// 2 no client has the slave open (the master reports a hang-up).
    func waitReadable(timeoutNanoseconds: Int64) -> Int32 {
        pirl_poll_readable(masterFD, timeoutNanoseconds)
    }

    /// read(2) on the master; returns 0 when nothing was there.
    func read(into buffer: inout [UInt8]) -> Int {
        let n = buffer.withUnsafeMutableBytes { Glibc.read(masterFD, $0.baseAddress!, $0.count) }
        return max(n, 0)
    }

    /// Writes every byte, waiting for room when the slave's queue is full.
    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(masterFD, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 {
                offset += n
            } else if n < 0 && (errno == EAGAIN || errno == EINTR) {
                var pfd = pollfd(fd: masterFD, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, 10)
            } else {
                return  // the client went away; a real bus would lose the bytes too
            }
        }
    }

    /// Closes the master and removes the symlink if it still points to this pty.
    func close() {
        _ = Glibc.close(masterFD)
        guard let linkPath else { return }
        var target = [CChar](repeating: 0, count: 256)
        let n = readlink(linkPath, &target, target.count - 1)
        if n > 0, String(decoding: target.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self) == slavePath {
            _ = unlink(linkPath)
        }
    }
}
