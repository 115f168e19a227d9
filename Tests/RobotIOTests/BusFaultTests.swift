#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RobotIO

/// Every fault mode of the virtual bus, and what our bus makes of it.
@Suite(.serialized) struct BusFaultTests {
    /// `robot`'s bus under occasional `faults` after 40 sync reads of every position, each
    /// retried up to 10 times: every read must succeed.
    static func fortyReads(_ robot: RobotSpec, under faults: VirtualBusFaults) throws -> VirtualBusFixture {
        let f = try VirtualBusFixture(robot: robot, faults: faults,
                                      busOptions: MotorBusOptions(replyAllowanceMicroseconds: 5_000, retries: 10))
        var positions = [Int64](repeating: 0, count: 6)
        for _ in 0..<40 { try f.robotBus.readPositions(into: &positions) }
        return f
    }

    @Test func droppedRepliesAreRetried() throws {
        let f = try Self.fortyReads(.so101, under: VirtualBusFaults(dropReplyProbability: 0.05))
        #expect(f.bus.statistics.retries > 0)
        #expect(f.virtual.statistics.repliesDropped > 0)
    }

    @Test func silentMotorIsNamedInTheError() throws {
        var faults = VirtualBusFaults()
        faults.silentIDs = [3]
        let f = try VirtualBusFixture(robot: .so101, faults: faults,
                                      busOptions: MotorBusOptions(replyAllowanceMicroseconds: 5_000, retries: 2))
        var positions = [Int64](repeating: 0, count: 6)
        do {
            try f.robotBus.readPositions(into: &positions)
            Issue.record("sync read succeeded with a silent motor")
        } catch {
            let message = error.description
            #expect(message.contains("no reply from elbow_flex (ID 3) after 3 attempts"))
            #expect(!message.contains("ID 1"))
            #expect(message.contains("motors scan"))
        }
    }

    @Test func everyMissingMotorIsListedAtStartUp() throws {
        var faults = VirtualBusFaults()
        faults.silentIDs = [2, 5]
        let f = try VirtualBusFixture(robot: .koch, faults: faults,
                                      busOptions: MotorBusOptions(replyAllowanceMicroseconds: 5_000, retries: 1))
        #expect {
            try f.robotBus.verifyMotors()
        } throws: { error in
            let message = (error as? RobotBusError)?.description ?? ""
            return message.contains("shoulder_lift (ID 2) [xl430-w250]") && message.contains("wrist_roll (ID 5) [xl330-m288]")
                && !message.contains("(ID 1)")
        }
    }

    @Test func wrongModelIsReported() throws {
        let f = try VirtualBusFixture(robot: .koch)
        f.virtual.setValue(1060, of: .modelNumber, id: 4)  // an XL430 where an XL330 belongs
        #expect {
            try f.robotBus.verifyMotors()
        } throws: { error in
            (error as? RobotBusError)?.description.contains("wrist_flex (ID 4) is model 1060 (xl430-w250), expected 1200 (xl330-m288)") == true
        }
    }

    @Test func corruptRepliesFailLoudlyAfterRetries() throws {
        var faults = VirtualBusFaults()
        faults.corruptChecksumProbability = 1
        // A generous reply allowance: on a loaded machine a 5 ms one let the peer's reply to one
        // attempt arrive late, counted as a timeout instead of a corrupt packet (2 of 3).
        let f = try VirtualBusFixture(robot: .so101, faults: faults,
                                      busOptions: MotorBusOptions(replyAllowanceMicroseconds: 100_000, retries: 2))
        #expect {
            _ = try f.bus.read(.presentPosition, of: f.motors[0])
        } throws: { error in
            let message = (error as? MotorBusError)?.description ?? ""
            return message.contains("corrupt replies from shoulder_pan (ID 1)") && message.contains("checksum mismatch")
                && message.contains("after 3 attempts")
        }
        #expect(f.bus.statistics.corruptPackets >= 3)
    }

    @Test func occasionalCorruptionIsRetried() throws {
        let f = try Self.fortyReads(.koch, under: VirtualBusFaults(corruptChecksumProbability: 0.05))
        #expect(f.bus.statistics.corruptPackets > 0)
    }

    @Test(arguments: [RobotSpec.so101, RobotSpec.koch])
    func overloadBitSurfacesAndNeverBlocksTorqueOff(robot: RobotSpec) throws {
        var faults = VirtualBusFaults()
        // Feetech overload is bit 5; Dynamixel reports a latched hardware alert in bit 7.
        faults.errorBits = [2: robot.servoProtocol == .feetech ? 0x20 : 0x80]
        let f = try VirtualBusFixture(robot: robot, faults: faults)
        #expect {
            _ = try f.bus.read(.presentPosition, of: f.motors[1])
        } throws: { error in
            let message = (error as? MotorBusError)?.description ?? ""
            return message.contains("shoulder_lift (ID 2)")
                && message.contains(robot.servoProtocol == .feetech ? "overload" : "hardware alert")
                && message.contains("turning torque off still works")
        }
        try f.bus.syncWrite(.torqueEnable, to: f.motors, values: Array(repeating: 1, count: f.motors.count))
        #expect(eventually { f.virtual.value(of: .torqueEnable, id: 2) == 1 })
        let warnings = WarningLog()
        f.bus.warningHandler = { warnings.append($0) }
        try f.robotBus.disableTorque()
        #expect(f.virtual.value(of: .torqueEnable, id: 2) == 0)
        #expect(warnings.all.map(\.motor.id) == [2])
    }

    @Test func vanishingBusTimesOut() throws {
        var faults = VirtualBusFaults()
        faults.vanishAfterSeconds = 0.3
        let f = try VirtualBusFixture(robot: .so101, faults: faults,
                                      busOptions: MotorBusOptions(replyAllowanceMicroseconds: 5_000, retries: 1))
        var positions = [Int64](repeating: 0, count: 6)
        try f.robotBus.readPositions(into: &positions)
        usleep(400_000)
        #expect {
            try f.robotBus.readPositions(into: &positions)
        } throws: { error in
            (error as? RobotBusError)?.description.contains("no reply from shoulder_pan (ID 1), shoulder_lift (ID 2)") == true
        }
    }
}
