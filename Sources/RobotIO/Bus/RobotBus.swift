/// A robot's motors on one bus, addressed by joint in the robot spec's order.
///
/// Lifecycle, as in ros2_control's hardware interfaces:
/// - `verifyMotors()` / `configure()`: communication up, every expected motor
///   checked, modes and gains written (torque off while EEPROM is touched);
/// - `enableTorque()`: power to the motors, goals are followed;
/// - `disableTorque()`: motors go limp. `withTorqueDisabled {}` restores the
///   previous state however the body exits.
///
/// `readPositions(into:)` and `writeGoals(_:)` are the real-time-loop calls:
/// one sync read and one sync write, no allocation.
public final class RobotBus {
    /// The robot.
    public let spec: RobotSpec
    /// The underlying bus.
    public let bus: MotorBus
    /// Motors in joint order.
    public let motors: [Motor]

    /// Wraps an open bus.
    public init(spec: RobotSpec, bus: MotorBus) {
        self.spec = spec
        self.bus = bus
        self.motors = spec.joints.map { Motor(id: $0.id, model: $0.model, name: $0.name) }
    }

    /// Opens the robot's port at its default baud rate (or `baudRate`).
    public static func open(robot: RobotSpec, port: String, baudRate: Int? = nil,
                            options: MotorBusOptions? = nil) throws(MotorBusError) -> RobotBus {
        let bus = try MotorBus.open(port: port, servoProtocol: robot.servoProtocol,
                                    baudRate: baudRate ?? robot.baudRate, options: options)
        return RobotBus(spec: robot, bus: bus)
    }

    /// The motor driving `joint`.
    public func motor(_ joint: String) -> Motor? { motors.first { $0.name == joint } }

    /// Pings every expected motor and checks its model. Throws one error listing
    /// every missing motor and every wrong model, not just the first.
    public func verifyMotors() throws(RobotBusError) {
        var missing: [Motor] = []
        var wrong: [(Motor, Int)] = []
        for motor in motors {
            do {
                let reply = try bus.ping(motor.id)
                if let number = reply.modelNumber, number != motor.model.modelNumber {
                    // XL330-M288 and -M077 share a table; accept either for the other.
                    let sibling = MotorModel(modelNumber: number, servoProtocol: bus.servoProtocol)
                    if sibling?.controlTable.name != motor.model.controlTable.name { wrong.append((motor, number)) }
                }
            } catch {
                missing.append(motor)
            }
        }
        if !missing.isEmpty || !wrong.isEmpty {
            throw .motorCheckFailed(port: bus.port, robot: spec.displayName, missing: missing,
                                    wrongModel: wrong.map { RobotBusError.WrongModel(motor: $0.0, foundModelNumber: $0.1) })
        }
    }

    /// Checks the motors, then writes operating mode, return delay and gains
    /// with torque off (EEPROM writes need it on Dynamixel and an unlocked
    /// EEPROM on Feetech).
    public func configure() throws(RobotBusError) {
        try verifyMotors()
        try withTorqueDisabled { () throws(RobotBusError) in
            for (motor, joint) in zip(motors, spec.joints) {
                try perform { () throws(MotorBusError) in
                    switch bus.servoProtocol {
                    case .feetech:
                        try withEEPROMUnlocked(motor) { () throws(MotorBusError) in
                            try bus.write(.returnDelayTime, of: motor, value: 0)
                            try bus.write(.operatingMode, of: motor, value: Int64(joint.operatingMode))
                        }
                        try bus.write(.pCoefficient, of: motor, value: Int64(joint.gains.p))
                        try bus.write(.iCoefficient, of: motor, value: Int64(joint.gains.i))
                        try bus.write(.dCoefficient, of: motor, value: Int64(joint.gains.d))
                        try bus.write(.acceleration, of: motor, value: 254)
                    case .dynamixel:
                        try bus.write(.returnDelayTime, of: motor, value: 0)
                        try bus.write(.operatingMode, of: motor, value: Int64(joint.operatingMode))
                        try bus.write(.positionPGain, of: motor, value: Int64(joint.gains.p))
                        try bus.write(.positionIGain, of: motor, value: Int64(joint.gains.i))
                        try bus.write(.positionDGain, of: motor, value: Int64(joint.gains.d))
                    }
                }
            }
        }
    }

