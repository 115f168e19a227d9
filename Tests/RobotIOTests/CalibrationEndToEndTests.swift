import Foundation
import Testing
@testable import RobotIO

/// A scripted operator: where they hold the limp arm at each prompt, and the
/// poses they sweep it through while ranges are recorded. It moves the virtual
/// motors with `VirtualServoBus.setValue(_:of: .presentPosition, id:)`.
final class ScriptedCalibrationOperator: CalibrationPrompter {
    let bus: VirtualServoBus
    let robot: RobotSpec
    /// Raw encoder positions (homing offset 0) of the middle pose, in joint order.
    let middlePose: [Int64]
    /// Homed Present_Position poses to sweep through, each in joint order.
    let sweep: [[Int64]]
    /// Answer the first prompt with end of input.
    var quitsAtFirstPrompt = false
    private(set) var prompts: [String] = []
    private(set) var messages: [String] = []
    private(set) var tables: [[RecordedRange]] = []
    private var nextPose = 0

    init(bus: VirtualServoBus, robot: RobotSpec, middlePose: [Int64], sweep: [[Int64]]) {
        self.bus = bus
        self.robot = robot
        self.middlePose = middlePose
        self.sweep = sweep
    }

    private func hold(_ pose: [Int64]) {
        for (joint, position) in zip(robot.joints, pose) { bus.setValue(position, of: .presentPosition, id: joint.id) }
    }

    func waitForEnter(_ instruction: String) -> Bool {
        prompts.append(instruction)
        if quitsAtFirstPrompt { return false }
        hold(middlePose)
        return true
    }

    func showRanges(_ ranges: [RecordedRange]) -> Bool {
        tables.append(ranges)
        guard nextPose < sweep.count else { return true }
        hold(sweep[nextPose])
        nextPose += 1
        return false
    }

    func inform(_ message: String) { messages.append(message) }
}

/// `CalibrationProcedure` end to end against the in-process virtual bus over a
/// real pty: the test answers the prompts and moves the motors, then checks
/// the JSON and the EEPROM registers written to the virtual motors.
@Suite(.serialized) struct CalibrationEndToEndTests {
    /// A running virtual bus for `robot` and a RobotBus on its pty.
    static func connect(_ robot: RobotSpec) throws -> (VirtualServoBus, RobotBus) {
        let virtual = try VirtualServoBus(robot: robot)
        try virtual.start()
        return (virtual, try RobotBus.open(robot: robot, port: virtual.path))
    }

    /// The SO-101 fixture's ranges as homed Present_Position poses: every
    /// limited joint visits its min and its max; wrist_roll wanders a little.
    static let so101Sweep: [[Int64]] = [
        [758, 612, 881, 867, 2000, 2023],
        [3292, 3401, 3063, 3190, 2100, 3466],
        [2025, 2006, 1972, 2028, 2047, 2500],
    ]

