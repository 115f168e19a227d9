import RobotIO
import SimTrainer
import TestSupport
import Testing
@testable import TwinServe

/// The twin's servos through the wire, the twin's side played by hand on the board (no
/// physics): what the project's Feetech client reads and writes maps to the twin's joints
/// through the calibration, whatever its homing offsets and drive modes.
@Suite("Twin servos over the bus", .serialized)
struct TwinServoBusTests {
    /// The same arm homed with zero offsets: the twin file's ranges moved into the encoder's
    /// own frame (range + offset), every drive mode 0 (the gripper's encoder counts up as it opens).
    static let plain: Calibration = {
        var joints: [String: JointCalibration] = [:]
        for (spec, joint) in zip(RobotSpec.so101.joints, TwinCalibration.so101.joints) {
            let gripperShift = spec.kind == .gripper ? 0 : joint.homingOffset  // its range stays on the encoder
            joints[spec.name] = JointCalibration(id: joint.id, homingOffset: 0, rangeMin: joint.rangeMin + gripperShift,
                                                 rangeMax: joint.rangeMax + gripperShift)
        }
        return try! Calibration(robot: .so101, joints: joints)
    }()

    /// Poses inside the twin's ranges: near rest, every joint at either end, and a mixed one.
    static let poses: [[Double]] = {
        let ranges = SO101Geometry.ranges.indices.map { joint in
            joint == 5 ? (lower: 0.0, upper: 1.0) : SO101Geometry.ranges[joint]
        }
        return [[0, 0, 0, 0, 0, 0.5], ranges.map(\.lower), ranges.map(\.upper), [0.7, -1.2, 1.4, -0.3, 2.5, 0.15]]
    }()

    @Test("the twin file is the built-in calibration, and has non-zero offsets and an inverted gripper")
    func shippedCalibration() throws {
        let file = try Calibration.load(from: TwinBusFixture.repositoryFile("calibration/twin_so101.json"), robot: .so101)
        #expect(file == TwinCalibration.so101)
        #expect(file.joints.filter { $0.homingOffset != 0 }.count >= 4)
        #expect(file.unitMaps[5].reversesOpening)
        // Each range covers the twin joint's (the calibrated limits are what `run` filters against).
        for (joint, map) in file.unitMaps.enumerated() {
            let limits = (map.position(fromTicks: map.rangeMin), map.position(fromTicks: map.rangeMax))
            let range = joint == 5 ? (lower: 0.0, upper: 1.0) : SO101Geometry.ranges[joint]
            #expect(min(limits.0, limits.1) <= range.lower && max(limits.0, limits.1) >= range.upper, "joint \(joint)")
        }
    }

