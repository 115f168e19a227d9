import RobotIO

/// A virtual servo's shaft that is a joint of the served twin: the bus's protocol engine
/// (control table, EEPROM and Lock rules, return delay, faults) stays `VirtualServoBus`'s;
/// the position, speed and load it reports are the twin joint's through the mount, and the
/// goal, torque and speed limit it is given drive the twin joint's actuator.
///
/// Runs on the bus thread; it meets the physics thread only inside the board's short lock.
public struct TwinServoMechanics: VirtualServoMechanics {
    /// The twin's side.
    public let board: TwinJointBoard
    /// The joint this servo drives, in `RobotSpec.so101` order.
    public let joint: Int
    /// Where the joint sits on the encoder.
    public let mount: TwinServoMount
    /// Episodes the twin had begun when this shaft last heard from it; nil until the first
    /// reading, which therefore counts as a reset: the servo starts holding the rest pose.
    private var episodesSeen: Int?

    /// Below this speed the servo reports itself still (ticks per second): the held joint
    /// trembles by a fraction of a tick per physics step.
    public static let movingThreshold = TwinServoModel.so101.movingThresholdTicksPerSecond
    /// This servo's threshold (the servo model's).
    public let movingThreshold: Double

    /// The shaft of `joint` on `board`, mounted as `mount` says.
    public init(board: TwinJointBoard, joint: Int, mount: TwinServoMount, movingThreshold: Double = Self.movingThreshold) {
        self.board = board
        self.joint = joint
        self.mount = mount
        self.movingThreshold = movingThreshold
    }

    public mutating func advance(to now: UInt64) -> VirtualServoReading {
        let twin = board.reading(joint: joint)
        let wasReset = episodesSeen != twin.episodesStarted
        episodesSeen = twin.episodesStarted
        let velocity = mount.tickRate(fromJointRate: twin.velocity)
        // Load follows the encoder's direction, 0.1 % of full torque.
        let load = twin.effort * 1000 * (mount.ticksPerUnit < 0 ? -1 : 1)
        return VirtualServoReading(position: mount.actualTicks(atJoint: twin.position), velocity: velocity, load: load,
                                   isMoving: abs(velocity) >= movingThreshold, wasReset: wasReset)
    }

    public mutating func follow(_ drive: VirtualServoDrive, at now: UInt64) {
        // The registers speak after any reset the board has seen: they win.
        episodesSeen = board.drive(joint: joint, goal: mount.jointPosition(atActualTicks: drive.goal),
                                   torqueEnabled: drive.torqueEnabled,
                                   speedLimit: drive.speedLimit.map(mount.jointRate(fromTickRate:)) ?? .infinity)
    }

    /// The twin's joints move by physics only.
    public func place(at position: Double, now: UInt64) {}
}