    @Test func so101CalibrationWritesLeRobotsFileAndTheMotorsEEPROM() throws {
        let (virtual, robotBus) = try Self.connect(.so101)
        defer { robotBus.bus.close(); virtual.stop() }
        // Middle pose raw positions: offset = actual − 2047 gives the fixture's offsets.
        let middle: [Int64] = [577, 2204, 3152, 614, 2165, 3469]
        let person = ScriptedCalibrationOperator(bus: virtual, robot: .so101, middlePose: middle, sweep: Self.so101Sweep)
        // Stale EEPROM from an earlier calibration must not leak into this one.
        virtual.setValue(900, of: .homingOffset, id: 3)
        virtual.setValue(1000, of: .minPositionLimit, id: 3)
        let path = try CalibrationFixtures.temporaryFolder().appendingPathComponent("calibration/so101.json").path

        let calibration = try CalibrationProcedure(robotBus: robotBus, prompter: person).run(savingTo: path)

        #expect(try String(contentsOfFile: path, encoding: .utf8) == CalibrationFixtures.so101Text)
        #expect(calibration == (try Calibration.load(from: path, robot: .so101)))
        for (joint, entry) in zip(RobotSpec.so101.joints, calibration.joints) {
            #expect(virtual.value(of: .homingOffset, id: joint.id) == Int64(entry.homingOffset), "\(joint.name)")
            #expect(virtual.value(of: .minPositionLimit, id: joint.id) == Int64(entry.rangeMin), "\(joint.name)")
            #expect(virtual.value(of: .maxPositionLimit, id: joint.id) == Int64(entry.rangeMax), "\(joint.name)")
            #expect(virtual.value(of: .operatingMode, id: joint.id) == 0, "\(joint.name)")
            #expect(virtual.value(of: .torqueEnable, id: joint.id) == 0, "\(joint.name)")
            #expect(virtual.value(of: .lock, id: joint.id) == 1, "\(joint.name): EEPROM locked again")
        }
        #expect(person.prompts == ["Move the SO-101 follower to the middle of its range of motion and press Enter."])
        #expect(person.messages == [
            "Move every joint except wrist_roll (full turn, kept at 0…4095) through its full range of motion. "
                + "Recording positions; press Enter to stop.",
            "Calibration saved to \(path).",
        ])
        // The live table: wrist_roll is not recorded; the last one holds the final extremes.
        #expect(person.tables.first?.map(\.joint) == ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex",
                                                      "gripper"])
        #expect(person.tables.first?.first == RecordedRange(joint: "shoulder_pan", minimum: 2047, position: 2047,
                                                            maximum: 2047))
        #expect(person.tables.last?.last == RecordedRange(joint: "gripper", minimum: 2023, position: 2500,
                                                          maximum: 3466))
    }

    @Test func homedArmReadsTheAnglesOfItsCalibration() throws {
        let (virtual, robotBus) = try Self.connect(.so101)
        defer { robotBus.bus.close(); virtual.stop() }
        let person = ScriptedCalibrationOperator(bus: virtual, robot: .so101,
                                                 middlePose: [577, 2204, 3152, 614, 2165, 3469], sweep: Self.so101Sweep)
        let calibration = try CalibrationProcedure(robotBus: robotBus, prompter: person).run()

        // A hand puts shoulder_pan 90° past the middle of its range (1023.75 ticks) and opens the gripper fully.
        for (joint, present) in zip(RobotSpec.so101.joints, [Int64(3049), 2006, 1972, 2028, 2047, 3466]) {
            virtual.setValue(present, of: .presentPosition, id: joint.id)
        }
        var ticks = [Int64](repeating: 0, count: 6)
        try robotBus.readPositions(into: &ticks)
        let positions = calibration.positions(fromTicks: ticks)
        #expect(abs(positions[0] - (3049 - 2025) * 2 * Double.pi / 4095) < 1e-12)
        #expect(abs(positions[0] - Double.pi / 2) < 2 * Double.pi / 4095)
        #expect(abs(positions[2]) < 1e-12)
        #expect(positions[5] == 1)
    }

    @Test func kochCalibrationHomesTheDynamixelWayAndKeepsDriveMode() throws {
        let (virtual, robotBus) = try Self.connect(.koch)
        defer { robotBus.bus.close(); virtual.stop() }
        virtual.setValue(1, of: .driveMode, id: 6)
        // Dynamixel: offset = 2047 − actual gives koch_example.json's offsets.
        let middle: [Int64] = [2070, 965, 3062, 44, 3608, 1436]
        let sweep: [[Int64]] = [[1012, 986, 904, 1012, 2047, 1987], [3089, 3170, 3105, 3031, 2047, 2849]]
        let person = ScriptedCalibrationOperator(bus: virtual, robot: .koch, middlePose: middle, sweep: sweep)
        let path = try CalibrationFixtures.temporaryFolder().appendingPathComponent("koch.json").path

        let calibration = try CalibrationProcedure(robotBus: robotBus, prompter: person).run(savingTo: path)

        let example = try String(contentsOfFile: CalibrationFixtures.exampleFile("koch_example.json"), encoding: .utf8)
        let expected = example.replacingOccurrences(
            of: "\"id\": 6,\n        \"drive_mode\": 0", with: "\"id\": 6,\n        \"drive_mode\": 1")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
        for (joint, entry) in zip(RobotSpec.koch.joints, calibration.joints) {
            #expect(virtual.value(of: .homingOffset, id: joint.id) == Int64(entry.homingOffset), "\(joint.name)")
            #expect(virtual.value(of: .minPositionLimit, id: joint.id) == Int64(entry.rangeMin), "\(joint.name)")
            #expect(virtual.value(of: .maxPositionLimit, id: joint.id) == Int64(entry.rangeMax), "\(joint.name)")
            #expect(virtual.value(of: .operatingMode, id: joint.id) == Int64(joint.operatingMode), "\(joint.name)")
            #expect(virtual.value(of: .torqueEnable, id: joint.id) == 0, "\(joint.name)")
        }
    }

    @Test func torqueIsTurnedOffFirst() throws {
        let (virtual, robotBus) = try Self.connect(.so101)
        defer { robotBus.bus.close(); virtual.stop() }
        for joint in RobotSpec.so101.joints { virtual.setValue(1, of: .torqueEnable, id: joint.id) }
        let person = ScriptedCalibrationOperator(bus: virtual, robot: .so101,
                                                 middlePose: [577, 2204, 3152, 614, 2165, 3469], sweep: Self.so101Sweep)
        _ = try CalibrationProcedure(robotBus: robotBus, prompter: person).run()
        for joint in RobotSpec.so101.joints { #expect(virtual.value(of: .torqueEnable, id: joint.id) == 0) }
    }

    @Test func endOfInputAtAPromptCancelsAndSavesNothing() throws {
        let (virtual, robotBus) = try Self.connect(.so101)
        defer { robotBus.bus.close(); virtual.stop() }
        let person = ScriptedCalibrationOperator(bus: virtual, robot: .so101, middlePose: [], sweep: [])
        person.quitsAtFirstPrompt = true
        let path = try CalibrationFixtures.temporaryFolder().appendingPathComponent("arm.json").path
        let error = #expect(throws: CalibrationProcedureError.self) {
            try CalibrationProcedure(robotBus: robotBus, prompter: person).run(savingTo: path)
        }
        #expect(error.map { "\($0)" } == "calibration cancelled at \"Move the SO-101 follower to the middle of its "
                + "range of motion and press Enter.\"; nothing was saved. Run `pirl-robot calibrate` again.")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func jointsLeftStillAreNamed() throws {
        let (virtual, robotBus) = try Self.connect(.so101)
        defer { robotBus.bus.close(); virtual.stop() }
        // Only shoulder_pan and the gripper move.
        let sweep: [[Int64]] = [[758, 2047, 2047, 2047, 2047, 2023], [3292, 2047, 2047, 2047, 2047, 3466]]
        let person = ScriptedCalibrationOperator(bus: virtual, robot: .so101,
                                                 middlePose: [577, 2204, 3152, 614, 2165, 3469], sweep: sweep)
        let error = #expect(throws: CalibrationProcedureError.self) {
            try CalibrationProcedure(robotBus: robotBus, prompter: person).run()
        }
        #expect(error.map { "\($0)" } == "these joints did not move while ranges were recorded: shoulder_lift, "
                + "elbow_flex, wrist_flex. Move every joint from end to end before pressing Enter; nothing was saved.")
    }

    @Test func middlePoseAtTheEncodersEndCannotBeHomed() throws {
        let (virtual, robotBus) = try Self.connect(.so101)
        defer { robotBus.bus.close(); virtual.stop() }
        let person = ScriptedCalibrationOperator(bus: virtual, robot: .so101,
                                                 middlePose: [577, 2204, 4095, 614, 2165, 3469], sweep: Self.so101Sweep)
        let error = #expect(throws: CalibrationProcedureError.self) {
            try CalibrationProcedure(robotBus: robotBus, prompter: person).run()
        }
        #expect(error.map { "\($0)" } == "cannot home at half a turn: elbow_flex (ID 3) reads 4095 and would need "
                + "homing offset 2048 (allowed -2047…2047). Move those joints a little away from that pose and "
                + "calibrate again; if the middle of the range sits at the encoder's end, re-seat the horn half a "
                + "turn round.")
        #expect(virtual.value(of: .homingOffset, id: 1) == 0, "nothing homed when one joint cannot be")
    }

    @Test func missingMotorStopsBeforeAnythingIsWritten() throws {
        var options = VirtualBusOptions()
        options.faults.silentIDs = [4]
        let virtual = try VirtualServoBus(robot: .so101, options: options)
        try virtual.start()
        let robotBus = try RobotBus.open(robot: .so101, port: virtual.path)
        defer { robotBus.bus.close(); virtual.stop() }
        virtual.setValue(321, of: .homingOffset, id: 1)
        let person = ScriptedCalibrationOperator(bus: virtual, robot: .so101, middlePose: [], sweep: [])
        let error = #expect(throws: CalibrationProcedureError.self) {
            try CalibrationProcedure(robotBus: robotBus, prompter: person).run()
        }
        #expect(error.map { "\($0)" }?.hasPrefix("SO-101 follower on \(virtual.path): no reply from wrist_flex (ID 4)")
                == true)
        #expect(person.prompts.isEmpty)
        #expect(virtual.value(of: .homingOffset, id: 1) == 321)
    }
}
