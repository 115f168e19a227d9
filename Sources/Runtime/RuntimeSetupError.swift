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
    /// The cameras given do not cover the checkpoint's.
    case cameraMismatch(checkpoint: [String], given: [String])
    /// The checkpoint was trained for other joints.
    case jointMismatch(checkpoint: [String], robot: [String])
    /// The simulated robot was used before `configure()`.
    case simulationNotStarted
    /// The checkpoint reads simulator object features, which a real robot does not have.
    case needsObjectState(features: Int)
    /// A chunk source returned the wrong number of values.
    case chunkShape(expected: Int, found: Int)
    /// The prompt file holds no instruction to start with.
    case promptFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .calibrationMismatch(robot, calibrationRobot):
            "the calibration is for \(calibrationRobot) but the robot is \(robot): pass the calibration file "
                + "made for this arm (`pirl-robot calibrate --robot … --out …`)."
        case .calibrationDoesNotMatchMotors(let mismatches):
            "the calibration file does not match the motors (homing offsets: "
                + mismatches.map { "\($0.joint) file \($0.file), motor \($0.motor)" }.joined(separator: "; ")
                + "). Pass the file made for this arm, or recalibrate it with `pirl-robot calibrate`."
        case let .cameraMismatch(checkpoint, given):
            "the checkpoint expects cameras \(checkpoint.joined(separator: ", ")) but got "
                + (given.isEmpty ? "none" : given.joined(separator: ", "))
                + ": pass one --camera NAME=DEVICE for each (e.g. --camera \(checkpoint.first ?? "front")=/dev/video0)."
        case let .jointMismatch(checkpoint, robot):
            "the checkpoint controls joints \(checkpoint.joined(separator: ", ")) but the robot has "
                + "\(robot.joined(separator: ", ")): use a checkpoint trained for this robot."
        case .needsObjectState(let features):
            "the checkpoint reads \(features) object features (cube pose, goal position) that only the simulator knows: "
                + "run it with --sim, or use a checkpoint trained on camera images for a real arm."
        case .simulationNotStarted:
            "the simulated robot was read before it was configured"
        case let .chunkShape(expected, found):
            "the policy returned \(found) values per chunk, expected \(expected) (horizon × joints)"
        case let .promptFile(path, reason):
            "--prompt-file \(path): \(reason); it must hold the instruction (e.g. \"put the red cube on the blue plate\")"
        }
    }
}
