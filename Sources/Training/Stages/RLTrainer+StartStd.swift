import Foundation
import Policy

/// The falling cap on the steering head's σ (``RLSettings/startStdAnneal``).
extension RLTrainer {
    /// Lowers every `noise_steering.log_std` entry above the cap of `iteration` to it, before
    /// that iteration's rollout, so the rollout and the update's ratios see the same σ.
    /// Returns the cap (nil: none yet, or no schedule).
    @discardableResult
    func capStartStd(at iteration: Int) -> Double? {
        guard let anneal = settings.startStdAnneal,
              let cap = anneal.cap(at: iteration, initialStd: policy.config.architecture.noiseSteeringStd),
              let entry = policy.parameters.layout.entry(named: "noise_steering.log_std") else { return nil }
        let logCap = Float(log(cap))
        for i in entry.range { policy.parameters.values[i] = min(policy.parameters.values[i], logCap) }
        return cap
    }
}
