/// A byte pipe to a half-duplex servo bus: a USB-serial adapter or a pseudo-terminal.
///
/// Not thread-safe: one bus owns one transport and calls it from one thread.
/// Every method that can block takes an absolute deadline on `MonotonicClock`.
public protocol SerialTransport: AnyObject {
    /// The path the user gave (symlinks such as /dev/serial/by-id/… kept as given).
    var path: String { get }
    /// The baud rate in effect.
    var baudRate: Int { get }
    /// The FTDI latency timer in milliseconds, when the adapter has one and it could be read.
    var latencyTimerMilliseconds: Int? { get }

    /// Writes all bytes (blocking until the kernel took them).
    func write(_ bytes: UnsafeRawBufferPointer) throws(SerialError)
    /// Reads up to `buffer.count` bytes; returns 0 when `deadline` passed first.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: UInt64) throws(SerialError) -> Int
    /// Discards bytes received but not yet read.
    func flushInput() throws(SerialError)
    /// Changes the baud rate.
    func setBaudRate(_ baudRate: Int) throws(SerialError)
    /// Closes the port; further calls fail with `.closed`.
    func close()
}

extension SerialTransport {
    /// Writes an array.
    public func write(_ bytes: [UInt8]) throws(SerialError) {
        var failure: SerialError?
        bytes.withUnsafeBytes { raw in
            do throws(SerialError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

/// Opens the right transport for a path: termios for pseudo-terminals (which
/// libserialport 0.1.1 cannot open), libserialport for real adapters.
public enum SerialPortOpener {
    /// Opens `path` at `baudRate`, 8N1, no flow control, exclusively.
    public static func open(_ path: String, baudRate: Int) throws(SerialError) -> any SerialTransport {
        let resolved = try SerialPath.resolve(path)
        guard SerialPath.isTerminal(resolved) else { throw .notASerialPort(path: path) }
        if SerialPath.isPseudoTerminal(resolved) {
            return try TermiosTransport(path: path, resolvedPath: resolved, baudRate: baudRate)
        }
        return try LibSerialPortTransport(path: path, resolvedPath: resolved, baudRate: baudRate)
    }
}

/// A transport whose I/O runs on a `SerialDescriptor` it owns: both transports
/// share the read / write / flush paths and differ only in how they open.
protocol DescriptorTransport: SerialTransport {
    /// The open descriptor, nil once closed.
    var descriptor: SerialDescriptor? { get }
}

extension DescriptorTransport {
    func openDescriptor() throws(SerialError) -> SerialDescriptor {
        guard let descriptor else { throw .closed(path: path) }
        return descriptor
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(SerialError) { try openDescriptor().write(bytes) }

    public func read(into buffer: UnsafeMutableRawBufferPointer, deadline: UInt64) throws(SerialError) -> Int {
        try openDescriptor().read(into: buffer, deadline: deadline)
    }

    public func flushInput() throws(SerialError) { try openDescriptor().flushInput() }
}
