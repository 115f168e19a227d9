/// A bus transaction that failed, naming the port, the motors and the fix.
public enum MotorBusError: Error, Sendable, CustomStringConvertible {
    /// These motors did not answer (after `attempts` tries).
    case noResponse(port: String, motors: [Motor], operation: String, attempts: Int)
    /// Replies arrived but were corrupt every time.
    case corruptReplies(port: String, motors: [Motor], operation: String, reason: String, attempts: Int)
    /// A status packet reported a hardware condition (overload, overheat, voltage…).
    case hardwareFault(port: String, faults: [MotorFault])
    /// A Dynamixel motor refused the instruction (access error, data range…).
    case instructionRejected(port: String, motor: Motor, error: DynamixelCodec.InstructionError, operation: String)
    /// The register does not exist on the motor model, or models disagree on it in one sync transaction.
    case register(port: String, message: String)
    /// A value does not fit its register.
    case valueOutOfRange(port: String, motor: Motor, register: Register, error: RegisterValueError)
    /// The operation is not part of this protocol (bulk read on Feetech).
    case unsupported(port: String, operation: String, servoProtocol: ServoProtocol)
    /// The serial port failed.
    case transport(SerialError)

    public var description: String {
        switch self {
        case let .noResponse(port, motors, operation, attempts):
            let list = motors.map(\.description).joined(separator: ", ")
            return "\(operation) on \(port): no reply from \(list) after \(attempts) attempt\(attempts == 1 ? "" : "s"). "
                + "Check power (the arm needs its own supply), the daisy-chain cables, the IDs "
                + "(`pirl-robot motors scan --port \(port)`) and the baud rate."
        case let .corruptReplies(port, motors, operation, reason, attempts):
            let list = motors.map(\.description).joined(separator: ", ")
            return "\(operation) on \(port): corrupt replies from \(list) (\(reason)) after \(attempts) attempts. "
                + "Check the cables and that only one program uses the port; a wrong baud rate also garbles replies."
        case let .hardwareFault(port, faults):
            let list = faults.map(\.description).joined(separator: "; ")
            return "hardware fault reported on \(port): \(list). Remove the load, let the motor cool, check the "
                + "supply voltage; turning torque off still works (`pirl-robot motors torque off --port \(port)`)."
        case let .instructionRejected(port, motor, error, operation):
            return "\(operation) on \(port): \(motor) rejected it: \(error)."
        case let .register(port, message):
            return "\(port): \(message)"
        case let .valueOutOfRange(port, motor, register, error):
            return "\(port): \(register.rawValue) of \(motor): \(error)"
        case let .unsupported(port, operation, servoProtocol):
            return "\(port): \(operation) is not part of the \(servoProtocol.rawValue) protocol."
        case .transport(let error):
            return error.description
        }
    }
}

/// One motor's hardware condition from a status packet.
public struct MotorFault: Sendable, Hashable, CustomStringConvertible {
    /// The motor that reported it.
    public var motor: Motor
    /// The raw status error byte.
    public var statusByte: UInt8
    /// The protocol, to decode the byte.
    public var servoProtocol: ServoProtocol

    /// Creates a fault record.
    public init(motor: Motor, statusByte: UInt8, servoProtocol: ServoProtocol) {
        self.motor = motor
        self.statusByte = statusByte
        self.servoProtocol = servoProtocol
    }

    /// Readable names of the bits.
    public var conditions: String {
        switch servoProtocol {
        case .feetech: FeetechCodec.ErrorFlags(rawValue: statusByte).description
        case .dynamixel: DynamixelCodec.StatusError(rawValue: statusByte).description
        }
    }

    public var description: String { "\(motor): \(conditions)" }
}
