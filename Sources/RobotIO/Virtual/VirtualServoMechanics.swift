/// The physical side of one virtual servo: the shaft behind the control table.
///
/// The bus's protocol engine (`VirtualMotor`: registers, EEPROM and Lock rules, replies,
/// faults) is the same for every motor; what the shaft does is pluggable. The default,
/// ``SimulatedServoMechanics``, follows a first-order model; `sim serve` plugs in the
/// MuJoCo twin's joints. Positions are encoder ticks in the "actual" frame, before the
/// Homing_Offset (Feetech: present = actual − offset): the offset is a register, the
/// encoder's relation to the joint is mechanics.
///
/// Called with the bus's lock held, on the bus thread (or a test's): an implementation
/// returns at once and takes at most a short lock of its own.
public protocol VirtualServoMechanics: Sendable {
    /// Where the shaft is at `now` (monotonic ns), following the last drive it was given.
    /// The motor calls this before every access to its Present_* registers.
    mutating func advance(to now: UInt64) -> VirtualServoReading

    /// From `now` on the shaft follows `drive` (the motor calls this after a write changed
    /// the goal, the torque, the speed limit or the homing offset).
    mutating func follow(_ drive: VirtualServoDrive, at now: UInt64)

    /// Test set-up: the shaft is moved by hand to `position` (actual ticks) and stands still.
    /// Mechanics that cannot be moved by hand (a simulated arm under physics) ignore it.
    mutating func place(at position: Double, now: UInt64)
}

/// What the control table asks of the shaft.
public struct VirtualServoDrive: Sendable, Equatable {
    /// Goal_Position in actual ticks (the homing offset undone).
    public var goal: Double
    /// Torque_Enable: with torque off the shaft is limp.
    public var torqueEnabled: Bool
    /// The speed the servo's own register asks for (Feetech Goal_Velocity, Dynamixel
    /// Profile_Velocity), ticks per second; nil when 0, "as fast as it can".
    public var speedLimit: Double?

    /// A drive toward `goal`.
    public init(goal: Double, torqueEnabled: Bool, speedLimit: Double? = nil) {
        self.goal = goal
        self.torqueEnabled = torqueEnabled
        self.speedLimit = speedLimit
    }
}

/// The shaft as the encoder and the driver see it.
public struct VirtualServoReading: Sendable, Equatable {
    /// Encoder position, actual ticks (before the homing offset).
    public var position: Double
    /// Speed, ticks per second.
    public var velocity: Double
    /// Load in 0.1 % of full torque (−1000…1000), signed with the direction of the push.
    public var load: Double
    /// Whether the servo reports itself moving (its Moving register).
    public var isMoving: Bool
    /// The arm was put back at rest under torque since the last reading (the twin began a
    /// new episode): the motor then takes where it stands as its goal, torque on, as the
    /// twin holds it. Always false for mechanics nobody else moves.
    public var wasReset: Bool

    /// A reading.
    public init(position: Double, velocity: Double = 0, load: Double = 0, isMoving: Bool = false, wasReset: Bool = false) {
        self.position = position
        self.velocity = velocity
        self.load = load
        self.isMoving = isMoving
        self.wasReset = wasReset
    }
}
