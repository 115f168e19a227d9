import Foundation
import Policy

/// Settings of one simulated environment (and of every environment of a
/// vectorized one). Defaults: 30 Hz control over 500 Hz physics, two 640×480
/// cameras (``TwinCamera``) fed to the model letterboxed into 64×64, the default
/// domain randomization.
public struct EnvironmentConfiguration: Sendable, Codable, Equatable {
    /// The task.
    public var task: TaskKind = .lift
    /// Pick-and-place suite split (used by ``TaskKind/pickPlace`` only).
    public var split: SuiteSplit = .inDistribution
    /// Model input size (pixels): each camera's frame after Camera's preprocessing, as
    /// `run` produces it from a real frame. The render size follows from it and the
    /// camera (``TwinCamera/renderSize(forInputWidth:height:)``).
    public var imageWidth = 64, imageHeight = 64
    /// How a camera's 4:3 frame is fitted into the model input (the checkpoint's
    /// ``PolicyConfig/Camera/resize``).
    public var imageResize = PolicyConfig.Camera.Resize.pad
    /// Control rate (Hz); physics runs at 1 / ``SceneMJCF/timestep`` = 500 Hz.
    public var controlRate = 30.0
    /// Domain randomization.
    public var randomization = DomainRandomization()
    /// A change of what the cameras see beyond the randomization (evaluation only).
    public var visualShift = VisualShift()
    /// A photo of the user's own scene (PNG or JPEG path), composited behind the front camera:
    /// every front-camera pixel that shows no part of the arm and no task object (the table, the
    /// wall, empty space) shows the photo instead, before the webcam effects (green-screening, as
    /// ManiSkill's sim-to-real SO-100 recipe does). Take it with the real front camera, from its
    /// mount, with the arm out of view or parked (`pirl-robot cameras snapshot`); it is centre-cropped
    /// to 4:3 and resized to the render. `nil`: the rendered scene.
    public var backgroundImage: String?
    /// Where the front camera stands and its field of view, as the user's real one does
    /// (``TwinCameraPose``, from `pirl-robot sim overlay --save-pose`); `nil`: ``TwinCamera/front``.
    /// The scene is built with the camera there; the randomization's camera jitter applies around it.
    public var cameraPose: TwinCameraPose?
    /// Add potential-based shaping to the sparse reward: ``shapedRewardScale`` × the change
    /// of the task's dense progress over the step (Ng et al. 1999). It telescopes to
    /// `scale × (progress_end − progress_start)` per episode, so it guides exploration
    /// without rewarding the policy for lingering instead of finishing.
    public var shapedReward = false
    /// Weight of the shaped term (the most an episode can gain from it).
    public var shapedRewardScale = 1.0
    /// Which of the task's progress measures is the shaping potential.
    public var shapingPotential = ShapingPotential.distance
    /// Render camera images into observations (off for physics-only runs).
    public var renderImages = true
    /// Episode length limit in control steps; `nil` uses the task's own.
    public var maxSteps: Int?

    /// The default configuration for `task`.
    public init(task: TaskKind = .lift) { self.task = task }

    /// Checks every value; names the bad one.
    public func validate() throws(SimulationError) {
        guard imageWidth > 0, imageHeight > 0, imageWidth <= 640, imageHeight <= 480 else {
            throw .invalidConfiguration("image size must be within 1…640 × 1…480 (the cameras' native size), got \(imageWidth)x\(imageHeight)")
        }
        guard controlRate > 0, controlRate <= 1 / SceneMJCF.timestep else {
            throw .invalidConfiguration("control rate must be in (0, 500] Hz, got \(controlRate)")
        }
        if let maxSteps, maxSteps <= 0 { throw .invalidConfiguration("maxSteps must be positive, got \(maxSteps)") }
        try randomization.validate()
        try visualShift.validate()
        try cameraPose?.validate()
        if let backgroundImage {
            guard !backgroundImage.isEmpty else { throw .backgroundImage(path: "\"\"", reason: "the path is empty") }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: backgroundImage, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw .backgroundImage(path: backgroundImage, reason: isDirectory.boolValue ? "it is a directory" : "no such file")
            }
        }
    }

    /// The twin's cameras, with ``cameraPose`` applied.
    public var cameras: [TwinCamera] { cameraPose?.cameras ?? TwinCamera.all }

    /// The size of an observation's `frames`: the model input size (``imageWidth`` ×
    /// ``imageHeight``). Kept for callers from when the twin rendered square frames at
    /// the model's size; setting it sets the model input size.
    public var cameraWidth: Int {
        get { imageWidth }
        set { imageWidth = newValue }
    }
    /// See ``cameraWidth``.
    public var cameraHeight: Int {
        get { imageHeight }
        set { imageHeight = newValue }
    }

    /// Physics steps in control tick `tick` of an episode: the tick boundaries
    /// are rounded down to whole physics steps, so 30 Hz over 500 Hz runs
    /// 16 or 17 steps per tick and keeps the exact rate on average.
    public func physicsSteps(inTick tick: Int) -> Int {
        let perTick = 1 / (SceneMJCF.timestep * controlRate)
        return Int((Double(tick + 1) * perTick + 1e-9).rounded(.down)) - Int((Double(tick) * perTick + 1e-9).rounded(.down))
    }
}

/// The potential of the shaped reward (``EnvironmentConfiguration/shapedReward``).
public enum ShapingPotential: String, Sendable, Codable, CaseIterable {
    /// The task's distances (``TaskOutcome/progress``): for `place`, 0.3 for the gripper near
    /// the cube and 0.7 for the cube near the plate.
    case distance
    /// Distances plus stage terms where the task has stages (``TaskOutcome/stageProgress``):
    /// for `place` and the suite, 0.2 near the cube, 0.3 while the cube is held off the table
    /// or rests over the plate, 0.5 for the cube near the plate. Other tasks use `distance`.
    case stages
}
