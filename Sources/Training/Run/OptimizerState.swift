import Policy

/// AdamW's moments and step count, saved beside a checkpoint (`optimizer.safetensors`:
/// `m.<tensor>` and `v.<tensor>` for every parameter, the step count in the metadata)
/// so a resumed RL stage continues with the same bias correction and moments.
public enum OptimizerState {
    /// `optimizer.safetensors`.
    public static let fileName = "optimizer.safetensors"

    /// Writes `store`'s moments and `stepCount` to `directory/optimizer.safetensors`.
    public static func save(_ store: ParameterStore, stepCount: Int, to directory: String) throws(CheckpointError) {
        var tensors: [SafeTensorsWriter.Tensor] = []
        for entry in store.layout.entries {
            tensors.append(.init(name: "m." + entry.name, shape: entry.shape,
                                 values: UnsafeBufferPointer(start: store.firstMoment + entry.offset, count: entry.count)))
            tensors.append(.init(name: "v." + entry.name, shape: entry.shape,
                                 values: UnsafeBufferPointer(start: store.secondMoment + entry.offset, count: entry.count)))
        }
        try SafeTensorsWriter.write(tensors, metadata: ["producer": "pirl-robot", "step_count": String(stepCount)],
                                    to: directory + "/" + fileName)
    }

    /// Restores the moments into `store` and returns the saved step count.
    public static func load(into store: ParameterStore, from directory: String) throws(CheckpointError) -> Int {
        let path = directory + "/" + fileName
        let reader = try SafeTensorsReader(path: path)
        for entry in store.layout.entries {
            for (prefix, destination) in [("m.", store.firstMoment), ("v.", store.secondMoment)] {
                let name = prefix + entry.name
                guard let info = reader.tensors[name] else { throw .missingTensor(file: path, tensor: name) }
                guard info.shape == entry.shape else { throw .shapeMismatch(file: path, tensor: name, expected: entry.shape, found: info.shape) }
                try reader.copy(name, into: destination + entry.offset)
            }
        }
        guard let text = reader.metadata["step_count"], let steps = Int(text), steps >= 0 else {
            throw .io(file: path, detail: "metadata has no valid step_count")
        }
        return steps
    }
}
