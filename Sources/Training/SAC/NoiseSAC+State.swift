import Policy

extension NoiseSAC {
    /// `sac.safetensors` beside the checkpoint: the critics, their targets and Adam moments,
    /// and log α with its moments; the step counts in the metadata. The replay is not kept.
    public static let stateFile = "sac.safetensors"

    /// Every saved tensor group: its name prefix, layout and first float. Saving and loading
    /// walk the same table, so the two cannot drift apart.
    private var stateSlices: [(prefix: String, layout: ParameterLayout, base: UnsafeMutablePointer<Float>)] {
        let q = critics.parameters, t = temperature
        return [("q.", q.layout, q.values), ("q.m.", q.layout, q.firstMoment), ("q.v.", q.layout, q.secondMoment),
                ("temperature.", t.layout, t.values), ("temperature.m.", t.layout, t.firstMoment), ("temperature.v.", t.layout, t.secondMoment),
                ("q_target.", critics.target.layout, critics.target.values)]
    }

    /// Writes the critics, targets, temperature and their optimizer state to `directory/sac.safetensors`.
    public func saveState(to directory: String) throws {
        var tensors: [SafeTensorsWriter.Tensor] = []
        for slice in stateSlices {
            for entry in slice.layout.entries {
                tensors.append(.init(name: slice.prefix + entry.name, shape: entry.shape,
                                     values: UnsafeBufferPointer(start: slice.base + entry.offset, count: entry.count)))
            }
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
        for slice in stateSlices {
            for entry in slice.layout.entries {
                let name = slice.prefix + entry.name
                guard let info = reader.tensors[name] else { throw CheckpointError.missingTensor(file: path, tensor: name) }
                guard info.shape == entry.shape else {
                    throw CheckpointError.shapeMismatch(file: path, tensor: name, expected: entry.shape, found: info.shape)
                }
                try reader.copy(name, into: slice.base + entry.offset)
            }
        }
        guard let critic = reader.metadata["critic_steps"].flatMap(Int.init), let temp = reader.metadata["temperature_steps"].flatMap(Int.init) else {
            throw CheckpointError.io(file: path, detail: "metadata has no valid critic_steps / temperature_steps")
        }
        criticOptimizer.stepCount = critic
        temperatureOptimizer.stepCount = temp
    }
}
