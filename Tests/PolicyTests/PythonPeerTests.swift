import Foundation
import Testing
@testable import Policy

/// Cross-checks with independent Python peers: the `safetensors` package both ways, and
/// a NumPy implementation of the forward pass (Tests/PolicyTests/python).
@Suite("Python peers")
struct PythonPeerTests {
    static func json(_ value: Any) throws -> Data { try JSONSerialization.data(withJSONObject: value) }

    @Test func swiftWrittenFileLoadsInPythonSafetensors() throws {
        var rng = RandomSource(seed: 71)
        var a = (0..<12).map { _ in rng.gaussian() }, b: [Float] = [.pi, -0.0, 1e-30, 3e38]
        let dir = Support.temporaryDirectory()
        let path = dir + "/swift.safetensors"
        try a.withUnsafeMutableBufferPointer { ap in
            try b.withUnsafeMutableBufferPointer { bp in
                try SafeTensorsWriter.write([.init(name: "layer.weight", shape: [3, 4], values: UnsafeBufferPointer(ap)),
                                             .init(name: "layer.bias", shape: [4], values: UnsafeBufferPointer(bp))],
                                            metadata: ["producer": "pirl-robot"], to: path)
            }
        }
        let spec: [String: Any] = ["layer.weight": ["shape": [3, 4], "values": a.map(Double.init)],
                                   "layer.bias": ["shape": [4], "values": b.map(Double.init)]]
        try Self.json(spec).write(to: URL(fileURLWithPath: dir + "/spec.json"))
        let (status, output) = try Support.python("safetensors_peer.py", ["check", path, dir + "/spec.json"])
        #expect(status == 0, "python safetensors: \(output)")
        #expect(output.contains("\"tensors\": 2"))
    }

    @Test func pythonWrittenFileLoadsInSwift() throws {
        let dir = Support.temporaryDirectory()
        let values: [Double] = [0.5, -1.25, 3, 7, 1e-3, -2e5]
        let spec: [String: Any] = ["m": ["shape": [2, 3], "values": values], "s": ["shape": [1], "values": [42.0]],
                                   "empty": ["shape": [0], "values": [Double]()]]
        try Self.json(spec).write(to: URL(fileURLWithPath: dir + "/spec.json"))
        let (status, output) = try Support.python("safetensors_peer.py", ["write", dir + "/py.safetensors", dir + "/spec.json"])
        #expect(status == 0, "python safetensors: \(output)")
        let reader = try SafeTensorsReader(path: dir + "/py.safetensors")
        #expect(reader.tensors["m"]?.shape == [2, 3])
        #expect(try reader.floats("m") == values.map(Float.init))
        #expect(try reader.floats("s") == [42])
        #expect(try reader.floats("empty") == [])
        #expect(reader.metadata["producer"] == "python-safetensors")
    }

    @Test func checkpointWeightsLoadInPython() throws {
        let policy = try FlowPolicy(config: Support.smallConfig())
        policy.initialize(seed: 72)
        let dir = Support.temporaryDirectory()
        try PolicyCheckpoint.save(policy, normStats: .identity(for: policy.config), to: dir)
        var spec: [String: Any] = [:]
        for e in policy.parameters.layout.entries {
            spec[e.name] = ["shape": e.shape, "values": policy.parameters.tensor(e.name)!.map(Double.init)]
        }
        try Self.json(spec).write(to: URL(fileURLWithPath: dir + "/spec.json"))
        let (status, output) = try Support.python("safetensors_peer.py", ["check", dir + "/model.safetensors", dir + "/spec.json"])
        #expect(status == 0, "python safetensors: \(output)")
    }

    /// The NumPy reference agrees with Swift to 1e-4 relative error (‖a − b‖∞ / ‖b‖∞) on
    /// random inputs, for the default config (and a small one with per-camera encoders, and
    /// one with strides, GroupNorm and a spatial softmax with keypoints and a temperature).
    @Test(arguments: [0, 1, 2]) func forwardParityWithNumPyReference(variant: Int) throws {
        let config = [PolicyConfig(), Support.smallConfig(shared: false),
                      VisionEncoderTests.spatialConfig(shared: false, keypoints: 3, learnedTemperature: true)][variant]
        let policy = try FlowPolicy(config: config)
        policy.initialize(seed: 73)
        // Sharper softmaxes, a GroupNorm affine and a temperature that are not the identity.
        for e in policy.parameters.layout.entries where variant == 2 && e.name.hasPrefix("vision.") {
            for i in e.range { policy.parameters.values[i] = policy.parameters.values[i] * 2 + (e.name.contains("norm") || e.name.contains("softmax") ? 0.3 : 0) }
        }
        let dir = Support.temporaryDirectory()
        try PolicyCheckpoint.save(policy, normStats: .identity(for: policy.config), to: dir)
        var rng = RandomSource(seed: 74)
        var batch = Support.randomBatch(policy.config, count: 3, rng: &rng)
        batch.tokens = policy.tokenizer.tokens("pick up the red cube and place it in the bowl")
        batch.tokenOffsets = [0, Int32(batch.tokens.count), Int32(batch.tokens.count), Int32(batch.tokens.count)]
        let rows = 5, d = policy.dimension
        let x = (0..<(rows * d)).map { _ in rng.gaussian() }
        let t: [Float] = [1, 0.75, 0.5, 0.25, 0.013]
        let conditions: [Int32] = [0, 1, 2, 0, 2]
        policy.encode(batch)
        let prefix = policy.prefixFeatures
        let values = policy.values()
        var v = [Float](repeating: 0, count: rows * d), lv = v
        policy.evaluate(x: x, t: t, conditions: conditions, rows: rows, velocity: &v, logVariance: &lv)
        let inputs: [String: Any] = [
            "images": batch.images.map { $0.map(Double.init) }, "state": batch.state.map(Double.init),
            "tokens": batch.tokens.map(Int.init), "offsets": batch.tokenOffsets.map(Int.init),
            "x": x.map(Double.init), "t": t.map(Double.init), "conditions": conditions.map(Int.init),
        ]
        try Self.json(inputs).write(to: URL(fileURLWithPath: dir + "/inputs.json"))
        let (status, output) = try Support.python("reference_forward.py", [dir, dir + "/inputs.json", dir + "/outputs.json"])
        try #require(status == 0, "NumPy reference failed: \(output)")
        let out = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/outputs.json"))) as! [String: [Double]]
        func relativeError(_ swift: [Float], _ reference: [Double]) -> Double {
            precondition(swift.count == reference.count)
            let scale = reference.map(abs).max() ?? 0
            return zip(swift, reference).map { abs(Double($0) - $1) }.max()! / max(scale, 1e-12)
        }
        for (name, swift) in [("prefix", prefix), ("velocity", v), ("log_variance", lv), ("value", values)] {
            let e = relativeError(swift, out[name]!)
            #expect(e <= 1e-4, "\(name): relative error \(e)")
        }
    }
}
