import Foundation

/// A checkpoint directory (docs/design/architecture.md): `config.json`, `model.safetensors`
/// (one float32 tensor per named parameter) and `norm_stats.json` (openpi layout).
public enum PolicyCheckpoint {
    /// `config.json`.
    public static let configFile = "config.json"
    /// `model.safetensors`.
    public static let weightsFile = "model.safetensors"
    /// `norm_stats.json`.
    public static let normStatsFile = "norm_stats.json"

    /// Writes `policy`'s config and weights and `normStats` into `directory` (created if needed).
    public static func save(_ policy: FlowPolicy, normStats: NormStatsFile, to directory: String) throws(CheckpointError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(file: directory, detail: "cannot create directory: \(error.localizedDescription)")
        }
        try writeJSON(policy.config, to: path(directory, configFile))
        try writeJSON(normStats, to: path(directory, normStatsFile))
        let p = policy.parameters
        let tensors = p.layout.entries.map {
            SafeTensorsWriter.Tensor(name: $0.name, shape: $0.shape, values: UnsafeBufferPointer(start: p.values + $0.offset, count: $0.count))
        }
        try SafeTensorsWriter.write(tensors, metadata: ["producer": "pirl-robot"], to: path(directory, weightsFile))
    }

    /// Loads a checkpoint, checking the config, every tensor's presence and shape, and the norm stats.
    public static func load(from directory: String) throws(CheckpointError) -> (policy: FlowPolicy, normStats: NormStatsFile) {
        let configPath = path(directory, configFile)
        let config: PolicyConfig = try readJSON(configPath) { .config(file: configPath, detail: $0) }
        let policy: FlowPolicy
        do {
            policy = try FlowPolicy(config: config)
        } catch {
            throw .config(file: configPath, detail: error.description)
        }
        let weightsPath = path(directory, weightsFile)
        let reader = try SafeTensorsReader(path: weightsPath)
        let layout = policy.parameters.layout
        for entry in layout.entries {
            guard let info = reader.tensors[entry.name] else { throw .missingTensor(file: weightsPath, tensor: entry.name) }
            guard info.shape == entry.shape else {
                throw .shapeMismatch(file: weightsPath, tensor: entry.name, expected: entry.shape, found: info.shape)
            }
            try reader.copy(entry.name, into: policy.parameters.values + entry.offset)
        }
        if let extra = reader.tensors.keys.sorted().first(where: { layout.entry(named: $0) == nil }) {
            throw .unexpectedTensor(file: weightsPath, tensor: extra)
        }
        let statsPath = path(directory, normStatsFile)
        let stats: NormStatsFile = try readJSON(statsPath) { .normStats(file: statsPath, detail: $0) }
        try stats.validate(for: config, file: statsPath)
        return (policy, stats)
    }

    static func path(_ directory: String, _ file: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(file).path
    }

    static func writeJSON(_ value: some Encodable, to path: String) throws(CheckpointError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .io(file: path, detail: "cannot write: \(error.localizedDescription)")
        }
    }

    static func readJSON<T: Decodable>(_ path: String, error makeError: (String) -> CheckpointError) throws(CheckpointError) -> T {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .io(file: path, detail: "cannot read: \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw makeError("missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw makeError("wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw makeError("null at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.dataCorrupted(context) {
            throw makeError("at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
        } catch {
            throw makeError("\(error)")
        }
    }
}
