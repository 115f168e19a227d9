/// Faults the virtual bus injects, to test how clients cope with a real bus's failures.
///
/// Probabilities apply per status packet, drawn from the bus's seeded generator so a
/// failing test replays the same faults.
public struct VirtualBusFaults: Sendable, Equatable {
    /// Fraction (0…1) of status packets that are never sent. The motor still carries
    /// out the instruction: only its reply is lost, like a collision on the wire.
    public var dropReplyProbability: Double
    /// Fraction (0…1) of status packets sent with a wrong checksum / CRC.
    public var corruptChecksumProbability: Double
    /// Bits OR-ed into the error byte of every status packet of a motor
    /// (Feetech: 0x20 overload, 0x04 overheat, …; Dynamixel: 0x80 hardware alert or
    /// an instruction error code). The motor keeps working, as a real one does.
    public var errorBits: [MotorID: UInt8]
    /// After this many seconds (counted from `start()` or from `setFaults`), the whole
    /// bus stops answering and ignores every instruction, like a power cut.
    public var vanishAfterSeconds: Double?
    /// Motors that behave as if unplugged: they neither answer nor act.
    public var silentIDs: Set<MotorID>

    /// No faults.
    public init(
        dropReplyProbability: Double = 0, corruptChecksumProbability: Double = 0,
        errorBits: [MotorID: UInt8] = [:], vanishAfterSeconds: Double? = nil, silentIDs: Set<MotorID> = []
    ) {
        self.dropReplyProbability = dropReplyProbability
        self.corruptChecksumProbability = corruptChecksumProbability
        self.errorBits = errorBits
        self.vanishAfterSeconds = vanishAfterSeconds
        self.silentIDs = silentIDs
    }
}

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
    /// How the motors move.
    public var motion: VirtualMotionModel
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

    /// Defaults: seed 1, no faults, default motion, no link, return delay as the
    /// registers say (capped at 200 µs), baud rate checked.
    public init(
        seed: UInt64 = 1, faults: VirtualBusFaults = .init(), motion: VirtualMotionModel = .init(),
        linkPath: String? = nil, returnDelayOverrideMicroseconds: Int? = nil,
        returnDelayCapMicroseconds: Int = 200, checkBaudRate: Bool = true
    ) {
        self.seed = seed
        self.faults = faults
        self.motion = motion
        self.linkPath = linkPath
        self.returnDelayOverrideMicroseconds = returnDelayOverrideMicroseconds
        self.returnDelayCapMicroseconds = returnDelayCapMicroseconds
        self.checkBaudRate = checkBaudRate
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

/// SplitMix64: a tiny seeded generator so fault injection is reproducible.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        p > 0 && Double.random(in: 0..<1, using: &self) < p
    }
}
