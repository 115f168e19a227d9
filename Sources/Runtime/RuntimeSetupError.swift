/// Inputs that cannot work together, refused before anything moves.
public enum RuntimeSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The calibration file belongs to another robot.
    case calibrationMismatch(robot: String, calibrationRobot: String)
    /// A homing offset in the file differs from the one in the motor.
    public struct OffsetMismatch: Sendable, Equatable {
        /// Joint name.
        public var joint: String
        /// Homing offset in the calibration file.
        public var file: Int
        /// Homing offset in the motor's EEPROM.
        public var motor: Int64
    }

    /// The motors were calibrated differently from the file.
    case calibrationDoesNotMatchMotors([OffsetMismatch])
    /// A chunk source returned the wrong number of values.
    case chunkShape(expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .calibrationMismatch(robot, calibrationRobot):
            "the calibration is for \(calibrationRobot) but the robot is \(robot): pass the calibration file "
                + "made for this arm (`pirl-robot calibrate --robot … --out …`)."
        case .calibrationDoesNotMatchMotors(let mismatches):
            "the calibration file does not match the motors (homing offsets: "
                + mismatches.map { "\($0.joint) file \($0.file), motor \($0.motor)" }.joined(separator: "; ")
                + "). Pass the file made for this arm, or recalibrate it with `pirl-robot calibrate`."
        case let .chunkShape(expected, found):
            "the policy returned \(found) values per chunk, expected \(expected) (horizon × joints)"
        }
    }
}
