import Testing
@testable import RobotIO

/// Tick ⇄ joint-unit vectors computed by hand from LeRobot's formulas:
/// degrees = (raw − (min + max)/2) · 360 / 4095, radians = degrees · π/180;
/// gripper 0–100 = (clamp(raw) − min) / (max − min) · 100, here divided by 100.
@Suite struct CalibrationConversionTests {
    let so101 = try! Calibration(robot: .so101, joints: CalibrationFixtures.so101Joints)

    /// The map of `joint` in the SO-101 fixture.
    func map(_ joint: String) -> JointUnitMap {
        so101.unitMaps[RobotSpec.so101.jointNames.firstIndex(of: joint)!]
    }

    @Test(arguments: [
        // shoulder_pan 758…3292, midpoint 2025: (3292 − 2025) · 360/4095 = 111.384615…°
        ("shoulder_pan", Int64(3292), 1.9440282745290685),
        ("shoulder_pan", 758, -1.9440282745290685),
        ("shoulder_pan", 2025, 0.0),
        // wrist_flex 867…3190, midpoint 2028.5 (half a tick): −0.5 · 360/4095 = −0.043956…°
        ("wrist_flex", 2028, -0.0007671776931843207),
        // Readings outside the range are not clamped (LeRobot's degree mapping does not clamp).
        ("wrist_flex", 4095, 3.170745405930797),
        ("wrist_flex", 0, -3.1124399012487887),
    ])
    func armJointReadsLeRobotsDegreesInRadians(joint: String, ticks: Int64, radians: Double) {
        #expect(abs(map(joint).position(fromTicks: ticks) - radians) < 1e-12)
    }

    @Test(arguments: [
        // gripper 2023…3466: (2600 − 2023) / 1443 = 0.39986…, LeRobot's 39.986
        (Int64(2600), 0.3998613998613998),
        (2023, 0.0),
        (3466, 1.0),
        // Clamped to the range, as LeRobot clamps its 0–100.
        (1000, 0.0),
        (4000, 1.0),
    ])
    func gripperReadsLeRobotsPercentAsAFraction(ticks: Int64, opening: Double) {
        #expect(abs(map("gripper").position(fromTicks: ticks) - opening) < 1e-12)
    }

    @Test func feetechGripperWithDriveModeOneIsReversed() throws {
        var joints = CalibrationFixtures.so101Joints
        joints["gripper"]?.driveMode = 1
        let reversed = try Calibration(robot: .so101, joints: joints).unitMaps[5]
        // LeRobot: 100 − 39.986 = 60.014
        #expect(abs(reversed.position(fromTicks: 2600) - 0.6001386001386002) < 1e-12)
        #expect(reversed.position(fromTicks: 2023) == 1)
        #expect(reversed.goalTicks(forPosition: 1) == 2023)
        // opening 0.25 → 0.75 of the way from range_min: 2023 + 0.75 · 1443 = 3105.25
        #expect(reversed.goalTicks(forPosition: 0.25) == 3105)
    }

    @Test func driveModeDoesNotTouchAnglesNorDynamixelGrippers() throws {
        var joints = CalibrationFixtures.so101Joints
        joints["shoulder_pan"]?.driveMode = 1
        let pan = try Calibration(robot: .so101, joints: joints).unitMaps[0]
        #expect(abs(pan.position(fromTicks: 3292) - 1.9440282745290685) < 1e-12)

        // Dynamixel reverses in the motor (Drive_Mode register), so LeRobot does not reverse again.
        let gripper = JointCalibration(id: 6, driveMode: 1, homingOffset: 0, rangeMin: 2023, rangeMax: 3466)
        let kochGripper = JointUnitMap(calibration: gripper, kind: .gripper, servoProtocol: .dynamixel)
        #expect(abs(kochGripper.position(fromTicks: 2600) - 0.3998613998613998) < 1e-12)
    }

    @Test(arguments: [
        // 90° = π/2: 90 · 4095/360 + 2025 = 3048.75 → 3049 (LeRobot truncates to 3048)
        ("shoulder_pan", Double.pi / 2, Int64(3049)),
        ("shoulder_pan", 0, 2025),
        // Goals beyond the calibrated range are clamped to it.
        ("shoulder_pan", Double.pi, 3292),
        ("shoulder_pan", -Double.pi, 758),
        ("shoulder_pan", .infinity, 3292),
        ("shoulder_pan", -.infinity, 758),
        // NaN goes to the middle of the range, the homing pose, rather than trap.
        ("shoulder_pan", .nan, 2025),
        ("wrist_flex", .nan, 2028),
        // Gripper: 0.5 → 2023 + 721.5 = 2744.5 → 2745; out-of-range openings clamped.
        ("gripper", 0.5, 2745),
        ("gripper", 1.2, 3466),
        ("gripper", -0.1, 2023),
        ("gripper", .nan, 2744),
    ])
    func goalTicksAreRoundedAndClamped(joint: String, position: Double, ticks: Int64) {
        #expect(map(joint).goalTicks(forPosition: position) == ticks)
    }

    @Test func batchedConversionsMatchPerJointOnesInJointOrder() {
        let ticks: [Int64] = [3292, 612, 1972, 2028, 4000, 2600]
        var radians = [Double](repeating: .nan, count: 6)
        so101.positions(fromTicks: ticks, into: &radians)
        #expect(radians == zip(so101.unitMaps, ticks).map { $0.position(fromTicks: $1) })
        #expect(so101.positions(fromTicks: ticks) == radians)

        var goals = [Int64](repeating: -1, count: 6)
        so101.goalTicks(forPositions: radians, into: &goals)
        #expect(goals == [3292, 612, 1972, 2028, 4000, 2600])
        #expect(so101.goalTicks(forPositions: radians) == goals)
    }

    @Test func batchedConversionsWorkInFloatWithoutReallocating() {
        let ticks: [Int64] = [758, 3401, 881, 3190, 0, 3466]
        var positions = [Float](repeating: 0, count: 6)
        let storage = positions.withUnsafeBufferPointer { $0.baseAddress }
        so101.positions(fromTicks: ticks, into: &positions)
        #expect(positions.withUnsafeBufferPointer { $0.baseAddress } == storage)
        #expect(positions[5] == 1)
        #expect(abs(positions[0] - -1.9440283) < 1e-6)

        var goals = [Int64](repeating: 0, count: 6)
        so101.goalTicks(forPositions: positions, into: &goals)
        #expect(goals == ticks)
    }
}
