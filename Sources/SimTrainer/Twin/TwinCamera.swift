import Camera
import Policy

/// One camera of the twin as the real one is: its native resolution, vertical field
/// of view and mount pose. The scene's MJCF `<camera>` is written from it
/// (``SceneMJCF``), and the environment renders it at its own aspect ratio and hands
/// the policy what `run` makes of a real frame of that camera (``CameraPipeline``):
/// a camera policy trained in the twin sees the picture it will see on the arm.
public struct TwinCamera: Sendable, Equatable {
    /// The name in observations and the MJCF.
    public var name: String
    /// Native frame size of the real camera (what V4L2 delivers, pixels).
    public var nativeWidth: Int, nativeHeight: Int
    /// Vertical field of view (degrees); the horizontal one follows from the aspect ratio.
    public var fovy: Double
    /// Mount position in the parent frame (the world for `front`, the gripper for `wrist`), m.
    public var position: Vector3
    /// The image's right (x) and up (y) directions in the parent frame; the camera looks along −x × y.
    public var xAxis: Vector3, yAxis: Vector3

    /// A camera at `position` looking at `target`, image up towards +z (world-mounted cameras).
    public static func mounted(
        _ name: String, nativeWidth: Int, nativeHeight: Int, fovy: Double, at position: Vector3, lookingAt target: Vector3
    ) -> TwinCamera {
        let forward = target - position
        let forwardUnit = (1 / forward.length) * forward
        let right = forwardUnit.cross(Vector3(0, 0, 1))
        let x = (1 / right.length) * right
        let up = x.cross(forwardUnit)
        return TwinCamera(name: name, nativeWidth: nativeWidth, nativeHeight: nativeHeight, fovy: fovy,
                          position: position, xAxis: x, yAxis: up)
    }

    /// The fixed camera: a 640×480 UVC webcam (45° vertical, ≈57° horizontal) on a clamp
    /// or small tripod in front of the table, 21 cm up at x = 0.37 m, looking down at the
    /// middle of the workspace (``Workspace``: cubes and plates at x 0.07…0.30 m, y ±0.18 m).
    /// The workspace fills the frame and a 25 mm cube spans 5–6 pixels of a 64×64
    /// letterboxed model input; the arm's base is at the top edge.
    public static let front = mounted("front", nativeWidth: 640, nativeHeight: 480, fovy: 45,
                                      at: Vector3(0.37, 0, 0.21), lookingAt: Vector3(0.18, 0, 0))

    /// The SO-101 wrist camera: a 640×480 UVC module under the gripper (65° vertical,
    /// ≈81° horizontal), looking past the jaws at what they are about to grasp.
    public static let wrist = TwinCamera(name: "wrist", nativeWidth: 640, nativeHeight: 480, fovy: 65,
                                         position: Vector3(0.02, 0, -0.04),
                                         xAxis: Vector3(0, -1, 0), yAxis: Vector3(-0.5, 0, 0.866))

    /// The twin's cameras, in observation order.
    public static let all = [front, wrist]

    /// The camera called `name`.
    public static func named(_ name: String) -> TwinCamera? { all.first { $0.name == name } }

    /// The render size for a `width × height` model input: the size `run`'s decoder
    /// turns a native MJPEG frame into before preprocessing (``FrameDecoder/scaledSize(width:height:minimumSize:)``,
    /// e.g. 160×120 for a 64×64 input), so the twin and the hardware resample from
    /// the same resolution.
    public func renderSize(forInputWidth width: Int, height: Int) -> (width: Int, height: Int) {
        FrameDecoder.scaledSize(width: nativeWidth, height: nativeHeight, minimumSize: (width, height))
    }

    /// The MJCF `<camera>` element.
    var mjcf: String {
        func f(_ v: Double) -> String { String(Double((v * 10_000).rounded()) / 10_000) }
        let p = position, x = xAxis, y = yAxis
        return "<camera name=\"\(name)\" pos=\"\(f(p.x)) \(f(p.y)) \(f(p.z))\" "
            + "xyaxes=\"\(f(x.x)) \(f(x.y)) \(f(x.z)) \(f(y.x)) \(f(y.y)) \(f(y.z))\" fovy=\"\(f(fovy))\"/>"
    }
}

extension ResizeMethod {
    /// The preprocessing a checkpoint's camera spec names.
    public init(_ resize: PolicyConfig.Camera.Resize) {
        switch resize {
        case .pad: self = .resizeWithPad
        case .crop: self = .centerCropResize
        }
    }
}
