import Foundation
import Policy

/// The checkpoints of a run directory (`checkpoints/<name>/`), in the Policy module's
/// format (`config.json`, `model.safetensors`, `norm_stats.json`) plus
/// `optimizer.safetensors` for resuming, with provenance in `config.json`.
public struct RunCheckpoints: Sendable {
    /// `<run>/checkpoints`.
    public let directory: String

    /// Checkpoints under `run/checkpoints`.
    public init(run: String) { directory = run + "/checkpoints" }

    /// Path of checkpoint `name`.
    public func path(_ name: String) -> String { directory + "/" + name }

    /// Whether checkpoint `name` exists.
    public func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: path(name) + "/" + PolicyCheckpoint.weightsFile)
    }

    /// Saves `policy` as `name` with `provenance`, the optimizer's moments when given, and
    /// whatever `extra` writes into the checkpoint's directory before it replaces the old one
    /// (the whole checkpoint appears at once).
    public func save(_ name: String, policy: FlowPolicy, normStats: NormStatsFile, provenance: PolicyConfig.Provenance,
                     optimizerSteps: Int? = nil, extra: ((String) throws -> Void)? = nil) throws {
        let dir = path(name)
        let staging = dir + ".saving"
        try? FileManager.default.removeItem(atPath: staging)
        try PolicyCheckpoint.save(policy, normStats: normStats, to: staging)
        var config = policy.config
        config.provenance = provenance
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(config).write(to: URL(fileURLWithPath: staging + "/" + PolicyCheckpoint.configFile), options: .atomic)
        if let optimizerSteps { try OptimizerState.save(policy.parameters, stepCount: optimizerSteps, to: staging) }
        try extra?(staging)
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.moveItem(atPath: staging, toPath: dir)
    }

    /// Loads checkpoint `name`.
    public func load(_ name: String) throws -> (policy: FlowPolicy, normStats: NormStatsFile) {
        try PolicyCheckpoint.load(from: path(name))
    }

    /// Copies checkpoint `source` to `name` (replacing it).
    public func copy(_ source: String, to name: String) throws {
        try? FileManager.default.removeItem(atPath: path(name))
        try FileManager.default.copyItem(atPath: path(source), toPath: path(name))
    }
}
