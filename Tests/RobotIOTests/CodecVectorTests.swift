import Testing
@testable import RobotIO

/// Exact bytes from servo-buses.md.
@Suite struct CodecVectorTests {
    @Test func feetechPingOfID1() {
        #expect(FeetechCodec.instruction(id: 1, .ping) == [0xFF, 0xFF, 0x01, 0x02, 0x01, 0xFB])
    }

    @Test func dynamixelPingOfID1() {
        #expect(DynamixelCodec.instruction(id: 1, .ping) == [0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x03, 0x00, 0x01, 0x19, 0x4E])
    }
}
