import CMuJoCo

/// Kinds of named MuJoCo objects, for ``MuJoCoModel/id(of:named:)``.
public enum MuJoCoObjectKind: Sendable {
    case body, joint, geom, site, camera, actuator, light

    var raw: Int32 {
        switch self {
        case .body: return Int32(mjOBJ_BODY.rawValue)
        case .joint: return Int32(mjOBJ_JOINT.rawValue)
        case .geom: return Int32(mjOBJ_GEOM.rawValue)
        case .site: return Int32(mjOBJ_SITE.rawValue)
        case .camera: return Int32(mjOBJ_CAMERA.rawValue)
        case .actuator: return Int32(mjOBJ_ACTUATOR.rawValue)
        case .light: return Int32(mjOBJ_LIGHT.rawValue)
        }
    }
}

/// Owns one `mjModel` (freed with mj_deleteModel). Domain randomization edits
/// a model's colours, lights and cameras, so each environment holds its own copy.
///
/// Not thread-safe; an environment's model is used by one thread at a time.
public final class MuJoCoModel {
    /// The wrapped model.
    public let pointer: UnsafeMutablePointer<mjModel>

    /// Loads MJCF text with mj_loadXML (through a one-file virtual file system).
    /// - Throws: ``SimulationError/modelLoadFailed(message:)`` with MuJoCo's message.
    public init(xml: String) throws(SimulationError) {
        var error = [CChar](repeating: 0, count: 1024)
        let loaded = pirl_mj_load_xml_string(xml, "model.xml", &error, Int32(error.count))
        guard let loaded else {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .modelLoadFailed(message: message.isEmpty ? "unknown error" : message)
        }
        pointer = loaded
    }

    /// A deep copy (mj_copyModel).
    public init(copying other: MuJoCoModel) {
        pointer = mj_copyModel(nil, other.pointer)
    }

    deinit { mj_deleteModel(pointer) }

    /// Physics time step in seconds (`opt.timestep`).
    public var timestep: Double { pointer.pointee.opt.timestep }
    /// Number of position coordinates.
    public var nq: Int { Int(pointer.pointee.nq) }
    /// Number of degrees of freedom.
    public var nv: Int { Int(pointer.pointee.nv) }
    /// Number of actuators.
    public var nu: Int { Int(pointer.pointee.nu) }
    /// Largest off-screen render size (`visual.global.offwidth/offheight`).
    public var offscreenSize: (width: Int, height: Int) {
        (Int(pointer.pointee.vis.global.offwidth), Int(pointer.pointee.vis.global.offheight))
    }

    /// The id of a named object (mj_name2id).
    /// - Throws: ``SimulationError/unknownName(kind:name:)`` when there is none.
    public func id(of kind: MuJoCoObjectKind, named name: String) throws(SimulationError) -> Int {
        let id = mj_name2id(pointer, kind.raw, name)
        guard id >= 0 else { throw .unknownName(kind: "\(kind)", name: name) }
        return Int(id)
    }

    /// Address in qpos of a joint's first coordinate.
    public func qposAddress(ofJoint joint: Int) -> Int { Int(pointer.pointee.jnt_qposadr[joint]) }
    /// Address in qvel of a joint's first degree of freedom.
    public func dofAddress(ofJoint joint: Int) -> Int { Int(pointer.pointee.jnt_dofadr[joint]) }
    /// A joint's range (lower, upper).
    public func range(ofJoint joint: Int) -> (lower: Double, upper: Double) {
        (pointer.pointee.jnt_range[2 * joint], pointer.pointee.jnt_range[2 * joint + 1])
    }

    /// Sets a geom's RGBA colour.
    public func setColor(ofGeom geom: Int, to rgba: RGBA) {
        let base = pointer.pointee.geom_rgba + 4 * geom
        base[0] = rgba.red; base[1] = rgba.green; base[2] = rgba.blue; base[3] = rgba.alpha
    }
}

/// A colour with alpha, components 0…1.
public struct RGBA: Sendable, Hashable, Codable {
    public var red: Float, green: Float, blue: Float, alpha: Float
    /// A colour from its components.
    public init(_ red: Float, _ green: Float, _ blue: Float, _ alpha: Float = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }
    /// "r g b a" for MJCF attributes.
    var mjcf: String { "\(red) \(green) \(blue) \(alpha)" }
}
