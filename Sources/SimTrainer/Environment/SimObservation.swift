/// What a policy sees after a decision, following docs/design/architecture.md's
/// `Observation { images, state, prompt, timestamp }`.
public struct SimObservation: Sendable {
    /// Camera name ("front", "wrist") → model input tensor, H × W × 3 floats in [−1, 1]:
    /// ``frames`` mapped as Camera's ``ImagePreprocessor`` maps V4L2 frames.
    public var images: [String: [Float]]
    /// Camera name → the model input as RGB8, rows top-down (``cameraWidth`` × ``cameraHeight`` × 3):
    /// the camera's render after the webcam effects and the preprocessing `run` applies to a
    /// real frame (letterbox bars included), i.e. what `CameraFeed.image()` returns on hardware.
    public var frames: [String: [UInt8]]
    /// Size of `frames`: the model input size.
    public var cameraWidth: Int, cameraHeight: Int
    /// Joint positions in joint units (radians; gripper opening 0…1), RobotSpec.so101 order, with observation noise.
    public var state: [Float]
    /// The task objects (``ObjectState`` layout), for state-based policies.
    public var objectState: [Float]
    /// The instruction.
    public var prompt: String
    /// Simulated time since the episode began (s).
    public var timestamp: Double
    /// Control steps since the episode began.
    public var episodeStep: Int
    /// Which episode of its environment this is (0, 1, …).
    public var episodeIndex: Int
    /// Simulator-only ground truth, for scripted experts; learned policies must not read it.
    public var privileged: PrivilegedState
}

extension SimObservation {
    /// The state vector a policy reads: the joints, followed by the ``ObjectState`` features
    /// for a state-based policy (`includingObjects`).
    public func policyState(includingObjects: Bool) -> [Float] {
        includingObjects ? state + objectState : state
    }
}

/// Ground truth only a simulator knows.
public struct PrivilegedState: Sendable {
    /// The task of the episode.
    public var task: TaskKind
    /// Index of the environment in its vector.
    public var environment: Int
    /// The episode's setup (object positions at the start, colours, instruction).
    public var setup: EpisodeSetup
    /// Current positions of the tool and the cubes.
    public var scene: SceneState
    /// Noise-free joint positions in joint units.
    public var joints: [Double]
}

/// The result of one control step or one chunk.
public struct StepResult: Sendable, Equatable {
    /// Sparse reward (+1 on the step the task succeeds) plus the optional shaped term; summed over a chunk.
    public var reward: Double
    /// The episode ended by success or divergence.
    public var terminated: Bool
    /// The episode hit its step limit.
    public var truncated: Bool
    /// The task's success predicate held.
    public var success: Bool
    /// The physics diverged (NaN / bad accelerations) and the episode was cut.
    public var diverged: Bool
    /// Control steps executed (1 for a step; ≤ H_exec for a chunk).
    public var steps: Int

    /// Ended for any reason.
    public var done: Bool { terminated || truncated }
}
