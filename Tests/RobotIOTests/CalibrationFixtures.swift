import Foundation
@testable import RobotIO

/// Calibration files and paths shared by the calibration tests.
enum CalibrationFixtures {
    /// The repository root (this file is Tests/RobotIOTests/CalibrationFixtures.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file under calibration/.
    static func exampleFile(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("calibration").appendingPathComponent(name).path
    }

    /// An SO-101 follower file written by LeRobot (`json.dump(…, indent=4)`), values from the
    /// example in docs/design/servo-buses.md.
    static let so101Text = """
        {
            "shoulder_pan": {
                "id": 1,
                "drive_mode": 0,
                "homing_offset": -1470,
                "range_min": 758,
                "range_max": 3292
            },
            "shoulder_lift": {
                "id": 2,
                "drive_mode": 0,
                "homing_offset": 157,
                "range_min": 612,
                "range_max": 3401
            },
            "elbow_flex": {
                "id": 3,
                "drive_mode": 0,
                "homing_offset": 1105,
                "range_min": 881,
                "range_max": 3063
            },
            "wrist_flex": {
                "id": 4,
                "drive_mode": 0,
                "homing_offset": -1433,
                "range_min": 867,
                "range_max": 3190
            },
            "wrist_roll": {
                "id": 5,
                "drive_mode": 0,
                "homing_offset": 118,
                "range_min": 0,
                "range_max": 4095
            },
            "gripper": {
                "id": 6,
                "drive_mode": 0,
                "homing_offset": 1422,
                "range_min": 2023,
                "range_max": 3466
            }
        }
        """

    /// The entries of `so101Text`, keyed by joint.
    static var so101Joints: [String: JointCalibration] {
        [
            "shoulder_pan": JointCalibration(id: 1, homingOffset: -1470, rangeMin: 758, rangeMax: 3292),
            "shoulder_lift": JointCalibration(id: 2, homingOffset: 157, rangeMin: 612, rangeMax: 3401),
            "elbow_flex": JointCalibration(id: 3, homingOffset: 1105, rangeMin: 881, rangeMax: 3063),
            "wrist_flex": JointCalibration(id: 4, homingOffset: -1433, rangeMin: 867, rangeMax: 3190),
            "wrist_roll": JointCalibration(id: 5, homingOffset: 118, rangeMin: 0, rangeMax: 4095),
            "gripper": JointCalibration(id: 6, homingOffset: 1422, rangeMin: 2023, rangeMax: 3466),
        ]
    }

    /// A fresh, empty temporary folder for one test.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("pirl-calibration-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Writes `text` as `name` in a fresh temporary folder and returns its path.
    static func write(_ text: String, as name: String = "arm.json") throws -> String {
        let url = try temporaryFolder().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// `so101Text` with the first occurrence of `old` replaced by `new`.
    static func so101Text(replacing old: String, with new: String) -> String {
        guard let range = so101Text.range(of: old) else { fatalError("fixture has no \(old)") }
        return so101Text.replacingCharacters(in: range, with: new)
    }
}
