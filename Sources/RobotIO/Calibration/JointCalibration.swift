/// One joint's entry in a calibration: where the motor's range sits on its
/// encoder, as LeRobot stores it (`{"id": 1, "drive_mode": 0, "homing_offset":
/// -1470, "range_min": 758, "range_max": 3292}`).
///
/// `rangeMin` and `rangeMax` are Present_Position ticks *after* the homing
/// offset is applied, so they are exactly what the motor reports while it moves.
public struct JointCalibration: Sendable, Hashable {
    /// Servo ID on the bus (must match the robot spec).
    public var id: MotorID
    /// 1 when the joint turns the opposite way to the project's convention
    /// (see `JointUnitMap` for where LeRobot applies it), else 0.
    public var driveMode: Int
    /// The value in the motor's Homing_Offset register. Feetech:
    /// present = actual − offset; Dynamixel: present = actual + offset.
    public var homingOffset: Int
    /// Lowest Present_Position seen while the joint was moved through its range.
    public var rangeMin: Int
    /// Highest Present_Position seen while the joint was moved through its range.
    public var rangeMax: Int

    /// Creates a joint entry.
    public init(id: MotorID, driveMode: Int = 0, homingOffset: Int, rangeMin: Int, rangeMax: Int) {
        self.id = id
        self.driveMode = driveMode
        self.homingOffset = homingOffset
        self.rangeMin = rangeMin
        self.rangeMax = rangeMax
    }

    /// The middle of the calibrated range, `(min + max) / 2`: zero radians.
    public var rangeMidpoint: Double { Double(rangeMin + rangeMax) / 2 }
}
