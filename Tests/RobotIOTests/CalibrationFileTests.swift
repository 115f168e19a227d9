import Foundation
import Testing
@testable import RobotIO

/// LeRobot's calibration JSON: reading, writing byte for byte, and every bad-file message.
@Suite struct CalibrationFileTests {
    @Test func lerobotFileRoundTripsByteForByte() throws {
        let path = try CalibrationFixtures.write(CalibrationFixtures.so101Text)
        let calibration = try Calibration.load(from: path, robot: .so101)
        #expect(calibration.joints == RobotSpec.so101.jointNames.map { CalibrationFixtures.so101Joints[$0]! })
        #expect(calibration.jsonText == CalibrationFixtures.so101Text)

        let copy = path + ".saved.json"
        try calibration.save(to: copy)
        #expect(try String(contentsOfFile: copy, encoding: .utf8) == CalibrationFixtures.so101Text)
        #expect(try Calibration.load(from: copy, robot: .so101) == calibration)
    }

    @Test func readsAnyKeyOrderAndWritesLeRobotOrder() throws {
        let scrambled = """
            {"gripper": {"range_max": 3466, "range_min": 2023, "homing_offset": 1422, "drive_mode": 0, "id": 6},
             "wrist_roll": {"id": 5, "drive_mode": 0, "homing_offset": 118, "range_min": 0, "range_max": 4095},
             "shoulder_pan": {"id": 1, "drive_mode": 0, "homing_offset": -1470, "range_min": 758, "range_max": 3292},
             "elbow_flex": {"id": 3, "drive_mode": 0, "homing_offset": 1105, "range_min": 881, "range_max": 3063,
                            "note": "extra fields are ignored"},
             "wrist_flex": {"id": 4, "drive_mode": 0, "homing_offset": -1433, "range_min": 867, "range_max": 3190},
             "shoulder_lift": {"id": 2, "drive_mode": 0, "homing_offset": 157, "range_min": 612, "range_max": 3401}}
            """
        let calibration = try Calibration(json: Data(scrambled.utf8), robot: .so101, file: "scrambled.json")
        #expect(calibration.jsonText == CalibrationFixtures.so101Text)
    }

    @Test func buildsFromValuesAndLooksUpByJoint() throws {
        let calibration = try Calibration(robot: .so100, joints: CalibrationFixtures.so101Joints)
        #expect(calibration["elbow_flex"] == JointCalibration(id: 3, homingOffset: 1105, rangeMin: 881, rangeMax: 3063))
        #expect(calibration["elbow"] == nil)
        #expect(calibration.jsonText == CalibrationFixtures.so101Text)
    }

    @Test(arguments: [("so101_example.json", RobotSpec.so101), ("koch_example.json", RobotSpec.koch)])
    func exampleFilesLoadAndAreWrittenAsLeRobotWritesThem(file: String, robot: RobotSpec) throws {
        let path = CalibrationFixtures.exampleFile(file)
        let calibration = try Calibration.load(from: path, robot: robot)
        #expect(calibration.joints.map(\.id) == robot.ids)
        #expect(calibration["wrist_roll"]?.rangeMin == 0)
        #expect(calibration["wrist_roll"]?.rangeMax == 4095)
        // The examples were written by Python's json.dump(indent=4), as LeRobot writes them.
        #expect(calibration.jsonText == (try String(contentsOfFile: path, encoding: .utf8)))
    }

    @Test func savingCreatesMissingFolders() throws {
        let calibration = try Calibration(robot: .so101, joints: CalibrationFixtures.so101Joints)
        let path = try CalibrationFixtures.temporaryFolder().appendingPathComponent("calibration/arm.json").path
        try calibration.save(to: path)
        #expect(try Calibration.load(from: path, robot: .so101) == calibration)
    }

    // MARK: - Bad files, message asserted

    /// The message loading `text` as an SO-101 calibration fails with, and the file's path.
    private func failure(loading text: String, robot: RobotSpec = .so101) throws -> (message: String, path: String) {
        let path = try CalibrationFixtures.write(text)
        let error = #expect(throws: CalibrationError.self) { try Calibration.load(from: path, robot: robot) }
        return (error.map { "\($0)" } ?? "", path)
    }

