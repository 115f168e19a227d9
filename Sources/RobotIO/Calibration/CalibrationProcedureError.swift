/// Why the interactive calibration stopped.
public enum CalibrationProcedureError: Error, Sendable, CustomStringConvertible {
    /// A motor whose middle-pose position needs a homing offset it cannot hold.
    public struct HomingOverflow: Sendable, Hashable {
        /// The motor.
        public var motor: Motor
        /// Its Present_Position with the offset reset to 0.
        public var position: Int64
        /// The offset half-turn homing needs.
        public var offset: Int64
        /// What the motor accepts.
        public var allowed: ClosedRange<Int>
    }

    /// The operator ended input at a prompt.
    case cancelled(step: String)
    /// Talking to the motors failed.
    case bus(RobotBusError)
    /// Half-turn homing needs offsets some motors cannot hold.
    case homingOffsetsOutOfRange([HomingOverflow])
    /// These joints kept min == max while ranges were recorded.
    case jointsDidNotMove([String])
    /// The measured values do not make a valid calibration, or it could not be saved.
    case calibration(CalibrationError)

    public var description: String {
        switch self {
        case .cancelled(let step):
            return "calibration cancelled at \"\(step)\"; nothing was saved. Run `pirl-robot calibrate` again."
        case .bus(let error):
            return error.description
        case .homingOffsetsOutOfRange(let overflows):
            let list = overflows.map {
                "\($0.motor) reads \($0.position) and would need homing offset \($0.offset) "
                    + "(allowed \($0.allowed.lowerBound)…\($0.allowed.upperBound))"
            }
            return "cannot home at half a turn: " + list.joined(separator: "; ")
                + ". Move those joints a little away from that pose and calibrate again; if the middle of the range "
                + "sits at the encoder's end, re-seat the horn half a turn round."
        case .jointsDidNotMove(let joints):
            return "these joints did not move while ranges were recorded: " + joints.joined(separator: ", ")
                + ". Move every joint from end to end before pressing Enter; nothing was saved."
        case .calibration(let error):
            return error.description
        }
    }
}
