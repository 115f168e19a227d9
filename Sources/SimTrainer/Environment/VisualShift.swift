import Foundation

/// A deliberate change of what the cameras see, beyond the training randomization: how a
/// real camera will differ from the twin's (a mount a little off, a tilted camera, another
/// room's light, a webcam that compresses harder). `eval-sim` measures a camera policy under
/// it. Each episode draws its directions from a stream of its own, so a shifted evaluation
/// runs the same episodes (poses, colours, latency) as the unshifted one.
public struct VisualShift: Sendable, Codable, Equatable {
    /// The front camera moved this far (m) from where randomization put it, in a random direction.
    public var cameraOffset = 0.0
    /// The front camera turned this far (rad) about a random axis through it.
    public var cameraTilt = 0.0
    /// Every light's brightness multiplied by this.
    public var lightScale = 1.0
    /// Every camera's frames compressed as JPEG at this quality (1…100), in place of the
    /// randomized quality; `nil` keeps the randomization's.
    public var jpegQuality: Int?
    /// Every episode gives the table, the wall, the cubes and the plate a texture of the unseen
    /// set (``TextureSet/unseen``: pattern families training never draws), in place of the
    /// randomization's training textures or plain colours.
    public var unseenTextures = false

    /// No shift.
    public init() {}

    /// Whether anything changes.
    public var isNone: Bool { cameraOffset == 0 && cameraTilt == 0 && lightScale == 1 && jpegQuality == nil && !unseenTextures }

    /// Checks ranges; names the bad value.
    public func validate() throws(SimulationError) {
        guard cameraOffset >= 0, cameraOffset <= 0.2 else {
            throw .invalidConfiguration("visual shift: camera offset must be in 0…20 cm, got \(cameraOffset * 100) cm")
        }
        guard cameraTilt >= 0, cameraTilt <= 0.5 else {
            throw .invalidConfiguration("visual shift: camera tilt must be in 0…28.6°, got \(cameraTilt * 180 / .pi)°")
        }
        guard lightScale > 0, lightScale <= 4 else {
            throw .invalidConfiguration("visual shift: light scale must be in (0, 4], got \(lightScale)")
        }
        if let jpegQuality, !(1...100).contains(jpegQuality) {
            throw .invalidConfiguration("visual shift: JPEG quality must be in 1…100, got \(jpegQuality)")
        }
    }

    /// Moves and turns `model`'s front camera and scales all its light, on top of the
    /// episode's randomization (which rewrites every light term from the nominal model first).
    func apply(to model: MuJoCoModel, layout: TwinLayout, _ random: inout SimRandom) {
        let m = model.pointer
        let direction = Self.unitVector(&random), axis = Self.unitVector(&random)
        let camera = layout.frontCamera
        for k in 0..<3 { m.pointee.cam_pos[3 * camera + k] += cameraOffset * direction[k] }
        if cameraTilt > 0 {
            let q = m.pointee.cam_quat + 4 * camera
            let (s, c) = (sin(cameraTilt / 2), cos(cameraTilt / 2))
            let r = Self.multiply((q[0], q[1], q[2], q[3]), (c, s * axis[0], s * axis[1], s * axis[2]))
            q[0] = r.0; q[1] = r.1; q[2] = r.2; q[3] = r.3
        }
        let scale = Float(lightScale)
        for light in layout.lights {
            for k in 0..<3 {
                m.pointee.light_diffuse[3 * light + k] *= scale
                m.pointee.light_ambient[3 * light + k] *= scale
                m.pointee.light_specular[3 * light + k] *= scale
            }
        }
        let headlight = m.pointee.vis.headlight
        m.pointee.vis.headlight.ambient = (headlight.ambient.0 * scale, headlight.ambient.1 * scale, headlight.ambient.2 * scale)
        m.pointee.vis.headlight.diffuse = (headlight.diffuse.0 * scale, headlight.diffuse.1 * scale, headlight.diffuse.2 * scale)
    }

    /// A uniformly random direction.
    static func unitVector(_ random: inout SimRandom) -> [Double] {
        while true {
            let v = [random.uniform(-1, 1), random.uniform(-1, 1), random.uniform(-1, 1)]
            let norm = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).squareRoot()
            if norm > 0.1 && norm <= 1 { return v.map { $0 / norm } }
        }
    }

    /// The Hamilton product `a·b` (w, x, y, z).
    static func multiply(_ a: (Double, Double, Double, Double), _ b: (Double, Double, Double, Double)) -> (Double, Double, Double, Double) {
        (a.0 * b.0 - a.1 * b.1 - a.2 * b.2 - a.3 * b.3,
         a.0 * b.1 + a.1 * b.0 + a.2 * b.3 - a.3 * b.2,
         a.0 * b.2 - a.1 * b.3 + a.2 * b.0 + a.3 * b.1,
         a.0 * b.3 + a.1 * b.2 - a.2 * b.1 + a.3 * b.0)
    }
}
