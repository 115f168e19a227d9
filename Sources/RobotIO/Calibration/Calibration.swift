/// A robot's calibration: for every joint, in the robot spec's joint order,
/// where its motor's range sits on the encoder. The same data as a LeRobot
/// calibration file, checked against the robot it is for.
///
/// Built only through the validating initializer (or by loading a file), so a
/// `Calibration` value always has every joint, the spec's IDs, non-empty
/// ranges within the encoder and homing offsets the motors can hold.
public struct Calibration: Sendable, Hashable {
    /// The robot this calibration is for.
    public let robot: RobotSpec
    /// One entry per joint, in `robot.joints` order.
    public let joints: [JointCalibration]
    /// Tick ⇄ joint-unit conversion per joint, in joint order (precomputed for the control loop).
    public let unitMaps: [JointUnitMap]

    /// Checks `joints` (keyed by joint name) against `robot` and orders them
    /// as the robot's joints.
    /// - Throws: `CalibrationError.invalid` listing every issue found.
    public init(robot: RobotSpec, joints byName: [String: JointCalibration]) throws(CalibrationError) {
        try self.init(robot: robot, joints: byName, issuesFound: [])
    }

    /// As the public initializer, with `issuesFound` already found by the caller
    /// (a file reader that saw values no `JointCalibration` can hold).
    init(robot: RobotSpec, joints byName: [String: JointCalibration], issuesFound: [CalibrationIssue])
        throws(CalibrationError)
    {
        var issues = issuesFound
        for name in byName.keys.sorted() where robot.joint(named: name) == nil {
            issues.append(.unknownJoint(name, robotJoints: robot.jointNames))
        }
        var ordered: [JointCalibration] = []
        for joint in robot.joints {
            guard let entry = byName[joint.name] else {
                issues.append(.missingJoint(joint.name))
                continue
            }
            issues += Calibration.issues(of: entry, for: joint)
            ordered.append(entry)
        }
        guard issues.isEmpty else { throw .invalid(file: nil, robot: robot.displayName, issues: issues) }
        self.robot = robot
        self.joints = ordered
        self.unitMaps = zip(robot.joints, ordered).map { spec, entry in
            JointUnitMap(calibration: entry, kind: spec.kind, servoProtocol: robot.servoProtocol,
                         ticksPerTurn: spec.model.ticksPerTurn)
        }
    }

    /// The entry for the joint named `joint`, if the robot has one.
    public subscript(joint: String) -> JointCalibration? {
        robot.joints.firstIndex { $0.name == joint }.map { joints[$0] }
    }

    /// What is wrong with `entry` as the calibration of `joint`.
    static func issues(of entry: JointCalibration, for joint: JointSpec) -> [CalibrationIssue] {
        var issues: [CalibrationIssue] = []
        if entry.id != joint.id {
            issues.append(.wrongID(joint: joint.name, expected: joint.id, found: Int(entry.id)))
        }
        if entry.driveMode != 0 && entry.driveMode != 1 {
            issues.append(.invalidDriveMode(joint: joint.name, value: entry.driveMode))
        }
        if entry.rangeMin >= entry.rangeMax {
            issues.append(.emptyRange(joint: joint.name, min: entry.rangeMin, max: entry.rangeMax))
        }
        let encoder = 0...(joint.model.ticksPerTurn - 1)
        if !encoder.contains(entry.rangeMin) || !encoder.contains(entry.rangeMax) {
            issues.append(.rangeOutsideEncoder(joint: joint.name, min: entry.rangeMin, max: entry.rangeMax,
                                               encoder: encoder))
        }
        let offsets = joint.model.homingOffsetRange
        if !offsets.contains(entry.homingOffset) {
            issues.append(.homingOffsetOutOfRange(joint: joint.name, value: entry.homingOffset, allowed: offsets,
                                                  model: joint.model))
        }
        return issues
    }
}
