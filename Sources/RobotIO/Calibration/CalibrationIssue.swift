/// One thing wrong with a calibration for a given robot. A calibration is
/// checked as a whole, so one error can list every issue at once.
public enum CalibrationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The robot has this joint but the calibration does not.
    case missingJoint(String)
    /// The calibration names a joint the robot does not have.
    case unknownJoint(String, robotJoints: [String])
    /// The joint's motor ID differs from the robot spec's.
    case wrongID(joint: String, expected: MotorID, found: Int)
    /// drive_mode is neither 0 nor 1.
    case invalidDriveMode(joint: String, value: Int)
    /// range_min is not below range_max.
    case emptyRange(joint: String, min: Int, max: Int)
    /// The range leaves the encoder's ticks (0…4095), which the
    /// Min/Max_Position_Limit registers cannot hold.
    case rangeOutsideEncoder(joint: String, min: Int, max: Int, encoder: ClosedRange<Int>)
    /// The homing offset does not fit the motor's Homing_Offset register.
    case homingOffsetOutOfRange(joint: String, value: Int, allowed: ClosedRange<Int>, model: MotorModel)

    public var description: String {
        switch self {
        case .missingJoint(let joint):
            "missing joint \"\(joint)\""
        case let .unknownJoint(joint, robotJoints):
            "unknown joint \"\(joint)\" (expected one of \(robotJoints.joined(separator: ", ")))"
        case let .wrongID(joint, expected, found):
            "\"\(joint)\" has id \(found), but the robot drives \(joint) with motor ID \(expected)"
        case let .invalidDriveMode(joint, value):
            "\"\(joint)\" has drive_mode \(value); it must be 0 or 1"
        case let .emptyRange(joint, min, max):
            "\"\(joint)\" has range_min \(min) ≥ range_max \(max)"
        case let .rangeOutsideEncoder(joint, min, max, encoder):
            "\"\(joint)\" range \(min)…\(max) leaves the encoder's \(encoder.lowerBound)…\(encoder.upperBound)"
        case let .homingOffsetOutOfRange(joint, value, allowed, model):
            "\"\(joint)\" has homing_offset \(value), outside the \(model.rawValue)'s "
                + "\(allowed.lowerBound)…\(allowed.upperBound)"
        }
    }
}
