import Foundation

/// How much each episode's scene is perturbed (object poses are always
/// sampled by the task). Zero values switch a perturbation off.
public struct DomainRandomization: Sendable, Codable, Equatable {
    /// Per-channel colour jitter added to objects and the table (0…1 units).
    public var colorJitter: Double = 0.06
    /// Light brightness scale drawn from 1 ± this.
    public var lightScale: Double = 0.3
    /// The room's brightness: each episode scales all of the scene's light — every light's
    /// diffuse, ambient and specular terms and the headlight — by one factor drawn from 1 ± this
    /// (0: off, and no draw, so the episode streams of older runs are unchanged). Unlike
    /// ``lightScale`` it darkens the shadows too, as a dim room or a bright window does.
    public var brightness: Double = 0
    /// Light position jitter (m).
    public var lightShift: Double = 0.2
    /// Camera position jitter (m) for both cameras.
    public var cameraShift: Double = 0.01
    /// Camera rotation jitter (rad) for both cameras.
    public var cameraTilt: Double = 0.03
    /// Largest action latency in control ticks; each episode draws 0…this.
    public var maxActionLatency: Int = 2
    /// Standard deviation of noise on observed joint states (joint units).
    public var stateNoise: Double = 0.003
    /// Amplitude of uniform noise on observed pixel values (0…255 units).
    public var pixelNoise: Int = 3
    /// Webcam exposure: each episode scales every channel of a camera's frame by 1 ± this.
    public var exposureGain: Double = 0.15
    /// Webcam white balance: each episode scales each channel by a further 1 ± this.
    public var whiteBalance: Double = 0.05
    /// Webcam focus: each episode blurs a camera's frame with a Gaussian of σ drawn from
    /// 0…this, in native camera pixels (2 at 640×480 is ½ pixel of a 160×120 render).
    public var blur: Double = 2
    /// Webcam MJPEG compression: each episode recompresses a camera's frames at a JPEG
    /// quality drawn from ``jpegMinQuality``…``jpegMaxQuality`` (both 0: off). The frame is
    /// compressed at render size, where a block covers more of the scene than in a native
    /// frame, so the range sits above what webcams use (≈ 80–90 at 640×480).
    public var jpegMinQuality: Int = 70, jpegMaxQuality: Int = 95
    /// Textures (``SceneTextures``): each episode gives the table, the wall behind the arm, every
    /// cube and the plate a texture of the training set, each with this probability (else its plain
    /// colour). Table and wall textures are colour patterns (checker, stripes, wood, mottled,
    /// gradient); the objects' are faint grey patterns over their task colour. The draws come from
    /// a stream of the environment's own, so 0 — off, the default — leaves every other draw and
    /// every render of a run as it was, and turning it on changes no pose, colour or latency.
    public var textureProbability: Double = 0

    /// The default randomization of training and evaluation.
    public init() {}

    /// No randomization beyond the task's own object sampling.
    public static let none: DomainRandomization = {
        var value = DomainRandomization()
        value.colorJitter = 0; value.lightScale = 0; value.lightShift = 0; value.cameraShift = 0
        value.cameraTilt = 0; value.maxActionLatency = 0; value.stateNoise = 0; value.pixelNoise = 0
        value.exposureGain = 0; value.whiteBalance = 0; value.blur = 0; value.jpegMinQuality = 0; value.jpegMaxQuality = 0
        return value
    }()

