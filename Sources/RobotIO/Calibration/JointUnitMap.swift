/// How one joint's Present/Goal_Position ticks map to the project's joint
/// units (docs/design/architecture.md, "The one contract between sim and real"):
///
/// - a revolute joint reads in radians, LeRobot's degree mapping converted:
///   `(ticks − (min + max) / 2) · 360 / (4096 − 1)` degrees, times π/180;
///   zero is the middle of the calibrated range, the pose the arm was homed in;
/// - the gripper reads as an opening 0…1, LeRobot's 0–100 mapping divided by
///   100: linear over [range_min, range_max], clamped to it.
///
/// drive_mode is honoured exactly where LeRobot honours it, so an arm
/// calibrated with LeRobot reads the same here: LeRobot ignores it for
/// angles, and for range-normalised joints (the gripper) reverses the
/// opening (`1 − opening`) on Feetech buses only. Dynamixel buses reverse
/// in the motor (its Drive_Mode register) instead of in software.
///
/// Readings are not clamped for revolute joints (LeRobot does not clamp them
/// either); goals always are, to the calibrated range.
public struct JointUnitMap: Sendable, Hashable {
    /// Revolute joint (radians) or gripper (opening 0…1).
    public let kind: JointKind
    /// Lowest calibrated tick.
    public let rangeMin: Int64
    /// Highest calibrated tick.
    public let rangeMax: Int64
    /// The middle of the range, `(min + max) / 2`, in ticks.
    public let midpoint: Double
    /// The largest tick of the encoder, 4096 − 1: LeRobot's `max_res`.
    public let maxTick: Double
    /// True when the gripper's opening is reversed in software (Feetech, drive_mode 1).
    public let reversesOpening: Bool

    /// The map for a joint of `kind` calibrated as `calibration` on a `servoProtocol` bus.
    public init(calibration: JointCalibration, kind: JointKind, servoProtocol: ServoProtocol,
                ticksPerTurn: Int = 4096) {
        self.kind = kind
        self.rangeMin = Int64(calibration.rangeMin)
        self.rangeMax = Int64(calibration.rangeMax)
        self.midpoint = calibration.rangeMidpoint
        self.maxTick = Double(ticksPerTurn - 1)
        self.reversesOpening = kind == .gripper && servoProtocol == .feetech && calibration.driveMode == 1
    }

    /// The joint position (radians, or opening 0…1) a motor reporting `ticks` is at.
    @inlinable
    public func position(fromTicks ticks: Int64) -> Double {
        switch kind {
        case .revolute:
            let degrees = (Double(ticks) - midpoint) * 360 / maxTick
            return degrees * .pi / 180
        case .gripper:
            let bounded = Swift.min(Swift.max(ticks, rangeMin), rangeMax)
            let opening = Double(bounded - rangeMin) / Double(rangeMax - rangeMin)
            return reversesOpening ? 1 - opening : opening
        }
    }

    /// The reading, in ticks, at which the motor is at `position`: the exact inverse of
    /// `position(fromTicks:)` inside the range, neither rounded nor clamped (an emulated
    /// servo reports a simulated joint this way; beyond the range it extrapolates).
    public func ticks(atPosition position: Double) -> Double {
        switch kind {
        case .revolute:
            return position * 180 / .pi * maxTick / 360 + midpoint
        case .gripper:
            let opening = reversesOpening ? 1 - position : position
            return opening * Double(rangeMax - rangeMin) + Double(rangeMin)
        }
    }

    /// The Goal_Position in ticks for `position` (radians, or opening 0…1),
    /// rounded to the nearest tick and clamped to the calibrated range. A NaN
    /// goal maps to the middle of the range (the homing pose) rather than trap.
    ///
    /// LeRobot truncates toward zero here instead of rounding, so its goals
    /// can sit one tick lower; readings agree exactly.
    @inlinable
    public func goalTicks(forPosition position: Double) -> Int64 {
        let raw: Double
        switch kind {
        case .revolute:
            let degrees = position * 180 / .pi
            raw = degrees * maxTick / 360 + midpoint
        case .gripper:
            let bounded = Swift.min(Swift.max(position, 0), 1)
            let opening = reversesOpening ? 1 - bounded : bounded
            raw = opening * Double(rangeMax - rangeMin) + Double(rangeMin)
        }
        guard !raw.isNaN else { return Int64(midpoint.rounded(.down)) }
        let clamped = Swift.min(Swift.max(raw, Double(rangeMin)), Double(rangeMax))
        return Int64(clamped.rounded())
    }
}
