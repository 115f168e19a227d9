#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// LeRobot's calibration file: one JSON object keyed by joint name, each
/// value `{"id", "drive_mode", "homing_offset", "range_min", "range_max"}`.
/// Read leniently (any key order, extra fields ignored) and written exactly
/// as LeRobot writes it (`json.dump(…, indent=4)`: joints in the robot's
/// order, fields in the order above, no trailing newline), so a file
/// round-trips byte for byte.
extension Calibration {
    /// The fields of one joint in the file, in the order LeRobot writes them.
    static let fieldNames = ["id", "drive_mode", "homing_offset", "range_min", "range_max"]

    /// Reads and checks the calibration of `robot` stored at `path`.
    /// - Throws: `CalibrationError` naming `path`: unreadable, malformed JSON,
    ///   or invalid for the robot (every issue listed).
    public static func load(from path: String, robot: RobotSpec) throws(CalibrationError) -> Calibration {
        var isFolder = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .unreadable(file: path, reason: "no such file")
        }
        if isFolder { throw .unreadable(file: path, reason: "it is a folder") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: Calibration.reason(error))
        }
        return try Calibration(json: data, robot: robot, file: path)
    }

    /// Parses and checks a calibration file's contents; `file` names it in errors.
    public init(json: Data, robot: RobotSpec, file: String) throws(CalibrationError) {
        let entries: [String: FileEntry]
        do {
            entries = try JSONDecoder().decode([String: FileEntry].self, from: json)
        } catch let error as DecodingError {
            throw .malformedJSON(file: file, detail: Calibration.explain(error))
        } catch {
            throw .malformedJSON(file: file, detail: Calibration.reason(error))
        }
        var issues: [CalibrationIssue] = []
        var joints: [String: JointCalibration] = [:]
        for (name, entry) in entries {
            var id = MotorID(truncatingIfNeeded: entry.id)
            if MotorID(exactly: entry.id) == nil {
                if let expected = robot.joint(named: name)?.id {
                    issues.append(.wrongID(joint: name, expected: expected, found: entry.id))
                    id = expected  // reported once, here
                }
            }
            joints[name] = JointCalibration(id: id, driveMode: entry.driveMode, homingOffset: entry.homingOffset,
                                            rangeMin: entry.rangeMin, rangeMax: entry.rangeMax)
        }
        do {
            try self.init(robot: robot, joints: joints, issuesFound: issues)
        } catch {
            throw error.attributed(to: file)
        }
    }

    /// The file's text, exactly as LeRobot writes it.
    public var jsonText: String {
        var lines = ["{"]
        for (index, (spec, joint)) in zip(robot.joints, joints).enumerated() {
            let values = [Int(joint.id), joint.driveMode, joint.homingOffset, joint.rangeMin, joint.rangeMax]
            lines.append("    \"\(spec.name)\": {")
            for (fieldIndex, (field, value)) in zip(Calibration.fieldNames, values).enumerated() {
                let comma = fieldIndex == values.count - 1 ? "" : ","
                lines.append("        \"\(field)\": \(value)\(comma)")
            }
            lines.append(index == joints.count - 1 ? "    }" : "    },")
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// Writes `jsonText` to `path` (atomically), creating missing folders.
    /// - Throws: `CalibrationError.unwritable` naming `path`.
    public func save(to path: String) throws(CalibrationError) {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try Data(jsonText.utf8).write(to: url, options: .atomic)
        } catch {
            throw .unwritable(file: path, reason: Calibration.reason(error))
        }
    }

    /// One joint as stored in the file; integers as wide as JSON allows, checked afterwards.
    struct FileEntry: Decodable {
        var id: Int
        var driveMode: Int
        var homingOffset: Int
        var rangeMin: Int
        var rangeMax: Int

        enum CodingKeys: String, CodingKey {
            case id
            case driveMode = "drive_mode"
            case homingOffset = "homing_offset"
            case rangeMin = "range_min"
            case rangeMax = "range_max"
        }
    }

    /// A decoding failure in the file's own terms: which joint, which field.
    static func explain(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the top level" : path.map { "\"\($0.stringValue)\"" }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context):
            return "\(place(context.codingPath)) has no \"\(key.stringValue)\""
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            if context.codingPath.isEmpty { return "the top level is not an object keyed by joint name" }
            if context.codingPath.count == 1 { return "\(place(context.codingPath)) is not an object" }
            return "\(place(context.codingPath)) is not an integer"
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                let underlying = context.underlyingError.map { " (\(reason($0)))" } ?? ""
                return "invalid JSON\(underlying)"
            }
            return "\(place(context.codingPath)) is not an integer"
        @unknown default:
            return "\(error)"
        }
    }

    /// A short human reason for a Foundation error.
    static func reason(_ error: any Error) -> String {
        "\(error)"
    }
}
