import ArgumentParser
import Foundation
import Policy

extension SamplerMethod: ExpressibleByArgument {}
extension SDEStepSelection: ExpressibleByArgument {}

extension PolicyCommand {
    /// `policy sample`: one action chunk per observation, printed as JSON.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sample action chunks for observations and print them as JSON.",
            discussion: """
                --obs holds one observation or an array of them: {"images": {"<camera>": {"width": 64, "height": 64, \
                "rgb": [H*W*3 bytes]}}, "state": [joint values], "prompt": "instruction"}. The output holds one \
                H x D chunk per observation, in joint units (unnormalized).
                """)

        @Argument(help: "The checkpoint directory.")
        var directory: String

        @Option(help: "The observation JSON file.")
        var obs: String

        @Option(help: "ode, flow-sde or flow-noise (default: the checkpoint's).")
        var sampler: SamplerMethod?

        @Option(help: "Denoising steps K (default: the checkpoint's).")
        var steps: Int?

        @Option(help: "Random seed; the same seed gives the same chunk.")
        var seed: UInt64 = 0

        mutating func validate() throws {
            if let steps, !(1...10_000).contains(steps) { throw ValidationError("--steps must be in 1...10000, got \(steps)") }
        }

        func run() throws {
            BLAS.correctKernelSelection()
            let predictor = try ChunkPredictor(checkpoint: directory)
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: obs)) } catch {
                throw PolicyCommandError(description: "\(obs): cannot read: \(error.localizedDescription)")
            }
            let observations: [RawObservation]
            if let many = try? JSONDecoder().decode([RawObservation].self, from: data) {
                observations = many
            } else {
                observations = [try decodeJSONFile(RawObservation.self, at: obs)]
            }
            guard !observations.isEmpty else { throw PolicyCommandError(description: "\(obs): no observations") }
            let chunks: [[Float]]
            do {
                chunks = try predictor.predict(observations, method: sampler, steps: steps, seed: seed)
            } catch {
                throw PolicyCommandError(description: "\(obs): \(error)")
            }
            let c = predictor.policy.config
            let output: [String: Any] = [
                "sampler": (sampler ?? c.sampler.method).rawValue,
                "steps": steps ?? c.sampler.steps,
                "seed": seed,
                "joint_names": c.io.jointNames,
                "chunks": chunks.map { chunk in
                    (0..<c.io.actionHorizon).map { r in (0..<c.io.actionDim).map { Double(chunk[r * c.io.actionDim + $0]) } }
                },
            ]
            let json = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
            print(String(decoding: json, as: UTF8.self))
        }
    }
}
