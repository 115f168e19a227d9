import Logging

/// A half-duplex servo bus: one transport, one protocol, request/response
/// transactions. Encoding is the codec's job and the register map is the
/// control table's; this type owns only the wire exchange, timeouts and retries.
///
/// Not thread-safe: the control thread owns its bus. The transaction buffers
/// are allocated once, so a control tick (one sync read, one sync write)
/// allocates nothing.
public final class MotorBus {
    /// The transport (serial adapter or pty).
    public let transport: any SerialTransport
    /// The protocol spoken on this bus.
    public let servoProtocol: ServoProtocol
    /// Timeouts, retries, fault policy.
    public var options: MotorBusOptions
    /// Receives hardware-fault warnings when the policy is `.warn` (and for
    /// torque-off, which never fails on them).
    public var warningHandler: @Sendable (MotorFault) -> Void
    /// Counters for diagnostics and benchmarks.
    public private(set) var statistics = MotorBusStatistics()

    let codec: any PacketCodec.Type
    private var txBuffer: [UInt8] = []
    private var paramBuffer: [UInt8] = []
    private var rxBuffer: [UInt8] = Array(repeating: 0, count: 4096)
    private var rxStart = 0
    private var rxEnd = 0
    private var faultsThisTransaction: [MotorFault] = []
    private var answered: [Bool] = Array(repeating: false, count: 256)

    /// Wraps an open transport.
    public init(transport: any SerialTransport, servoProtocol: ServoProtocol, options: MotorBusOptions? = nil,
                logger: Logger = Logger(label: "pirl.robotio.bus")) {
        self.transport = transport
        self.servoProtocol = servoProtocol
        self.codec = servoProtocol.codec
        self.options = options ?? .forTransport(transport)
        self.warningHandler = { fault in logger.warning("\(fault)") }
        txBuffer.reserveCapacity(1024)
        paramBuffer.reserveCapacity(1024)
        faultsThisTransaction.reserveCapacity(32)
    }

    /// Opens `port` (pty or adapter, chosen automatically) and wraps it.
    public static func open(port: String, servoProtocol: ServoProtocol, baudRate: Int,
                            options: MotorBusOptions? = nil) throws(MotorBusError) -> MotorBus {
        do throws(SerialError) {
            let transport = try SerialPortOpener.open(port, baudRate: baudRate)
            return MotorBus(transport: transport, servoProtocol: servoProtocol, options: options)
        } catch {
            throw .transport(error)
        }
    }

    /// The port path, for messages.
    public var port: String { transport.path }

    /// Closes the transport.
    public func close() { transport.close() }

    // MARK: - Wire exchange

    /// Microseconds `bytes` take on the wire at the current baud (10 bits per byte).
    public func wireMicroseconds(bytes: Int) -> Int {
        bytes * 10_000_000 / max(1, transport.baudRate)
    }

    /// Sends `txBuffer` after discarding stale input.
    private func sendRequest() throws(MotorBusError) {
        rxStart = 0
        rxEnd = 0
        do throws(SerialError) {
            try transport.flushInput()
            try transport.write(txBuffer)
        } catch {
            throw .transport(error)
        }
        statistics.packetsSent += 1
        statistics.bytesSent += txBuffer.count
    }

    /// The outcome of waiting for one status packet.
    private enum Receive {
        case packet(DecodedPacket)
        case timeout(corruption: CorruptPacketReason?)
    }

