/// A status packet ready to send, and how long its motor waits before sending it.
struct VirtualReply: Sendable {
    var returnDelayMicroseconds: Int
    var bytes: [UInt8]
}

/// Everything the serving thread and the test API share, behind one lock:
/// the motors, the faults in force, the fault generator and the statistics.
/// Handling a packet is a pure step from (state, packet, time) to replies.
struct VirtualBusState: Sendable {
    let servoProtocol: ServoProtocol
    var motors: [VirtualMotor]
    var faults: VirtualBusFaults
    /// When the vanish fault takes the bus off the line (monotonic ns).
    var vanishDeadline: UInt64?
    /// When the other faults take effect (monotonic ns).
    var faultsFrom: UInt64 = 0
    /// Whether they are in effect for the packet being handled.
    private var faultsInEffect = true
    var generator: SeededGenerator
    var statistics = VirtualBusStatistics()
    let options: VirtualBusOptions

    init(robot: RobotSpec, options: VirtualBusOptions, now: UInt64) {
        servoProtocol = robot.servoProtocol
        precondition(options.mechanics.map { $0.count == robot.joints.count } ?? true,
                     "\(options.mechanics?.count ?? 0) shafts for \(robot.joints.count) motors")
        motors = robot.joints.indices.map { index in
            let shaft = options.mechanics?[index] ?? SimulatedServoMechanics(motion: options.motion, now: now)
            return VirtualMotor(joint: robot.joints[index], baudRate: robot.baudRate, mechanics: shaft, now: now)
        }
        if let calibration = options.calibration {
            precondition(calibration.robot == robot, "a \(calibration.robot.name) calibration on a \(robot.name) bus")
            for (index, joint) in calibration.joints.enumerated() { motors[index].calibrate(as: joint, now: now) }
        }
        faults = options.faults
        generator = SeededGenerator(seed: options.seed)
        self.options = options
    }

    /// Puts `faults` in force; the vanish timer counts from `now`.
    mutating func setFaults(_ faults: VirtualBusFaults, now: UInt64) {
        self.faults = faults
        vanishDeadline = faults.vanishAfterSeconds.map { now &+ UInt64(max(0, $0) * 1e9) }
        faultsFrom = now &+ UInt64(max(0, faults.delaySeconds ?? 0) * 1e9)
    }

    /// The faults that apply now: none before their delay has passed.
    private var effective: VirtualBusFaults { faultsInEffect ? faults : VirtualBusFaults() }

    /// Index of the motor answering to `id` (after any ID change).
    func motorIndex(id: MotorID) -> Int? { motors.firstIndex { $0.id == id } }

    /// Handles one decoded instruction packet whose parameters are `parameters`.
    /// `clientBaudRate` is the speed the client set on the pty (nil: unknown, accept).
    mutating func handle(
        packet: DecodedPacket, parameters: ArraySlice<UInt8>, clientBaudRate: Int?, now: UInt64
    ) -> [VirtualReply] {
        statistics.packetsReceived += 1
        statistics.packetsByInstruction[packet.code, default: 0] += 1
        if let vanishDeadline, now >= vanishDeadline { return [] }
        faultsInEffect = now >= faultsFrom

        let codec = servoProtocol.codec
        let request = VirtualRequest(
            id: packet.id, isBroadcast: packet.id == codec.broadcastID, parameters: Array(parameters),
            fieldWidth: codec.addressFieldWidth, listening: listeningMotors(clientBaudRate: clientBaudRate), now: now)
        var replies: [VirtualReply] = []
        switch Instruction(rawValue: packet.code) {
        case .ping: ping(request, replies: &replies)
        case .read: read(request, replies: &replies)
        case .write: write(request, replies: &replies)
        case .syncWrite: syncWrite(request)
        case .syncRead: syncRead(request, replies: &replies)
        case .bulkRead: bulkRead(request, replies: &replies)
        case .reboot: reboot(request, replies: &replies)
        case .regWrite, .action, .factoryReset, nil: refuseUnemulated(request, replies: &replies)
        }
        return replies.filter { !$0.bytes.isEmpty }
    }

    /// Indices of the motors that can hear a packet: plugged in and at the client's baud rate.
    private func listeningMotors(clientBaudRate: Int?) -> [Int] {
        motors.indices.filter { index in
            let motor = motors[index]
            if effective.silentIDs.contains(motor.id) { return false }
            guard options.checkBaudRate, let clientBaudRate, let baud = motor.baudRate else { return true }
            return baud == clientBaudRate
        }
    }

    /// Builds one status packet with the motor's fault bits, then applies the drop
    /// and corruption faults (a dropped reply comes back with no bytes).
    mutating func makeReply(motorIndex index: Int, requestID: MotorID, error: UInt8, data: [UInt8]) -> VirtualReply {
        let motor = motors[index]
        let codec = servoProtocol.codec
        var bytes: [UInt8] = []
        let faults = effective
        codec.appendStatus(id: requestID, error: error | (faults.errorBits[requestID] ?? 0), parameters: data, to: &bytes)
        var delay = options.returnDelayOverrideMicroseconds ?? motor.returnDelayMicroseconds
        delay = min(delay, options.returnDelayCapMicroseconds)
        if generator.chance(faults.dropReplyProbability) {
            statistics.repliesDropped += 1
            return VirtualReply(returnDelayMicroseconds: delay, bytes: [])
        }
        if generator.chance(faults.corruptChecksumProbability) {
            bytes[bytes.count - 1] ^= 0x5A
            statistics.repliesCorrupted += 1
        }
        statistics.repliesSent += 1
        return VirtualReply(returnDelayMicroseconds: delay, bytes: bytes)
    }
}
