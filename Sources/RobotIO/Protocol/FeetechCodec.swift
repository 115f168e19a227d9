/// Feetech SCS/STS packets (docs/design/servo-buses.md):
/// `FF FF | ID | LEN | INST/ERR | params… | CHK`, `LEN = params + 2`,
/// `CHK = ~(ID + LEN + INST + Σparams) & 0xFF`, no byte stuffing.
public enum FeetechCodec: PacketCodec {
    public static var servoProtocol: ServoProtocol { .feetech }
    public static var addressFieldWidth: Int { 1 }
    public static var statusOverhead: Int { 6 }
    public static var instructionOverhead: Int { 6 }

    /// Status error bits of SCS/STS servos. All of them report a hardware
    /// condition; the data in the packet is still valid.
    public struct ErrorFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let voltage = ErrorFlags(rawValue: 0x01)
        public static let angleSensor = ErrorFlags(rawValue: 0x02)
        public static let overheat = ErrorFlags(rawValue: 0x04)
        public static let overCurrent = ErrorFlags(rawValue: 0x08)
        public static let overload = ErrorFlags(rawValue: 0x20)

        public var description: String {
            var names: [String] = []
            if contains(.voltage) { names.append("input voltage") }
            if contains(.angleSensor) { names.append("angle sensor") }
            if contains(.overheat) { names.append("overheat") }
            if contains(.overCurrent) { names.append("over-current") }
            if contains(.overload) { names.append("overload") }
            let unknown = rawValue & ~0x2F
            if unknown != 0 { names.append("unknown bits 0x\(String(unknown, radix: 16))") }
            return names.joined(separator: ", ")
        }
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        var sum: UInt32 = 0
        for byte in bytes { sum &+= UInt32(byte) }
        return ~UInt8(truncatingIfNeeded: sum)
    }

    static func append(id: MotorID, code: UInt8, parameters: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        precondition(parameters.count <= 253, "Feetech packets carry at most 253 parameter bytes")
        let length = UInt8(parameters.count + 2)
        var sum = UInt32(id) &+ UInt32(length) &+ UInt32(code)
        out.append(0xFF)
        out.append(0xFF)
        out.append(id)
        out.append(length)
        out.append(code)
        for byte in parameters {
            out.append(byte)
            sum &+= UInt32(byte)
        }
        out.append(~UInt8(truncatingIfNeeded: sum))
    }

    public static func appendInstruction(
        id: MotorID, instruction: UInt8, parameters: UnsafeRawBufferPointer, to out: inout [UInt8]
    ) {
        append(id: id, code: instruction, parameters: parameters, to: &out)
    }

    public static func appendStatus(
        id: MotorID, error: UInt8, parameters: UnsafeRawBufferPointer, to out: inout [UInt8]
    ) {
        append(id: id, code: error, parameters: parameters, to: &out)
    }

    static func decode(in buffer: inout [UInt8], from start: Int, to end: Int) -> DecodeOutcome {
        let available = end - start
        if available < 1 { return .incomplete }
        // Find the header; anything before it is noise.
        if buffer[start] != 0xFF { return .corrupt(skip: 1, reason: .noHeader) }
        if available < 2 { return .incomplete }
        if buffer[start + 1] != 0xFF { return .corrupt(skip: 1, reason: .noHeader) }
        if available < 4 { return .incomplete }
        let id = buffer[start + 2]
        // A third FF is line noise before the real header (IDs stop at 0xFE).
        if id == 0xFF { return .corrupt(skip: 1, reason: .noHeader) }
        let length = Int(buffer[start + 3])
        if length < 2 { return .corrupt(skip: 2, reason: .badLength(length)) }
        let total = 4 + length
        if available < total { return .incomplete }
        var sum: UInt32 = 0
        for i in (start + 2)..<(start + total - 1) { sum &+= UInt32(buffer[i]) }
        let expected = ~UInt8(truncatingIfNeeded: sum)
        let found = buffer[start + total - 1]
        if expected != found {
            return .corrupt(skip: 2, reason: .checksumMismatch(expected: UInt16(expected), found: UInt16(found)))
        }
        return .packet(
            DecodedPacket(
                id: id, code: buffer[start + 4], parameters: (start + 5)..<(start + total - 1), consumed: total))
    }

    public static func decodeStatus(in buffer: inout [UInt8], from start: Int, to end: Int) -> DecodeOutcome {
        decode(in: &buffer, from: start, to: end)
    }

    public static func decodeInstruction(in buffer: inout [UInt8], from start: Int, to end: Int) -> DecodeOutcome {
        decode(in: &buffer, from: start, to: end)
    }
}
