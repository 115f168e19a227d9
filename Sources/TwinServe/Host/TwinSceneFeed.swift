import CMuJoCo
import SimTrainer
import Synchronization

/// One episode's model for the render threads: a copy of the physics model made at the
/// reset (colours, textures and camera poses are randomized per episode), never written
/// afterwards, so any number of threads may read it.
public final class TwinRenderModel: @unchecked Sendable {
    /// The copy.
    public let model: MuJoCoModel
    /// The episode it belongs to.
    public let episode: Int

    init(copying model: MuJoCoModel, episode: Int) {
        self.model = MuJoCoModel(copying: model)
        self.episode = episode
    }
}

/// The scene as the render threads need it: positions only (joint values and the
/// mocap bodies), enough for kinematics and a render.
struct TwinSceneState {
    var qpos: [Double] = []
    var mocapPositions: [Double] = []
    var mocapQuaternions: [Double] = []
    /// The wall-clock instant (CLOCK_MONOTONIC ns) the state belongs to.
    var monotonicNanoseconds: UInt64 = 0
    /// The model of the state's episode.
    var model: TwinRenderModel?
    /// Bumped on every publication.
    var version: UInt64 = 0
}

/// The newest scene state, from the physics thread to the render threads. Both sides
/// hold the lock only to copy a few dozen numbers, so rendering never holds up physics.
public final class TwinSceneFeed: Sendable {
    private let latest = Mutex(TwinSceneState())

    init() {}

    /// Physics side: publishes `data`'s positions as the state at `monotonicNanoseconds`,
    /// with `model` when a new episode's model comes with it.
    func publish(_ data: MuJoCoData, at monotonicNanoseconds: UInt64, model: TwinRenderModel?) {
        let m = data.model.pointer.pointee, d = data.pointer.pointee
        let nq = Int(m.nq), mocap = 3 * Int(m.nmocap)
        latest.withLock { state in
            Self.copy(d.qpos, count: nq, into: &state.qpos)
            Self.copy(d.mocap_pos, count: mocap, into: &state.mocapPositions)
            Self.copy(d.mocap_quat, count: 4 * Int(m.nmocap), into: &state.mocapQuaternions)
            state.monotonicNanoseconds = monotonicNanoseconds
            if let model { state.model = model }
            state.version &+= 1
        }
    }

    /// Render side: copies the newest state into `state` (reusing its arrays); false
    /// when nothing was published yet or nothing new since `state.version`.
    func copyLatest(into state: inout TwinSceneState) -> Bool {
        latest.withLock { newest in
            guard newest.version != 0, newest.version != state.version else { return false }
            Self.copy(newest.qpos, into: &state.qpos)
            Self.copy(newest.mocapPositions, into: &state.mocapPositions)
            Self.copy(newest.mocapQuaternions, into: &state.mocapQuaternions)
            state.monotonicNanoseconds = newest.monotonicNanoseconds
            if state.model !== newest.model { state.model = newest.model }
            state.version = newest.version
            return true
        }
    }

    /// The model of the newest state, once there is one.
    var model: TwinRenderModel? { latest.withLock { $0.model } }

    private static func copy(_ source: UnsafeMutablePointer<Double>, count: Int, into target: inout [Double]) {
        if target.count != count { target = [Double](repeating: 0, count: count) }
        guard count > 0 else { return }
        target.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: source, count: count) }
    }

    private static func copy(_ source: [Double], into target: inout [Double]) {
        if target.count != source.count { target = source } else {
            for index in source.indices { target[index] = source[index] }
        }
    }
}
