/// A servo ID on a half-duplex bus (0…252 usable; 0xFE is broadcast).
public typealias MotorID = UInt8

/// The two bus protocols pirl-robot speaks.
public enum ServoProtocol: String, Sendable, CaseIterable, Codable {
    /// Feetech SCS/STS (SO-100 / SO-101 arms, STS3215).
    case feetech
    /// Dynamixel Protocol 2.0 (Koch arm, XL330 / XL430).
    case dynamixel

    /// The pure codec for this protocol.
    public var codec: any PacketCodec.Type {
        switch self {
        case .feetech: FeetechCodec.self
        case .dynamixel: DynamixelCodec.self
        }
    }

    /// The factory default baud rate of the motors this protocol drives.
    public var defaultBaudRate: Int {
        switch self {
        case .feetech: 1_000_000
        case .dynamixel: 1_000_000
        }
    }
}

/// Instruction codes shared by Feetech SCS/STS and Dynamixel 2.0 (docs/design/servo-buses.md).
public enum Instruction: UInt8, Sendable, CaseIterable {
    case ping = 0x01
    case read = 0x02
    case write = 0x03
    case regWrite = 0x04
    case action = 0x05
    case factoryReset = 0x06
    case reboot = 0x08
    case syncRead = 0x82
    case syncWrite = 0x83
    case bulkRead = 0x92
}

/// Where one decoded packet sits in a receive buffer. Parameters are a range of
/// the caller's buffer so decoding a tick's replies allocates nothing.
public struct DecodedPacket: Sendable, Equatable {
    /// The servo ID in the packet header.
    public var id: MotorID
    /// For status packets the error byte; for instruction packets the instruction code.
    public var code: UInt8
    /// The parameter bytes, as indices into the buffer passed to the decoder
    /// (after Dynamixel byte stuffing was removed in place).
    public var parameters: Range<Int>
    /// Bytes of the buffer this packet used, counted from the start index given.
    public var consumed: Int
}

/// The outcome of looking for one packet at the start of a byte range.
public enum DecodeOutcome: Sendable, Equatable {
    /// A valid packet.
    case packet(DecodedPacket)
    /// The bytes so far are a valid prefix: read more.
    case incomplete
    /// The bytes cannot start a valid packet: drop `skip` bytes and try again.
    case corrupt(skip: Int, reason: CorruptPacketReason)
}

/// Why a byte sequence was rejected by a decoder.
public enum CorruptPacketReason: Sendable, Equatable, CustomStringConvertible {
    case noHeader
    case badLength(Int)
    case checksumMismatch(expected: UInt16, found: UInt16)
    case notAStatusPacket

    public var description: String {
        switch self {
        case .noHeader: "no packet header"
        case .badLength(let n): "impossible length field \(n)"
        case let .checksumMismatch(expected, found):
            "checksum mismatch (computed 0x\(String(expected, radix: 16)), packet has 0x\(String(found, radix: 16)))"
        case .notAStatusPacket: "not a status packet"
        }
    }
}

/// A pure codec: bytes in, bytes out, no I/O and no clock ("codecs are pure",
/// docs/design/style.md). Encoders append to a caller-owned array so a control tick can
/// reuse one buffer.
public protocol PacketCodec: Sendable {
    /// The protocol this codec implements.
    static var servoProtocol: ServoProtocol { get }
    /// The broadcast ID (0xFE for both protocols).
    static var broadcastID: MotorID { get }
    /// Width in bytes of address and length fields in READ / SYNC instructions.
    static var addressFieldWidth: Int { get }
    /// Bytes a status packet adds around its parameters (header, id, length, error, checksum).
    static var statusOverhead: Int { get }
    /// Bytes an instruction packet adds around its parameters.
    static var instructionOverhead: Int { get }

    /// Appends one instruction packet.
    static func appendInstruction(
        id: MotorID, instruction: UInt8, parameters: UnsafeRawBufferPointer, to out: inout [UInt8])
    /// Appends one status packet (the virtual bus answers with these).
    static func appendStatus(
        id: MotorID, error: UInt8, parameters: UnsafeRawBufferPointer, to out: inout [UInt8])
    /// Decodes a status packet starting at `start` in `buffer[start..<end]`.
    static func decodeStatus(in buffer: inout [UInt8], from start: Int, to end: Int) -> DecodeOutcome
    /// Decodes an instruction packet (the virtual bus reads these).
    static func decodeInstruction(in buffer: inout [UInt8], from start: Int, to end: Int) -> DecodeOutcome
}

extension PacketCodec {
    public static var broadcastID: MotorID { 0xFE }

    /// Appends an instruction whose parameters are an array.
    public static func appendInstruction(
        id: MotorID, instruction: Instruction, parameters: [UInt8] = [], to out: inout [UInt8]
    ) {
        parameters.withUnsafeBytes {
            appendInstruction(id: id, instruction: instruction.rawValue, parameters: $0, to: &out)
        }
    }

    /// Appends a status packet whose parameters are an array.
    public static func appendStatus(id: MotorID, error: UInt8, parameters: [UInt8] = [], to out: inout [UInt8]) {
        parameters.withUnsafeBytes { appendStatus(id: id, error: error, parameters: $0, to: &out) }
    }

    /// One instruction packet as a new array (convenient outside hot loops).
    public static func instruction(id: MotorID, _ instruction: Instruction, parameters: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = []
        appendInstruction(id: id, instruction: instruction, parameters: parameters, to: &out)
        return out
    }

    /// Appends `value` as an address or length field of this protocol's width.
    public static func appendAddressField(_ value: Int, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value))
        if addressFieldWidth == 2 { out.append(UInt8(truncatingIfNeeded: value >> 8)) }
    }

    /// Reads an address or length field of this protocol's width at `index`.
    public static func addressField(in buffer: [UInt8], at index: Int) -> Int {
        addressFieldWidth == 2 ? Int(buffer[index]) | Int(buffer[index + 1]) << 8 : Int(buffer[index])
    }
}
