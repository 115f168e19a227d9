/// Parameters of the first-order motion model every virtual motor follows while
/// its torque is on: the position approaches the goal exponentially with time
/// constant `timeConstantSeconds`, never faster than the speed limit.
public struct VirtualMotionModel: Sendable, Equatable {
    /// Time constant of the approach to the goal, in seconds.
    public var timeConstantSeconds: Double
    /// Top speed in ticks per second when the motor's own speed register
    /// (Feetech Goal_Velocity, Dynamixel Profile_Velocity) is 0, meaning "as fast as it can".
    public var maxSpeedTicksPerSecond: Double
    /// Present_Load (0.1 % units) per tick of position error, saturating at ±100 %.
    public var loadPerTickOfError: Double

    /// STS3215 / XL330-like defaults: about 0.7 turn/s, 30 ms settling constant.
    public init(timeConstantSeconds: Double = 0.03, maxSpeedTicksPerSecond: Double = 3000, loadPerTickOfError: Double = 5) {
        self.timeConstantSeconds = timeConstantSeconds
        self.maxSpeedTicksPerSecond = maxSpeedTicksPerSecond
        self.loadPerTickOfError = loadPerTickOfError
    }
}

/// How a `VirtualServoBus` is set up.
public struct VirtualBusOptions: Sendable {
    /// Seed of the generator behind the probabilistic faults.
    public var seed: UInt64
    /// Faults in force from `start()`; change them later with `setFaults`.
    public var faults: VirtualBusFaults
    /// How the motors move (the simulated shafts).
    public var motion: VirtualMotionModel
    /// The shaft behind each motor, in the robot's joint order, replacing the simulated
    /// motion (`sim serve` puts the twin's joints here); nil: every motor simulated with `motion`.
    public var mechanics: [any VirtualServoMechanics]?
    /// A symlink to create to the pty's slave (e.g. /tmp/so101), removed by `stop()`.
    public var linkPath: String?
    /// Replace every motor's Return_Delay_Time register by this many microseconds.
    public var returnDelayOverrideMicroseconds: Int?
    /// The longest return delay honoured, in microseconds: a Dynamixel at its factory
    /// 250 (500 µs) would otherwise make every test slow.
    public var returnDelayCapMicroseconds: Int
    /// When true, a motor only hears packets sent at the baud rate of its Baud_Rate
    /// register, read from the pty's termios like a UART would see it.
    public var checkBaudRate: Bool
    /// The arm starts calibrated as this says (offsets and limits in EEPROM, every joint in the
    /// middle of its range), so `run` accepts it at once; nil: as LeRobot's motor set-up leaves
    /// it (offsets 0, limits 0…4095, at 2048). Must be a calibration of the bus's robot.
    public var calibration: Calibration?

    /// Defaults: seed 1, no faults, default simulated motion, no link, return delay as the
    /// registers say (capped at 200 µs), baud rate checked, not calibrated.
    public init(
        seed: UInt64 = 1, faults: VirtualBusFaults = .init(), motion: VirtualMotionModel = .init(),
        linkPath: String? = nil, returnDelayOverrideMicroseconds: Int? = nil,
        returnDelayCapMicroseconds: Int = 200, checkBaudRate: Bool = true, calibration: Calibration? = nil,
        mechanics: [any VirtualServoMechanics]? = nil
    ) {
        self.seed = seed
        self.faults = faults
        self.motion = motion
        self.mechanics = mechanics
        self.linkPath = linkPath
        self.returnDelayOverrideMicroseconds = returnDelayOverrideMicroseconds
        self.returnDelayCapMicroseconds = returnDelayCapMicroseconds
        self.checkBaudRate = checkBaudRate
        self.calibration = calibration
    }
}

/// What the virtual bus has seen and sent since it was created.
public struct VirtualBusStatistics: Sendable, Equatable {
    /// Valid instruction packets received (addressed to any ID).
    public var packetsReceived = 0
    /// Bytes skipped because they did not form a valid packet (bad checksum, noise).
    public var corruptBytesSkipped = 0
    /// Status packets written to the pty.
    public var repliesSent = 0
    /// Status packets withheld by the drop fault.
    public var repliesDropped = 0
    /// Status packets sent with a corrupted checksum.
    public var repliesCorrupted = 0
    /// Instruction packets received, by instruction code (raw so unknown codes count too).
    public var packetsByInstruction: [UInt8: Int] = [:]

    /// Packets that write registers: WRITE, REG WRITE and SYNC WRITE.
    public var writePackets: Int {
        [Instruction.write, .regWrite, .syncWrite].reduce(0) { $0 + packets(of: $1) }
    }

    /// How many packets with `instruction` were received.
    public func packets(of instruction: Instruction) -> Int { packetsByInstruction[instruction.rawValue, default: 0] }

    /// Nothing seen yet.
    public init() {}
}
