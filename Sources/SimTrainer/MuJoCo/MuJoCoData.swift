import CMuJoCo

/// Owns one `mjData` for a model (mj_makeData / mj_deleteData): the state of
/// one simulation. Not thread-safe; one thread steps it at a time.
public final class MuJoCoData {
    /// The wrapped data.
    public let pointer: UnsafeMutablePointer<mjData>
    /// The model it was made for (kept alive as long as the data).
    public let model: MuJoCoModel

    /// New data at the model's reference configuration.
    public init(model: MuJoCoModel) {
        self.model = model
        pointer = mj_makeData(model.pointer)
    }

    deinit { mj_deleteData(pointer) }

    /// mj_resetData: qpos0, zero velocities, controls and warnings.
    public func reset() { mj_resetData(model.pointer, pointer) }
    /// mj_step: one physics step of `timestep` seconds.
    @inline(__always) public func step() { mj_step(model.pointer, pointer) }
    /// mj_forward: positions, velocities and accelerations for the current state, no time step.
    public func forward() { mj_forward(model.pointer, pointer) }
    /// mj_kinematics + mj_comPos: frames and the quantities Jacobians need, nothing else.
    public func kinematics() {
        mj_kinematics(model.pointer, pointer)
        mj_comPos(model.pointer, pointer)
    }

    /// True when MuJoCo flagged a bad state (NaN, Inf or huge values in
    /// qpos / qvel / qacc) since the last reset, or the state is not finite.
    public var hasDiverged: Bool {
        pirl_mj_divergence_warnings(pointer) > 0 || pirl_mj_state_is_finite(model.pointer, pointer) == 0
    }

    /// Simulated time in seconds.
    public var time: Double { pointer.pointee.time }
    /// `qpos` as a buffer of `nq` values.
    public var qpos: UnsafeMutableBufferPointer<Double> { .init(start: pointer.pointee.qpos, count: model.nq) }
    /// `qvel` as a buffer of `nv` values.
    public var qvel: UnsafeMutableBufferPointer<Double> { .init(start: pointer.pointee.qvel, count: model.nv) }
    /// `ctrl` as a buffer of `nu` values.
    public var ctrl: UnsafeMutableBufferPointer<Double> { .init(start: pointer.pointee.ctrl, count: model.nu) }

    /// World position of a body.
    public func position(ofBody body: Int) -> Vector3 { Vector3(pointer.pointee.xpos + 3 * body) }
    /// World position of a site.
    public func position(ofSite site: Int) -> Vector3 { Vector3(pointer.pointee.site_xpos + 3 * site) }
    /// World position of a geom.
    public func position(ofGeom geom: Int) -> Vector3 { Vector3(pointer.pointee.geom_xpos + 3 * geom) }
    /// Column `column` (0…2) of a site's rotation matrix: its local x, y or z axis in world coordinates.
    public func axis(_ column: Int, ofSite site: Int) -> Vector3 {
        let m = pointer.pointee.site_xmat + 9 * site
        return Vector3(m[column], m[3 + column], m[6 + column])
    }

    /// True when any active contact touches geoms `a` and `b` (in either order).
    public func touching(_ a: Int, _ b: Int) -> Bool {
        let count = Int(pointer.pointee.ncon)
        for index in 0..<count {
            let contact = pointer.pointee.contact[index]
            let g1 = Int(contact.geom1), g2 = Int(contact.geom2)
            if (g1 == a && g2 == b) || (g1 == b && g2 == a) { return true }
        }
        return false
    }
}
