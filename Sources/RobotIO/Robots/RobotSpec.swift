/// How a joint's motor is driven.
public enum JointKind: String, Sendable, Codable, Hashable {
    /// A revolute arm joint, in radians in the project's joint units.
    case revolute
    /// A gripper, as an opening 0 (closed) … 1 (open).
    case gripper
}

/// One joint of a robot: its motor and how it is driven.
public struct JointSpec: Sendable, Hashable {
    /// Joint name, as in LeRobot calibration files and checkpoints.
    public var name: String
    /// Servo ID on the bus.
    public var id: MotorID
    /// Motor model.
    public var model: MotorModel
    /// Revolute joint or gripper.
    public var kind: JointKind
    /// Operating_Mode value to use (Feetech 0 = position; Dynamixel 3 = position,
    /// 4 = extended position, 5 = current-based position).
    public var operatingMode: Int
    /// Position gains written at configure time (P, I, D), in the model's units.
    public var gains: (p: Int, i: Int, d: Int)
    /// True for joints that turn more than a full revolution (wrist roll): they
    /// are homed but not given position limits during calibration.
    public var fullTurn: Bool

    public static func == (a: JointSpec, b: JointSpec) -> Bool {
        a.name == b.name && a.id == b.id && a.model == b.model && a.kind == b.kind
            && a.operatingMode == b.operatingMode && a.gains == b.gains && a.fullTurn == b.fullTurn
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(id)
    }
}

/// The robots users plug in: which motors, in which joint order.
public struct RobotSpec: Sendable, Hashable {
    /// Short name used on the command line (`--robot so101`).
    public var name: String
    /// Human-readable name.
    public var displayName: String
    /// Bus protocol of every motor.
    public var servoProtocol: ServoProtocol
    /// Default baud rate.
    public var baudRate: Int
    /// Joints in the project's joint order (the order of state and action vectors).
    public var joints: [JointSpec]

    /// Joint names in order.
    public var jointNames: [String] { joints.map(\.name) }
    /// Motor IDs in joint order.
    public var ids: [MotorID] { joints.map(\.id) }

    /// The joint with this name, if any.
    public func joint(named name: String) -> JointSpec? { joints.first { $0.name == name } }

    /// A known robot by its command-line name.
    public static func named(_ name: String) -> RobotSpec? {
        all.first { $0.name == name.lowercased() }
    }

    /// Every robot pirl-robot knows.
    public static let all: [RobotSpec] = [.so101, .so100, .koch]

    /// The joint order shared by SO-100, SO-101 and Koch followers.
    public static let armJointNames = [
        "shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper",
    ]

    /// SO-101 follower: six STS3215 at 1 Mbaud, position mode, LeRobot's gains
    /// (P 16, I 0, D 32 to limit shakiness).
    public static let so101 = RobotSpec(
        name: "so101", displayName: "SO-101 follower", servoProtocol: .feetech, baudRate: 1_000_000,
        joints: armJointNames.enumerated().map { index, name in
            JointSpec(
                name: name, id: MotorID(index + 1), model: .sts3215,
                kind: name == "gripper" ? .gripper : .revolute, operatingMode: 0,
                gains: (p: 16, i: 0, d: 32), fullTurn: name == "wrist_roll")
        })

    /// SO-100 follower: same motors and order as SO-101.
    public static let so100: RobotSpec = {
        var spec = so101
        spec.name = "so100"
        spec.displayName = "SO-100 follower"
        return spec
    }()

    /// Koch follower: XL430-W250 on joints 1–2, XL330-M288 on 3–6; extended
    /// position mode on the arm, current-based position on the gripper.
    public static let koch = RobotSpec(
        name: "koch", displayName: "Koch follower", servoProtocol: .dynamixel, baudRate: 1_000_000,
        joints: armJointNames.enumerated().map { index, name in
            JointSpec(
                name: name, id: MotorID(index + 1), model: index < 2 ? .xl430w250 : .xl330m288,
                kind: name == "gripper" ? .gripper : .revolute, operatingMode: name == "gripper" ? 5 : 4,
                gains: (p: name == "elbow_flex" ? 1500 : 800, i: 0, d: name == "elbow_flex" ? 600 : 0),
                fullTurn: name == "wrist_roll")
        })
}
