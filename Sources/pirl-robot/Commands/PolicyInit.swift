import ArgumentParser
import Foundation
import Policy

extension PolicyCommand {
    /// `policy init`: a randomly initialized checkpoint from a config.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a randomly initialized checkpoint (config.json, model.safetensors, norm_stats.json).",
            discussion: "Without --config the default ~2 M-parameter policy (two 64x64 cameras, 6 joints, H = 10) is used.")

        @Option(help: "A config.json to use (all fields).")
        var config: String?

        @Option(help: "The checkpoint directory to write.")
        var out: String

        @Option(help: "Initialization seed.")
        var seed: UInt64 = 0

        @Option(help: "A norm_stats.json to copy in (default: identity statistics).")
        var normStats: String?

        mutating func validate() throws {
            if out.isEmpty { throw ValidationError("--out must name a directory") }
        }

        func run() throws {
            var cfg = try config.map { try decodeJSONFile(PolicyConfig.self, at: $0) } ?? PolicyConfig()
            cfg.provenance = PolicyConfig.Provenance(task: cfg.provenance.task, trainingConfig: "random initialization",
                                                     seed: seed, steps: 0, evalSuccess: nil)
            let policy: FlowPolicy
            do { policy = try FlowPolicy(config: cfg) } catch { throw PolicyCommandError(description: "\(config ?? "default config"): \(error)") }
            policy.initialize(seed: seed)
            let stats = try normStats.map { try decodeJSONFile(NormStatsFile.self, at: $0) } ?? .identity(for: cfg)
            try stats.validate(for: cfg, file: normStats ?? PolicyCheckpoint.normStatsFile)
            try PolicyCheckpoint.save(policy, normStats: stats, to: out)
            print("wrote \(out): \(policy.parameters.count) parameters, seed \(seed)")
        }
    }
}
