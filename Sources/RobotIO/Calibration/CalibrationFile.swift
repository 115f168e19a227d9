#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// LeRobot's calibration file: one JSON object keyed by joint name, each
/// value `{"id", "drive_mode", "homing_offset", "range_min", "range_max"}`.
/// Read leniently (any key order, extra fields ignored; a duplicated joint is
/// an error) and written exactly as LeRobot writes it (`json.dump(…,
/// indent=4)`: joints in the robot's order, fields in the order above, no
/// trailing newline), so a file round-trips byte for byte.
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
        let document: JSONValue
        do {
            document = try JSONValue.parse(Array(json))
        } catch {
            throw .malformedJSON(file: file, detail: "invalid JSON at \(error)")
        }
        var issues: [CalibrationIssue] = []
        var joints: [String: JointCalibration] = [:]
        do throws(CalibrationFileShapeError) {
            for (name, fields) in try Calibration.jointFields(in: document) {
                var id = MotorID(truncatingIfNeeded: fields[0])
                if MotorID(exactly: fields[0]) == nil, let expected = robot.joint(named: name)?.id {
                    issues.append(.wrongID(joint: name, expected: expected, found: fields[0]))
                    id = expected  // reported once, here
                }
                joints[name] = JointCalibration(id: id, driveMode: fields[1], homingOffset: fields[2],
                                                rangeMin: fields[3], rangeMax: fields[4])
            }
        } catch {
            throw .malformedJSON(file: file, detail: error.description)
        }
        do {
            try self.init(robot: robot, joints: joints, issuesFound: issues)
        } catch {
            throw error.attributed(to: file)
        }
    }

    /// The joints of a parsed file, each with its integer fields in `fieldNames` order.
    static func jointFields(in document: JSONValue) throws(CalibrationFileShapeError) -> [(String, [Int])] {
        guard case .object(let members) = document else { throw .topLevelNotAnObject }
        var seen: Set<String> = []
        var joints: [(String, [Int])] = []
        for member in members {
            guard seen.insert(member.key).inserted else { throw .duplicateJoint(member.key) }
            guard case .object(let fields) = member.value else { throw .jointNotAnObject(member.key) }
            var values: [Int] = []
            for field in fieldNames {
                guard let value = fields.last(where: { $0.key == field })?.value else {
                    throw .missingField(joint: member.key, field: field)
                }
                guard case .integer(let number) = value else { throw .notAnInteger(joint: member.key, field: field) }
                values.append(number)
            }
            joints.append((member.key, values))
        }
        return joints
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

    /// A short human reason for a Foundation error.
    static func reason(_ error: any Error) -> String {
        "\(error)"
    }
}

/// A calibration file that is JSON but not of LeRobot's shape.
enum CalibrationFileShapeError: Error, Sendable, Hashable, CustomStringConvertible {
    case topLevelNotAnObject
    case duplicateJoint(String)
    case jointNotAnObject(String)
    case missingField(joint: String, field: String)
    case notAnInteger(joint: String, field: String)

    var description: String {
        switch self {
        case .topLevelNotAnObject: "the top level is not an object keyed by joint name"
        case .duplicateJoint(let joint): "\"\(joint)\" appears twice"
        case .jointNotAnObject(let joint): "\"\(joint)\" is not an object"
        case let .missingField(joint, field): "\"\(joint)\" has no \"\(field)\""
        case let .notAnInteger(joint, field): "\"\(joint)\".\"\(field)\" is not an integer"
        }
    }
}
