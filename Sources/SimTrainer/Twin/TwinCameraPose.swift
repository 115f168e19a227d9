import Foundation

/// Where the user's front camera really stands: its position, the point it looks at and its
/// vertical field of view, matched by eye with `pirl-robot sim overlay` against a snapshot of
/// the real camera and saved with `--save-pose` as a small JSON file:
///
/// ```json
/// {"camera": "front", "fovy": 45, "look_at": [0.18, 0, 0], "position": [0.37, 0, 0.21]}
/// ```
///
/// Metres in the world frame (the arm's base at the origin, x forward, z up), degrees.
/// `--camera-pose FILE` (eval-sim, run --sim, sim serve) and the environment's ``EnvironmentConfiguration/cameraPose``
/// (train-sim) build the twin's scene with the camera there; the per-episode camera jitter of the
/// randomization is applied around it. Only the front camera has a pose file: the wrist
/// camera rides on the gripper, and its view depends on the arm's pose.
public struct TwinCameraPose: Sendable, Equatable, Codable {
    /// The camera's name: "front".
    public var camera: String
    /// Where the camera is (m, world frame).
    public var position: Vector3
    /// The point in the middle of its picture (m, world frame).
    public var lookAt: Vector3
    /// Vertical field of view (degrees).
    public var fovy: Double

    /// The cameras a pose file may place.
    public static let placeable = [TwinCamera.front.name]

    /// The built-in front camera's pose.
    public static let front = TwinCameraPose(camera: "front", position: TwinCamera.front.position,
                                             lookAt: Vector3(0.18, 0, 0), fovy: TwinCamera.front.fovy)

    public init(camera: String, position: Vector3, lookAt: Vector3, fovy: Double) {
        self.camera = camera
        self.position = position
        self.lookAt = lookAt
        self.fovy = fovy
    }

    /// The camera `camera` of the twin moved to this pose (native size as it was).
    public func applied(to camera: TwinCamera) -> TwinCamera {
        TwinCamera.mounted(camera.name, nativeWidth: camera.nativeWidth, nativeHeight: camera.nativeHeight, fovy: fovy,
                           at: position, lookingAt: lookAt)
    }

    /// The twin's cameras with this pose applied to its camera.
    public var cameras: [TwinCamera] { TwinCamera.all.map { $0.name == camera ? applied(to: $0) : $0 } }

    /// Names the first impossible value.
    public func validate() throws(SimulationError) {
        guard Self.placeable.contains(camera) else {
            throw .invalidConfiguration("camera pose: camera '\(camera)' cannot be placed; a pose file is for: \(Self.placeable.joined(separator: ", ")) (the wrist camera rides on the gripper)")
        }
        let values = [position.x, position.y, position.z, lookAt.x, lookAt.y, lookAt.z]
        guard values.allSatisfy(\.isFinite) else { throw .invalidConfiguration("camera pose: position and look_at must be finite numbers") }
        let forward = lookAt - position
        guard forward.length > 1e-6 else { throw .invalidConfiguration("camera pose: look_at must differ from position") }
        // mounted() takes the image's right from forward × up: looking straight up or down leaves it undefined.
        guard forward.cross(Vector3(0, 0, 1)).length > 1e-6 * forward.length else {
            throw .invalidConfiguration("camera pose: the camera cannot look straight up or down; move look_at sideways a little")
        }
        guard fovy > 1, fovy < 170 else { throw .invalidConfiguration("camera pose: fovy must be in (1, 170) degrees, got \(fovy)") }
    }

    // MARK: The file

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case camera, position, lookAt = "look_at", fovy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func vector(_ key: CodingKeys) throws -> Vector3 {
            let values = try c.decode([Double].self, forKey: key)
            guard values.count == 3 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.rawValue) takes three numbers [x, y, z], got \(values.count)")
            }
            return Vector3(values[0], values[1], values[2])
        }
        self.init(camera: try c.decode(String.self, forKey: .camera), position: try vector(.position),
                  lookAt: try vector(.lookAt), fovy: try c.decode(Double.self, forKey: .fovy))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(camera, forKey: .camera)
        try c.encode([position.x, position.y, position.z], forKey: .position)
        try c.encode([lookAt.x, lookAt.y, lookAt.z], forKey: .lookAt)
        try c.encode(fovy, forKey: .fovy)
    }

    /// Reads and checks a pose file.
    /// - Throws: ``SimulationError/invalidConfiguration(_:)`` with one line naming the file and the problem.
    public static func load(from path: String) throws(SimulationError) -> TwinCameraPose {
        func bad(_ problem: String) -> SimulationError { .invalidConfiguration("camera pose \(path): \(problem)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw bad(FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw bad("not JSON (write one with `pirl-robot sim overlay --save-pose FILE`)")
        }
        guard let keys = (object as? [String: Any])?.keys else { throw bad("not a JSON object") }
        let known = CodingKeys.allCases.map(\.rawValue)
        if let unknown = keys.sorted().first(where: { !known.contains($0) }) {
            throw bad("unknown key '\(unknown)' (known: \(known.joined(separator: ", ")))")
        }
        if let missing = known.first(where: { !keys.contains($0) }) { throw bad("missing key '\(missing)'") }
        let pose: TwinCameraPose
        do { pose = try JSONDecoder().decode(TwinCameraPose.self, from: data) } catch let DecodingError.dataCorrupted(context) {
            throw bad(context.debugDescription)
        } catch let DecodingError.typeMismatch(_, context) {
            throw bad("\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch {
            throw bad("\(error)")
        }
        do { try pose.validate() } catch { throw bad("\(error)".replacingOccurrences(of: "camera pose: ", with: "")) }
        return pose
    }

    /// Writes the pose file (sorted keys, one line).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(self)
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: path))
    }
}
