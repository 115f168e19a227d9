import Testing
import Policy
@testable import Training

@Suite("Deterministic seeding and minibatches")
struct SeedingTests {
    @Test func streamsDependOnSeedPurposeAndIndex() {
        let a = RunSeeds.seed(1, .rollout, index: 3)
        #expect(a == RunSeeds.seed(1, .rollout, index: 3))
        #expect(a != RunSeeds.seed(2, .rollout, index: 3))
        #expect(a != RunSeeds.seed(1, .update, index: 3))
        #expect(a != RunSeeds.seed(1, .rollout, index: 4))
        let all = Set(RunSeeds.Purpose.allCases.flatMap { p in (0..<100).map { RunSeeds.seed(0, p, index: UInt64($0)) } })
        #expect(all.count == RunSeeds.Purpose.allCases.count * 100)
    }

    @Test func minibatchOrderIsASeededPermutation() {
        var order = MinibatchOrder(count: 10, minibatchSize: 4)
        var rng = RandomSource(seed: 5)
        order.shuffle(using: &rng)
        #expect(order.permutation.sorted() == Array(0..<10))
        #expect(order.minibatchCount == 3)
        #expect(order.minibatch(2).count == 2)
        var again = MinibatchOrder(count: 10, minibatchSize: 4)
        var rng2 = RandomSource(seed: 5)
        again.shuffle(using: &rng2)
        #expect(again.permutation == order.permutation)
    }
}
