import Testing
@testable import RobotIO

/// A virtual arm started with a calibration (`virtual-bus --calibration FILE`) is what
/// `pirl-robot calibrate` leaves behind: the file's offsets and limits in EEPROM, every joint
/// resting in the middle of its range, so `run` with that file accepts it without set-up.
@Suite struct VirtualBusCalibrationTests {
    static func example(_ robot: RobotSpec, _ file: String) throws -> Calibration {
        try Calibration.load(from: CalibrationFixtures.exampleFile(file), robot: robot)
    }

    @Test(arguments: [(RobotSpec.so101, "so101_example.json"), (RobotSpec.koch, "koch_example.json")])
    func stateStartsWithTheFilesEEPROMAndMidRange(robot: RobotSpec, file: String) throws {
        var calibration = try Self.example(robot, file)
        if robot.servoProtocol == .dynamixel {
            // A reversed joint: Dynamixel keeps drive_mode in its Drive_Mode register.
            var joints = Dictionary(uniqueKeysWithValues: zip(robot.jointNames, calibration.joints))
            joints["gripper"]!.driveMode = 1
            calibration = try Calibration(robot: robot, joints: joints)
        }
        let state = VirtualBusState(robot: robot, options: VirtualBusOptions(calibration: calibration), now: 0)
        for (motor, joint) in zip(state.motors, calibration.joints) {
            let middle = Int64((joint.rangeMin + joint.rangeMax) / 2)
            #expect(motor.value(of: .homingOffset) == Int64(joint.homingOffset))
            #expect(motor.value(of: .minPositionLimit) == Int64(joint.rangeMin))
            #expect(motor.value(of: .maxPositionLimit) == Int64(joint.rangeMax))
            #expect(motor.value(of: .presentPosition) == middle)
            #expect(motor.value(of: .goalPosition) == middle)
            #expect(motor.value(of: .driveMode).map { Int($0 & 1) } == (robot.servoProtocol == .dynamixel ? joint.driveMode : nil))
            #expect(!motor.torqueEnabled)
        }
    }

    @Test func uncalibratedStateIsAsTheMotorSetUpLeavesIt() {
        let state = VirtualBusState(robot: .so101, options: VirtualBusOptions(), now: 0)
        for motor in state.motors {
            #expect(motor.value(of: .homingOffset) == 0)
            #expect(motor.value(of: .presentPosition) == 2048)
            #expect(motor.value(of: .maxPositionLimit) == 4095)
        }
    }

    /// Over the pty, as `run` checks an arm: the offsets in EEPROM are the file's and every
    /// joint reads inside its calibrated range (revolute joints at 0 rad, within a tick).
    @Test func clientReadsTheFilesOffsetsAndAMidRangePose() throws {
        let calibration = try Self.example(.so101, "so101_example.json")
        let fixture = try VirtualBusFixture(robot: .so101, calibration: calibration)
        try fixture.robotBus.verifyMotors()
        var offsets = [Int64](repeating: 0, count: 6), ticks = offsets
        try fixture.bus.syncRead(.homingOffset, from: fixture.motors, into: &offsets)
        #expect(offsets == calibration.joints.map { Int64($0.homingOffset) })
        try fixture.robotBus.readPositions(into: &ticks)
        for (tick, joint) in zip(ticks, calibration.joints) {
            #expect((Int64(joint.rangeMin)...Int64(joint.rangeMax)).contains(tick))
        }
        let positions = calibration.positions(fromTicks: ticks)
        for (position, spec) in zip(positions, RobotSpec.so101.joints) where spec.kind == .revolute {
            #expect(abs(position) < 2 * .pi / 4095)
        }
    }

    @Test func anotherRobotsCalibrationIsRefused() throws {
        let koch = try Self.example(.koch, "koch_example.json")
        #expect(throws: VirtualBusError.calibrationForAnotherRobot(calibration: RobotSpec.koch.displayName,
                                                                   robot: RobotSpec.so101.displayName)) {
            _ = try VirtualServoBus(robot: .so101, options: VirtualBusOptions(calibration: koch))
        }
    }
}