    /// Checks ranges; names the bad value.
    public func validate() throws(SimulationError) {
        guard (0...2).contains(maxActionLatency) else {
            throw .invalidConfiguration("maxActionLatency must be 0…2 ticks, got \(maxActionLatency)")
        }
        guard (0...1).contains(textureProbability) else {
            throw .invalidConfiguration("textureProbability must be in 0…1 (the chance each surface gets a texture per episode), got \(textureProbability)")
        }
        guard (0..<1).contains(brightness) else {
            throw .invalidConfiguration("brightness must be in [0, 1) (each episode's light is scaled by 1 ± it), got \(brightness)")
        }
        guard colorJitter >= 0, lightScale >= 0, lightScale < 1, lightShift >= 0, cameraShift >= 0, cameraTilt >= 0,
              stateNoise >= 0, pixelNoise >= 0 else {
            throw .invalidConfiguration("domain randomization amplitudes must be non-negative (lightScale below 1)")
        }
        guard (0..<1).contains(exposureGain), (0..<1).contains(whiteBalance), (0...10).contains(blur) else {
            throw .invalidConfiguration(
                "exposureGain and whiteBalance must be in [0, 1) and blur in 0…10 native pixels, got \(exposureGain), \(whiteBalance), \(blur)")
        }
        guard (jpegMinQuality == 0 && jpegMaxQuality == 0) || (1 <= jpegMinQuality && jpegMinQuality <= jpegMaxQuality && jpegMaxQuality <= 100) else {
            throw .invalidConfiguration(
                "JPEG qualities must be 1 ≤ jpegMinQuality ≤ jpegMaxQuality ≤ 100 (both 0: off), got \(jpegMinQuality)…\(jpegMaxQuality)")
        }
    }
}

/// Applies ``DomainRandomization`` to an environment's own model copy,
/// starting each episode from the nominal values of a pristine model.
struct SceneRandomizer {
    let nominal: MuJoCoModel
    let layout: TwinLayout

    /// Colours for the episode's objects, lights and camera poses, written into `model`.
    func apply(_ setup: EpisodeSetup, _ settings: DomainRandomization, to model: MuJoCoModel, _ random: inout SimRandom) {
        let m = model.pointer, n = nominal.pointer
        func jittered(_ color: RGBA) -> RGBA {
            let j = settings.colorJitter
            func c(_ v: Float) -> Float { Float(min(max(Double(v) + random.uniform(-j, j), 0), 1)) }
            return RGBA(c(color.red), c(color.green), c(color.blue), color.alpha)
        }
        for (index, cube) in setup.cubes.enumerated() {
            model.setColor(ofGeom: layout.cubeGeoms[index], to: jittered(cube.color.rgba))
        }
        if let plate = setup.plate { model.setColor(ofGeom: layout.plateGeom, to: jittered(plate.color.rgba)) }
        if let target = setup.target { model.setColor(ofGeom: layout.targetGeom, to: jittered(target.color.rgba)) }
        if let zone = setup.zone { model.setColor(ofGeom: layout.zoneGeom, to: jittered(zone.color.rgba)) }
        let table = n.pointee.geom_rgba + 4 * layout.tableGeom
        model.setColor(ofGeom: layout.tableGeom, to: jittered(RGBA(table[0], table[1], table[2], table[3])))
        let room = settings.brightness > 0 ? Float(1 + random.uniform(-settings.brightness, settings.brightness)) : 1
        for light in layout.lights {
            let scale = Float(1 + random.uniform(-settings.lightScale, settings.lightScale)) * room
            for k in 0..<3 {
                m.pointee.light_diffuse[3 * light + k] = n.pointee.light_diffuse[3 * light + k] * scale
                m.pointee.light_ambient[3 * light + k] = n.pointee.light_ambient[3 * light + k] * room
                m.pointee.light_specular[3 * light + k] = n.pointee.light_specular[3 * light + k] * room
                m.pointee.light_pos[3 * light + k] = n.pointee.light_pos[3 * light + k]
                    + random.uniform(-settings.lightShift, settings.lightShift)
            }
        }
        let headlight = n.pointee.vis.headlight
        m.pointee.vis.headlight.ambient = (headlight.ambient.0 * room, headlight.ambient.1 * room, headlight.ambient.2 * room)
        m.pointee.vis.headlight.diffuse = (headlight.diffuse.0 * room, headlight.diffuse.1 * room, headlight.diffuse.2 * room)
        for camera in [layout.frontCamera, layout.wristCamera] {
            for k in 0..<3 {
                m.pointee.cam_pos[3 * camera + k] = n.pointee.cam_pos[3 * camera + k]
                    + random.uniform(-settings.cameraShift, settings.cameraShift)
            }
            // A small rotation: the nominal quaternion times exp(½·θ) for a random axis-angle θ.
            let t = settings.cameraTilt
            let (ax, ay, az) = (random.uniform(-t, t), random.uniform(-t, t), random.uniform(-t, t))
            let q = (n.pointee.cam_quat + 4 * camera)
            let d = (w: 1.0, x: ax / 2, y: ay / 2, z: az / 2)
            var r = (
                w: q[0] * d.w - q[1] * d.x - q[2] * d.y - q[3] * d.z,
                x: q[0] * d.x + q[1] * d.w + q[2] * d.z - q[3] * d.y,
                y: q[0] * d.y - q[1] * d.z + q[2] * d.w + q[3] * d.x,
                z: q[0] * d.z + q[1] * d.y - q[2] * d.x + q[3] * d.w)
            let norm = (r.w * r.w + r.x * r.x + r.y * r.y + r.z * r.z).squareRoot()
            r = (r.w / norm, r.x / norm, r.y / norm, r.z / norm)
            let out = m.pointee.cam_quat + 4 * camera
            out[0] = r.w; out[1] = r.x; out[2] = r.y; out[3] = r.z
        }
    }
}

