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
    /// The drop, corruption, error-bit and silent-ID faults take effect this many seconds
    /// after `start()` (or `setFaults`), so a client can start cleanly and then meet them;
    /// nil: at once. The vanish timer counts on its own.
    public var delaySeconds: Double?

    /// No faults.
    public init(
        dropReplyProbability: Double = 0, corruptChecksumProbability: Double = 0,
        errorBits: [MotorID: UInt8] = [:], vanishAfterSeconds: Double? = nil, silentIDs: Set<MotorID> = [],
        delaySeconds: Double? = nil
    ) {
        self.dropReplyProbability = dropReplyProbability
        self.corruptChecksumProbability = corruptChecksumProbability
        self.errorBits = errorBits
        self.vanishAfterSeconds = vanishAfterSeconds
        self.silentIDs = silentIDs
        self.delaySeconds = delaySeconds
    }
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
