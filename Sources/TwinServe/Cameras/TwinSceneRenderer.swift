import CMuJoCo
import SimTrainer

/// Renders twin cameras from ``TwinSceneState`` snapshots on one thread: its own
/// OSMesa context (``OffscreenRenderer``, bound to the creating thread) and its own
/// mjData per episode model, so it never touches the physics thread's data.
final class TwinSceneRenderer {
    private let renderer: OffscreenRenderer
    private var data: MuJoCoData?
    private var model: TwinRenderModel?
    private var cameraIDs: [String: Int] = [:]

    /// A renderer for models of `model`'s layout. Call on the thread that will render.
    init(model: TwinRenderModel) throws(SimulationError) {
        renderer = try OffscreenRenderer(model: model.model)
    }

    /// Renders camera `camera` of `state` at `width × height` into `pixels` (RGB8, rows top-down).
    func render(_ state: TwinSceneState, camera: String, width: Int, height: Int,
                into pixels: UnsafeMutableRawBufferPointer) throws(SimulationError) {
        guard let stateModel = state.model else { throw .invalidConfiguration("no scene published yet") }
        let data = prepare(for: stateModel)
        let m = stateModel.model.pointer, d = data.pointer
        state.qpos.withUnsafeBufferPointer { d.pointee.qpos.update(from: $0.baseAddress!, count: min($0.count, Int(m.pointee.nq))) }
        let mocap = Int(m.pointee.nmocap)
        if mocap > 0 {
            state.mocapPositions.withUnsafeBufferPointer { d.pointee.mocap_pos.update(from: $0.baseAddress!, count: min($0.count, 3 * mocap)) }
            state.mocapQuaternions.withUnsafeBufferPointer { d.pointee.mocap_quat.update(from: $0.baseAddress!, count: min($0.count, 4 * mocap)) }
        }
        // Body, geom and camera poses are all a render needs: no dynamics.
        mj_kinematics(m, d)
        mj_camlight(m, d)
        let id: Int
        if let known = cameraIDs[camera] {
            id = known
        } else {
            id = try stateModel.model.id(of: .camera, named: camera)
            cameraIDs[camera] = id
        }
        try renderer.render(data, camera: id, width: width, height: height, into: pixels)
    }

    /// Data for `model`, made anew when a new episode's model arrives.
    private func prepare(for next: TwinRenderModel) -> MuJoCoData {
        if let data, model === next { return data }
        let fresh = MuJoCoData(model: next.model)
        data = fresh
        model = next
        return fresh
    }
}
