import RobotIO

/// How one twin joint sits on its servo's encoder, as the calibration file says: the file
/// gives the joint's range in Present_Position ticks and the Homing_Offset that was written
/// to make them so, so the encoder's own ("actual") reading is present + offset (Feetech,
/// `HalfTurnHoming`). That relation is mechanical: it stays when a client later rewrites
/// the offset in EEPROM, and Present_Position then moves as it would on a real arm.
///
/// Joint units are the runtime's (radians; gripper opening 0…1) and the mapping is the
/// runtime's own `JointUnitMap`, drive mode included (on Feetech it reverses the gripper's
/// opening and nothing else), so `run` with the same file reads the twin's joint angles.
public struct TwinServoMount: Sendable, Equatable {
    /// The calibration's tick ↔ joint-unit map of this joint.
    public let map: JointUnitMap
    /// The file's Homing_Offset: actual = present + offset.
    public let homingOffset: Double
    /// Ticks per joint unit (negative when the encoder counts down as the joint opens).
    public let ticksPerUnit: Double

    /// The mount of joint `index` of `calibration` (an SO-101, Feetech).
    public init(calibration: Calibration, joint index: Int) {
        map = calibration.unitMaps[index]
        homingOffset = Double(calibration.joints[index].homingOffset)
        ticksPerUnit = map.ticks(atPosition: 1) - map.ticks(atPosition: 0)
    }

    /// The encoder's actual reading with the joint at `position` (joint units).
    public func actualTicks(atJoint position: Double) -> Double {
        map.ticks(atPosition: position) + homingOffset
    }

    /// The joint position (joint units) at the actual reading `ticks`, as `run` reads it
    /// (the gripper clamped to its range).
    public func jointPosition(atActualTicks ticks: Double) -> Double {
        map.position(fromTicks: Int64((ticks - homingOffset).rounded()))
    }

    /// Ticks per second for a joint speed in joint units per second.
    public func tickRate(fromJointRate rate: Double) -> Double { rate * ticksPerUnit }

    /// Joint units per second for a speed in ticks per second (a magnitude).
    public func jointRate(fromTickRate rate: Double) -> Double { abs(rate / ticksPerUnit) }
}
