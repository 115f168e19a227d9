import RobotIO

/// A real arm: a `RobotBus` on a serial port plus its calibration, converting
/// between ticks and joint units.
public final class SerialRobot: RobotBackend {
    /// The bus.
    public let robotBus: RobotBus
    /// The arm's calibration.
    public let calibration: Calibration
    public let limits: JointLimits
    public var jointNames: [String] { robotBus.spec.jointNames }
    private var ticks: [Int64]
    private var goalTicks: [Int64]

    /// Wraps an open bus and the arm's calibration. Refuses a calibration made for another robot.
    public init(robotBus: RobotBus, calibration: Calibration, limitMargin: Float = 0) throws(RuntimeSetupError) {
        guard calibration.robot.jointNames == robotBus.spec.jointNames,
              calibration.robot.joints.map(\.model) == robotBus.spec.joints.map(\.model),
              calibration.joints.map(\.id) == robotBus.spec.ids else {
            throw .calibrationMismatch(robot: robotBus.spec.displayName, calibrationRobot: calibration.robot.displayName)
        }
        self.robotBus = robotBus
        self.calibration = calibration
        self.limits = JointLimits(calibration: calibration, margin: limitMargin)
        ticks = Array(repeating: 0, count: calibration.joints.count)
        goalTicks = ticks
    }

    /// Checks every motor answers with the right model, and that the homing
    /// offsets in the motors' EEPROM are the calibration's: a file made for
    /// another arm (or an arm recalibrated since) is refused before anything moves.
    public func verify() throws {
        try robotBus.verifyMotors()
        var offsets = [Int64](repeating: 0, count: robotBus.motors.count)
        try robotBus.perform { () throws(MotorBusError) in
            try robotBus.bus.syncRead(.homingOffset, from: robotBus.motors, into: &offsets)
        }
        let mismatched = zip(calibration.joints, zip(robotBus.spec.jointNames, offsets)).compactMap { joint, named in
            Int64(joint.homingOffset) == named.1 ? nil
                : RuntimeSetupError.OffsetMismatch(joint: named.0, file: joint.homingOffset, motor: named.1)
        }
        if !mismatched.isEmpty { throw RuntimeSetupError.calibrationDoesNotMatchMotors(mismatched) }
    }

    public func configure() throws {
        try verify()
        try robotBus.configure()
    }

    public func activate(holding pose: [Float]) throws {
        calibration.goalTicks(forPositions: pose, into: &goalTicks)
        try robotBus.writeGoals(goalTicks)
        try robotBus.enableTorque()
    }

    public func deactivate() -> String? {
        do {
            try robotBus.disableTorque()
            return nil
        } catch {
            return "torque off failed: \(error)"
        }
    }

    public func readState(into state: inout [Float]) throws {
        try robotBus.readPositions(into: &ticks)
        calibration.positions(fromTicks: ticks, into: &state)
    }

    public func writeGoals(_ goals: [Float]) throws {
        calibration.goalTicks(forPositions: goals, into: &goalTicks)
        try robotBus.writeGoals(goalTicks)
    }

    /// The goal ticks of the last `writeGoals` (for logs).
    public var lastGoalTicks: [Int64] { goalTicks }

    /// Ticks for joint positions, without writing (the dry run logs these).
    public func ticks(for goals: [Float], into out: inout [Int64]) {
        calibration.goalTicks(forPositions: goals, into: &out)
    }
}
