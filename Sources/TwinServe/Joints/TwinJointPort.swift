/// The arm's side of the served twin: what a servo bus (the Feetech pty of `sim serve`,
/// or a test script) gives the twin and gets back. Joint values are joint units
/// (radians; gripper opening 0 closed … 1 open) in ``RobotIO/RobotSpec/so101`` order,
/// as everywhere between the runtime and the twin.
///
/// The host calls all three methods on its physics thread, 500 times a second: an
/// implementation takes at most a short lock and never waits for I/O, or physics falls
/// behind wall-clock time.
public protocol TwinJointPort: AnyObject, Sendable {
    /// Copies the command the arm follows now into `command`, before a physics step.
    /// A joint whose goal is left as it is keeps following it.
    func readCommand(into command: inout TwinJointCommand)

    /// The arm after a physics step.
    func publish(_ state: TwinJointState)

    /// A new episode began: the scene was reset and the arm stands at rest at `restPose`,
    /// torque on. The port makes `restPose` its goal, so the arm stays at rest until a
    /// client writes a new goal (as a servo that was power-cycled holds where it is).
    func episodeDidStart(restPose: [Double])
}

/// What the servos are told: a goal position, torque enable and speed limit per joint.
public struct TwinJointCommand: Sendable, Equatable {
    /// Goal positions, joint units; clamped to the joints' ranges by the host.
    public var goals: [Double]
    /// Torque enable; a joint with torque off is limp (its actuator exerts no force).
    public var torqueEnabled: [Bool]
    /// Top speed of each servo's setpoint toward its goal, joint units per second, as a
    /// servo's speed register sets it; infinity: the goal at once, only the actuator's
    /// torque limit and the joint's damping slow the arm.
    public var speedLimits: [Double]

    /// A command holding `goals` with torque on everywhere and no speed limit.
    public init(goals: [Double], torqueEnabled: [Bool]? = nil, speedLimits: [Double]? = nil) {
        self.goals = goals
        self.torqueEnabled = torqueEnabled ?? [Bool](repeating: true, count: goals.count)
        self.speedLimits = speedLimits ?? [Double](repeating: .infinity, count: goals.count)
    }
}

/// What the servos report.
public struct TwinJointState: Sendable, Equatable {
    /// Present positions, joint units.
    public var positions: [Double]
    /// Present velocities, joint units per second.
    public var velocities: [Double]
    /// Force of each joint's actuator as a fraction of its limit (−1…1; the arm's limit is the
    /// STS3215 stall torque): what a servo reports as its load.
    public var efforts: [Double]
    /// Seconds since the current episode began (twin time, which runs with the wall clock).
    public var episodeTime: Double
    /// The current episode (0 for the first).
    public var episode: Int

    /// A state of `jointCount` joints at zero.
    public init(jointCount: Int) {
        positions = [Double](repeating: 0, count: jointCount)
        velocities = positions
        efforts = positions
        episodeTime = 0
        episode = 0
    }
}
