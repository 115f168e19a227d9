import RobotIO

/// The calibration the twin's servos are mounted with when `sim serve` is given none; the
/// same as calibration/twin_so101.json (a test keeps the two equal).
///
/// Like a real arm's file: each range is where the joint's Present_Position runs between its
/// mechanical stops (the twin's ranges, `SO101Geometry.ranges`, rounded out to whole ticks;
/// the gripper's jaw gap 0…`jawTravel` over range_min…range_max), centred near half a turn
/// with unequal midpoints, and Homing_Offsets as half-turn homing leaves them, non-zero on
/// all joints but wrist_flex. The gripper has drive_mode 1: its encoder counts down as the
/// jaw opens (on Feetech, drive_mode reverses the gripper's opening and no other joint's).
public enum TwinCalibration {
    /// The SO-101 twin's calibration.
    public static let so101: Calibration = {
        let joints: [String: JointCalibration] = [
            "shoulder_pan": JointCalibration(id: 1, homingOffset: -612, rangeMin: 795, rangeMax: 3299),
            "shoulder_lift": JointCalibration(id: 2, homingOffset: 385, rangeMin: 905, rangeMax: 3181),
            "elbow_flex": JointCalibration(id: 3, homingOffset: -233, rangeMin: 950, rangeMax: 3154),
            "wrist_flex": JointCalibration(id: 4, homingOffset: 0, rangeMin: 968, rangeMax: 3130),
            "wrist_roll": JointCalibration(id: 5, homingOffset: 96, rangeMin: 226, rangeMax: 3868),
            "gripper": JointCalibration(id: 6, driveMode: 1, homingOffset: -1410, rangeMin: 1980, rangeMax: 3420),
        ]
        // The values above are valid by construction (checked by the tests).
        return try! Calibration(robot: .so101, joints: joints)
    }()
}
