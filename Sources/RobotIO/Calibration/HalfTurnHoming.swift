/// Half-turn homing, as LeRobot does it: choose the Homing_Offset that makes
/// the motor report half a turn (2047 of 0…4095) in the pose where the
/// operator holds the arm (the middle of every joint's range).
///
/// The two protocols apply the offset with opposite signs:
/// - Feetech: present = actual − offset, so offset = actual − 2047;
/// - Dynamixel: present = actual + offset, so offset = 2047 − actual.
public enum HalfTurnHoming {
    /// The Present_Position a homed motor reports in the middle pose:
    /// half of the largest tick, `(4096 − 1) / 2` rounded down.
    public static func halfTurnTicks(for model: MotorModel) -> Int64 {
        Int64(model.ticksPerTurn - 1) / 2
    }

    /// The Homing_Offset that makes a motor whose offset is currently 0 and
    /// which reports `actual` report the half turn instead.
    public static func offset(forActualPosition actual: Int64, model: MotorModel) -> Int64 {
        switch model.servoProtocol {
        case .feetech: actual - halfTurnTicks(for: model)
        case .dynamixel: halfTurnTicks(for: model) - actual
        }
    }

    /// The Present_Position a motor reports at `actual` with `offset` written.
    public static func presentPosition(actual: Int64, offset: Int64, model: MotorModel) -> Int64 {
        switch model.servoProtocol {
        case .feetech: actual - offset
        case .dynamixel: actual + offset
        }
    }
}

extension MotorModel {
    /// The homing offsets the motor accepts: Feetech stores sign–magnitude with
    /// the sign in bit 11 (±2047); the X-series e-manual allows ±1,044,479.
    public var homingOffsetRange: ClosedRange<Int> {
        switch servoProtocol {
        case .feetech:
            let bits = (try? controlTable.spec(.homingOffset).representableRange) ?? -2047...2047
            return Int(bits.lowerBound)...Int(bits.upperBound)
        case .dynamixel:
            return -1_044_479...1_044_479
        }
    }
}
