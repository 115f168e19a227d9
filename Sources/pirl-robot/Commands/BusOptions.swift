import ArgumentParser
import RobotIO

extension ServoProtocol: ExpressibleByArgument {}

/// Options every command that opens a servo bus shares.
struct BusOptions: ParsableArguments {
    @Option(help: "Serial port of the bus (e.g. /dev/ttyUSB0, /dev/serial/by-id/…, or a virtual bus's pty).")
    var port: String

    @Option(help: "Robot (so101, so100, koch): sets protocol, baud rate and the expected motors.")
    var robot: String?

    @Option(name: .customLong("protocol"), help: "Bus protocol when no --robot is given: feetech or dynamixel.")
    var servoProtocol: ServoProtocol?

    @Option(help: "Baud rate (default: the robot's, or 1000000).")
    var baud: Int?

    @Option(help: "Reply allowance in milliseconds beyond wire time (raise for slow adapters).")
    var timeoutMs: Int?

    func validate() throws {
        if let robot, RobotSpec.named(robot) == nil {
            throw ValidationError("unknown robot '\(robot)'; known: \(RobotSpec.all.map(\.name).joined(separator: ", "))")
        }
        if let robot = robotSpec, let p = servoProtocol, p != robot.servoProtocol {
            throw ValidationError("--protocol \(p.rawValue) contradicts --robot \(robot.name) (\(robot.servoProtocol.rawValue))")
        }
        if let baud, baud <= 0 { throw ValidationError("--baud must be positive, got \(baud)") }
    }

    /// The robot, when given.
    var robotSpec: RobotSpec? { robot.flatMap(RobotSpec.named) }

    /// The protocol to speak.
    var resolvedProtocol: ServoProtocol { servoProtocol ?? robotSpec?.servoProtocol ?? .feetech }

    /// The baud rate to open at.
    var resolvedBaud: Int { baud ?? robotSpec?.baudRate ?? resolvedProtocol.defaultBaudRate }

    /// Opens the bus.
    func openBus(baudOverride: Int? = nil) throws -> MotorBus {
        var options: MotorBusOptions?
        if let timeoutMs { options = MotorBusOptions(replyAllowanceMicroseconds: timeoutMs * 1_000) }
        return try MotorBus.open(port: port, servoProtocol: resolvedProtocol, baudRate: baudOverride ?? resolvedBaud,
                                 options: options)
    }
}

/// Parses "1,2,5-7" into IDs.
struct IDList: ExpressibleByArgument {
    var ids: [MotorID]

    init?(argument: String) {
        var ids: [MotorID] = []
        for part in argument.split(separator: ",") {
            let bounds = part.split(separator: "-").map { MotorID($0.trimmingCharacters(in: .whitespaces)) }
            if bounds.count == 1, let a = bounds[0] {
                ids.append(a)
            } else if bounds.count == 2, let a = bounds[0], let b = bounds[1], a <= b {
                ids.append(contentsOf: a...b)
            } else {
                return nil
            }
        }
        guard !ids.isEmpty, ids.allSatisfy({ $0 < 0xFE }) else { return nil }
        self.ids = ids
    }
}
