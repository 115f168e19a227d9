/// A serial transport over plain termios, for pseudo-terminals (the virtual
/// bus, socat links) that libserialport 0.1.1 cannot open.
public final class TermiosTransport: SerialTransport {
    public let path: String
    public private(set) var baudRate: Int
    public var latencyTimerMilliseconds: Int? { nil }
    private var descriptor: SerialDescriptor?

    /// Opens `resolvedPath` exclusively and configures raw 8N1 at `baudRate`.
    public init(path: String, resolvedPath: String, baudRate: Int) throws(SerialError) {
        self.path = path
        self.baudRate = baudRate
        let d = try SerialDescriptor.open(resolvedPath: resolvedPath, displayPath: path)
        do throws(SerialError) {
            try d.lockExclusively()
            // A pty has no UART: any speed is stored, so there is nothing to verify.
            try d.configure(baudRate: baudRate, verify: false)
        } catch {
            d.close()
            throw error
        }
        descriptor = d
    }

    deinit { close() }

    private func open() throws(SerialError) -> SerialDescriptor {
        guard let descriptor else { throw .closed(path: path) }
        return descriptor
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(SerialError) { try open().write(bytes) }

    public func read(into buffer: UnsafeMutableRawBufferPointer, deadline: UInt64) throws(SerialError) -> Int {
        try open().read(into: buffer, deadline: deadline)
    }

    public func flushInput() throws(SerialError) { try open().flushInput() }

    public func setBaudRate(_ baudRate: Int) throws(SerialError) {
        try open().configure(baudRate: baudRate, verify: false)
        self.baudRate = baudRate
    }

    public func close() {
        descriptor?.close()
        descriptor = nil
    }
}
