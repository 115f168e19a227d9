import ArgumentParser
import RobotIO

/// `pirl-robot ports`: the serial ports on this machine.
struct Ports: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List serial ports with USB IDs, names, serial numbers and adapter hints.")

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let ports = try SerialPortLister.list()
        if json {
            try printJSON(ports.map(PortRow.init))
            return
        }
        if ports.isEmpty {
            print("No serial ports found. Plug in the arm's USB adapter; it appears as /dev/ttyUSB* or /dev/ttyACM*.")
            return
        }
        let rows = ports.map { p in
            [p.path, p.vidPid ?? "-", p.manufacturer ?? "-", p.product ?? p.description ?? "-", p.serialNumber ?? "-"]
        }
        print(formatTable(["PORT", "VID:PID", "MANUFACTURER", "PRODUCT", "SERIAL"], rows))
        for p in ports {
            for link in p.byIDPaths { print("  \(p.path) ← \(link)") }
            if let hint = p.adapterHint { print("  \(p.path): \(hint)") }
        }
    }

    /// The JSON shape of one port.
    struct PortRow: Encodable {
        var path: String
        var byID: [String]
        var transport: String
        var vidPid: String?
        var manufacturer: String?
        var product: String?
        var serialNumber: String?
        var hint: String?

        init(_ p: SerialPortInfo) {
            path = p.path
            byID = p.byIDPaths
            transport = p.transport
            vidPid = p.vidPid
            manufacturer = p.manufacturer
            product = p.product
            serialNumber = p.serialNumber
            hint = p.adapterHint
        }
    }
}
