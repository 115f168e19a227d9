/// Why a calibration could not be built, read or written. Every case names
/// the file (when there is one) and says what to do next.
public enum CalibrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The values do not describe a usable calibration of `robot`.
    case invalid(file: String?, robot: String, issues: [CalibrationIssue])
    /// The file is not JSON of the expected shape.
    case malformedJSON(file: String, detail: String)
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file could not be written.
    case unwritable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(file, robot, issues):
            let subject = file ?? "the calibration"
            return "\(subject) is not a valid \(robot) calibration: "
                + issues.map(\.description).joined(separator: "; ")
                + ". Fix the file or recalibrate with `pirl-robot calibrate`."
        case let .malformedJSON(file, detail):
            return "\(file) is not a LeRobot calibration file: \(detail). Expected a JSON object keyed by joint name, "
                + "each with integer id, drive_mode, homing_offset, range_min and range_max."
        case let .unreadable(file, reason):
            return "cannot read calibration \(file): \(reason). "
                + "Check the path, or create it with `pirl-robot calibrate`."
        case let .unwritable(file, reason):
            return "cannot write calibration \(file): \(reason). Check that its folder is writable."
        }
    }

    /// The same error attributed to `file`.
    func attributed(to file: String) -> CalibrationError {
        if case let .invalid(nil, robot, issues) = self { return .invalid(file: file, robot: robot, issues: issues) }
        return self
    }
}
