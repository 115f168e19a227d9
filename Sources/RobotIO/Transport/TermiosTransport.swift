/// A serial transport over plain termios, for pseudo-terminals (the virtual
/// bus, socat links) that libserialport 0.1.1 cannot open.
public final class TermiosTransport: DescriptorTransport {
    public let path: String
    public private(set) var baudRate: Int
    public var latencyTimerMilliseconds: Int? { nil }
    var descriptor: SerialDescriptor?

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

    public func setBaudRate(_ baudRate: Int) throws(SerialError) {
        try openDescriptor().configure(baudRate: baudRate, verify: false)
        self.baudRate = baudRate
    }

    public func close() {
        descriptor?.close()
        descriptor = nil
    }
}
