import RobotIO

/// The sim side of the sim/real contract (docs/design/architecture.md): joint units are
/// radians for arm joints and an opening 0 (closed) … 1 (open) for the
/// gripper; the twin's MJCF joint values are radians for arm joints and the
/// jaw gap in metres (``SO101Geometry/jawTravel`` at opening 1).
public enum TwinJointUnits {
    /// MJCF joint value for a joint-unit value of a joint of `kind`.
    @inline(__always)
    public static func mjcfValue(fromJointUnits value: Double, kind: JointKind) -> Double {
        switch kind {
        case .revolute: return value
        case .gripper: return value * SO101Geometry.jawTravel
        }
    }

    /// Joint-unit value for an MJCF joint value of a joint of `kind`.
    @inline(__always)
    public static func jointUnits(fromMJCF value: Double, kind: JointKind) -> Double {
        switch kind {
        case .revolute: return value
        case .gripper: return value / SO101Geometry.jawTravel
        }
    }

    /// Clamps a joint-unit value to joint `index`'s range.
    @inline(__always)
    public static func clamp(_ value: Double, joint index: Int, kind: JointKind) -> Double {
        let range = SO101Geometry.ranges[index]
        let lower = jointUnits(fromMJCF: range.lower, kind: kind), upper = jointUnits(fromMJCF: range.upper, kind: kind)
        return value.isFinite ? min(max(value, lower), upper) : 0
    }
}
