import ArgumentParser
import Foundation
import Policy

extension Bench {
    /// `bench policy`: ODE chunk inference latency and throughput, and the NumPy reference.
    struct PolicyBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "Time ODE chunk inference (K = 4 and 10, batch 1; batch-64 throughput) against the NumPy reference.",
            discussion: "Without a checkpoint directory, a randomly initialized default policy is timed.")

        @Argument(help: "The checkpoint directory (optional).")
        var directory: String?

        @Option(help: "Timed chunks per batch-1 measurement.")
        var iterations: Int = 300

        @Option(help: "OpenBLAS threads.")
        var threads: Int = 1

        @Option(help: "The NumPy reference script; empty to skip it.")
        var numpyReference: String = "Tests/PolicyTests/python/reference_forward.py"

        mutating func validate() throws {
            if iterations < 10 { throw ValidationError("--iterations must be at least 10") }
            if threads < 1 { throw ValidationError("--threads must be at least 1") }
        }

        func run() throws {
            let core = BLAS.correctKernelSelection()
            BLAS.setThreadCount(threads)
            let policy: FlowPolicy
            let checkpoint: String
            if let directory {
                policy = try PolicyCheckpoint.load(from: directory).policy
                checkpoint = directory
            } else {
                policy = try FlowPolicy(config: PolicyConfig())
                policy.initialize(seed: 0)
                checkpoint = NSTemporaryDirectory() + "pirl-bench-\(getpid())"
                try PolicyCheckpoint.save(policy, normStats: .identity(for: policy.config), to: checkpoint)
            }
            let c = policy.config
            print("policy: \(policy.parameters.count) parameters; cameras \(c.io.cameras.map { "\($0.width)x\($0.height)" }.joined(separator: ", ")), H = \(c.io.actionHorizon), D = \(c.io.actionDim); OpenBLAS \(core) kernels, \(threads) thread(s)")
            var swiftP50K4 = 0.0
            let (e50, e99) = measure(policy, batchSize: 1, steps: 0, iterations: iterations)
            print(String(format: "encoder only, batch 1: p50 %.3f ms, p99 %.3f ms, %.2f MFLOP, %.2f GFLOP/s",
                         e50 * 1e3, e99 * 1e3, Double(policy.encoderFlops) / 1e6, Double(policy.encoderFlops) / e50 / 1e9))
            for k in [4, 10] {
                let (p50, p99) = measure(policy, batchSize: 1, steps: k, iterations: iterations)
                let flops = Double(policy.encoderFlops + k * policy.velocityFlops)
                print(String(format: "ODE K=%d batch 1: p50 %.3f ms, p99 %.3f ms, %.2f MFLOP/chunk, %.2f GFLOP/s",
                             k, p50 * 1e3, p99 * 1e3, flops / 1e6, flops / p50 / 1e9))
                if k == 4 { swiftP50K4 = p50 }
            }
            let batch = 64
            let (p50, _) = measure(policy, batchSize: batch, steps: 4, iterations: max(10, iterations / 20))
            let flops = Double(batch) * Double(policy.encoderFlops + 4 * policy.velocityFlops)
            print(String(format: "ODE K=4 batch %d: %.1f chunks/s (p50 %.2f ms per batch, %.2f GFLOP/s)",
                         batch, Double(batch) / p50, p50 * 1e3, flops / p50 / 1e9))
            if !numpyReference.isEmpty {
                if let numpy = runNumPy(checkpoint: checkpoint, iterations: max(10, iterations / 10)) {
                    print(String(format: "NumPy reference K=4 batch 1: p50 %.3f ms, p99 %.3f ms; Swift is %.1fx faster",
                                 numpy.p50, numpy.p99, numpy.p50 / (swiftP50K4 * 1e3)))
                }
            }
        }

        /// p50 and p99 seconds per call of encode + K-step ODE over `batchSize` observations
        /// (encode only when `steps` is 0).
        func measure(_ policy: FlowPolicy, batchSize: Int, steps: Int, iterations: Int) -> (Double, Double) {
            var rng = RandomSource(seed: 1)
            let c = policy.config
            let images = c.io.cameras.map { cam in (0..<(batchSize * 3 * cam.width * cam.height)).map { _ in Float(rng.uniformOpen() * 2 - 1) } }
            let tokens = policy.tokenizer.tokens("pick up the red cube")
            let batch = ObservationBatch(
                count: batchSize, images: images, state: (0..<(batchSize * c.io.stateDim)).map { _ in rng.gaussian() },
                tokens: Array((0..<batchSize).map { _ in tokens }.joined()),
                tokenOffsets: (0...batchSize).map { Int32($0 * tokens.count) })
            let chain = FlowChain(batch: batchSize, dimension: policy.dimension, steps: max(steps, 1))
            let sampler = FlowSampler(method: .ode)
            for _ in 0..<5 { policy.encode(batch); if steps > 0 { sampler.sample(policy, into: chain, using: &rng) } }
            var times: [Double] = []
            times.reserveCapacity(iterations)
            let clock = ContinuousClock()
            for _ in 0..<iterations {
                let start = clock.now
                policy.encode(batch)
                if steps > 0 { sampler.sample(policy, into: chain, using: &rng) }
                let d = clock.now - start
                times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
            }
            times.sort()
            return (times[times.count / 2], times[min(times.count - 1, Int(Double(times.count) * 0.99))])
        }

        /// Runs the NumPy reference's own timing loop; nil (with a note) when it cannot run.
        func runNumPy(checkpoint: String, iterations: Int) -> (p50: Double, p99: Double)? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", numpyReference, checkpoint, "--bench", String(iterations), "--steps", "4"]
            let pipe = Pipe()
            process.standardOutput = pipe
            do { try process.run() } catch {
                print("NumPy reference: not run (\(error.localizedDescription))")
                return nil
            }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0,
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Double],
                  let p50 = json["p50_ms"], let p99 = json["p99_ms"] else {
                print("NumPy reference: not run (\(numpyReference) exited with \(process.terminationStatus))")
                return nil
            }
            return (p50, p99)
        }
    }
}
