/// The interactive calibration of an arm, as LeRobot does it for SO-100/SO-101
/// and Koch followers, with the terminal kept out (a `CalibrationPrompter`
/// talks to the operator):
///
/// 1. check every motor answers; torque off; operating mode position;
///    homing offset 0 and position limits 0…4095 (so Present_Position is the
///    raw encoder reading);
/// 2. "move to the middle of the range, press Enter": half-turn homing, the
///    offset that makes each motor read 2047 there is written to EEPROM;
/// 3. "move every joint through its full range, press Enter to stop":
///    Present_Position min/max recorded; full-turn joints (wrist roll) get 0…4095;
/// 4. Min/Max_Position_Limit written to EEPROM (Feetech Lock handled by
///    `RobotBus.withEEPROMUnlocked`), torque left off; the JSON saved.
///
/// On Dynamixel, drive_mode is bit 0 of the motor's Drive_Mode register, read
/// and kept as is (LeRobot's Koch follower does not change it).
public final class CalibrationProcedure {
    /// The arm's bus.
    public let robotBus: RobotBus
    /// The operator.
    public let prompter: any CalibrationPrompter

    /// Prepares to calibrate the arm on `robotBus`, talking through `prompter`.
    public init(robotBus: RobotBus, prompter: any CalibrationPrompter) {
        self.robotBus = robotBus
        self.prompter = prompter
    }

    private var spec: RobotSpec { robotBus.spec }
    private var bus: MotorBus { robotBus.bus }

    /// Runs the whole procedure and returns the calibration, saved to `path` when given.
    public func run(savingTo path: String? = nil) throws(CalibrationProcedureError) -> Calibration {
        try lift { () throws(RobotBusError) in try robotBus.verifyMotors() }
        try resetMotors()
        let driveModes = try readDriveModes()

        let middleStep = "Move the \(spec.displayName) to the middle of its range of motion and press Enter."
        guard prompter.waitForEnter(middleStep) else { throw .cancelled(step: middleStep) }
        let offsets = try homeAtHalfTurn()

        let limited = spec.joints.indices.filter { !spec.joints[$0].fullTurn }
        let fullTurn = spec.joints.filter(\.fullTurn).map(\.name)
        let exception = fullTurn.isEmpty
            ? "" : " except \(fullTurn.joined(separator: ", ")) (full turn, kept at 0…4095)"
        prompter.inform("Move every joint\(exception) through its full range of motion. "
                        + "Recording positions; press Enter to stop.")
        let recorder = try recordRanges(of: limited)

        var entries: [String: JointCalibration] = [:]
        for (index, joint) in spec.joints.enumerated() {
            let range = recorder.ranges.first { $0.joint == joint.name }
            entries[joint.name] = JointCalibration(
                id: joint.id, driveMode: driveModes[index], homingOffset: Int(offsets[index]),
                rangeMin: range.map { Int($0.minimum) } ?? 0,
                rangeMax: range.map { Int($0.maximum) } ?? joint.model.ticksPerTurn - 1)
        }
        let calibration: Calibration
        do {
            calibration = try Calibration(robot: spec, joints: entries)
        } catch {
            throw .calibration(error)
        }
        try writeLimits(calibration)
        if let path {
            do {
                try calibration.save(to: path)
            } catch {
                throw .calibration(error)
            }
            prompter.inform("Calibration saved to \(path).")
        }
        return calibration
    }

    /// Torque off, position mode, factory homing offset and limits: afterwards
    /// Present_Position is the raw encoder position.
    func resetMotors() throws(CalibrationProcedureError) {
        try lift { () throws(RobotBusError) in try robotBus.disableTorque() }
        for (motor, joint) in zip(robotBus.motors, spec.joints) {
            try onBus { () throws(MotorBusError) in
                try robotBus.withEEPROMUnlocked(motor) { () throws(MotorBusError) in
                    try bus.write(.operatingMode, of: motor, value: Int64(joint.operatingMode))
                    try bus.write(.homingOffset, of: motor, value: 0)
                    try bus.write(.minPositionLimit, of: motor, value: 0)
                    try bus.write(.maxPositionLimit, of: motor, value: Int64(joint.model.ticksPerTurn - 1))
                }
            }
        }
    }

