/// Dynamixel Protocol 2.0 packets (docs/design/servo-buses.md):
/// `FF FF FD 00 | ID | LEN (LE) | INST | params… | CRC (LE)`, `LEN = params + 3`;
/// status: `… | ID | LEN | 0x55 | ERR | params… | CRC`, `LEN = params + 4`.
/// Every `FF FF FD` inside INST…params is followed by a stuffed `FD`.
public enum DynamixelCodec: PacketCodec {
    public static var servoProtocol: ServoProtocol { .dynamixel }
    public static var addressFieldWidth: Int { 2 }
    public static var statusOverhead: Int { 11 }
    public static var instructionOverhead: Int { 10 }

    /// The instruction code every status packet carries.
    public static let statusInstruction: UInt8 = 0x55

    /// The status error byte of Protocol 2.0.
    public struct StatusError: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// Bit 7: a hardware error is latched; read Hardware Error Status (70).
        public var hardwareAlert: Bool { rawValue & 0x80 != 0 }
        /// Bits 0–6: why the instruction itself failed, 0 when it succeeded.
        public var instructionError: InstructionError? { InstructionError(rawValue: rawValue & 0x7F) }

        public var description: String {
            var parts: [String] = []
            if let e = instructionError { parts.append(e.description) }
            if hardwareAlert { parts.append("hardware alert (read Hardware_Error_Status, address 70)") }
            return parts.isEmpty ? "no error" : parts.joined(separator: ", ")
        }
    }

    /// The low bits of the status error byte.
    public enum InstructionError: UInt8, Sendable, CustomStringConvertible {
        case resultFail = 1, instruction, crc, dataRange, dataLength, dataLimit, access

        public var description: String {
            switch self {
            case .resultFail: "result fail"
            case .instruction: "instruction error"
            case .crc: "CRC error"
            case .dataRange: "data range error"
            case .dataLength: "data length error"
            case .dataLimit: "data limit error"
            case .access: "access error (read-only register, or EEPROM write with torque on)"
            }
        }
    }

    /// Hardware Error Status (register 70) bits of X-series servos.
    public struct HardwareErrorFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let inputVoltage = HardwareErrorFlags(rawValue: 0x01)
        public static let overheating = HardwareErrorFlags(rawValue: 0x04)
        public static let motorEncoder = HardwareErrorFlags(rawValue: 0x08)
        public static let electricalShock = HardwareErrorFlags(rawValue: 0x10)
        public static let overload = HardwareErrorFlags(rawValue: 0x20)

        public var description: String {
            var names: [String] = []
            if contains(.inputVoltage) { names.append("input voltage") }
            if contains(.overheating) { names.append("overheating") }
            if contains(.motorEncoder) { names.append("motor encoder") }
            if contains(.electricalShock) { names.append("electrical shock") }
            if contains(.overload) { names.append("overload") }
            return names.joined(separator: ", ")
        }
    }

    private static let crcTable: [UInt16] = (0..<256).map { i in
        var crc = UInt16(i) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x8005 : crc << 1 }
        return crc
    }

    /// CRC-16 (polynomial 0x8005, init 0, no reflection, no final XOR).
    public static func crc16<C: Collection>(_ bytes: C, initial: UInt16 = 0) -> UInt16 where C.Element == UInt8 {
        var crc = initial
        for byte in bytes { crc = (crc << 8) ^ crcTable[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)] }
        return crc
    }

    static func append(
        id: MotorID, instruction: UInt8, prefix: UInt8?, parameters: UnsafeRawBufferPointer, to out: inout [UInt8]
    ) {
        let headerStart = out.count
        out.append(contentsOf: [0xFF, 0xFF, 0xFD, 0x00, id, 0, 0, instruction] as [UInt8])
        // Stuffing looks at INST…params as one stream.
        var run = 0  // how many of FF FF the stream has just produced
        func put(_ byte: UInt8) {
            out.append(byte)
            if byte == 0xFD && run == 2 {
                out.append(0xFD)
                run = 0
            } else if byte == 0xFF {
                run = min(run + 1, 2)
            } else {
                run = 0
            }
        }
        if instruction == 0xFF { run = 1 }
        if let prefix { put(prefix) }
        for byte in parameters { put(byte) }
        let length = out.count - headerStart - 7 + 2  // INST … params (stuffed) + CRC
        out[headerStart + 5] = UInt8(truncatingIfNeeded: length)
        out[headerStart + 6] = UInt8(truncatingIfNeeded: length >> 8)
        let crc = crc16(out[headerStart...])
        out.append(UInt8(truncatingIfNeeded: crc))
        out.append(UInt8(truncatingIfNeeded: crc >> 8))
    }

    public static func appendInstruction(
        id: MotorID, instruction: UInt8, parameters: UnsafeRawBufferPointer, to out: inout [UInt8]
    ) {
        append(id: id, instruction: instruction, prefix: nil, parameters: parameters, to: &out)
    }

    public static func appendStatus(
        id: MotorID, error: UInt8, parameters: UnsafeRawBufferPointer, to out: inout [UInt8]
    ) {
        append(id: id, instruction: statusInstruction, prefix: error, parameters: parameters, to: &out)
    }

    /// Decodes a packet in place: removes stuffing from its INST…params span.
    /// `isStatus` selects whether the ERR byte follows INST.
    static func decode(in buffer: inout [UInt8], from start: Int, to end: Int, isStatus: Bool) -> DecodeOutcome {
        let header: [UInt8] = [0xFF, 0xFF, 0xFD, 0x00]
        let available = end - start
        for k in 0..<min(4, available) where buffer[start + k] != header[k] {
            return .corrupt(skip: 1, reason: .noHeader)
        }
        if available < 7 { return .incomplete }
        let id = buffer[start + 4]
        if id == 0xFD || id == 0xFF { return .corrupt(skip: 1, reason: .noHeader) }
        let length = Int(buffer[start + 5]) | Int(buffer[start + 6]) << 8
        let minimum = isStatus ? 4 : 3
        if length < minimum || length > 1000 { return .corrupt(skip: 1, reason: .badLength(length)) }
        let total = 7 + length
        if available < total { return .incomplete }
        let crcIndex = start + total - 2
        let found = UInt16(buffer[crcIndex]) | UInt16(buffer[crcIndex + 1]) << 8
        let expected = crc16(buffer[start..<crcIndex])
        if found != expected { return .corrupt(skip: 1, reason: .checksumMismatch(expected: expected, found: found)) }
        let instruction = buffer[start + 7]
        if isStatus != (instruction == statusInstruction) { return .corrupt(skip: total, reason: .notAStatusPacket) }
        // Remove stuffing in place over INST…params (never grows).
        var read = start + 7
        var write = start + 7
        var run = 0
        while read < crcIndex {
            let byte = buffer[read]
            buffer[write] = byte
            write += 1
            read += 1
            if byte == 0xFD && run == 2 {
                if read < crcIndex && buffer[read] == 0xFD { read += 1 }
                run = 0
            } else if byte == 0xFF {
                run = min(run + 1, 2)
            } else {
                run = 0
            }
        }
        let paramsStart = start + 8 + (isStatus ? 1 : 0)
        let code = isStatus ? buffer[start + 8] : instruction
        return .packet(DecodedPacket(id: id, code: code, parameters: paramsStart..<max(paramsStart, write), consumed: total))
    }

    public static func decodeStatus(in buffer: inout [UInt8], from start: Int, to end: Int) -> DecodeOutcome {
        decode(in: &buffer, from: start, to: end, isStatus: true)
    }

    public static func decodeInstruction(in buffer: inout [UInt8], from start: Int, to end: Int) -> DecodeOutcome {
        decode(in: &buffer, from: start, to: end, isStatus: false)
    }
}