    @Test("Present_Position read through either calibration is the twin's joint angle", arguments: [true, false])
    func presentPositionsMapToTheTwinsAngles(twinFile: Bool) throws {
        let calibration = twinFile ? TwinCalibration.so101 : Self.plain
        let fixture = try TwinBusFixture(calibration: calibration)
        for pose in Self.poses {
            fixture.publish(pose)
            let read = try fixture.jointPositions()
            for joint in pose.indices {
                #expect(abs(read[joint] - pose[joint]) <= tolerance(ticks: 0.51, joint: joint, of: calibration),
                        "joint \(joint) of \(pose): read \(read[joint])")
            }
        }
    }

    @Test("the wire differs between the calibrations, by the offsets; the gripper's runs the other way")
    func rawTicksFollowOffsetsAndDriveMode() throws {
        let homed = try TwinBusFixture(calibration: TwinCalibration.so101)
        let plain = try TwinBusFixture(calibration: Self.plain)
        let opened = [0.0, 0, 0, 0, 0, 0.9], closed = [0.0, 0, 0, 0, 0, 0.1]
        homed.publish(opened)
        plain.publish(opened)
        let (homedTicks, plainTicks) = (try homed.ticks(), try plain.ticks())
        for joint in 0..<5 {
            // Feetech: present = actual − offset, and the plain arm's offsets are 0.
            #expect(plainTicks[joint] - homedTicks[joint] == Int64(TwinCalibration.so101.joints[joint].homingOffset))
        }
        homed.publish(closed)
        plain.publish(closed)
        #expect(try homed.ticks()[5] > homedTicks[5], "drive mode 1: the encoder counts down as the jaw opens")
        #expect(try plain.ticks()[5] < plainTicks[5])
    }

    @Test("goals written through either calibration become the twin joints' goals", arguments: [true, false])
    func goalsDriveTheTwinsJoints(twinFile: Bool) throws {
        let calibration = twinFile ? TwinCalibration.so101 : Self.plain
        let fixture = try TwinBusFixture(calibration: calibration)
        for pose in Self.poses {
            try fixture.writeGoals(pose)
            let goals = fixture.board.command.goals
            for joint in pose.indices {
                #expect(abs(goals[joint] - pose[joint]) <= tolerance(ticks: 0.51, joint: joint, of: calibration),
                        "joint \(joint) of \(pose): goal \(goals[joint])")
            }
        }
    }

    @Test("the servos start holding the twin's rest pose; torque off and on reach the twin")
    func torque() throws {
        let fixture = try TwinBusFixture()
        #expect(try fixture.read(.torqueEnable) == [1, 1, 1, 1, 1, 1])
        #expect(try fixture.read(.goalPosition) == fixture.read(.presentPosition))
        try fixture.client.disableTorque()
        #expect(fixture.board.command.torqueEnabled == [Bool](repeating: false, count: 6))
        try fixture.client.enableTorque()
        #expect(fixture.board.command.torqueEnabled == [Bool](repeating: true, count: 6))
    }

    @Test("Goal_Velocity is the joint's speed limit; 0 means none")
    func goalVelocityLimitsSpeed() throws {
        let fixture = try TwinBusFixture()
        try fixture.write(.goalVelocity, joint: 0, value: 300)
        try fixture.write(.goalVelocity, joint: 5, value: 720)
        let limits = fixture.board.command.speedLimits
        #expect(abs(limits[0] - 300 * 2 * .pi / 4095) < 1e-9)
        #expect(abs(limits[5] - 0.5) < 1e-9, "720 ticks/s over the gripper's 1440-tick range")
        try fixture.write(.goalVelocity, joint: 0, value: 0)
        #expect(fixture.board.command.speedLimits[0] == .infinity)
    }

    @Test("a Homing_Offset rewritten in EEPROM moves Present_Position, not the joint")
    func homingOffsetIsARegister() throws {
        let fixture = try TwinBusFixture()
        fixture.publish(Self.poses[3])
        let before = try fixture.ticks()
        try fixture.write(.lock, joint: 0, value: 0)
        try fixture.write(.homingOffset, joint: 0, value: 0)
        try fixture.write(.lock, joint: 0, value: 1)
        #expect(try fixture.ticks()[0] == before[0] + Int64(TwinCalibration.so101.joints[0].homingOffset))
    }

    @Test("when the twin resets the arm to rest, each servo holds where it stands, torque on")
    func resetHoldsTheRestPose() throws {
        let fixture = try TwinBusFixture()
        fixture.publish(Self.poses[3])
        try fixture.client.disableTorque()
        try fixture.writeGoals(Self.poses[3])
        let rest = Self.poses[0]
        fixture.board.episodeDidStart(restPose: rest)
        fixture.publish(rest)
        #expect(try fixture.read(.torqueEnable) == [1, 1, 1, 1, 1, 1])
        #expect(try fixture.read(.goalPosition) == fixture.read(.presentPosition))
        #expect(fixture.board.command.torqueEnabled == [Bool](repeating: true, count: 6))
        for joint in rest.indices {
            #expect(abs(fixture.board.command.goals[joint] - rest[joint]) <= tolerance(ticks: 0.51, joint: joint, of: fixture.calibration))
        }
    }
}