    /// Waits for the next valid status packet until `deadline`, skipping noise.
    private func receiveStatus(deadline: UInt64) throws(MotorBusError) -> Receive {
        var corruption: CorruptPacketReason?
        while true {
            if rxEnd > rxStart {
                switch codec.decodeStatus(in: &rxBuffer, from: rxStart, to: rxEnd) {
                case .packet(let packet):
                    rxStart += packet.consumed
                    statistics.packetsReceived += 1
                    statistics.bytesReceived += packet.consumed
                    return .packet(packet)
                case .corrupt(let skip, let reason):
                    rxStart += skip
                    // Count a corrupt packet once, and keep its reason rather than the noise after it.
                    if corruption == nil || corruption == .noHeader {
                        if corruption == nil { statistics.corruptPackets += 1 }
                        corruption = reason
                    }
                    continue
                case .incomplete:
                    break
                }
            }
            if rxStart > 0 && rxStart == rxEnd {
                rxStart = 0
                rxEnd = 0
            } else if rxEnd == rxBuffer.count {
                // Compact: move the partial packet to the front.
                let pending = rxEnd - rxStart
                for i in 0..<pending { rxBuffer[i] = rxBuffer[rxStart + i] }
                rxStart = 0
                rxEnd = pending
                if pending == rxBuffer.count { rxEnd = 0 }  // a buffer of noise: drop it
            }
            let end = rxEnd
            let result = rxBuffer.withUnsafeMutableBytes { raw in
                Result { () throws(SerialError) -> Int in
                    try transport.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]), deadline: deadline)
                }
            }
            let n: Int
            switch result {
            case .success(let count): n = count
            case .failure(let error): throw .transport(error)
            }
            if n == 0 { return .timeout(corruption: corruption) }
            rxEnd += n
        }
    }

    /// Deadline for `replies` status packets of `parameterBytes` each, after the request went out.
    private func replyDeadline(replies: Int, parameterBytes: Int) -> UInt64 {
        let bytes = txBuffer.count + replies * (codec.statusOverhead + parameterBytes)
        return MonotonicClock.deadline(afterMicroseconds: wireMicroseconds(bytes: bytes) + options.replyAllowanceMicroseconds)
    }

    /// Records a status error byte: Dynamixel instruction errors throw at once;
    /// hardware conditions are collected for the end of the transaction.
    private func inspect(status: UInt8, of motor: Motor, operation: String) throws(MotorBusError) {
        guard status != 0 else { return }
        if servoProtocol == .dynamixel {
            let error = DynamixelCodec.StatusError(rawValue: status)
            if let rejected = error.instructionError {
                throw .instructionRejected(port: port, motor: motor, error: rejected, operation: operation)
            }
        }
        faultsThisTransaction.append(MotorFault(motor: motor, statusByte: status, servoProtocol: servoProtocol))
    }

    /// Applies the fault policy to what the transaction collected.
    private func finishFaults(policy: HardwareFaultPolicy) throws(MotorBusError) {
        guard !faultsThisTransaction.isEmpty else { return }
        statistics.hardwareFaults += faultsThisTransaction.count
        defer { faultsThisTransaction.removeAll(keepingCapacity: true) }
        switch policy {
        case .warn: for fault in faultsThisTransaction { warningHandler(fault) }
        case .throwError: throw .hardwareFault(port: port, faults: faultsThisTransaction)
        }
    }

    /// One request to one motor and its one reply, retried on timeout or corruption.
    /// Returns the reply's parameter range in the receive buffer (valid until the next call).
    private func transact(
        _ motor: Motor, instruction: Instruction, expectedParameterBytes: Int, operation: String,
        policy: HardwareFaultPolicy
    ) throws(MotorBusError) -> Range<Int> {
        let attempts = max(1, options.retries + 1)
        var lastCorruption: CorruptPacketReason?
        faultsThisTransaction.removeAll(keepingCapacity: true)
        for attempt in 1...attempts {
            if attempt > 1 { statistics.retries += 1 }
            txBuffer.removeAll(keepingCapacity: true)
            paramBuffer.withUnsafeBytes {
                codec.appendInstruction(id: motor.id, instruction: instruction.rawValue, parameters: $0, to: &txBuffer)
            }
            try sendRequest()
            let deadline = replyDeadline(replies: 1, parameterBytes: expectedParameterBytes)
            while true {
                switch try receiveStatus(deadline: deadline) {
                case .timeout(let corruption):
                    lastCorruption = corruption ?? lastCorruption
                case .packet(let packet):
                    guard packet.id == motor.id else { continue }  // a late reply from someone else
                    guard packet.parameters.count == expectedParameterBytes else {
                        lastCorruption = .badLength(packet.parameters.count)
                        statistics.corruptPackets += 1
                        break
                    }
                    try inspect(status: packet.code, of: motor, operation: operation)
                    try finishFaults(policy: policy)
                    return packet.parameters
                }
                break
            }
        }
        statistics.failedTransactions += 1
        if let lastCorruption {
            throw .corruptReplies(port: port, motors: [motor], operation: operation,
                                  reason: lastCorruption.description, attempts: attempts)
        }
        throw .noResponse(port: port, motors: [motor], operation: operation, attempts: attempts)
    }

    // MARK: - Instructions

    /// PING one motor. Dynamixel replies carry the model number and firmware;
    /// for Feetech both are read from the control table afterwards.
    public func ping(_ id: MotorID) throws(MotorBusError) -> PingReply {
        paramBuffer.removeAll(keepingCapacity: true)
        let probe = Motor(id: id, model: servoProtocol == .feetech ? .sts3215 : .xl330m288)
        let expected = servoProtocol == .dynamixel ? 3 : 0
        let range = try transact(probe, instruction: .ping, expectedParameterBytes: expected, operation: "ping",
                                 policy: .warn)
        if servoProtocol == .dynamixel {
            let model = Int(rxBuffer[range.lowerBound]) | Int(rxBuffer[range.lowerBound + 1]) << 8
            return PingReply(id: id, modelNumber: model, firmware: Int(rxBuffer[range.lowerBound + 2]))
        }
        let model = try? read(.modelNumber, of: probe, policy: .warn)
        let firmware = try? read(.firmwareMajorVersion, of: probe, policy: .warn)
        return PingReply(id: id, modelNumber: model.map(Int.init), firmware: firmware.map(Int.init))
    }

    /// PING to the broadcast ID: every motor answers (in ID order, spaced by
    /// its return delay). Collects replies until the bus is quiet.
    public func broadcastPing() throws(MotorBusError) -> [PingReply] {
        paramBuffer.removeAll(keepingCapacity: true)
        txBuffer.removeAll(keepingCapacity: true)
        codec.appendInstruction(id: codec.broadcastID, instruction: .ping, parameters: [], to: &txBuffer)
        try sendRequest()
        var replies: [PingReply] = []
        // The first reply may take the whole allowance; after it, stop at the first quiet gap.
        var deadline = MonotonicClock.deadline(afterMicroseconds: options.replyAllowanceMicroseconds
                                               + options.broadcastQuietMicroseconds)
        while case .packet(let packet) = try receiveStatus(deadline: deadline) {
            var reply = PingReply(id: packet.id)
            if servoProtocol == .dynamixel && packet.parameters.count >= 3 {
                let p = packet.parameters.lowerBound
                reply.modelNumber = Int(rxBuffer[p]) | Int(rxBuffer[p + 1]) << 8
                reply.firmware = Int(rxBuffer[p + 2])
            }
            if !replies.contains(where: { $0.id == reply.id }) { replies.append(reply) }
            deadline = MonotonicClock.deadline(afterMicroseconds: options.broadcastQuietMicroseconds)
        }
        if servoProtocol == .feetech {
            for i in replies.indices {
                let probe = Motor(id: replies[i].id, model: .sts3215)
                replies[i].modelNumber = (try? read(.modelNumber, of: probe, policy: .warn)).map(Int.init)
                replies[i].firmware = (try? read(.firmwareMajorVersion, of: probe, policy: .warn)).map(Int.init)
            }
        }
        return replies.sorted { $0.id < $1.id }
    }

    /// Pings each ID in `ids` in turn (one retry each) and returns those that answered.
    public func scan(ids: some Sequence<MotorID>) -> [PingReply] {
        let saved = options.retries
        options.retries = 1
        defer { options.retries = saved }
        return ids.compactMap { try? ping($0) }
    }

    private func spec(_ register: Register, of motor: Motor) throws(MotorBusError) -> RegisterSpec {
        do {
            return try motor.model.controlTable.spec(register)
        } catch {
            throw .register(port: port, message: "\(motor): \(error)")
        }
    }

    /// READ one register of one motor, decoded with the model's encoding.
    public func read(_ register: Register, of motor: Motor, policy: HardwareFaultPolicy? = nil)
        throws(MotorBusError) -> Int64
    {
        let spec = try spec(register, of: motor)
        paramBuffer.removeAll(keepingCapacity: true)
        codec.appendAddressField(spec.address, to: &paramBuffer)
        codec.appendAddressField(spec.size, to: &paramBuffer)
        let range = try transact(motor, instruction: .read, expectedParameterBytes: spec.size,
                                 operation: "read \(register.rawValue)", policy: policy ?? options.hardwareFaultPolicy)
        return spec.decode(rxBuffer, at: range.lowerBound)
    }

    /// READ raw bytes from an address (for registers not in the table).
    public func readRaw(address: Int, length: Int, of motor: Motor) throws(MotorBusError) -> [UInt8] {
        paramBuffer.removeAll(keepingCapacity: true)
        codec.appendAddressField(address, to: &paramBuffer)
        codec.appendAddressField(length, to: &paramBuffer)
        let range = try transact(motor, instruction: .read, expectedParameterBytes: length,
                                 operation: "read address \(address)", policy: options.hardwareFaultPolicy)
        return Array(rxBuffer[range])
    }

    /// WRITE one register of one motor and wait for its acknowledgement.
    public func write(_ register: Register, of motor: Motor, value: Int64, policy: HardwareFaultPolicy? = nil)
        throws(MotorBusError)
    {
        let spec = try spec(register, of: motor)
        guard spec.writable else {
            throw .register(port: port, message: "\(register.rawValue) of \(motor) is read-only")
        }
        paramBuffer.removeAll(keepingCapacity: true)
        codec.appendAddressField(spec.address, to: &paramBuffer)
        do {
            try spec.encode(value, into: &paramBuffer)
        } catch {
            throw .valueOutOfRange(port: port, motor: motor, register: register, error: error)
        }
        _ = try transact(motor, instruction: .write, expectedParameterBytes: 0,
                         operation: "write \(register.rawValue)", policy: policy ?? options.hardwareFaultPolicy)
    }

    /// The one spec every motor of a sync transaction shares.
    private func sharedSpec(_ register: Register, motors: [Motor]) throws(MotorBusError) -> RegisterSpec {
        guard let first = motors.first else {
            throw .register(port: port, message: "a sync transaction needs at least one motor")
        }
        let spec = try spec(register, of: first)
        for motor in motors.dropFirst() {
            let other = try self.spec(register, of: motor)
            if other.address != spec.address || other.size != spec.size {
                throw .register(port: port, message: "\(register.rawValue) sits at different addresses on "
                                + "\(first) and \(motor); use a bulk read")
            }
        }
        return spec
    }

    /// SYNC READ one register from several motors; `values[i]` receives motor i's value.
    /// Missing or corrupt replies retry the whole read up to `options.retries` times, then
    /// the error names every motor that did not answer.
    public func syncRead(_ register: Register, from motors: [Motor], into values: inout [Int64],
                         policy: HardwareFaultPolicy? = nil) throws(MotorBusError)
    {
        let spec = try sharedSpec(register, motors: motors)
        if values.count != motors.count { values = Array(repeating: 0, count: motors.count) }
        paramBuffer.removeAll(keepingCapacity: true)
        codec.appendAddressField(spec.address, to: &paramBuffer)
        codec.appendAddressField(spec.size, to: &paramBuffer)
        for motor in motors { paramBuffer.append(motor.id) }
        try collect(instruction: .syncRead, motors: motors, sizes: nil, spec: spec, values: &values,
                    operation: "sync read \(register.rawValue)", policy: policy ?? options.hardwareFaultPolicy)
    }

    /// Dynamixel BULK READ: a different register per motor in one transaction.
    public func bulkRead(_ requests: [(motor: Motor, register: Register)], into values: inout [Int64])
        throws(MotorBusError)
    {
        guard servoProtocol == .dynamixel else {
            throw .unsupported(port: port, operation: "bulk read", servoProtocol: servoProtocol)
        }
        if values.count != requests.count { values = Array(repeating: 0, count: requests.count) }
        paramBuffer.removeAll(keepingCapacity: true)
        var specs: [RegisterSpec] = []
        for request in requests {
            let spec = try spec(request.register, of: request.motor)
            specs.append(spec)
            paramBuffer.append(request.motor.id)
            codec.appendAddressField(spec.address, to: &paramBuffer)
            codec.appendAddressField(spec.size, to: &paramBuffer)
        }
        try collect(instruction: .bulkRead, motors: requests.map(\.motor), sizes: specs, spec: specs[0],
                    values: &values, operation: "bulk read", policy: options.hardwareFaultPolicy)
    }

    /// Sends the request in `paramBuffer` and gathers one status per motor, retrying as a whole.
    private func collect(instruction: Instruction, motors: [Motor], sizes: [RegisterSpec]?, spec: RegisterSpec,
                         values: inout [Int64], operation: String, policy: HardwareFaultPolicy)
        throws(MotorBusError)
    {
        let attempts = max(1, options.retries + 1)
        var lastCorruption: CorruptPacketReason?
        for attempt in 1...attempts {
            if attempt > 1 { statistics.retries += 1 }
            faultsThisTransaction.removeAll(keepingCapacity: true)
            for motor in motors { answered[Int(motor.id)] = false }
            txBuffer.removeAll(keepingCapacity: true)
            paramBuffer.withUnsafeBytes {
                codec.appendInstruction(id: codec.broadcastID, instruction: instruction.rawValue, parameters: $0,
                                        to: &txBuffer)
            }
            try sendRequest()
            let deadline = replyDeadline(replies: motors.count, parameterBytes: spec.size)
            var remaining = motors.count
            receiving: while remaining > 0 {
                switch try receiveStatus(deadline: deadline) {
                case .timeout(let corruption):
                    lastCorruption = corruption ?? lastCorruption
                    break receiving
                case .packet(let packet):
                    guard let index = motors.firstIndex(where: { $0.id == packet.id }),
                          !answered[Int(packet.id)] else { continue }
                    let expected = sizes?[index] ?? spec
                    guard packet.parameters.count == expected.size else {
                        lastCorruption = .badLength(packet.parameters.count)
                        continue
                    }
                    try inspect(status: packet.code, of: motors[index], operation: operation)
                    values[index] = expected.decode(rxBuffer, at: packet.parameters.lowerBound)
                    answered[Int(packet.id)] = true
                    remaining -= 1
                }
            }
            if remaining == 0 {
                try finishFaults(policy: policy)
                return
            }
        }
        statistics.failedTransactions += 1
        let missing = motors.filter { !answered[Int($0.id)] }
        if let lastCorruption {
            throw .corruptReplies(port: port, motors: missing, operation: operation,
                                  reason: lastCorruption.description, attempts: attempts)
        }
        throw .noResponse(port: port, motors: missing, operation: operation, attempts: attempts)
    }

    /// SYNC WRITE one register to several motors (no reply on either protocol).
    public func syncWrite(_ register: Register, to motors: [Motor], values: [Int64]) throws(MotorBusError) {
        let spec = try sharedSpec(register, motors: motors)
        precondition(values.count == motors.count, "one value per motor")
        guard spec.writable else {
            throw .register(port: port, message: "\(register.rawValue) is read-only")
        }
        paramBuffer.removeAll(keepingCapacity: true)
        codec.appendAddressField(spec.address, to: &paramBuffer)
        codec.appendAddressField(spec.size, to: &paramBuffer)
        for (motor, value) in zip(motors, values) {
            paramBuffer.append(motor.id)
            do {
                try spec.encode(value, into: &paramBuffer)
            } catch {
                throw .valueOutOfRange(port: port, motor: motor, register: register, error: error)
            }
        }
        txBuffer.removeAll(keepingCapacity: true)
        paramBuffer.withUnsafeBytes {
            codec.appendInstruction(id: codec.broadcastID, instruction: Instruction.syncWrite.rawValue,
                                    parameters: $0, to: &txBuffer)
        }
        try sendRequest()
    }

    /// Turns torque off on every motor, one acknowledged write each. Hardware
    /// faults never stop it (they are reported as warnings); motors that do
    /// not answer are retried, and named in the error after all others were tried.
    public func disableTorque(_ motors: [Motor]) throws(MotorBusError) {
        var failed: [Motor] = []
        var lastError: MotorBusError?
        for motor in motors {
            do {
                try write(.torqueEnable, of: motor, value: 0, policy: .warn)
            } catch {
                failed.append(motor)
                lastError = error
            }
        }
        if failed.count == 1, let lastError { throw lastError }
        if !failed.isEmpty {
            throw .noResponse(port: port, motors: failed, operation: "torque off", attempts: options.retries + 1)
        }
    }
}

/// Counters a bus keeps.
public struct MotorBusStatistics: Sendable, Hashable {
    /// Instruction packets written.
    public var packetsSent = 0
    /// Bytes written.
    public var bytesSent = 0
    /// Valid status packets received.
    public var packetsReceived = 0
    /// Bytes of valid status packets received.
    public var bytesReceived = 0
    /// Corrupt packets skipped.
    public var corruptPackets = 0
    /// Transactions repeated after a missing or corrupt reply.
    public var retries = 0
    /// Transactions that failed after all retries.
    public var failedTransactions = 0
    /// Hardware-fault status bits seen.
    public var hardwareFaults = 0
}
