import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import RobotIO

/// A status packet as a client sees it.
struct ReceivedStatus: Equatable {
    var id: MotorID
    var error: UInt8
    var data: [UInt8]
}

/// A running virtual bus plus a client port on its pty, talking raw codec packets.
final class VirtualBusTestClient {
    let bus: VirtualServoBus
    let port: any SerialTransport
    let servoProtocol: ServoProtocol
    /// Every byte received by `receive`, for tests that look at the wire.
    private(set) var rawReceived: [UInt8] = []
    /// Packets the decoder rejected during `receive` (bad checksum, noise).
    private(set) var corruptPackets = 0

    init(robot: RobotSpec, options: VirtualBusOptions = .init(), baudRate: Int? = nil) throws {
        bus = try VirtualServoBus(robot: robot, options: options)
        try bus.start()
        servoProtocol = robot.servoProtocol
        port = try SerialPortOpener.open(bus.path, baudRate: baudRate ?? robot.baudRate)
    }

    deinit {
        port.close()
        bus.stop()
    }

    var codec: any PacketCodec.Type { servoProtocol.codec }

    /// Sends one instruction packet.
    func send(id: MotorID, _ instruction: Instruction, _ parameters: [UInt8] = []) throws {
        try port.write(codec.instruction(id: id, instruction, parameters: parameters))
    }

    /// Reads until `count` status packets arrived or `timeoutMilliseconds` passed.
    func receive(count: Int, timeoutMilliseconds: Int = 200) throws -> [ReceivedStatus] {
        var buffer: [UInt8] = []
        var start = 0
        var statuses: [ReceivedStatus] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        let deadline = MonotonicClock.deadline(afterMicroseconds: timeoutMilliseconds * 1000)
        while statuses.count < count {
            let n = try chunk.withUnsafeMutableBytes { try port.read(into: $0, deadline: deadline) }
            if n == 0 { break }
            buffer.append(contentsOf: chunk[0..<n])
            rawReceived.append(contentsOf: chunk[0..<n])
            decoding: while start < buffer.count {
                switch codec.decodeStatus(in: &buffer, from: start, to: buffer.count) {
                case .packet(let packet):
                    statuses.append(ReceivedStatus(id: packet.id, error: packet.code, data: Array(buffer[packet.parameters])))
                    start += packet.consumed
                case .incomplete:
                    break decoding
                case .corrupt(let skip, let reason):
                    if case .checksumMismatch = reason { corruptPackets += 1 }
                    start += skip
                }
            }
        }
        return statuses
    }

    /// Sends one instruction and waits for `replies` status packets.
    func transact(
        id: MotorID, _ instruction: Instruction, _ parameters: [UInt8] = [], replies: Int = 1,
        timeoutMilliseconds: Int = 200
    ) throws -> [ReceivedStatus] {
        try send(id: id, instruction, parameters)
        return try receive(count: replies, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Address (and length) fields of this protocol's width.
    func fields(_ values: Int...) -> [UInt8] {
        var out: [UInt8] = []
        for value in values { codec.appendAddressField(value, to: &out) }
        return out
    }

    /// READ of `length` bytes at `address`; the one status packet that answers.
    func read(id: MotorID, address: Int, length: Int) throws -> ReceivedStatus? {
        try transact(id: id, .read, fields(address, length)).first
    }

    /// WRITE of `value` encoded as `register` of `model`; the status packet that answers.
    func write(id: MotorID, _ register: Register, _ value: Int64, model: MotorModel) throws -> ReceivedStatus? {
        let spec = try model.controlTable.spec(register)
        var parameters = fields(spec.address)
        try spec.encode(value, into: &parameters)
        return try transact(id: id, .write, parameters).first
    }

    /// READ of `register`, decoded; nil when the motor did not answer.
    func value(id: MotorID, _ register: Register, model: MotorModel) throws -> Int64? {
        let spec = try model.controlTable.spec(register)
        guard let status = try read(id: id, address: spec.address, length: spec.size),
              status.data.count == spec.size else { return nil }
        return spec.decode(status.data, at: 0)
    }
}

/// Waits until `condition` holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = MonotonicClock.nanoseconds() + UInt64(seconds * 1e9)
    while MonotonicClock.nanoseconds() < deadline {
        if try condition() { return true }
        usleepMilliseconds(10)
    }
    return try condition()
}

/// Sleeps without blocking a cooperative thread for long (tests are short).
func usleepMilliseconds(_ milliseconds: Int) {
    var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
    _ = nanosleep(&request, nil)
}
