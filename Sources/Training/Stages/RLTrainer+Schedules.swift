import Foundation
import Policy

/// The per-iteration schedules: the falling cap on the steering head's σ
/// (``RLSettings/startStdAnneal``) and the actor's learning rate
/// (``RLSettings/actorLearningRateAnneal``).
extension RLTrainer {
    /// Lowers every `noise_steering.log_std` entry above the cap of `iteration` to it, before
    /// that iteration's rollout, so the rollout and the update's ratios see the same σ.
    /// Returns the cap (nil: none yet, or no schedule).
    @discardableResult
    func capStartStd(at iteration: Int) -> Double? {
        guard let anneal = settings.startStdAnneal,
              let cap = anneal.value(at: iteration, start: policy.config.architecture.noiseSteeringStd),
              let entry = policy.parameters.layout.entry(named: "noise_steering.log_std") else { return nil }
        let logCap = Float(log(cap))
        for i in entry.range { policy.parameters.values[i] = min(policy.parameters.values[i], logCap) }
        return cap
    }
}

extension RLSettings {
    /// The actor's learning rate at `iteration` (1-based): `actorLearningRate`, moved by
    /// `actorLearningRateAnneal` where one is set. The critic-only warm-up is the trainer's.
    public func actorLearningRate(at iteration: Int) -> Double {
        actorLearningRateAnneal?.value(at: iteration, start: actorLearningRate) ?? actorLearningRate
    }
}