    /// drive_mode per joint: bit 0 of Dynamixel's Drive_Mode; 0 on Feetech, which has no such register.
    func readDriveModes() throws(CalibrationProcedureError) -> [Int] {
        guard spec.servoProtocol == .dynamixel else { return Array(repeating: 0, count: robotBus.motors.count) }
        var modes: [Int] = []
        for motor in robotBus.motors {
            let value = try onBus { () throws(MotorBusError) in try bus.read(.driveMode, of: motor, policy: .warn) }
            modes.append(Int(value & 1))
        }
        return modes
    }

    /// Writes the offsets that make every motor read half a turn where it is now; returns them in joint order.
    func homeAtHalfTurn() throws(CalibrationProcedureError) -> [Int64] {
        var positions = [Int64](repeating: 0, count: robotBus.motors.count)
        try lift { () throws(RobotBusError) in try robotBus.readPositions(into: &positions) }
        let offsets = zip(robotBus.motors, positions).map { motor, position in
            HalfTurnHoming.offset(forActualPosition: position, model: motor.model)
        }
        let overflows = robotBus.motors.indices.compactMap { index -> CalibrationProcedureError.HomingOverflow? in
            let motor = robotBus.motors[index]
            let allowed = motor.model.homingOffsetRange
            guard !allowed.contains(Int(offsets[index])) else { return nil }
            return .init(motor: motor, position: positions[index], offset: offsets[index], allowed: allowed)
        }
        guard overflows.isEmpty else { throw .homingOffsetsOutOfRange(overflows) }
        for (motor, offset) in zip(robotBus.motors, offsets) {
            try onBus { () throws(MotorBusError) in
                try robotBus.withEEPROMUnlocked(motor) { () throws(MotorBusError) in
                    try bus.write(.homingOffset, of: motor, value: offset)
                }
            }
        }
        return offsets
    }

    /// Samples Present_Position of the joints at `jointIndices` until the operator presses Enter.
    func recordRanges(of jointIndices: [Int]) throws(CalibrationProcedureError) -> RangeRecorder {
        guard !jointIndices.isEmpty else { return RangeRecorder(joints: [], startingAt: []) }
        let motors = jointIndices.map { robotBus.motors[$0] }
        var positions = [Int64](repeating: 0, count: motors.count)
        try onBus { () throws(MotorBusError) in try bus.syncRead(.presentPosition, from: motors, into: &positions) }
        var recorder = RangeRecorder(joints: jointIndices.map { spec.joints[$0].name }, startingAt: positions)
        while !prompter.showRanges(recorder.ranges) {
            try onBus { () throws(MotorBusError) in try bus.syncRead(.presentPosition, from: motors, into: &positions) }
            recorder.record(positions)
        }
        let unmoved = recorder.unmovedJoints
        guard unmoved.isEmpty else { throw .jointsDidNotMove(unmoved) }
        return recorder
    }

    /// Writes Min/Max_Position_Limit of every joint to EEPROM (torque is off).
    func writeLimits(_ calibration: Calibration) throws(CalibrationProcedureError) {
        for (motor, joint) in zip(robotBus.motors, calibration.joints) {
            try onBus { () throws(MotorBusError) in
                try robotBus.withEEPROMUnlocked(motor) { () throws(MotorBusError) in
                    try bus.write(.minPositionLimit, of: motor, value: Int64(joint.rangeMin))
                    try bus.write(.maxPositionLimit, of: motor, value: Int64(joint.rangeMax))
                }
            }
        }
    }

    /// Runs a robot-bus call, lifting its error.
    private func lift<T>(_ body: () throws(RobotBusError) -> T) throws(CalibrationProcedureError) -> T {
        do { return try body() } catch { throw .bus(error) }
    }

    /// Runs a motor-bus call, lifting its error.
    private func onBus<T>(_ body: () throws(MotorBusError) -> T) throws(CalibrationProcedureError) -> T {
        do { return try body() } catch { throw .bus(.bus(error)) }
    }
}
