import Testing
@testable import RobotIO

/// Our buses against the virtual bus over real pseudo-terminals.
@Suite(.serialized) struct MotorBusTests {
    @Test(arguments: [RobotSpec.so101, RobotSpec.koch])
    func pingReportsModel(robot: RobotSpec) throws {
        let f = try VirtualBusFixture(robot: robot)
        for motor in f.motors {
            let reply = try f.bus.ping(motor.id)
            #expect(reply.modelNumber == motor.model.modelNumber)
        }
    }

    @Test(arguments: [RobotSpec.so101, RobotSpec.koch])
    func broadcastPingFindsEveryMotor(robot: RobotSpec) throws {
        let f = try VirtualBusFixture(robot: robot)
        let replies = try f.bus.broadcastPing()
        #expect(replies.map(\.id) == robot.ids)
        #expect(replies.map(\.modelNumber) == robot.joints.map { $0.model.modelNumber })
    }

    @Test(arguments: [RobotSpec.so101, RobotSpec.koch])
    func syncWriteMovesMotorsAndSyncReadSeesThem(robot: RobotSpec) throws {
        let f = try VirtualBusFixture(robot: robot)
        try f.robotBus.enableTorque()
        let goals: [Int64] = [1000, 1500, 2000, 2500, 3000, 3500]
        try f.robotBus.writeGoals(goals)
        // Sync write has no reply: wait until the virtual bus has processed it.
        let received = eventually { zip(f.motors, goals).allSatisfy { f.virtual.value(of: .goalPosition, id: $0.id) == $1 } }
        #expect(received)
        var positions = [Int64](repeating: 0, count: 6)
        let arrived = try eventually(seconds: 3) {
            try f.robotBus.readPositions(into: &positions)
            return zip(positions, goals).allSatisfy { abs($0 - $1) <= 2 }
        }
        #expect(arrived, "positions \(positions) never reached \(goals)")
    }

    @Test func negativeValuesCrossTheWireInSignMagnitude() throws {
        let f = try VirtualBusFixture(robot: .so101)
        let motor = f.motors[0]
        try f.robotBus.withEEPROMUnlocked(motor) { () throws(MotorBusError) in
            try f.bus.write(.homingOffset, of: motor, value: -1470)
        }
        #expect(try f.bus.read(.homingOffset, of: motor) == -1470)
        #expect(f.virtual.value(of: .homingOffset, id: motor.id) == -1470)
    }

    @Test func dynamixelBulkReadsDifferentRegisters() throws {
        let f = try VirtualBusFixture(robot: .koch)
        f.virtual.setValue(1234, of: .presentPosition, id: 2)
        var values: [Int64] = []
        try f.bus.bulkRead([(f.motors[1], .presentPosition), (f.motors[3], .modelNumber), (f.motors[5], .torqueEnable)],
                           into: &values)
        #expect(values == [1234, 1200, 0])
    }

    @Test func bulkReadIsRefusedOnFeetech() throws {
        let f = try VirtualBusFixture(robot: .so101)
        var values: [Int64] = []
        #expect(throws: MotorBusError.self) { try f.bus.bulkRead([(f.motors[0], .presentPosition)], into: &values) }
    }

    @Test func configureWritesModesAndGains() throws {
        let f = try VirtualBusFixture(robot: .koch)
        try f.robotBus.configure()
        #expect(f.virtual.value(of: .operatingMode, id: 1) == 4)
        #expect(f.virtual.value(of: .operatingMode, id: 6) == 5)
        #expect(f.virtual.value(of: .positionPGain, id: 3) == 1500)
        #expect(f.virtual.value(of: .returnDelayTime, id: 4) == 0)
        let s = try VirtualBusFixture(robot: .so101)
        try s.robotBus.configure()
        #expect(s.virtual.value(of: .pCoefficient, id: 2) == 16)
        #expect(s.virtual.value(of: .dCoefficient, id: 2) == 32)
        #expect(s.virtual.value(of: .returnDelayTime, id: 5) == 0)
    }

    @Test func transactionsAllocateNothingPerTickAfterWarmUp() throws {
        // Not an allocation counter, but the buffers keep their storage: a tick reuses them.
        let f = try VirtualBusFixture(robot: .so101)
        var positions = [Int64](repeating: 0, count: 6)
        try f.robotBus.readPositions(into: &positions)
        let before = f.bus.statistics
        for _ in 0..<50 {
            try f.robotBus.readPositions(into: &positions)
            try f.robotBus.writeGoals(positions)
        }
        let after = f.bus.statistics
        #expect(after.packetsSent - before.packetsSent == 100)
        #expect(after.packetsReceived - before.packetsReceived == 300)
        #expect(after.retries == before.retries)
    }
}
