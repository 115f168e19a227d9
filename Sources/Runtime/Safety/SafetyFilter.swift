import RobotIO

/// Why the safety filter changed (or refused) a target this tick.
public struct SafetyFlags: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A target was outside the calibrated range and was clamped to it.
    public static let clampedToLimits = SafetyFlags(rawValue: 1 << 0)
    /// A target was further than the allowed change per tick and was slowed.
    public static let clampedStep = SafetyFlags(rawValue: 1 << 1)
    /// The target held NaN or ±Inf: refused, the last command is held.
    public static let nonFiniteTarget = SafetyFlags(rawValue: 1 << 2)
    /// No target this tick (no fresh chunk, watchdog, stop): the last command is held.
    public static let holding = SafetyFlags(rawValue: 1 << 3)
    /// Inside the start-up ramp: the step limit is reduced.
    public static let ramping = SafetyFlags(rawValue: 1 << 4)

    /// Names for logs.
    public var names: [String] {
        var out: [String] = []
        if contains(.clampedToLimits) { out.append("limit") }
        if contains(.clampedStep) { out.append("step") }
        if contains(.nonFiniteTarget) { out.append("non_finite") }
        if contains(.holding) { out.append("hold") }
        if contains(.ramping) { out.append("ramp") }
        return out
    }
}

/// Refusals before the first tick.
public enum SafetyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The arm starts outside its calibrated range.
    case startOutsideLimits(joint: String, position: Float, lower: Float, upper: Float)
    /// The state vector does not match the limits.
    case jointCountMismatch(expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .startOutsideLimits(joint, position, lower, upper):
            "\(joint) is at \(position), outside its calibrated range [\(lower), \(upper)]. "
                + "Move it inside by hand (torque is off) or recalibrate, then start again."
        case let .jointCountMismatch(expected, found):
            "the robot reports \(found) joints but the limits cover \(expected)"
        }
    }
}

/// The always-on last stage before a goal reaches the bus: calibrated joint
/// limits, a maximum change per tick, refusal of NaN / Inf, hold when there is
/// no target, and a slow ramp from the current pose at start.
///
/// Invariant (property-tested): after `begin(at:)` succeeded, every command the
/// filter returns is finite, inside the limits, and within the step limit of the
/// previous command. Real-time safe: no allocation after `begin`.
public struct SafetyFilter: Sendable {
    /// Joint bounds.
    public let limits: JointLimits
    /// Largest change per tick per joint (joint units).
    public let maxStep: [Float]
    /// Ticks over which the step limit ramps from `rampStartFraction` to 1.
    public let rampTicks: Int
    /// The fraction of `maxStep` allowed on the first tick.
    public let rampStartFraction: Float
    /// Joint names for messages.
    public let jointNames: [String]

    /// The last command sent (or the start pose).
    public private(set) var lastCommand: [Float]
    /// Ticks filtered since `begin`.
    public private(set) var ticks = 0

    /// Creates a filter. `maxStep` is per joint, in joint units per tick.
    public init(limits: JointLimits, maxStep: [Float], rampTicks: Int, rampStartFraction: Float = 0.1,
                jointNames: [String]) {
        precondition(maxStep.count == limits.count && jointNames.count == limits.count)
        precondition(maxStep.allSatisfy { $0 > 0 && $0.isFinite }, "step limits must be positive")
        self.limits = limits
        self.maxStep = maxStep
        self.rampTicks = max(0, rampTicks)
        self.rampStartFraction = min(max(rampStartFraction, 0.01), 1)
        self.jointNames = jointNames
        self.lastCommand = limits.lower
    }

    /// Starts from the measured pose. Refuses a pose outside the limits: the
    /// filter would otherwise have to command a jump, or hold an illegal pose.
    public mutating func begin(at pose: [Float]) throws(SafetyError) {
        guard pose.count == limits.count else {
            throw .jointCountMismatch(expected: limits.count, found: pose.count)
        }
        for i in pose.indices where !(pose[i].isFinite && pose[i] >= limits.lower[i] && pose[i] <= limits.upper[i]) {
            throw .startOutsideLimits(joint: jointNames[i], position: pose[i], lower: limits.lower[i],
                                      upper: limits.upper[i])
        }
        lastCommand = pose
        ticks = 0
    }

