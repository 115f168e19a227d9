/// One instruction packet as the handlers read it.
struct VirtualRequest {
    /// The ID it is addressed to (the broadcast ID included).
    let id: MotorID
    let isBroadcast: Bool
    let parameters: [UInt8]
    /// Bytes of an address or length field: Feetech 1, Dynamixel 2.
    let fieldWidth: Int
    /// Indices of the motors that hear it.
    let listening: [Int]
    /// When it arrived (monotonic ns).
    let now: UInt64

    /// The little-endian address or length field at byte `offset` of the parameters.
    func field(at offset: Int) -> Int {
        fieldWidth == 2 ? Int(parameters[offset]) | Int(parameters[offset + 1]) << 8 : Int(parameters[offset])
    }
}

/// One handler per instruction, each as the real servo family behaves.
extension VirtualBusState {
    /// The listening motor answering to `id`.
    private func listener(_ id: MotorID, of request: VirtualRequest) -> Int? {
        request.listening.first { motors[$0].id == id }
    }

    /// The listening motor a non-broadcast request addresses.
    private func addressee(of request: VirtualRequest) -> Int? {
        request.isBroadcast ? nil : listener(request.id, of: request)
    }

    private mutating func reply(_ index: Int, error: UInt8 = 0, data: [UInt8] = [], replies: inout [VirtualReply]) {
        replies.append(makeReply(motorIndex: index, requestID: motors[index].id, error: error, data: data))
    }

    /// A broadcast ping is answered by every listener in ID order; a Dynamixel answers with
    /// its Model_Number and firmware version, as a real servo does.
    mutating func ping(_ request: VirtualRequest, replies: inout [VirtualReply]) {
        let targets = request.isBroadcast
            ? request.listening.sorted { motors[$0].id < motors[$1].id } : addressee(of: request).map { [$0] } ?? []
        for index in targets {
            var data: [UInt8] = []
            if servoProtocol == .dynamixel {
                let modelNumber = Int(motors[index].value(of: .modelNumber) ?? Int64(motors[index].model.modelNumber))
                data = [UInt8(truncatingIfNeeded: modelNumber), UInt8(truncatingIfNeeded: modelNumber >> 8),
                        UInt8(truncatingIfNeeded: motors[index].value(of: .firmwareVersion) ?? 0)]
            }
            reply(index, data: data, replies: &replies)
        }
    }

    mutating func read(_ request: VirtualRequest, replies: inout [VirtualReply]) {
        guard let index = addressee(of: request) else { return }
        guard request.parameters.count == 2 * request.fieldWidth else {
            if servoProtocol == .dynamixel {
                reply(index, error: DynamixelCodec.InstructionError.dataLength.rawValue, replies: &replies)
            }
            return
        }
        answerRead(index, address: request.field(at: 0), length: request.field(at: request.fieldWidth),
                   at: request.now, replies: &replies)
    }

    mutating func write(_ request: VirtualRequest, replies: inout [VirtualReply]) {
        let width = request.fieldWidth
        guard request.parameters.count > width else { return }
        let address = request.field(at: 0)
        let data = request.parameters[width...]
        if request.isBroadcast {
            for index in request.listening { _ = motors[index].write(address: address, data: data, now: request.now) }
        } else if let index = addressee(of: request) {
            // Answer as the ID that was addressed and at the reply level in force before
            // this write, even when the write changes either.
            let requestID = motors[index].id
            let answers = motors[index].answers(.write)
            let error = motors[index].write(address: address, data: data, now: request.now)
            if answers { replies.append(makeReply(motorIndex: index, requestID: requestID, error: error, data: [])) }
        }
    }

    mutating func syncWrite(_ request: VirtualRequest) {
        let width = request.fieldWidth, params = request.parameters
        guard request.isBroadcast, params.count >= 2 * width else { return }
        let address = request.field(at: 0)
        let length = request.field(at: width)
        var at = 2 * width
        while length > 0, at + 1 + length <= params.count {
            if let index = listener(params[at], of: request) {
                _ = motors[index].write(address: address, data: params[(at + 1)..<(at + 1 + length)], now: request.now)
            }
            at += 1 + length
        }
    }

    /// SYNC READ: one address and length for every listed ID.
    mutating func syncRead(_ request: VirtualRequest, replies: inout [VirtualReply]) {
        let width = request.fieldWidth
        guard request.isBroadcast, request.parameters.count >= 2 * width else { return }
        let address = request.field(at: 0), length = request.field(at: width)
        let reads = request.parameters[(2 * width)...].map { (id: $0, address: address, length: length) }
        answerReads(reads, of: request, replies: &replies)
    }

    /// BULK READ (Dynamixel only): an ID, a 2-byte address and a 2-byte length per motor.
    mutating func bulkRead(_ request: VirtualRequest, replies: inout [VirtualReply]) {
        guard servoProtocol == .dynamixel, request.isBroadcast else { return }
        let params = request.parameters
        let reads = stride(from: 0, through: params.count - 5, by: 5).map { at in
            (id: params[at], address: Int(params[at + 1]) | Int(params[at + 2]) << 8,
             length: Int(params[at + 3]) | Int(params[at + 4]) << 8)
        }
        answerReads(reads, of: request, replies: &replies)
    }

    /// The replies of a SYNC or BULK READ, in request order; unheard IDs are skipped.
    private mutating func answerReads(_ reads: [(id: MotorID, address: Int, length: Int)], of request: VirtualRequest,
                                      replies: inout [VirtualReply]) {
        for read in reads {
            guard let index = listener(read.id, of: request) else { continue }
            answerRead(index, address: read.address, length: read.length, at: request.now, replies: &replies)
        }
    }

    /// Motor `index`'s bytes at `address` as of `now`, or a data range error past its table.
    private mutating func answerRead(_ index: Int, address: Int, length: Int, at now: UInt64,
                                     replies: inout [VirtualReply]) {
        motors[index].advance(to: now)
        if let data = motors[index].read(address: address, length: length) {
            reply(index, data: data, replies: &replies)
        } else {
            reply(index, error: DynamixelCodec.InstructionError.dataRange.rawValue, replies: &replies)
        }
    }

    mutating func reboot(_ request: VirtualRequest, replies: inout [VirtualReply]) {
        guard servoProtocol == .dynamixel else { return }
        let targets = request.isBroadcast ? request.listening : addressee(of: request).map { [$0] } ?? []
        for index in targets {
            if !request.isBroadcast && motors[index].answers(.reboot) { reply(index, replies: &replies) }
            motors[index].reboot(now: request.now)
        }
    }

    /// An unknown or unemulated instruction (REG WRITE, ACTION, FACTORY RESET): a Dynamixel says
    /// so with an instruction error, a Feetech stays quiet.
    mutating func refuseUnemulated(_ request: VirtualRequest, replies: inout [VirtualReply]) {
        guard servoProtocol == .dynamixel, let index = addressee(of: request) else { return }
        reply(index, error: DynamixelCodec.InstructionError.instruction.rawValue, replies: &replies)
    }
}
