import Policy

/// The actor's anchor (``RLSettings/demoLossCoefficient``): flow matching on the
/// demonstrations, part of it on the success replay, added to every actor minibatch and
/// optionally stepped on alone after the PPO update.
extension RLTrainer {
    /// Adds the anchor's gradient: one flow-matching minibatch of the demonstrations, with
    /// ``RLSettings/successReplayFraction`` of it drawn from the success replay once that
    /// holds decisions. Each part is weighted by its share, so the loss is the minibatch mean.
    func accumulateAnchor(_ demoAnchor: DemoFlowMatching, iteration: Int, update: Int) throws -> Double {
        let stream = RunSeeds.seed(seed, .sft, index: 1 << 40 | UInt64(iteration) << 16 | UInt64(update))
        let lambda = Float(settings.demoLossCoefficient), total = demoAnchor.batchSize
        guard let replayAnchor, replayAnchor.replay.count > 0 else {
            return Double(try demoAnchor.accumulateGradient(stream, scale: lambda, throughEncoder: false))
        }
        let replayed = Int((Double(total) * settings.successReplayFraction).rounded())
        let demos = total - replayed
        let demoLoss = try demoAnchor.accumulateGradient(stream, count: demos, scale: lambda * Float(demos) / Float(total), throughEncoder: false)
        let replayLoss = replayAnchor.accumulateGradient(stream ^ 0x5EED_0F5E_1F1A_7E00, count: replayed,
                                                         scale: lambda * Float(replayed) / Float(total))
        return (Double(demoLoss) * Double(demos) + Double(replayLoss) * Double(replayed)) / Double(total)
    }

    /// ``RLSettings/anchorStepsPerIteration`` actor steps on the anchor alone (the critic's
    /// learning rate is 0 meanwhile, so AdamW leaves the critic as the PPO update left it).
    func anchorSteps(_ demoAnchor: DemoFlowMatching, iteration: Int, firstUpdate: Int) throws {
        let criticRate = optimizer.groups[1].learningRate
        optimizer.groups[1].learningRate = 0
        defer { optimizer.groups[1].learningRate = criticRate }
        for j in 0..<settings.anchorStepsPerIteration {
            policy.parameters.zeroGradients()
            _ = try accumulateAnchor(demoAnchor, iteration: iteration, update: firstUpdate + j)
            _ = optimizer.step(policy.parameters)
        }
    }
}
