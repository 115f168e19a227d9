import Testing
@testable import RobotIO

/// Exact bytes: the pings from docs/design/servo-buses.md, and packets whose checksums were
/// computed by an independent Python implementation of both protocols.
@Suite struct CodecVectorTests {
    @Test func feetechPingOfID1() {
        #expect(FeetechCodec.instruction(id: 1, .ping) == [0xFF, 0xFF, 0x01, 0x02, 0x01, 0xFB])
    }

    @Test func dynamixelPingOfID1() {
        #expect(DynamixelCodec.instruction(id: 1, .ping) == [0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x03, 0x00, 0x01, 0x19, 0x4E])
    }

    @Test func feetechReadPresentPosition() {
        #expect(FeetechCodec.instruction(id: 1, .read, parameters: [56, 2]) == [0xFF, 0xFF, 0x01, 0x04, 0x02, 0x38, 0x02, 0xBE])
    }

    /// Goal position −5 on ID 1 is sign–magnitude 0x8005; +100 on ID 2.
    @Test func feetechSyncWriteWithNegativeGoal() throws {
        let spec = try ControlTable.sts3215.spec(.goalPosition)
        var params: [UInt8] = [UInt8(spec.address), UInt8(spec.size)]
        params.append(1)
        try spec.encode(-5, into: &params)
        params.append(2)
        try spec.encode(100, into: &params)
        #expect(FeetechCodec.instruction(id: 0xFE, .syncWrite, parameters: params)
            == [0xFF, 0xFF, 0xFE, 0x0A, 0x83, 0x2A, 0x02, 0x01, 0x05, 0x80, 0x02, 0x64, 0x00, 0x5C])
    }

    /// Goal position −5 on ID 1 is two's complement FB FF FF FF; 2048 on ID 2.
    @Test func dynamixelSyncWriteWithNegativeGoal() throws {
        let spec = try ControlTable.xl330.spec(.goalPosition)
        var params: [UInt8] = [0x74, 0x00, 0x04, 0x00, 1]
        try spec.encode(-5, into: &params)
        params.append(2)
        try spec.encode(2048, into: &params)
        #expect(DynamixelCodec.instruction(id: 0xFE, .syncWrite, parameters: params) == [
            0xFF, 0xFF, 0xFD, 0x00, 0xFE, 0x11, 0x00, 0x83, 0x74, 0x00, 0x04, 0x00,
            0x01, 0xFB, 0xFF, 0xFF, 0xFF, 0x02, 0x00, 0x08, 0x00, 0x00, 0xD4, 0xDD,
        ])
    }

    /// FF FF FD in the parameters gets an extra FD; LEN counts it.
    @Test func dynamixelStuffedWrite() {
        let packet = DynamixelCodec.instruction(id: 1, .write, parameters: [0x74, 0x00, 0xFF, 0xFF, 0xFD, 0x00])
        #expect(packet == [0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x0A, 0x00, 0x03, 0x74, 0x00, 0xFF, 0xFF, 0xFD, 0xFD, 0x00, 0x21, 0xE7])
        var buffer = packet
        guard case .packet(let decoded) = DynamixelCodec.decodeInstruction(in: &buffer, from: 0, to: buffer.count) else {
            Issue.record("stuffed packet did not decode")
            return
        }
        #expect(Array(buffer[decoded.parameters]) == [0x74, 0x00, 0xFF, 0xFF, 0xFD, 0x00])
        #expect(decoded.consumed == packet.count)
    }

    @Test func dynamixelStuffedStatusDecodes() {
        var status: [UInt8] = [0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x09, 0x00, 0x55, 0x00, 0xFF, 0xFF, 0xFD, 0xFD, 0x00, 0xD8, 0x9C]
        var built: [UInt8] = []
        DynamixelCodec.appendStatus(id: 1, error: 0, parameters: [0xFF, 0xFF, 0xFD, 0x00], to: &built)
        #expect(built == status)
        guard case .packet(let decoded) = DynamixelCodec.decodeStatus(in: &status, from: 0, to: status.count) else {
            Issue.record("status did not decode")
            return
        }
        #expect(decoded.id == 1 && decoded.code == 0)
        #expect(Array(status[decoded.parameters]) == [0xFF, 0xFF, 0xFD, 0x00])
    }

    @Test func signMagnitudeRegisters() throws {
        var bytes: [UInt8] = []
        try ControlTable.sts3215.spec(.homingOffset).encode(-5, into: &bytes)
        #expect(bytes == [0x05, 0x08])  // sign in bit 11
        bytes.removeAll()
        try ControlTable.sts3215.spec(.presentLoad).encode(-5, into: &bytes)
        #expect(bytes == [0x05, 0x04])  // sign in bit 10
        #expect(try ControlTable.sts3215.spec(.presentPosition).decode([0x05, 0x80], at: 0) == -5)
        #expect(throws: RegisterValueError.self) {
            var out: [UInt8] = []
            try ControlTable.sts3215.spec(.homingOffset).encode(2048, into: &out)  // |offset| > 2047 overflows
        }
    }

    @Test func corruptChecksumIsRejected() {
        var packet: [UInt8] = [0xFF, 0xFF, 0x01, 0x02, 0x00, 0xFB]  // correct checksum is 0xFC
        #expect(FeetechCodec.decodeStatus(in: &packet, from: 0, to: packet.count)
            == .corrupt(skip: 2, reason: .checksumMismatch(expected: 0xFC, found: 0xFB)))
    }

    @Test func noiseBeforeHeaderIsSkipped() {
        var stream: [UInt8] = [0x00, 0x13, 0xFF]
        FeetechCodec.appendStatus(id: 3, error: 0x20, parameters: [0x00, 0x08], to: &stream)
        var start = 0
        var found: DecodedPacket?
        while start < stream.count, found == nil {
            switch FeetechCodec.decodeStatus(in: &stream, from: start, to: stream.count) {
            case .packet(let p): found = p
            case .corrupt(let skip, _): start += skip
            case .incomplete: Issue.record("incomplete at \(start)"); return
            }
        }
        #expect(found?.id == 3)
        #expect(found?.code == 0x20)
        #expect(FeetechCodec.ErrorFlags(rawValue: found?.code ?? 0).contains(.overload) == true)
    }
}
