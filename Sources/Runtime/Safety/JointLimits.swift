import RobotIO
import SimTrainer

/// Per-joint bounds in joint units (radians for arm joints, 0…1 for the gripper),
/// in the robot spec's joint order.
public struct JointLimits: Sendable, Equatable {
    /// Lowest allowed position per joint.
    public var lower: [Float]
    /// Highest allowed position per joint.
    public var upper: [Float]

    /// Creates limits; `lower[i] ≤ upper[i]` is required.
    public init(lower: [Float], upper: [Float]) {
        precondition(lower.count == upper.count, "one lower and one upper bound per joint")
        precondition(zip(lower, upper).allSatisfy { $0 <= $1 }, "lower bounds must not exceed upper bounds")
        self.lower = lower
        self.upper = upper
    }

    /// Joint count.
    public var count: Int { lower.count }

    /// The joint indices.
    public var indices: Range<Int> { lower.indices }

    /// The calibrated range of every joint: `[range_min, range_max]` mapped to
    /// joint units, shrunk by `margin` (a fraction of each range) on both sides.
    public init(calibration: Calibration, margin: Float = 0) {
        var lower: [Float] = []
        var upper: [Float] = []
        for map in calibration.unitMaps {
            let a = Float(map.position(fromTicks: map.rangeMin))
            let b = Float(map.position(fromTicks: map.rangeMax))
            let lo = min(a, b)
            let hi = max(a, b)
            let inset = (hi - lo) * margin
            lower.append(lo + inset)
            upper.append(hi - inset)
        }
        self.init(lower: lower, upper: upper)
    }

    /// True when every entry of `position` is finite and inside its bounds.
    public func contains(_ position: [Float]) -> Bool {
        position.count == count && position.indices.allSatisfy {
            position[$0].isFinite && position[$0] >= lower[$0] && position[$0] <= upper[$0]
        }
    }

    /// The twin's joint ranges (the SO-101 MJCF's), what `run --sim` filters against and
    /// what a training rollout with `environment.safetyFilter` applies.
    public static let twin: JointLimits = {
        let kinds = RobotSpec.so101.joints.map(\.kind)
        return JointLimits(
            lower: kinds.indices.map { Float(TwinJointUnits.clamp(-.greatestFiniteMagnitude, joint: $0, kind: kinds[$0])) },
            upper: kinds.indices.map { Float(TwinJointUnits.clamp(.greatestFiniteMagnitude, joint: $0, kind: kinds[$0])) })
    }()

    /// The limits shrunk by `fraction` of each range on both sides (0: unchanged).
    public func inset(by fraction: Float) -> JointLimits {
        guard fraction > 0 else { return self }
        let margins = indices.map { (upper[$0] - lower[$0]) * fraction }
        return JointLimits(lower: indices.map { lower[$0] + margins[$0] }, upper: indices.map { upper[$0] - margins[$0] })
    }

    /// `position` moved into the bounds (a measured pose a hair outside them, from noise or contact).
    public func clamped(_ position: [Float]) -> [Float] {
        position.indices.map { min(max(position[$0], lower[$0]), upper[$0]) }
    }
}
