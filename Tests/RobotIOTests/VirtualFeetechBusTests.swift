import Testing
@testable import RobotIO

/// The virtual SO-101 bus over a real pty, with raw Feetech packets.
@Suite struct VirtualFeetechBusTests {
    let sts = MotorModel.sts3215

    @Test func pingAnswersEveryMotorAndNotUnknownIDs() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        for id in RobotSpec.so101.ids {
            #expect(try client.transact(id: id, .ping) == [ReceivedStatus(id: id, error: 0, data: [])])
        }
        #expect(try client.transact(id: 42, .ping, timeoutMilliseconds: 50).isEmpty)
    }

    @Test func readReturnsInitialControlTable() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        #expect(try client.read(id: 3, address: 3, length: 2)?.data == [0x09, 0x03])  // 777
        #expect(try client.value(id: 3, .id, model: sts) == 3)
        #expect(try client.value(id: 3, .presentPosition, model: sts) == 2048)
        #expect(try client.value(id: 3, .maxPositionLimit, model: sts) == 4095)
        #expect(try client.value(id: 3, .pCoefficient, model: sts) == 16)
        #expect(try client.value(id: 3, .dCoefficient, model: sts) == 32)
        #expect(try client.value(id: 3, .lock, model: sts) == 1)
    }

    @Test func motorMovesTowardGoalOnlyWithTorqueOn() throws {
        let speed = 1000.0  // ticks per second: ~1 s for this move, so a slow machine still sees it midway
        let client = try VirtualBusTestClient(
            robot: .so101, options: .init(motion: .init(maxSpeedTicksPerSecond: speed)))
        #expect(try client.write(id: 1, .goalPosition, 3000, model: sts)?.error == 0)
        usleepMilliseconds(100)
        #expect(try client.value(id: 1, .presentPosition, model: sts) == 2048, "torque is off")

        let torqueOn = MonotonicClock.nanoseconds()
        #expect(try client.write(id: 1, .torqueEnable, 1, model: sts)?.error == 0)
        usleepMilliseconds(100)
        let midway = try #require(try client.value(id: 1, .presentPosition, model: sts))
        let elapsed = Double(MonotonicClock.nanoseconds() - torqueOn) / 1e9
        #expect(midway > 2048)
        #expect(Double(midway) <= 2048 + speed * elapsed + 1, "never faster than the speed limit")
        if elapsed < 0.5 {
            #expect(midway < 3000)
            #expect(try client.value(id: 1, .moving, model: sts) == 1)
            let velocity = try #require(try client.value(id: 1, .presentVelocity, model: sts))
            #expect(velocity > 0 && Double(velocity) <= speed)
            #expect(try client.value(id: 1, .presentLoad, model: sts) ?? 0 > 0)
        }

        #expect(try eventually(within: 5) { try client.value(id: 1, .presentPosition, model: sts) == 3000 })
        #expect(try client.value(id: 1, .moving, model: sts) == 0)
        #expect(try client.value(id: 1, .presentVelocity, model: sts) == 0)
        #expect(try client.value(id: 2, .presentPosition, model: sts) == 2048)
    }

    @Test func syncWriteMovesAllAndSyncReadAnswersInRequestOrder() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        let goals: [MotorID: Int64] = [1: 1000, 2: 1500, 3: 2000, 4: 2500, 5: 3000, 6: 3500]
        var torque = client.fields(40, 1)
        for id in RobotSpec.so101.ids { torque += [id, 1] }
        try client.send(id: 0xFE, .syncWrite, torque)
        var parameters = client.fields(42, 2)
        for id in RobotSpec.so101.ids {
            parameters.append(id)
            try sts.controlTable.spec(.goalPosition).encode(goals[id]!, into: &parameters)
        }
        try client.send(id: 0xFE, .syncWrite, parameters)
        #expect(try client.receive(count: 1, timeoutMilliseconds: 50).isEmpty, "sync write has no reply")

        let order: [MotorID] = [3, 1, 6, 2, 5, 4]
        let settled = try eventually(within: 3) {
            let statuses = try client.transact(id: 0xFE, .syncRead, client.fields(56, 2) + order, replies: 6)
            #expect(statuses.map(\.id) == order)
            return statuses.allSatisfy { Int64($0.data[0]) | Int64($0.data[1]) << 8 == goals[$0.id]! }
        }
        #expect(settled)
        #expect(client.bus.statistics.packets(of: .syncWrite) == 2)
    }

    @Test func negativeHomingOffsetIsSignMagnitudeAndShiftsPresent() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        #expect(try client.write(id: 2, .lock, 0, model: sts)?.error == 0)
        #expect(try client.write(id: 2, .homingOffset, -5, model: sts)?.error == 0)
        #expect(try client.read(id: 2, address: 31, length: 2)?.data == [0x05, 0x08])
        // present = actual − offset
        #expect(try client.value(id: 2, .presentPosition, model: sts) == 2053)
        client.bus.setValue(-20, of: .presentPosition, id: 2)
        #expect(try client.read(id: 2, address: 56, length: 2)?.data == [0x14, 0x80])
    }

    @Test func eepromWritesNeedLockZero() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        #expect(try client.write(id: 4, .minPositionLimit, 100, model: sts)?.error == 0)
        #expect(try client.value(id: 4, .minPositionLimit, model: sts) == 0, "Lock = 1: the write must not persist")
        #expect(try client.write(id: 4, .lock, 0, model: sts)?.error == 0)
        #expect(try client.write(id: 4, .minPositionLimit, 100, model: sts)?.error == 0)
        #expect(try client.value(id: 4, .minPositionLimit, model: sts) == 100)
        // RAM registers do not care about the lock.
        #expect(try client.write(id: 4, .lock, 1, model: sts)?.error == 0)
        #expect(try client.write(id: 4, .acceleration, 50, model: sts)?.error == 0)
        #expect(try client.value(id: 4, .acceleration, model: sts) == 50)
    }

    @Test func setIDRenamesTheMotor() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        #expect(try client.write(id: 6, .lock, 0, model: sts)?.error == 0)
        // The reply to the ID write still comes from the ID that was addressed.
        #expect(try client.write(id: 6, .id, 9, model: sts)?.id == 6)
        #expect(try client.transact(id: 6, .ping, timeoutMilliseconds: 50).isEmpty)
        #expect(try client.transact(id: 9, .ping).map(\.id) == [9])
        #expect(client.bus.value(of: .id, id: 9) == 9)
        #expect(client.bus.value(of: .id, id: 6) == nil)
    }

    @Test func goalsAreClampedToAngleLimits() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        client.bus.setValue(1000, of: .minPositionLimit, id: 1)
        client.bus.setValue(3000, of: .maxPositionLimit, id: 1)
        #expect(try client.write(id: 1, .goalPosition, 3500, model: sts)?.error == 0)
        #expect(try client.value(id: 1, .goalPosition, model: sts) == 3000)
        #expect(try client.write(id: 1, .goalPosition, 10, model: sts)?.error == 0)
        #expect(try client.value(id: 1, .goalPosition, model: sts) == 1000)
    }

    @Test func readOnlyRegistersIgnoreWrites() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        #expect(try client.write(id: 1, .presentPosition, 100, model: sts)?.error == 0)
        #expect(try client.value(id: 1, .presentPosition, model: sts) == 2048)
    }

    @Test func returnDelayRegisterDelaysReplies() throws {
        let client = try VirtualBusTestClient(robot: .so101, options: .init(returnDelayCapMicroseconds: 5_000))
        client.bus.setValue(250, of: .returnDelayTime, id: 1)  // 500 µs
        let start = MonotonicClock.nanoseconds()
        #expect(try client.transact(id: 1, .ping).count == 1)
        #expect(MonotonicClock.nanoseconds() - start >= 500_000)
    }

    @Test func responseStatusLevelZeroSilencesWritesOnly() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        client.bus.setValue(0, of: .responseStatusLevel, id: 1)
        #expect(try client.write(id: 1, .goalPosition, 2100, model: sts) == nil)
        #expect(client.bus.value(of: .goalPosition, id: 1) == 2100)
        #expect(try client.value(id: 1, .goalPosition, model: sts) == 2100)
    }

    @Test func corruptIncomingPacketsAreSkipped() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        var badPing = FeetechCodec.instruction(id: 1, .ping)
        badPing[badPing.count - 1] ^= 0xFF
        try client.port.write([0x00, 0x13, 0xFF] + badPing + FeetechCodec.instruction(id: 2, .ping))
        #expect(try client.receive(count: 2, timeoutMilliseconds: 100).map(\.id) == [2])
        #expect(client.bus.statistics.corruptBytesSkipped > 0)
        #expect(client.bus.statistics.packetsReceived == 1)
    }

    @Test func motorsOnlyHearTheirBaudRate() throws {
        let client = try VirtualBusTestClient(robot: .so101, baudRate: 500_000)
        #expect(try client.transact(id: 1, .ping, timeoutMilliseconds: 50).isEmpty)
        try client.port.setBaudRate(1_000_000)
        #expect(try client.transact(id: 1, .ping).count == 1)
    }
}
