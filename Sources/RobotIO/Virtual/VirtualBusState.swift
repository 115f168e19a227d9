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
    var generator: SeededGenerator
    var statistics = VirtualBusStatistics()
    let options: VirtualBusOptions

    init(robot: RobotSpec, options: VirtualBusOptions, now: UInt64) {
        servoProtocol = robot.servoProtocol
        motors = robot.joints.map {
            VirtualMotor(joint: $0, baudRate: robot.baudRate, motion: options.motion, now: now)
        }
        faults = options.faults
        generator = SeededGenerator(seed: options.seed)
        self.options = options
    }

    /// Puts `faults` in force; the vanish timer counts from `now`.
    mutating func setFaults(_ faults: VirtualBusFaults, now: UInt64) {
        self.faults = faults
        vanishDeadline = faults.vanishAfterSeconds.map { now &+ UInt64(max(0, $0) * 1e9) }
    }

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

        // Motors that can hear this packet: plugged in and at the client's baud rate.
        let listening = motors.indices.filter { index in
            let motor = motors[index]
            if faults.silentIDs.contains(motor.id) { return false }
            guard options.checkBaudRate, let clientBaudRate, let baud = motor.baudRate else { return true }
            return baud == clientBaudRate
        }
        func listener(_ id: MotorID) -> Int? { listening.first { motors[$0].id == id } }

        let codec = servoProtocol.codec
        let width = codec.addressFieldWidth
        let params = Array(parameters)
        func field(_ at: Int) -> Int {
            width == 2 ? Int(params[at]) | Int(params[at + 1]) << 8 : Int(params[at])
        }
        let broadcast = codec.broadcastID
        var replies: [VirtualReply] = []
        func reply(_ index: Int, error: UInt8 = 0, data: [UInt8] = []) {
            replies.append(makeReply(motorIndex: index, requestID: motors[index].id, error: error, data: data))
        }

        guard let instruction = Instruction(rawValue: packet.code) else {
            // Dynamixel answers an unknown instruction with an instruction error; Feetech stays quiet.
            if servoProtocol == .dynamixel, packet.id != broadcast, let index = listener(packet.id) {
                reply(index, error: DynamixelCodec.InstructionError.instruction.rawValue)
            }
            return replies
        }

        switch instruction {
        case .ping:
            let targets = packet.id == broadcast
                ? listening.sorted { motors[$0].id < motors[$1].id } : listener(packet.id).map { [$0] } ?? []
            for index in targets {
                var data: [UInt8] = []
                if servoProtocol == .dynamixel {
                    // A real servo answers with its Model_Number register.
                    let modelNumber = Int(motors[index].value(of: .modelNumber) ?? Int64(motors[index].model.modelNumber))
                    data = [UInt8(truncatingIfNeeded: modelNumber), UInt8(truncatingIfNeeded: modelNumber >> 8),
                            UInt8(truncatingIfNeeded: motors[index].value(of: .firmwareVersion) ?? 0)]
                }
                reply(index, data: data)
            }

        case .read:
            guard packet.id != broadcast, let index = listener(packet.id) else { break }
            guard params.count == 2 * width else {
                if servoProtocol == .dynamixel { reply(index, error: DynamixelCodec.InstructionError.dataLength.rawValue) }
                break
            }
            motors[index].advance(to: now)
            if let data = motors[index].read(address: field(0), length: field(width)) {
                reply(index, data: data)
            } else {
                reply(index, error: DynamixelCodec.InstructionError.dataRange.rawValue)
            }

        case .write:
            guard params.count > width else { break }
            let address = field(0)
            let data = params[width...]
            if packet.id == broadcast {
                for index in listening { _ = motors[index].write(address: address, data: data, now: now) }
            } else if let index = listener(packet.id) {
                // Answer as the ID that was addressed and at the reply level in force before
                // this write, even when the write changes either.
                let requestID = motors[index].id
                let answers = motors[index].answers(.write)
                let error = motors[index].write(address: address, data: data, now: now)
                if answers {
                    replies.append(makeReply(motorIndex: index, requestID: requestID, error: error, data: []))
                }
            }

        case .syncWrite:
            guard packet.id == broadcast, params.count >= 2 * width else { break }
            let address = field(0)
            let length = field(width)
            var at = 2 * width
            while length > 0, at + 1 + length <= params.count {
                if let index = listener(params[at]) {
                    _ = motors[index].write(address: address, data: params[(at + 1)..<(at + 1 + length)], now: now)
                }
                at += 1 + length
            }

        case .syncRead:
            guard packet.id == broadcast, params.count >= 2 * width else { break }
            let address = field(0)
            let length = field(width)
            for id in params[(2 * width)...] {
                guard let index = listener(id) else { continue }
                motors[index].advance(to: now)
                if let data = motors[index].read(address: address, length: length) {
                    reply(index, data: data)
                } else {
                    reply(index, error: DynamixelCodec.InstructionError.dataRange.rawValue)
                }
            }

        case .bulkRead:
            guard servoProtocol == .dynamixel, packet.id == broadcast else { break }
            var at = 0
            while at + 5 <= params.count {
                let id = params[at]
                let address = Int(params[at + 1]) | Int(params[at + 2]) << 8
                let length = Int(params[at + 3]) | Int(params[at + 4]) << 8
                at += 5
                guard let index = listener(id) else { continue }
                motors[index].advance(to: now)
                if let data = motors[index].read(address: address, length: length) {
                    reply(index, data: data)
                } else {
                    reply(index, error: DynamixelCodec.InstructionError.dataRange.rawValue)
                }
            }

        case .reboot:
            guard servoProtocol == .dynamixel else { break }
            let targets = packet.id == broadcast ? listening : listener(packet.id).map { [$0] } ?? []
            for index in targets {
                if packet.id != broadcast && motors[index].answers(.reboot) { reply(index) }
                motors[index].reboot(now: now)
            }

        case .regWrite, .action, .factoryReset:
            // Not emulated: a Dynamixel says so with an instruction error, a Feetech stays quiet.
            if servoProtocol == .dynamixel, packet.id != broadcast, let index = listener(packet.id) {
                reply(index, error: DynamixelCodec.InstructionError.instruction.rawValue)
            }
        }
        return replies.filter { !$0.bytes.isEmpty }
    }

    /// Builds one status packet with the motor's fault bits, then applies the drop
    /// and corruption faults (a dropped reply comes back with no bytes).
    private mutating func makeReply(motorIndex index: Int, requestID: MotorID, error: UInt8, data: [UInt8]) -> VirtualReply {
        let motor = motors[index]
        let codec = servoProtocol.codec
        var bytes: [UInt8] = []
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
