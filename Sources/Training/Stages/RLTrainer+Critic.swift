import Policy

/// Critic-only passes (``RLSettings/criticOnlyEpochs``): the PPO update steps the critic
/// once per minibatch, alongside the actor; these passes fit the value head to the
/// iteration's returns further without touching the actor.
extension RLTrainer {
    /// Runs ``RLSettings/criticOnlyEpochs`` shuffled passes of value-loss minibatches over the
    /// rollout. The actor's learning rate is 0 meanwhile, so AdamW leaves the actor as the
    /// PPO update left it; the loss and its value clipping are the update's.
    func criticOnlyEpochs(using rng: inout RandomSource) {
        let actorRate = optimizer.groups[0].learningRate
        optimizer.groups[0].learningRate = 0
        defer { optimizer.groups[0].learningRate = actorRate }
        let p = policy.prefixWidth
        for _ in 0..<settings.criticOnlyEpochs {
            order.shuffle(using: &rng)
            for minibatch in 0..<order.minibatchCount {
                let batch = order.minibatch(minibatch)
                gatherCriticRows(batch)
                policy.parameters.zeroGradients()
                prefixGather.withUnsafeBufferPointer { policy.loadPrefixFeatures(UnsafeBufferPointer(rebasing: $0[0..<(batch.count * p)]), count: batch.count) }
                let critic = PPOLoss.critic(values: policy.values(timeFeatures: timeGather), oldValues: oldValues, returns: targets,
                                            clipCoef: Float(settings.valueClipCoef), huberDelta: Float(settings.huberDelta))
                policy.backwardValues(critic.dValues)
                _ = optimizer.step(policy.parameters)
            }
        }
    }

    /// Copies the minibatch's stored prefix features into ``prefixGather`` (row j of the
    /// minibatch at row j), its old values and return targets into ``oldValues`` and
    /// ``targets``, and a time-aware critic's features into ``timeGather``.
    func gatherCriticRows(_ batch: ArraySlice<Int>) {
        oldValues.removeAll(keepingCapacity: true)
        targets.removeAll(keepingCapacity: true)
        for (j, row) in batch.enumerated() {
            prefixGather.copyRow(j, from: row, of: storage.prefixTNxP, width: storage.prefixWidth)
            if storage.timeWidth > 0 { timeGather.copyRow(j, from: row, of: storage.timeTNxF, width: storage.timeWidth) }
            oldValues.append(storage.valuesTN[row])
            targets.append(storage.returnsTN[row])
        }
    }
}
