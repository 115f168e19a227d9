import Foundation
import Testing
import Policy
@testable import Training

/// The PPO pieces the trainer relies on (Policy's ``PPOLoss``) as the trainer uses them.
@Suite("PPO clipping, value clipping, advantage normalization")
struct PPOTermTests {
    @Test func normalizedAdvantagesHaveZeroMeanUnitStd() {
        let a = PPOLoss.normalizeAdvantages([1, 2, 3, 4, 10])
        let mean = a.reduce(0, +) / 5
        let variance = a.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 5
        #expect(abs(mean) < 1e-5)
        #expect(abs(variance.squareRoot() - 1) < 1e-4)
    }

    @Test func ratioOutsideTheClipRangeHasNoGradient() {
        let up = Float(1.5).logarithm, down = Float(0.5).logarithm
        let actor = PPOLoss.actor(logProb: [up, down, 0], oldLogProb: [0, 0, 0], advantages: [1, -1, 1], clipCoef: 0.2)
        #expect(actor.dLogProb[0] == 0 && actor.dLogProb[1] == 0)
        #expect(actor.dLogProb[2] < 0)
        #expect(Support.close(actor.clipFraction, 2.0 / 3))
    }

    @Test func clippedSurrogateIsPessimistic() {
        let r: Float = 1.5
        let positive = PPOLoss.actor(logProb: [r.logarithm], oldLogProb: [0], advantages: [2], clipCoef: 0.2)
        #expect(Support.close(positive.pgLoss, -2 * 1.2))
        let negative = PPOLoss.actor(logProb: [r.logarithm], oldLogProb: [0], advantages: [-2], clipCoef: 0.2)
        #expect(Support.close(negative.pgLoss, 2 * 1.5))
        #expect(negative.dLogProb[0] != 0)
    }

    @Test func valueClippingLimitsTheMove() {
        let critic = PPOLoss.critic(values: [1.0], oldValues: [0], returns: [2], clipCoef: 0.2, huberDelta: 10)
        #expect(Support.close(critic.vLoss, 0.5 * 1.8 * 1.8))
        #expect(critic.dValues[0] == 0)
        let inside = PPOLoss.critic(values: [0.1], oldValues: [0], returns: [2], clipCoef: 0.2, huberDelta: 10)
        #expect(Support.close(inside.vLoss, 0.5 * 1.9 * 1.9))
        #expect(Support.close(inside.dValues[0], -1.9))
    }

    @Test func explainedVarianceIsOneForAPerfectCritic() {
        #expect(abs(Diagnostics.explainedVariance(values: [1, 2, 3], returns: [1, 2, 3]) - 1) < 1e-9)
        #expect(abs(Diagnostics.explainedVariance(values: [0, 0, 0], returns: [1, 2, 3])) < 1e-9)
        #expect(Diagnostics.explainedVariance(values: [1, 2], returns: [5, 5]).isNaN)
    }
}

private extension Float {
    var logarithm: Float { Float(Foundation.log(Double(self))) }
}
