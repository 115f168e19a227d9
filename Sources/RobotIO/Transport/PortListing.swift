import CLibSerialPort
#if canImport(Glibc)
import Glibc
#endif

/// A serial port found on this machine.
public struct SerialPortInfo: Sendable, Hashable, Codable {
    /// Device path, e.g. /dev/ttyUSB0.
    public var path: String
    /// Stable symlinks under /dev/serial/by-id that point at it.
    public var byIDPaths: [String]
    /// "usb", "native" or "bluetooth".
    public var transport: String
    /// USB vendor ID.
    public var vendorID: Int?
    /// USB product ID.
    public var productID: Int?
    /// USB manufacturer string.
    public var manufacturer: String?
    /// USB product string.
    public var product: String?
    /// USB serial number.
    public var serialNumber: String?
    /// libserialport's description.
    public var description: String?

    /// "0403:6014", when it is a USB device.
    public var vidPid: String? {
        guard let vendorID, let productID else { return nil }
        return hex4(vendorID) + ":" + hex4(productID)
    }

    /// What the adapter is and what to know about it, for the adapters servo arms ship with.
    public var adapterHint: String? {
        guard let vendorID, let productID else { return nil }
        return AdapterHint.hint(vendorID: vendorID, productID: productID)
    }
}

private func hex4(_ v: Int) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}

/// Known USB-serial adapters and their quirks (docs/design/servo-buses.md, "What goes wrong in the field").
public enum AdapterHint {
    /// A one-line hint for a VID:PID, or nil when unknown.
    public static func hint(vendorID: Int, productID: Int) -> String? {
        switch (vendorID, productID) {
        case (0x0403, 0x6014):
            "FTDI FT232H (ROBOTIS U2D2): set the latency timer to 1 ms (pirl-robot sets ASYNC_LOW_LATENCY)"
        case (0x0403, _):
            "FTDI: default latency timer is 16 ms; pirl-robot sets ASYNC_LOW_LATENCY to lower it to 1 ms"
        case (0x1a86, 0x7523):
            "WCH CH340: no latency timer; fine at 1 Mbaud"
        case (0x1a86, 0x55d3):
            "WCH CH343 (Feetech/Waveshare bus boards, /dev/ttyACM*): no latency timer"
        case (0x1a86, 0x55d4):
            "WCH CH9102 (Feetech/Waveshare bus boards, /dev/ttyACM*): no latency timer"
        case (0x10c4, 0xea60):
            "Silicon Labs CP210x: no latency timer"
        default:
            nil
        }
    }
}

/// Lists serial ports through libserialport.
public enum SerialPortLister {
    /// Every serial port libserialport finds, with USB details and by-id links.
    public static func list() throws(SerialError) -> [SerialPortInfo] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        guard sp_list_ports(&list) == SP_OK, let list else {
            throw .system(path: "/dev", operation: "sp_list_ports", errno: sp_last_error_code(),
                          message: "could not enumerate serial ports")
        }
        defer { sp_free_port_list(list) }
        let links = byIDLinks()
        var ports: [SerialPortInfo] = []
        var index = 0
        while let port = list[index] {
            index += 1
            let path = string(sp_get_port_name(port)) ?? "?"
            var info = SerialPortInfo(
                path: path, byIDPaths: links[path] ?? [], transport: "native",
                description: string(sp_get_port_description(port)))
            switch sp_get_port_transport(port) {
            case SP_TRANSPORT_USB:
                info.transport = "usb"
                var vid: Int32 = 0
                var pid: Int32 = 0
                if sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK {
                    info.vendorID = Int(vid)
                    info.productID = Int(pid)
                }
                info.manufacturer = string(sp_get_port_usb_manufacturer(port))
                info.product = string(sp_get_port_usb_product(port))
                info.serialNumber = string(sp_get_port_usb_serial(port))
            case SP_TRANSPORT_BLUETOOTH:
                info.transport = "bluetooth"
            default:
                break
            }
            ports.append(info)
        }
        return ports.sorted { $0.path < $1.path }
    }

    private static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// /dev/serial/by-id/* keyed by the device they resolve to.
    static func byIDLinks() -> [String: [String]] {
        let directory = "/dev/serial/by-id"
        guard let dir = opendir(directory) else { return [:] }
        defer { closedir(dir) }
        var links: [String: [String]] = [:]
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != "." && name != ".." else { continue }
            let link = directory + "/" + name
            if let target = try? SerialPath.resolve(link) { links[target, default: []].append(link) }
        }
        return links
    }
}
