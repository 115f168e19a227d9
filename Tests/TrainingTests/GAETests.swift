import Testing
@testable import Training

@Suite("GAE over chunk decisions")
struct GAETests {
    /// One environment, three decisions, no episode end: the recursion by hand.
    @Test func matchesHandComputation() {
        let r: [Float] = [1, 0, 2], v: [Float] = [0.5, 0.4, 0.3], last: Float = 0.2
        let g: Float = 0.9, l: Float = 0.8
        let result = GAE.compute(rewards: r, values: v, dones: [0, 0, 0], truncationValues: [0, 0, 0], lastValues: [last],
                                 steps: 3, envs: 1, gamma: g, lambda: l)
        let d2 = r[2] + g * last - v[2]
        let d1 = r[1] + g * v[2] - v[1]
        let d0 = r[0] + g * v[1] - v[0]
        let a2 = d2, a1 = d1 + g * l * a2, a0 = d0 + g * l * a1
        #expect(Support.close(result.advantages[2], a2))
        #expect(Support.close(result.advantages[1], a1))
        #expect(Support.close(result.advantages[0], a0))
        for i in 0..<3 { #expect(Support.close(result.returns[i], result.advantages[i] + v[i])) }
    }

    /// A terminal decision neither bootstraps nor lets later advantages flow back.
    @Test func terminationCutsTheRecursion() {
        let result = GAE.compute(rewards: [0, 1, 5], values: [0, 0, 0], dones: [0, 1, 0], truncationValues: [0, 0, 0],
                                 lastValues: [10], steps: 3, envs: 1, gamma: 1, lambda: 1)
        #expect(result.advantages[1] == 1)
        #expect(result.advantages[0] == 1)
        #expect(result.advantages[2] == 15)
    }

    /// With γ = λ = 1 and V = 0 the returns are the rewards-to-go within each episode.
    @Test func undiscountedReturnsAreRewardsToGo() {
        let result = GAE.compute(rewards: [1, 2, 3, 4], values: [0, 0, 0, 0], dones: [0, 1, 0, 0],
                                 truncationValues: [0, 0, 0, 0], lastValues: [0], steps: 4, envs: 1, gamma: 1, lambda: 1)
        #expect(result.returns == [3, 2, 7, 4])
    }

    /// λ = 0 is the one-step TD error.
    @Test func lambdaZeroIsTDError() {
        let result = GAE.compute(rewards: [1, 1], values: [0.5, 0.25], dones: [0, 0], truncationValues: [0, 0],
                                 lastValues: [2], steps: 2, envs: 1, gamma: 0.5, lambda: 0)
        #expect(Support.close(result.advantages[0], 1 + 0.5 * 0.25 - 0.5))
        #expect(Support.close(result.advantages[1], 1 + 0.5 * 2 - 0.25))
    }

    /// A time-limit cut bootstraps from V of the final observation but stops the recursion.
    @Test func truncationBootstraps() {
        let result = GAE.compute(rewards: [0, 0], values: [0, 0], dones: [1, 0], truncationValues: [3, 0],
                                 lastValues: [7], steps: 2, envs: 1, gamma: 0.5, lambda: 1)
        #expect(result.advantages[0] == 1.5)
        #expect(result.advantages[1] == 3.5)
    }

    /// Environments are independent columns of the time-major layout.
    @Test func environmentsAreIndependent() {
        let two = GAE.compute(rewards: [1, 0, 0, 2], values: [0.1, 0.2, 0.3, 0.4], dones: [0, 0, 0, 1],
                              truncationValues: [0, 0, 0, 0], lastValues: [0.5, 0.6], steps: 2, envs: 2, gamma: 0.9, lambda: 0.95)
        let first = GAE.compute(rewards: [1, 0], values: [0.1, 0.3], dones: [0, 0], truncationValues: [0, 0],
                                lastValues: [0.5], steps: 2, envs: 1, gamma: 0.9, lambda: 0.95)
        let second = GAE.compute(rewards: [0, 2], values: [0.2, 0.4], dones: [0, 1], truncationValues: [0, 0],
                                 lastValues: [0.6], steps: 2, envs: 1, gamma: 0.9, lambda: 0.95)
        #expect(two.advantages == [first.advantages[0], second.advantages[0], first.advantages[1], second.advantages[1]])
    }
}
