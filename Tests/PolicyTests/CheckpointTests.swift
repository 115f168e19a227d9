import Foundation
import Testing
@testable import Policy

/// Checkpoint directories and the safetensors reader's distrust of its input.
@Suite("Checkpoints")
struct CheckpointTests {
    static func savedSmallCheckpoint() throws -> (FlowPolicy, String) {
        let policy = try FlowPolicy(config: Support.smallConfig())
        policy.initialize(seed: 61)
        let dir = Support.temporaryDirectory()
        try PolicyCheckpoint.save(policy, normStats: .identity(for: policy.config), to: dir)
        return (policy, dir)
    }

    @Test func roundTripRestoresEveryParameter() throws {
        let (policy, dir) = try Self.savedSmallCheckpoint()
        let (loaded, stats) = try PolicyCheckpoint.load(from: dir)
        #expect(loaded.config == policy.config)
        #expect(stats == .identity(for: policy.config))
        for i in 0..<policy.parameters.count { #expect(loaded.parameters.values[i] == policy.parameters.values[i]) }
    }

    /// Writes `header` (raw JSON text) followed by `data` as a safetensors file.
    static func writeRaw(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> String {
        var bytes: [UInt8] = []
        var n = (declaredLength ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &n) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header.utf8)
        bytes.append(contentsOf: data)
        let path = Support.temporaryDirectory() + "/model.safetensors"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    /// Writes raw bytes as a safetensors file.
    static func writeBytes(_ bytes: [UInt8]) -> String {
        let path = Support.temporaryDirectory() + "/model.safetensors"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    static func readError(_ path: String) -> CheckpointError? {
        do {
            _ = try SafeTensorsReader(path: path)
            return nil
        } catch { return error }
    }

    @Test func hostileHeadersAreClearErrors() {
        let eight = [UInt8](repeating: 0, count: 8)
        let cases: [(String, CheckpointError?, String)] = [
            ("short", Self.readError(Self.writeBytes([1, 2, 3])), "truncated"),
            ("empty header", Self.readError(Self.writeRaw(header: "")), "not valid safetensors JSON"),
            ("length beyond file", Self.readError(Self.writeRaw(header: "{}", declaredLength: 1 << 40)), "does not fit"),
            ("bad JSON", Self.readError(Self.writeRaw(header: "{\"a\": [", data: eight)), "not valid safetensors JSON"),
            ("not an object", Self.readError(Self.writeRaw(header: "[1,2]")), "not a JSON object"),
            ("missing dtype", Self.readError(Self.writeRaw(header: #"{"w":{"shape":[2],"data_offsets":[0,8]}}"#, data: eight)), "tensor 'w'"),
            ("negative shape", Self.readError(Self.writeRaw(header: #"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: eight)), "tensor 'w'"),
            ("fractional offset", Self.readError(Self.writeRaw(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,7.5]}}"#, data: eight)), "tensor 'w'"),
            ("unsupported dtype", Self.readError(Self.writeRaw(header: #"{"w":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}"#, data: eight)), "dtype F16"),
            ("out of bounds", Self.readError(Self.writeRaw(header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: eight)), "fall outside"),
            ("reversed offsets", Self.readError(Self.writeRaw(header: #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, data: eight)), "fall outside"),
            ("size mismatch", Self.readError(Self.writeRaw(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: eight)), "need 12"),
            ("overflowing shape", Self.readError(Self.writeRaw(header: #"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, data: eight)), "overflows"),
            ("overlap", Self.readError(Self.writeRaw(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight)), "overlaps"),
            ("bad metadata", Self.readError(Self.writeRaw(header: #"{"__metadata__":{"k":1}}"#)), "__metadata__"),
        ]
        for (name, error, fragment) in cases {
            let message = error?.description ?? "no error"
            #expect(message.contains(fragment), "\(name): \(message)")
            #expect(message.contains("model.safetensors"), "\(name): the message names the file: \(message)")
        }
        let missing = Self.readError("/nonexistent/model.safetensors")
        #expect(missing?.description.contains("/nonexistent/model.safetensors") == true)
    }

    @Test func everyTruncationOfAValidFileIsAnErrorNotACrash() throws {
        var values: [Float] = [1, 2, 3, 4, 5, 6]
        let path = Support.temporaryDirectory() + "/t.safetensors"
        try values.withUnsafeMutableBufferPointer { b in
            try SafeTensorsWriter.write([.init(name: "a", shape: [2, 2], values: UnsafeBufferPointer(rebasing: b[0..<4])),
                                         .init(name: "b", shape: [2], values: UnsafeBufferPointer(rebasing: b[4..<6]))], to: path)
        }
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let reader = try SafeTensorsReader(path: path)
        #expect(try reader.floats("a") == [1, 2, 3, 4])
        #expect(try reader.floats("b") == [5, 6])
        #expect(reader.metadata.isEmpty)
        for length in 0..<full.count {
            let cut = Support.temporaryDirectory() + "/cut.safetensors"
            #expect(FileManager.default.createFile(atPath: cut, contents: full.prefix(length)))
            #expect(Self.readError(cut) != nil, "a file cut to \(length) of \(full.count) bytes must be rejected")
        }
        // Flip every header byte in turn: the reader may accept or reject, but never crash,
        // and anything it accepts stays inside the file.
        var rng = RandomSource(seed: 62)
        for i in 8..<(full.count - 24) {
            var bytes = [UInt8](full)
            bytes[i] = UInt8(truncatingIfNeeded: rng.next())
            let flipped = Support.temporaryDirectory() + "/flip.safetensors"
            #expect(FileManager.default.createFile(atPath: flipped, contents: Data(bytes)))
            if let r = try? SafeTensorsReader(path: flipped) {
                for (name, info) in r.tensors { #expect(info.end <= bytes.count); _ = try r.floats(name) }
            }
        }
    }

    @Test func checkpointMismatchesNameTheTensor() throws {
        let (policy, dir) = try Self.savedSmallCheckpoint()
        let weights = dir + "/model.safetensors"
        let layout = policy.parameters.layout
        func rewrite(_ tensors: [SafeTensorsWriter.Tensor]) throws { try SafeTensorsWriter.write(tensors, to: weights) }
        let all = layout.entries.map {
            SafeTensorsWriter.Tensor(name: $0.name, shape: $0.shape, values: UnsafeBufferPointer(start: policy.parameters.values + $0.offset, count: $0.count))
        }
        func loadError() -> String {
            do { _ = try PolicyCheckpoint.load(from: dir); return "loaded" } catch { return error.description }
        }
        try rewrite(Array(all.dropLast()))
        #expect(loadError().contains("tensor '\(all.last!.name)' required by config.json is missing"))
        var extra: [Float] = [1]
        try extra.withUnsafeMutableBufferPointer { b in
            try rewrite(all + [.init(name: "stray.weight", shape: [1], values: UnsafeBufferPointer(b))])
        }
        #expect(loadError().contains("tensor 'stray.weight' is not part of the architecture"))
        var reshaped = all
        reshaped[0].shape = [reshaped[0].values.count]
        try rewrite(reshaped)
        #expect(loadError().contains("tensor '\(all[0].name)' has shape [\(all[0].values.count)]"))
        try rewrite(all)
        #expect(loadError() == "loaded")
        // A config that fails validation, and norm stats with the wrong dims.
        let configPath = dir + "/config.json"
        let good = try String(contentsOfFile: configPath, encoding: .utf8)
        try good.replacingOccurrences(of: "\"executedHorizon\" : 2", with: "\"executedHorizon\" : 99").write(toFile: configPath, atomically: true, encoding: .utf8)
        #expect(loadError().contains("io.executedHorizon = 99"))
        try "{\"io\": 1}".write(toFile: configPath, atomically: true, encoding: .utf8)
        #expect(loadError().contains("config.json"))
        try good.replacingOccurrences(of: "\"expertWidth\" : 8", with: "\"expertWidth\" : 1000000")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        #expect(loadError().contains("config.json: invalid config: architecture"), "an enormous config is refused before allocation")
        try good.write(toFile: configPath, atomically: true, encoding: .utf8)
        try #"{"norm_stats": {"state": {"mean": [0], "std": [1], "q01": [0], "q99": [1]}}}"#.write(toFile: dir + "/norm_stats.json", atomically: true, encoding: .utf8)
        #expect(loadError().contains("state.mean has 1 values, config expects 3"))
    }
}
