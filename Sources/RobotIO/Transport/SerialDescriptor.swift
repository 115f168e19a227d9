import CSerialShim
#if canImport(Glibc)
import Glibc
#endif

/// Blocking-with-deadline I/O on a serial file descriptor, shared by both
/// transports. Every libc call of the transports goes through here.
struct SerialDescriptor {
    let fd: Int32
    let path: String

    /// open(2) with O_RDWR | O_NOCTTY | O_NONBLOCK, mapping errno to `SerialError`.
    static func open(resolvedPath: String, displayPath: String) throws(SerialError) -> SerialDescriptor {
        let fd = Glibc.open(resolvedPath, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw error(errno, path: displayPath, operation: "open") }
        return SerialDescriptor(fd: fd, path: displayPath)
    }

    /// TIOCEXCL plus flock(LOCK_EX | LOCK_NB): TIOCEXCL stops other opens (but
    /// not root's), the advisory lock is what pyserial's `exclusive=True` and
    /// other well-behaved tools check.
    func lockExclusively() throws(SerialError) {
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            throw e == EWOULDBLOCK ? .portBusy(path: path) : SerialDescriptor.error(e, path: path, operation: "flock")
        }
        if pirl_serial_set_exclusive(fd) != 0 && errno != ENOTTY {
            throw SerialDescriptor.error(errno, path: path, operation: "ioctl(TIOCEXCL)")
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(SerialError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n > 0 {
                offset += n
                continue
            }
            let e = errno
            if n < 0 && e == EINTR { continue }
            if n < 0 && e == EAGAIN {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, 100)
                continue
            }
            throw SerialDescriptor.error(e, path: path, operation: "write")
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: UInt64) throws(SerialError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress!, buffer.count)
            if n > 0 { return n }
            let e = errno
            // With VMIN = VTIME = 0 a tty read returns 0, not EAGAIN, when nothing is queued;
            // a real hang-up shows up as POLLHUP below.
            if n < 0 && e == EINTR { continue }
            if n < 0 && e != EAGAIN { throw SerialDescriptor.error(e, path: path, operation: "read") }
            let now = MonotonicClock.nanoseconds()
            if now >= deadline { return 0 }
            let r = pirl_poll_readable(fd, Int64(deadline - now))
            if r < 0 && errno != EINTR { throw SerialDescriptor.error(errno, path: path, operation: "poll") }
            if r == 2 { throw .disconnected(path: path) }
        }
    }

    func flushInput() throws(SerialError) {
        if tcflush(fd, TCIFLUSH) != 0 { throw SerialDescriptor.error(errno, path: path, operation: "tcflush") }
    }

    func configure(baudRate: Int, verify: Bool) throws(SerialError) {
        guard baudRate > 0, baudRate <= Int(UInt32.max) else {
            throw .unsupportedBaudRate(path: path, requested: baudRate, applied: nil)
        }
        if pirl_serial_configure_raw(fd, UInt32(baudRate)) != 0 {
            let e = errno
            throw e == EINVAL ? .unsupportedBaudRate(path: path, requested: baudRate, applied: nil)
                : SerialDescriptor.error(e, path: path, operation: "ioctl(TCSETS2)")
        }
        guard verify else { return }
        var applied: UInt32 = 0
        if pirl_serial_get_baud(fd, &applied) == 0 {
            // Drivers round to what their divisor allows; more than 3 % off means the bus will not work.
            let error = abs(Double(applied) - Double(baudRate)) / Double(baudRate)
            if error > 0.03 { throw .unsupportedBaudRate(path: path, requested: baudRate, applied: Int(applied)) }
        }
    }

    func close() {
        _ = Glibc.close(fd)
    }

    static func error(_ e: Int32, path: String, operation: String) -> SerialError {
        switch e {
        case ENOENT: return .noSuchPort(path: path)
        case ENXIO where operation == "open": return .noSuchPort(path: path)
        case EACCES, EPERM: return .permissionDenied(path: path)
        case EBUSY: return .portBusy(path: path)
        case ENOTTY: return .notASerialPort(path: path)
        case ENODEV, EIO: return .disconnected(path: path)
        default: return .system(path: path, operation: operation, errno: e, message: String(cString: strerror(e)))
        }
    }
}

/// Path helpers for serial devices.
public enum SerialPath {
    /// Resolves symlinks (/dev/serial/by-id/…) with realpath(3): libserialport
    /// 0.1.1 cannot open a symlink.
    public static func resolve(_ path: String) throws(SerialError) -> String {
        guard let resolved = realpath(path, nil) else {
            throw SerialDescriptor.error(errno, path: path, operation: "open")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// True when the path is a character device that is a terminal (isatty),
    /// checked without disturbing a port someone else holds.
    public static func isTerminal(_ resolvedPath: String) -> Bool {
        var st = stat()
        guard stat(resolvedPath, &st) == 0, st.st_mode & S_IFMT == S_IFCHR else { return false }
        let fd = Glibc.open(resolvedPath, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        // EBUSY (TIOCEXCL held by another process) still means it is a tty.
        guard fd >= 0 else { return errno == EBUSY || errno == EACCES }
        defer { Glibc.close(fd) }
        return isatty(fd) == 1
    }

    /// True for /dev/pts/N (and the legacy /dev/ttyp* range).
    public static func isPseudoTerminal(_ resolvedPath: String) -> Bool {
        if resolvedPath.hasPrefix("/dev/pts/") { return true }
        let fd = Glibc.open(resolvedPath, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        return pirl_fd_is_pty(fd) == 1
    }

    /// The FTDI latency timer from sysfs (/sys/bus/usb-serial/devices/ttyUSBn/latency_timer).
    public static func latencyTimerMilliseconds(resolvedPath: String) -> Int? {
        let name = resolvedPath.split(separator: "/").last.map(String.init) ?? ""
        let file = "/sys/bus/usb-serial/devices/\(name)/latency_timer"
        let fd = Glibc.open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = Glibc.read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        return Int(String(decoding: buffer[0..<n].filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
    }
}