/// Applies the per-episode textures (``DomainRandomization/textureProbability``,
/// ``VisualShift/unseenTextures``) to an environment's model copy: switches the material of the
/// table, the wall, the cubes and the plate, after ``SceneRandomizer`` has set their colours.
struct TextureRandomizer {
    let nominal: MuJoCoModel
    let layout: TwinLayout
    let materials: TextureMaterials

    /// The geoms that can get a texture, with the materials they draw from.
    var surfaces: [(geom: Int, materials: [TextureSet: [Int]])] {
        [(layout.tableGeom, materials.table), (layout.wallGeom, materials.wall)]
            + (layout.cubeGeoms + [layout.plateGeom]).map { ($0, materials.object) }
    }

    /// Gives each surface a texture of `set` with probability `probability` (two draws per
    /// surface, whatever the outcome), or its nominal look. A textured table or wall is white
    /// (the table keeps the episode's colour jitter as a tint), so the texture shows its own
    /// colours; an object keeps its colour, which the grey texture only shades. The table only
    /// gets textures whose mean colour is at least ``minimumContrast`` from every task object's
    /// colour in `setup` (a purple plate on a purple board would be camouflage, not a lesson).
    func apply(_ setup: EpisodeSetup, probability: Double, set: TextureSet, to model: MuJoCoModel, _ random: inout SimRandom) {
        let m = model.pointer, n = nominal.pointer
        let objectColors = setup.cubes.map(\.color.rgba) + [setup.plate, setup.target, setup.zone].compactMap { $0?.color.rgba }
        for surface in surfaces {
            let chance = random.unit(), pick = random.next()
            var choices = surface.materials[set] ?? []
            if surface.geom == layout.tableGeom {
                let distinct = choices.filter { material in
                    guard let mean = materials.meanColor[material] else { return true }
                    return objectColors.allSatisfy { Self.distance(mean, $0) >= Self.minimumContrast }
                }
                if !distinct.isEmpty { choices = distinct }
            }
            let textured = chance < probability && !choices.isEmpty
            m.pointee.geom_matid[surface.geom] = textured ? Int32(choices[Int(pick % UInt64(choices.count))]) : n.pointee.geom_matid[surface.geom]
            let rgba = m.pointee.geom_rgba + 4 * surface.geom, plain = n.pointee.geom_rgba + 4 * surface.geom
            if surface.geom == layout.wallGeom {
                for k in 0..<3 { rgba[k] = textured ? 1 : plain[k] }
            } else if surface.geom == layout.tableGeom && textured {
                for k in 0..<3 { rgba[k] = min(max(1 + rgba[k] - plain[k], 0), 1) }
            }
        }
    }

    /// Smallest RGB distance (0…1 units) between a table texture's mean colour and a task object's colour.
    static let minimumContrast = 0.25

    /// Euclidean RGB distance.
    static func distance(_ a: [Double], _ b: RGBA) -> Double {
        let d = [a[0] - Double(b.red), a[1] - Double(b.green), a[2] - Double(b.blue)]
        return (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).squareRoot()
    }
}
