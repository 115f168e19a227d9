import Camera

/// `pirl-robot sim overlay`: the twin's view of a camera drawn over a snapshot of the real
/// one, to match the twin camera's pose and field of view to the real camera's by eye.
public enum CameraOverlay {
    /// Snapshot sizes the overlay renders at (each side, pixels).
    public static let sizes = 16...4096

    /// The twin's view from `pose` at `width × height`: episode `episode` of `task` (seed
    /// `seed`) with the randomization off (nominal colours, lights and camera pose), the arm at
    /// rest, shadows on. The vertical field of view is the pose's; the horizontal follows from
    /// the size's aspect, as on a real camera's sensor.
    public static func render(pose: TwinCameraPose, width: Int, height: Int, task: TaskKind = .place, seed: UInt64 = 0,
                              episode: Int = 0) throws -> RGBImage {
        guard sizes.contains(width), sizes.contains(height) else {
            throw SimulationError.invalidConfiguration("the overlay renders \(sizes.lowerBound)…\(sizes.upperBound) pixels a side, got \(width)x\(height)")
        }
        var configuration = EnvironmentConfiguration(task: task)
        configuration.randomization = .none
        configuration.cameraPose = pose
        configuration.renderImages = false
        let environment = try SimEnvironment(configuration: configuration, seed: seed)
        environment.reset(episode: episode)
        // The off-screen buffer is sized from the model when the renderer is made: make room for the snapshot's size.
        let visual = environment.model.pointer
        visual.pointee.vis.global.offwidth = Int32(max(width, environment.model.offscreenSize.width))
        visual.pointee.vis.global.offheight = Int32(max(height, environment.model.offscreenSize.height))
        let renderer = try OffscreenRenderer(model: environment.model, shadows: true)
        let camera = pose.camera == TwinCamera.wrist.name ? environment.layout.wristCamera : environment.layout.frontCamera
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        try pixels.withUnsafeMutableBytes {
            try renderer.render(environment.data, camera: camera, width: width, height: height, into: $0)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// `alpha × render + (1 − alpha) × snapshot`, rounded, pixel by pixel (same sizes).
    public static func blend(_ render: RGBImage, over snapshot: RGBImage, alpha: Double) -> RGBImage {
        precondition(render.width == snapshot.width && render.height == snapshot.height, "blend needs two images of one size")
        let top = render.pixels, bottom = snapshot.pixels
        var out = [UInt8](repeating: 0, count: render.byteCount)
        for i in out.indices {
            out[i] = UInt8((alpha * Double(top[i]) + (1 - alpha) * Double(bottom[i])).rounded())
        }
        return RGBImage(width: render.width, height: render.height, pixels: out)
    }
}
