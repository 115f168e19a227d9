import Policy

/// A flow-policy checkpoint as a ``ChunkPolicy``: each decision turns the
/// batch of simulator observations into the Policy module's raw observations
/// (camera frames by the checkpoint's camera names, joint state — followed by the
/// ``ObjectState`` features for a state-based checkpoint — and instruction)
/// and samples one chunk each with ``ChunkPredictor`` (the checkpoint's
/// sampler defaults unless ``sampler``, ``denoisingSteps``, … are set, a fresh seed per decision drawn from `seed`).
///
/// Camera names: a checkpoint camera takes the twin's camera of the same
/// name; `base` (LeRobot's name for the fixed camera) takes the twin's `front`.
public final class CheckpointPolicy: ChunkPolicy {
    /// The loaded policy and its statistics.
    public let predictor: ChunkPredictor
    public var chunkLength: Int { predictor.policy.config.io.actionHorizon }
    private let cameras: [(checkpoint: String, twin: String)]
    /// The checkpoint reads the ``ObjectState`` features after the joints.
    public let readsObjectState: Bool
    /// Denoising steps K per chunk; nil samples with the checkpoint's own.
    public var denoisingSteps: Int?
    /// The sampler; nil uses the checkpoint's (the deterministic ODE as deployed). Flow-SDE
    /// with ``sdeNoise`` evaluates the exploration policy RL trains.
    public var sampler: SamplerMethod?
    /// Flow-SDE's noise level, basis and stochastic steps.
    public var sdeNoise = FlowSDENoise()
    /// τ, the scale of the start's noise; nil uses the checkpoint's (``PolicyConfig/SamplerDefaults/startTemperature``).
    public var startTemperature: Double?
    private var seed: UInt64
    private var raw: [RawObservation] = []

    /// Twin camera names a checkpoint camera name can refer to.
    public static func twinCamera(for checkpointCamera: String) -> String? {
        switch checkpointCamera {
        case "front", "base": return "front"
        case "wrist": return "wrist"
        default: return nil
        }
    }

    /// Loads the checkpoint in `directory`.
    /// - Throws: ``SimulationError/invalidConfiguration(_:)`` when it cannot drive the twin
    ///   (unknown camera names, cameras of different sizes, not six joints), or the Policy module's error.
    public init(checkpoint directory: String, seed: UInt64) throws {
        predictor = try ChunkPredictor(checkpoint: directory)
        let io = predictor.policy.config.io
        var cameras: [(String, String)] = []
        for camera in io.cameras {
            guard let twin = Self.twinCamera(for: camera.name) else {
                throw SimulationError.invalidConfiguration(
                    "\(directory): camera '\(camera.name)' is not one of the twin's cameras (front or base, wrist)")
            }
            cameras.append((camera.name, twin))
        }
        guard Set(io.cameras.map(\.width)).count <= 1, Set(io.cameras.map(\.height)).count <= 1,
              Set(io.cameras.map(\.resize)).count <= 1 else {
            throw SimulationError.invalidConfiguration(
                "\(directory): the twin feeds every camera at one size and resize method; the checkpoint's cameras differ")
        }
        guard io.objectStateDim == 0 || io.objectStateDim == ObjectState.count else {
            throw SimulationError.invalidConfiguration(
                "\(directory): the checkpoint reads \(io.objectStateDim) object features; the twin provides \(ObjectState.count)")
        }
        guard io.actionDim == 6, io.stateDim - io.objectStateDim == 6 else {
            throw SimulationError.invalidConfiguration("\(directory): the SO-101 twin has 6 joints, the checkpoint \(io.stateDim - io.objectStateDim) joint states and \(io.actionDim) actions")
        }
        self.cameras = cameras
        readsObjectState = io.objectStateDim > 0
        self.seed = seed
    }

    /// The model input size of the checkpoint's cameras (the twin's ``EnvironmentConfiguration/imageWidth``).
    public var imageSize: (width: Int, height: Int) {
        let first = predictor.policy.config.io.cameras.first
        return (first?.width ?? 64, first?.height ?? 64)
    }

    /// How the checkpoint's cameras fit a frame into ``imageSize`` (``EnvironmentConfiguration/imageResize``).
    public var imageResize: PolicyConfig.Camera.Resize { predictor.policy.config.io.cameras.first?.resize ?? .pad }

    public func actionChunks(for observations: [SimObservation], into chunks: inout [[Float]]) throws {
        raw.removeAll(keepingCapacity: true)
        for observation in observations {
            var images: [String: RGBFrame] = [:]
            for camera in cameras {
                guard let pixels = observation.frames[camera.twin] else {
                    throw SimulationError.invalidConfiguration("the environment renders no images; turn renderImages on for a checkpoint")
                }
                images[camera.checkpoint] = RGBFrame(width: observation.cameraWidth, height: observation.cameraHeight, rgb: pixels)
            }
            raw.append(RawObservation(images: images, state: observation.policyState(includingObjects: readsObjectState),
                                      prompt: observation.prompt))
        }
        seed &+= 1
        let predicted = try predictor.predict(raw, method: sampler, steps: denoisingSteps, noise: sdeNoise,
                                              startTemperature: startTemperature, seed: seed)
        for index in predicted.indices { chunks[index] = predicted[index] }
    }
}
