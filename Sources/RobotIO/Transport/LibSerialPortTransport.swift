import CLibSerialPort
import CSerialShim
#if canImport(Glibc)
import Glibc
#endif

/// A serial transport for USB-serial adapters through libserialport: it opens
/// and configures the port, then I/O runs on its file descriptor with
/// microsecond deadlines (sp_blocking_read only has milliseconds).
public final class LibSerialPortTransport: DescriptorTransport {
    public let path: String
    public private(set) var baudRate: Int
    public let latencyTimerMilliseconds: Int?
    /// True when ASYNC_LOW_LATENCY could be set (FTDI latency timer → 1 ms).
    public let lowLatencyEnabled: Bool
    private var port: OpaquePointer?
    var descriptor: SerialDescriptor?

    /// Opens `resolvedPath` (symlinks already resolved) exclusively at `baudRate`, 8N1, no flow control.
    public init(path: String, resolvedPath: String, baudRate: Int) throws(SerialError) {
        self.path = path
        self.baudRate = baudRate
        var port: OpaquePointer?
        guard sp_get_port_by_name(resolvedPath, &port) == SP_OK, let port else {
            throw .noSuchPort(path: path)
        }
        if sp_open(port, SP_MODE_READ_WRITE) != SP_OK {
            let e = sp_last_error_code()
            sp_free_port(port)
            throw SerialDescriptor.error(e, path: path, operation: "open")
        }
        var handle: Int32 = -1
        sp_get_port_handle(port, &handle)
        let d = SerialDescriptor(fd: handle, path: path)
        do throws(SerialError) {
            try d.lockExclusively()
            guard sp_set_bits(port, 8) == SP_OK, sp_set_parity(port, SP_PARITY_NONE) == SP_OK,
                  sp_set_stopbits(port, 1) == SP_OK, sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE) == SP_OK
            else { throw SerialDescriptor.error(sp_last_error_code(), path: path, operation: "configure") }
            // termios2 with BOTHER takes any integer rate and is read back to check the driver kept it.
            try d.configure(baudRate: baudRate, verify: true)
            _ = pirl_fd_set_nonblocking(handle, 1)
        } catch {
            sp_close(port)
            sp_free_port(port)
            throw error
        }
        var wasSet: Int32 = 0
        lowLatencyEnabled = pirl_serial_set_low_latency(handle, &wasSet) == 0
        latencyTimerMilliseconds = SerialPath.latencyTimerMilliseconds(resolvedPath: resolvedPath)
        self.port = port
        self.descriptor = d
    }

    deinit { close() }

    public func setBaudRate(_ baudRate: Int) throws(SerialError) {
        try openDescriptor().configure(baudRate: baudRate, verify: true)
        self.baudRate = baudRate
    }

    public func close() {
        if let port {
            sp_close(port)
            sp_free_port(port)
        }
        port = nil
        descriptor = nil
    }
}