    /// Filters one tick's target into `command` (which must have one entry per joint).
    /// A nil target holds the last command.
    public mutating func filter(_ target: UnsafeBufferPointer<Float>?, into command: inout [Float]) -> SafetyFlags {
        var flags: SafetyFlags = []
        defer { ticks += 1 }
        let scale: Float
        if ticks < rampTicks {
            flags.insert(.ramping)
            scale = rampStartFraction + (1 - rampStartFraction) * Float(ticks) / Float(rampTicks)
        } else {
            scale = 1
        }
        guard let target, target.count == limits.count else {
            flags.insert(.holding)
            command = lastCommand
            return flags
        }
        for value in target where !value.isFinite {
            flags.formUnion([.nonFiniteTarget, .holding])
            command = lastCommand
            return flags
        }
        for i in 0..<limits.count {
            var goal = target[i]
            if goal < limits.lower[i] {
                goal = limits.lower[i]
                flags.insert(.clampedToLimits)
            } else if goal > limits.upper[i] {
                goal = limits.upper[i]
                flags.insert(.clampedToLimits)
            }
            let step = maxStep[i] * scale
            let delta = goal - lastCommand[i]
            if delta > step {
                goal = lastCommand[i] + step
                flags.insert(.clampedStep)
            } else if delta < -step {
                goal = lastCommand[i] - step
                flags.insert(.clampedStep)
            }
            // lastCommand is inside the limits and goal moved towards a point inside them.
            command[i] = min(max(goal, limits.lower[i]), limits.upper[i])
            lastCommand[i] = command[i]
        }
        return flags
    }

    /// This filter as it stands (last command, ticks into the ramp) with every step limit
    /// scaled by `fraction`: what it would let through at that share of its speed from here
    /// on (training labels keep a margin below the limit).
    public func slowed(by fraction: Float) -> SafetyFilter {
        var copy = SafetyFilter(limits: limits, maxStep: maxStep.map { $0 * fraction }, rampTicks: rampTicks,
                                rampStartFraction: rampStartFraction, jointNames: jointNames)
        copy.lastCommand = lastCommand
        copy.ticks = ticks
        return copy
    }

    /// Holds the last command (no target this tick).
    public mutating func hold(into command: inout [Float]) -> SafetyFlags {
        filter(nil as UnsafeBufferPointer<Float>?, into: &command)
    }

    /// Filters an array target.
    public mutating func filter(_ target: [Float], into command: inout [Float]) -> SafetyFlags {
        target.withUnsafeBufferPointer { filter($0, into: &command) }
    }

    /// `run`'s default largest change of an arm joint per tick (radians).
    public static let defaultMaxStepRadians: Float = 0.05
    /// `run`'s default largest change of the gripper opening per tick (0 closed … 1 open).
    public static let defaultMaxGripperStep: Float = 0.05

    /// `run`'s default seconds of robot time over which the step limit ramps up at start.
    public static let defaultRampSeconds = 2.0

    /// The filter `run` puts in front of `robot`: its calibrated limits, `arm` / `gripper` step
    /// limits by joint kind, and a start-up ramp of `rampSeconds` counted in the robot's own
    /// ticks (`robotHertz`). `bench loop` builds its filter here too, so it times what `run` runs.
    public init(forRunOn robot: any RobotBackend, kinds: [JointKind], robotHertz: Double,
                arm: Float = defaultMaxStepRadians, gripper: Float = defaultMaxGripperStep,
                rampSeconds: Double = defaultRampSeconds) {
        self.init(limits: robot.limits, maxStep: Self.maxSteps(for: kinds, arm: arm, gripper: gripper),
                  rampTicks: Int(rampSeconds * robotHertz), jointNames: robot.jointNames)
    }

    /// The per-joint step limits for joints of `kinds`: `arm` for revolute joints, `gripper` for the gripper.
    public static func maxSteps(for kinds: [JointKind], arm: Float = defaultMaxStepRadians,
                                gripper: Float = defaultMaxGripperStep) -> [Float] {
        kinds.map { $0 == .gripper ? gripper : arm }
    }

    /// A twin pose (noise-free joint units) as a start for a filter with ``JointLimits/twin``:
    /// clamped into the limits, which a joint can touch under contact.
    public static func twinPose(_ joints: [Double]) -> [Float] {
        JointLimits.twin.clamped(joints.map { Float($0) })
    }
}