    @Test func missingJoint() throws {
        let text = CalibrationFixtures.so101Text.replacingOccurrences(of: "\"wrist_roll\"", with: "\"wrist_twist\"")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a valid SO-101 follower calibration: unknown joint \"wrist_twist\" "
                + "(expected one of shoulder_pan, shoulder_lift, elbow_flex, wrist_flex, wrist_roll, gripper); "
                + "missing joint \"wrist_roll\". Fix the file or recalibrate with `pirl-robot calibrate`.")
    }

    @Test func unknownJointOnly() throws {
        let text = CalibrationFixtures.so101Text(
            replacing: "{\n", with: "{\n    \"elbow\": {\"id\": 7, \"drive_mode\": 0, \"homing_offset\": 0, "
                + "\"range_min\": 1, \"range_max\": 2},\n")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a valid SO-101 follower calibration: unknown joint \"elbow\" "
                + "(expected one of shoulder_pan, shoulder_lift, elbow_flex, wrist_flex, wrist_roll, gripper). "
                + "Fix the file or recalibrate with `pirl-robot calibrate`.")
    }

    @Test func rangeMinNotBelowRangeMax() throws {
        let text = CalibrationFixtures.so101Text(replacing: "\"range_min\": 881", with: "\"range_min\": 3063")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a valid SO-101 follower calibration: \"elbow_flex\" has range_min 3063 "
                + "≥ range_max 3063. Fix the file or recalibrate with `pirl-robot calibrate`.")
    }

    @Test func rangeOutsideTheEncoder() throws {
        let text = CalibrationFixtures.so101Text(replacing: "\"range_max\": 3401", with: "\"range_max\": 4096")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a valid SO-101 follower calibration: \"shoulder_lift\" range 612…4096 "
                + "leaves the encoder's 0…4095. Fix the file or recalibrate with `pirl-robot calibrate`.")
    }

    @Test func feetechHomingOffsetBeyondSignMagnitude() throws {
        let text = CalibrationFixtures.so101Text(replacing: "\"homing_offset\": -1470",
                                                 with: "\"homing_offset\": -2048")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a valid SO-101 follower calibration: \"shoulder_pan\" has homing_offset "
                + "-2048, outside the sts3215's -2047…2047. Fix the file or recalibrate with `pirl-robot calibrate`.")
    }

    @Test func dynamixelHomingOffsetsHaveTheXSeriesRange() throws {
        let koch = try String(contentsOfFile: CalibrationFixtures.exampleFile("koch_example.json"), encoding: .utf8)
        let wide = koch.replacingOccurrences(of: "\"homing_offset\": -23", with: "\"homing_offset\": -6000")
        #expect(try Calibration(json: Data(wide.utf8), robot: .koch, file: "koch.json")["shoulder_pan"]?
            .homingOffset == -6000)
        let (message, path) = try failure(
            loading: koch.replacingOccurrences(of: "\"homing_offset\": -23", with: "\"homing_offset\": 1044480"),
            robot: .koch)
        #expect(message == "\(path) is not a valid Koch follower calibration: \"shoulder_pan\" has homing_offset "
                + "1044480, outside the xl430-w250's -1044479…1044479. "
                + "Fix the file or recalibrate with `pirl-robot calibrate`.")
    }

    @Test func idsMustMatchTheRobotSpec() throws {
        let text = CalibrationFixtures.so101Text(replacing: "\"id\": 3", with: "\"id\": 7")
            .replacingOccurrences(of: "\"id\": 6", with: "\"id\": 300")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a valid SO-101 follower calibration: \"gripper\" has id 300, but the robot "
                + "drives gripper with motor ID 6; \"elbow_flex\" has id 7, but the robot drives elbow_flex with "
                + "motor ID 3. Fix the file or recalibrate with `pirl-robot calibrate`.")
    }

    @Test func driveModeIsZeroOrOne() throws {
        let text = CalibrationFixtures.so101Text(replacing: "\"drive_mode\": 0", with: "\"drive_mode\": 2")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a valid SO-101 follower calibration: \"shoulder_pan\" has drive_mode 2; "
                + "it must be 0 or 1. Fix the file or recalibrate with `pirl-robot calibrate`.")
    }

    @Test func everyIssueOfAJointIsListed() throws {
        let text = CalibrationFixtures.so101Text(
            replacing: "\"id\": 1,\n        \"drive_mode\": 0,\n        \"homing_offset\": -1470,\n"
                + "        \"range_min\": 758,\n        \"range_max\": 3292",
            with: "\"id\": 2, \"drive_mode\": -1, \"homing_offset\": 4000, \"range_min\": -3, \"range_max\": -9")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a valid SO-101 follower calibration: "
                + "\"shoulder_pan\" has id 2, but the robot drives shoulder_pan with motor ID 1; "
                + "\"shoulder_pan\" has drive_mode -1; it must be 0 or 1; "
                + "\"shoulder_pan\" has range_min -3 ≥ range_max -9; "
                + "\"shoulder_pan\" range -3…-9 leaves the encoder's 0…4095; "
                + "\"shoulder_pan\" has homing_offset 4000, outside the sts3215's -2047…2047. "
                + "Fix the file or recalibrate with `pirl-robot calibrate`.")
    }

    private static let shapeHint = "Expected a JSON object keyed by joint name, each with integer id, drive_mode, "
        + "homing_offset, range_min and range_max."

    @Test func invalidJSONSyntax() throws {
        let (message, path) = try failure(loading: String(CalibrationFixtures.so101Text.dropLast()))
        #expect(message == "\(path) is not a LeRobot calibration file: invalid JSON at line 44, column 1: "
                + "expected ',' or '}', found the end of the file. " + Self.shapeHint)
    }

    @Test func trailingComma() throws {
        let text = CalibrationFixtures.so101Text(replacing: "\"range_max\": 3292", with: "\"range_max\": 3292,")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a LeRobot calibration file: invalid JSON at line 8, column 5: "
                + "expected a key in double quotes, found '}'. " + Self.shapeHint)
    }

    @Test func duplicatedJoint() throws {
        let text = CalibrationFixtures.so101Text(replacing: "\"shoulder_lift\"", with: "\"shoulder_pan\"")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a LeRobot calibration file: \"shoulder_pan\" appears twice. "
                + Self.shapeHint)
    }

    @Test func missingField() throws {
        let text = CalibrationFixtures.so101Text(replacing: "\"range_min\": 881,", with: "")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a LeRobot calibration file: \"elbow_flex\" has no \"range_min\". "
                + Self.shapeHint)
    }

    @Test func fieldThatIsNotAnInteger() throws {
        let text = CalibrationFixtures.so101Text(replacing: "\"range_max\": 3063", with: "\"range_max\": \"3063\"")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a LeRobot calibration file: \"elbow_flex\".\"range_max\" is not an "
                + "integer. " + Self.shapeHint)
    }

    @Test func fractionalField() throws {
        let text = CalibrationFixtures.so101Text(replacing: "\"range_max\": 3063", with: "\"range_max\": 3063.5")
        let (message, path) = try failure(loading: text)
        #expect(message == "\(path) is not a LeRobot calibration file: \"elbow_flex\".\"range_max\" is not an "
                + "integer. " + Self.shapeHint)
    }

    @Test func jointThatIsNotAnObject() throws {
        let (message, path) = try failure(loading: "{\"shoulder_pan\": 3}")
        #expect(message == "\(path) is not a LeRobot calibration file: \"shoulder_pan\" is not an object. "
                + Self.shapeHint)
    }

    @Test func topLevelThatIsNotAnObject() throws {
        let (message, path) = try failure(loading: "[1, 2, 3]")
        #expect(message == "\(path) is not a LeRobot calibration file: the top level is not an object keyed by "
                + "joint name. " + Self.shapeHint)
    }

    @Test func missingFile() throws {
        let path = try CalibrationFixtures.temporaryFolder().appendingPathComponent("none.json").path
        let error = #expect(throws: CalibrationError.self) { try Calibration.load(from: path, robot: .so101) }
        #expect(error.map { "\($0)" } == "cannot read calibration \(path): no such file. "
                + "Check the path, or create it with `pirl-robot calibrate`.")
    }

    @Test func folderInsteadOfFile() throws {
        let path = try CalibrationFixtures.temporaryFolder().path
        let error = #expect(throws: CalibrationError.self) { try Calibration.load(from: path, robot: .so101) }
        #expect(error.map { "\($0)" } == "cannot read calibration \(path): it is a folder. "
                + "Check the path, or create it with `pirl-robot calibrate`.")
    }

    @Test func unwritableDestination() throws {
        let calibration = try Calibration(robot: .so101, joints: CalibrationFixtures.so101Joints)
        let blocker = try CalibrationFixtures.write("not a folder", as: "blocker")
        let path = blocker + "/arm.json"
        let error = #expect(throws: CalibrationError.self) { try calibration.save(to: path) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.hasPrefix("cannot write calibration \(path): "))
        #expect(message.hasSuffix(". Check that its folder is writable."))
    }

    @Test func valuesWithoutAFileNameTheCalibration() throws {
        var joints = CalibrationFixtures.so101Joints
        joints["gripper"] = nil
        let error = #expect(throws: CalibrationError.self) { try Calibration(robot: .so101, joints: joints) }
        #expect(error.map { "\($0)" } == "the calibration is not a valid SO-101 follower calibration: "
                + "missing joint \"gripper\". Fix the file or recalibrate with `pirl-robot calibrate`.")
    }
}
