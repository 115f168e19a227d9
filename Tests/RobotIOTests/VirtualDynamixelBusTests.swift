import Testing
@testable import RobotIO

/// The virtual Koch bus over a real pty, with raw Dynamixel 2.0 packets.
@Suite struct VirtualDynamixelBusTests {
    let xl430 = MotorModel.xl430w250
    let xl330 = MotorModel.xl330m288
    typealias Failure = DynamixelCodec.InstructionError

    @Test func pingReportsModelAndFirmware() throws {
        let client = try VirtualBusTestClient(robot: .koch)
        #expect(try client.transact(id: 1, .ping) == [ReceivedStatus(id: 1, error: 0, data: [0x24, 0x04, 52])])  // 1060
        #expect(try client.transact(id: 4, .ping) == [ReceivedStatus(id: 4, error: 0, data: [0xB0, 0x04, 52])])  // 1200
        #expect(try client.transact(id: 42, .ping, timeoutMilliseconds: 50).isEmpty)
    }

    @Test func broadcastPingAnswersInIDOrder() throws {
        let client = try VirtualBusTestClient(robot: .koch)
        let statuses = try client.transact(id: 0xFE, .ping, replies: 7, timeoutMilliseconds: 100)
        #expect(statuses.map(\.id) == [1, 2, 3, 4, 5, 6])
    }

    @Test func negativeGoalsAreTwosComplementAndMotorFollows() throws {
        let client = try VirtualBusTestClient(robot: .koch)
        #expect(try client.write(id: 3, .goalPosition, -300, model: xl330)?.error == 0)
        #expect(try client.read(id: 3, address: 116, length: 4)?.data == [0xD4, 0xFE, 0xFF, 0xFF])
        #expect(try client.write(id: 3, .torqueEnable, 1, model: xl330)?.error == 0)
        #expect(try eventually(within: 3) { try client.value(id: 3, .presentPosition, model: xl330) == -300 })
    }

    @Test func eepromWriteWithTorqueOnIsAnAccessError() throws {
        let client = try VirtualBusTestClient(robot: .koch)
        #expect(try client.write(id: 2, .torqueEnable, 1, model: xl430)?.error == 0)
        #expect(try client.write(id: 2, .homingOffset, 100, model: xl430)?.error == Failure.access.rawValue)
        #expect(try client.value(id: 2, .homingOffset, model: xl430) == 0)
        #expect(try client.write(id: 2, .torqueEnable, 0, model: xl430)?.error == 0)
        #expect(try client.write(id: 2, .homingOffset, 100, model: xl430)?.error == 0)
        // present = actual + offset
        #expect(try client.value(id: 2, .presentPosition, model: xl430) == 2148)
    }

    @Test func readOnlyAndOutOfTableAccessesAreRefused() throws {
        let client = try VirtualBusTestClient(robot: .koch)
        #expect(try client.write(id: 1, .presentPosition, 5, model: xl430)?.error == Failure.access.rawValue)
        #expect(try client.read(id: 1, address: 140, length: 20)?.error == Failure.dataRange.rawValue)
        #expect(try client.transact(id: 1, .read, [0x84]).first?.error == Failure.dataLength.rawValue)
        try client.send(id: 1, .regWrite, [0x74, 0x00, 0x00])
        #expect(try client.receive(count: 1).first?.error == Failure.instruction.rawValue)
    }

    @Test func positionModeRefusesGoalsOutsideLimits() throws {
        let client = try VirtualBusTestClient(robot: .koch)
        #expect(try client.write(id: 1, .operatingMode, 3, model: xl430)?.error == 0)
        #expect(try client.write(id: 1, .maxPositionLimit, 3000, model: xl430)?.error == 0)
        #expect(try client.write(id: 1, .goalPosition, 3500, model: xl430)?.error == Failure.dataLimit.rawValue)
        #expect(try client.value(id: 1, .goalPosition, model: xl430) == 2048)
        #expect(try client.write(id: 1, .goalPosition, 2900, model: xl430)?.error == 0)
    }

    @Test func syncWriteThenSyncReadAndBulkRead() throws {
        let client = try VirtualBusTestClient(robot: .koch)
        var parameters = client.fields(116, 4)
        for id in RobotSpec.koch.ids {
            parameters.append(id)
            try xl330.controlTable.spec(.goalPosition).encode(Int64(id) * 100, into: &parameters)
        }
        try client.send(id: 0xFE, .syncWrite, parameters)
        let order: [MotorID] = [6, 2, 4]
        let statuses = try client.transact(id: 0xFE, .syncRead, client.fields(116, 4) + order, replies: 3)
        #expect(statuses.map(\.id) == order)
        #expect(statuses.map { xl330.controlTable.registers[.goalPosition]!.decode($0.data, at: 0) } == [600, 200, 400])

        // Bulk read: each motor its own register.
        let bulk: [UInt8] = [1, 0, 0, 2, 0, /* model number */ 5, 64, 0, 1, 0, /* torque */ 3, 132, 0, 4, 0]
        let replies = try client.transact(id: 0xFE, .bulkRead, bulk, replies: 3)
        #expect(replies.map(\.id) == [1, 5, 3])
        #expect(replies.map(\.data) == [[0x24, 0x04], [0], [0x00, 0x08, 0, 0]])
    }

    @Test func byteStuffingBothWays() throws {
        let client = try VirtualBusTestClient(robot: .koch)
        // Profile_Acceleration = 0x00FDFFFF puts FF FF FD in the parameters.
        let packet = DynamixelCodec.instruction(id: 1, .write, parameters: [108, 0, 0xFF, 0xFF, 0xFD, 0x00])
        #expect(packet.count == 10 + 6 + 1, "the writer inserted one FD")
        try client.port.write(packet)
        #expect(try client.receive(count: 1).first?.error == 0)
        #expect(client.bus.value(of: .profileAcceleration, id: 1) == 0x00FD_FFFF)
        let status = try client.read(id: 1, address: 108, length: 4)
        #expect(status?.data == [0xFF, 0xFF, 0xFD, 0x00])
        #expect(client.rawReceived.count == 11 + 4 + 1 + 11, "write status, then a read status with one stuffed FD")
    }

    @Test func rebootTurnsTorqueOffAndHolds() throws {
        let client = try VirtualBusTestClient(robot: .koch, options: .init(motion: .init(maxSpeedTicksPerSecond: 500)))
        #expect(try client.write(id: 5, .torqueEnable, 1, model: xl330)?.error == 0)
        #expect(try client.write(id: 5, .goalPosition, 3000, model: xl330)?.error == 0)
        usleepMilliseconds(50)
        #expect(try client.transact(id: 5, .reboot).map(\.id) == [5])
        #expect(try client.value(id: 5, .torqueEnable, model: xl330) == 0)
        let held = try #require(try client.value(id: 5, .presentPosition, model: xl330))
        #expect(held > 2048)
        #expect(try client.value(id: 5, .goalPosition, model: xl330) == held)
        usleepMilliseconds(50)
        #expect(try client.value(id: 5, .presentPosition, model: xl330) == held, "torque off: it stays")
    }

    @Test func statusReturnLevelOneSilencesWrites() throws {
        let client = try VirtualBusTestClient(robot: .koch)
        #expect(try client.transact(id: 1, .write, [68, 0, 1]).count == 1, "the level takes effect after this reply")
        #expect(try client.write(id: 1, .led, 1, model: xl430) == nil)
        #expect(try client.value(id: 1, .led, model: xl430) == 1)
    }
}
