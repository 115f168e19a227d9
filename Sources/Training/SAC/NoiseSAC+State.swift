import Policy

extension NoiseSAC {
    /// `sac.safetensors` beside the checkpoint: the critics, their targets and Adam moments,
    /// and log α with its moments; the step counts in the metadata. The replay is not kept.
    public static let stateFile = "sac.safetensors"

    /// Writes the critics, targets, temperature and their optimizer state to `directory/sac.safetensors`.
    public func saveState(to directory: String) throws {
        var tensors: [SafeTensorsWriter.Tensor] = []
        let stores: [(String, ParameterStore, Bool)] = [("q.", critics.parameters, true), ("temperature.", temperature, true)]
        for (prefix, store, moments) in stores {
            for entry in store.layout.entries {
                func add(_ kind: String, _ base: UnsafeMutablePointer<Float>) {
                    tensors.append(.init(name: prefix + kind + entry.name, shape: entry.shape,
                                         values: UnsafeBufferPointer(start: base + entry.offset, count: entry.count)))
                }
                add("", store.values)
                if moments { add("m.", store.firstMoment); add("v.", store.secondMoment) }
            }
        }
        for entry in critics.target.layout.entries {
            tensors.append(.init(name: "q_target." + entry.name, shape: entry.shape,
                                 values: UnsafeBufferPointer(start: critics.target.values + entry.offset, count: entry.count)))
        }
        try SafeTensorsWriter.write(tensors, metadata: ["producer": "pirl-robot",
                                                        "critic_steps": String(criticOptimizer.stepCount),
                                                        "temperature_steps": String(temperatureOptimizer.stepCount)],
                                    to: directory + "/" + Self.stateFile)
    }

    /// Restores what ``saveState(to:)`` wrote; a checkpoint without it (or with critics of
    /// another shape) is refused with what to do.
    public func loadState(from directory: String) throws {
        let path = directory + "/" + Self.stateFile
        let reader: SafeTensorsReader
        do { reader = try SafeTensorsReader(path: path) } catch {
            throw CheckpointError.io(file: path, detail: "the SAC critics are missing (\(error)); rerun the RL stage from the SFT checkpoint (delete rl-latest and state.json's rlIterations)")
        }
        let targets: [(String, ParameterStore, [(String, UnsafeMutablePointer<Float>)])] = [
            ("q.", critics.parameters, [("", critics.parameters.values), ("m.", critics.parameters.firstMoment), ("v.", critics.parameters.secondMoment)]),
            ("temperature.", temperature, [("", temperature.values), ("m.", temperature.firstMoment), ("v.", temperature.secondMoment)]),
            ("q_target.", critics.target, [("", critics.target.values)]),
        ]
        for (prefix, store, kinds) in targets {
            for entry in store.layout.entries {
                for (kind, base) in kinds {
                    let name = prefix + kind + entry.name
                    guard let info = reader.tensors[name] else { throw CheckpointError.missingTensor(file: path, tensor: name) }
                    guard info.shape == entry.shape else {
                        throw CheckpointError.shapeMismatch(file: path, tensor: name, expected: entry.shape, found: info.shape)
                    }
                    try reader.copy(name, into: base + entry.offset)
                }
            }
        }
        guard let critic = reader.metadata["critic_steps"].flatMap(Int.init), let temp = reader.metadata["temperature_steps"].flatMap(Int.init) else {
            throw CheckpointError.io(file: path, detail: "metadata has no valid critic_steps / temperature_steps")
        }
        criticOptimizer.stepCount = critic
        temperatureOptimizer.stepCount = temp
    }
}
