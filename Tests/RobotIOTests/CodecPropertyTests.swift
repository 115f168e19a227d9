import PropertyBased
import Testing
@testable import RobotIO

/// Round trips over random packets: whatever is encoded decodes to the same
/// ID, code and parameters, and every strict prefix is `.incomplete`.
@Suite struct CodecPropertyTests {
    static let bytes = Gen.uint8().array(of: 0...40)

    static func roundTrip(_ codec: any PacketCodec.Type, id: MotorID, code: UInt8, params: [UInt8], status: Bool) {
        var packet: [UInt8] = []
        if status {
            codec.appendStatus(id: id, error: code, parameters: params, to: &packet)
        } else {
            params.withUnsafeBytes { codec.appendInstruction(id: id, instruction: code, parameters: $0, to: &packet) }
        }
        for cut in 0..<packet.count {
            var prefix = Array(packet[0..<cut])
            let outcome = status ? codec.decodeStatus(in: &prefix, from: 0, to: cut)
                : codec.decodeInstruction(in: &prefix, from: 0, to: cut)
            #expect(outcome == .incomplete, "prefix of \(cut) bytes")
        }
        var buffer = packet
        let outcome = status ? codec.decodeStatus(in: &buffer, from: 0, to: buffer.count)
            : codec.decodeInstruction(in: &buffer, from: 0, to: buffer.count)
        guard case .packet(let decoded) = outcome else {
            Issue.record("did not decode: \(outcome) for \(packet)")
            return
        }
        #expect(decoded.id == id)
        #expect(decoded.code == code)
        #expect(Array(buffer[decoded.parameters]) == params)
        #expect(decoded.consumed == packet.count)
    }

    @Test func feetechInstructionRoundTrip() async {
        await propertyCheck(input: Gen.uint8(in: 0...0xFE), Gen.uint8(in: 0...0xFE), Self.bytes) { id, code, params in
            Self.roundTrip(FeetechCodec.self, id: id, code: code, params: params, status: false)
        }
    }

    @Test func feetechStatusRoundTrip() async {
        await propertyCheck(input: Gen.uint8(in: 0...0xFE), Gen.uint8(), Self.bytes) { id, error, params in
            Self.roundTrip(FeetechCodec.self, id: id, code: error, params: params, status: true)
        }
    }

    /// Parameters biased towards FF and FD so stuffing is exercised.
    static let stuffable = Gen.element(of: [0xFF, 0xFF, 0xFD, 0x00, 0x55] as [UInt8]).compactMap { $0 }.array(of: 0...40)

    @Test func dynamixelInstructionRoundTrip() async {
        await propertyCheck(input: Gen.uint8(in: 0...0xFC), Gen.element(of: Instruction.allCases.map(\.rawValue)).compactMap { $0 },
                            Self.stuffable) { id, code, params in
            Self.roundTrip(DynamixelCodec.self, id: id, code: code, params: params, status: false)
        }
    }

    @Test func dynamixelStatusRoundTrip() async {
        await propertyCheck(input: Gen.uint8(in: 0...0xFC), Gen.uint8(), Self.stuffable) { id, error, params in
            Self.roundTrip(DynamixelCodec.self, id: id, code: error, params: params, status: true)
        }
    }

    @Test func registerValuesRoundTrip() async {
        let specs = ControlTable.sts3215.registers.values.map { $0 } + ControlTable.xl330.registers.values.map { $0 }
        await propertyCheck(input: Gen.element(of: specs).compactMap { $0 }, Gen.int64(in: -3_000_000_000...3_000_000_000)) { spec, raw in
            let range = spec.representableRange
            let value = min(max(raw, range.lowerBound), range.upperBound)
            var bytes: [UInt8] = []
            try spec.encode(value, into: &bytes)
            #expect(bytes.count == spec.size)
            #expect(spec.decode(bytes, at: 0) == value)
        }
    }

    /// A single flipped bit in the ID, error byte, parameters or checksum is caught.
    /// (A flipped length byte moves where the checksum is read, so it is left out: a
    /// shorter packet can match its checksum by chance.)
    @Test func flippedBitNeverYieldsAWrongPacket() async {
        await propertyCheck(input: Self.bytes, Gen.int(in: 0...1000), Gen.int(in: 0...7)) { params, position, bit in
            for codec in [FeetechCodec.self, DynamixelCodec.self] as [any PacketCodec.Type] {
                var packet: [UInt8] = []
                codec.appendStatus(id: 7, error: 0, parameters: params, to: &packet)
                let lengthBytes: Set<Int> = codec == FeetechCodec.self ? [3] : [5, 6]
                let headerSize = codec == FeetechCodec.self ? 2 : 4
                let candidates = (headerSize..<packet.count).filter { !lengthBytes.contains($0) }
                let index = candidates[position % candidates.count]
                packet[index] ^= UInt8(1 << bit)
                let original = packet
                if case .packet(let p) = codec.decodeStatus(in: &packet, from: 0, to: packet.count) {
                    // Only acceptable if the flip hit nothing the packet carries… which cannot happen.
                    Issue.record("corrupted packet \(original) decoded as id \(p.id) params \(Array(packet[p.parameters]))")
                }
            }
        }
    }
}
