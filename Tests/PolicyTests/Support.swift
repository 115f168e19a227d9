import Foundation
import TestSupport
import Testing
@testable import Policy

/// A heap buffer of floats that closures can read while a test perturbs it in place
/// (an array would trip Swift's exclusivity checks).
final class Buf {
    let p: UnsafeMutablePointer<Float>
    let count: Int
    init(_ values: [Float]) {
        count = values.count
        p = .allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        for (i, v) in values.enumerated() { p[i] = v }
    }
    deinit { p.deallocate() }
}

/// Helpers shared by the Policy tests.
enum Support {
    /// A small config for gradient checks: tiny widths, one block, two 8×8 cameras.
    static func smallConfig(shared: Bool = true) -> PolicyConfig {
        var c = PolicyConfig()
        c.io.cameras = [.init(name: "base", width: 8, height: 8), .init(name: "wrist", width: 8, height: 8)]
        c.io.jointNames = ["a", "b"]
        c.io.stateDim = 3
        c.io.actionDim = 3
        c.io.actionHorizon = 4
        c.io.executedHorizon = 2
        c.architecture.visionChannels = [4, 5]
        c.architecture.patchSize = 2
        c.architecture.sharedVisionEncoder = shared
        c.architecture.vocabularySize = 11
        c.architecture.tokenWidth = 5
        c.architecture.stateWidth = 6
        c.architecture.prefixWidth = 7
        c.architecture.expertWidth = 8
        c.architecture.expertBlocks = 2
        c.architecture.expertHiddenWidth = 9
        c.architecture.timeEmbeddingWidth = 6
        c.architecture.noiseHeadWidth = 5
        c.architecture.valueWidth = 4
        return c
    }

    /// A random observation batch for `config`.
    static func randomBatch(_ config: PolicyConfig, count: Int, rng: inout RandomSource) -> ObservationBatch {
        let images = config.io.cameras.map { cam in
            (0..<(count * 3 * cam.width * cam.height)).map { _ in Float(rng.uniformOpen() * 2 - 1) }
        }
        let state = (0..<(count * config.io.stateDim)).map { _ in rng.gaussian() }
        var tokens: [Int32] = [], offsets: [Int32] = [0]
        for b in 0..<count {
            let n = b == 1 ? 0 : 1 + rng.index(below: 4)  // sample 1 has an empty prompt
            for _ in 0..<n { tokens.append(Int32(rng.index(below: config.architecture.vocabularySize))) }
            offsets.append(Int32(tokens.count))
        }
        return ObservationBatch(count: count, images: images, state: state, tokens: tokens, tokenOffsets: offsets)
    }

    /// Asserts analytic and central-difference gradients agree:
    /// `|a − n| ≤ rtol·max(|a|, |n|) + atol`, and that the analytic gradient is not all zero.
    static func expectClose(_ analytic: [Double], _ numeric: [Double], rtol: Double = 2e-2, atol: Double = 1e-3,
                            _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(analytic.count == numeric.count, sourceLocation: sourceLocation)
        #expect(analytic.contains { $0 != 0 }, "\(what): analytic gradient is all zero", sourceLocation: sourceLocation)
        for (i, (a, n)) in zip(analytic, numeric).enumerated() {
            let ok = abs(a - n) <= rtol * max(abs(a), abs(n)) + atol
            #expect(ok, "\(what)[\(i)]: analytic \(a) vs numeric \(n)", sourceLocation: sourceLocation)
        }
    }

    /// Central difference of `loss` w.r.t. `buffer[index]`.
    static func centralDifference(_ buffer: UnsafeMutablePointer<Float>, _ index: Int, eps: Float = 1e-2, _ loss: () -> Double) -> Double {
        let saved = buffer[index]
        buffer[index] = saved + eps
        let up = loss()
        buffer[index] = saved - eps
        let down = loss()
        buffer[index] = saved
        return (up - down) / Double(2 * eps)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() -> String {
        TestSupport.temporaryDirectory(prefix: "pirl-policy")
    }

    /// The folder of the Python helpers.
    static let pythonDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python").path

    /// Runs `python3 script args…` for a script of this target's `python/` folder.
    static func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try TestSupport.runPython(pythonDirectory + "/" + script, arguments)
    }
}
