import ArgumentParser
import Foundation
import Policy

extension PolicyCommand {
    /// `policy info`: what a checkpoint expects and produces.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a checkpoint's I/O spec, parameter count, sampler defaults and provenance.")

        @Argument(help: "The checkpoint directory.")
        var directory: String

        func run() throws {
            let (policy, _) = try PolicyCheckpoint.load(from: directory)
            let c = policy.config
            print("checkpoint: \(directory)")
            print("cameras: " + (c.io.cameras.isEmpty ? "none (state-based)"
                                 : c.io.cameras.map { "\($0.name) \($0.width)x\($0.height)" }.joined(separator: ", ")))
            if c.io.objectStateDim > 0 {
                print("object features: \(c.io.objectStateDim) after the joints (simulator only: eval-sim, run --sim)")
            }
            print("state: \(c.io.stateDim) values; joints: \(c.io.jointNames.joined(separator: ", "))")
            print("actions: H = \(c.io.actionHorizon) x D = \(c.io.actionDim), executed \(c.io.executedHorizon) at \(c.io.controlRateHz) Hz; normalization \(c.io.normalization.rawValue)")
            print("parameters: \(policy.parameters.count)")
            var groups: [(String, Int)] = []
            for e in policy.parameters.layout.entries {
                let head = String(e.name.split(separator: ".").first ?? "")
                if groups.last?.0 == head { groups[groups.count - 1].1 += e.count } else { groups.append((head, e.count)) }
            }
            for (name, count) in groups { print("  \(name): \(count)") }
            print("flops per chunk (ODE, K = \(c.sampler.steps)): \(policy.encoderFlops + c.sampler.steps * policy.velocityFlops)")
            print("sampler: \(c.sampler.method.rawValue), K = \(c.sampler.steps), noise level \(c.sampler.noiseLevel), log-likelihood \(c.sampler.reduction.rawValue) per \(c.sampler.granularity.rawValue)")
            let p = c.provenance
            print("provenance: task \(p.task ?? "-"), training \(p.trainingConfig ?? "-"), seed \(p.seed.map(String.init) ?? "-"), steps \(p.steps.map(String.init) ?? "-"), eval success \(p.evalSuccess.map { String($0) } ?? "-")")
        }
    }
}