    /// Feetech: Lock = 0 around `body`, then Lock = 1 again, so EEPROM writes
    /// persist. On Dynamixel there is no lock and `body` just runs.
    public func withEEPROMUnlocked<T>(_ motor: Motor, _ body: () throws(MotorBusError) -> T)
        throws(MotorBusError) -> T
    {
        guard let lock = motor.model.controlTable.eepromLock else { return try body() }
        try bus.write(lock, of: motor, value: 0)
        do {
            let result = try body()
            try bus.write(lock, of: motor, value: 1)
            return result
        } catch {
            try? bus.write(lock, of: motor, value: 1)
            throw error
        }
    }

    /// Torque on for every joint.
    public func enableTorque() throws(RobotBusError) {
        try perform { () throws(MotorBusError) in
            try bus.syncWrite(.torqueEnable, to: motors, values: Array(repeating: 1, count: motors.count))
            // Sync write has no reply: read back so a motor that missed it is caught.
            var state = [Int64](repeating: 0, count: motors.count)
            try bus.syncRead(.torqueEnable, from: motors, into: &state)
            let off = zip(motors, state).filter { $0.1 != 1 }.map(\.0)
            if !off.isEmpty { throw MotorBusError.noResponse(port: bus.port, motors: off, operation: "torque on", attempts: 1) }
        }
    }

    /// Torque off for every joint; hardware faults never block it.
    public func disableTorque() throws(RobotBusError) {
        try perform { () throws(MotorBusError) in try bus.disableTorque(motors) }
    }

    /// Runs `body` with torque off and restores torque on afterwards if it was on.
    public func withTorqueDisabled<T>(_ body: () throws(RobotBusError) -> T) throws(RobotBusError) -> T {
        var state = [Int64](repeating: 0, count: motors.count)
        try perform { () throws(MotorBusError) in try bus.syncRead(.torqueEnable, from: motors, into: &state, policy: .warn) }
        let wasOn = state.contains(1)
        try disableTorque()
        do {
            let result = try body()
            if wasOn { try enableTorque() }
            return result
        } catch {
            if wasOn { try? enableTorque() }
            throw error
        }
    }

    /// One sync read of Present_Position in joint order (raw ticks). Real-time safe.
    public func readPositions(into ticks: inout [Int64]) throws(RobotBusError) {
        try perform { () throws(MotorBusError) in try bus.syncRead(.presentPosition, from: motors, into: &ticks) }
    }

    /// One sync write of Goal_Position in joint order (raw ticks). Real-time safe.
    public func writeGoals(_ ticks: [Int64]) throws(RobotBusError) {
        try perform { () throws(MotorBusError) in try bus.syncWrite(.goalPosition, to: motors, values: ticks) }
    }

    /// Runs bus transactions, lifting their errors into `RobotBusError`.
    @inline(__always)
    public func perform<T>(_ body: () throws(MotorBusError) -> T) throws(RobotBusError) -> T {
        do { return try body() } catch { throw .bus(error) }
    }
}

/// A robot-level failure.
public enum RobotBusError: Error, Sendable, CustomStringConvertible {
    /// A motor that answered with another model number.
    public struct WrongModel: Sendable {
        /// The motor the robot spec expects.
        public var motor: Motor
        /// What it reported.
        public var foundModelNumber: Int
    }

    /// Expected motors missing or of the wrong model.
    case motorCheckFailed(port: String, robot: String, missing: [Motor], wrongModel: [WrongModel])
    /// A bus transaction failed.
    case bus(MotorBusError)

    public var description: String {
        switch self {
        case let .motorCheckFailed(port, robot, missing, wrongModel):
            var parts: [String] = []
            if !missing.isEmpty {
                parts.append("no reply from " + missing.map { "\($0) [\($0.model.rawValue)]" }.joined(separator: ", "))
            }
            for w in wrongModel {
                let found = MotorModel(modelNumber: w.foundModelNumber, servoProtocol: w.motor.model.servoProtocol)
                parts.append("\(w.motor) is model \(w.foundModelNumber) (\(found?.rawValue ?? "unknown")), "
                             + "expected \(w.motor.model.modelNumber) (\(w.motor.model.rawValue))")
            }
            return "\(robot) on \(port): " + parts.joined(separator: "; ")
                + ". Check power and cables, then run `pirl-robot motors scan --port \(port)` to see which IDs answer; "
                + "give a new motor its ID with `pirl-robot motors set-id`."
        case .bus(let error):
            return error.description
        }
    }
}
