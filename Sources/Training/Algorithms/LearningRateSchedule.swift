import Foundation

/// How SFT's learning rate moves over its steps.
///
/// A constant rate leaves the last weights wherever the final noisy steps put them. Decaying it
/// (openpi and LeRobot train their flow and diffusion policies with a warm-up and a cosine
/// decay) lets the policy settle: continuing a constant-rate `place` policy for 136 steps at a
/// tenth of the rate raised its success from 86.5 % to 96.5 % (docs/experiments/place.md).
public enum LearningRateSchedule: String, Codable, Sendable, CaseIterable {
    /// `sft.learningRate` at every step after the warm-up.
    case constant
    /// After the warm-up, a half cosine from `sft.learningRate` down to `sft.finalLearningRate`
    /// at the last step.
    case cosine
}

extension SFTSettings {
    /// The learning rate of SFT step `step` (0-based, of `steps`): a linear ramp over the first
    /// `warmupSteps` steps (step 0 gets `learningRate / warmupSteps`), then the schedule.
    public func learningRate(atStep step: Int) -> Double {
        if step < warmupSteps { return learningRate * Double(step + 1) / Double(warmupSteps) }
        switch learningRateSchedule {
        case .constant:
            return learningRate
        case .cosine:
            let span = max(steps - warmupSteps - 1, 1)
            let progress = min(Double(step - warmupSteps) / Double(span), 1)
            return finalLearningRate + (learningRate - finalLearningRate) * 0.5 * (1 + cos(.pi * progress))
        }
    }
}
