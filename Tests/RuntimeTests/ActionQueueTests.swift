import Testing
@testable import Runtime

@Suite struct ActionQueueTests {
    static func chunk(start: Int64, values: [Float]) -> ActionChunk {
        ActionChunk(startTick: start, horizon: values.count, dimension: 1, actions: values)
    }

    @Test func actionsWhoseTickPassedAreDropped() {
        let q = ActionQueue(dimension: 1, capacity: 32, blending: .replace)
        var a: [Float] = [0]
        for t in 0...9 { _ = q.take(tick: Int64(t), into: &a) }  // ticks 0…9 done while inference ran
        #expect(q.push(Self.chunk(start: 7, values: [7, 8, 9, 10, 11, 12])))
        #expect(q.counters.droppedLate == 3)
        #expect(q.remaining(after: 9) == 3)
        #expect(q.take(tick: 10, into: &a) != nil && a == [10])
        #expect(q.take(tick: 11, into: &a) != nil && a == [11])
        #expect(q.take(tick: 12, into: &a) != nil && a == [12])
        #expect(q.take(tick: 13, into: &a) == nil)
    }

    @Test func nonFiniteChunksAreRefusedWhole() {
        let q = ActionQueue(dimension: 2, capacity: 8, blending: .replace)
        let bad = ActionChunk(startTick: 0, horizon: 2, dimension: 2, actions: [0, 1, .nan, 2])
        #expect(!q.push(bad))
        #expect(q.counters.chunksRefused == 1)
        #expect(q.remaining(after: -1) == 0)
    }

    @Test func replaceTakesTheNewestPlan() {
        let q = ActionQueue(dimension: 1, capacity: 16, blending: .replace)
        q.push(Self.chunk(start: 0, values: [0, 0, 0, 0]))
        q.push(Self.chunk(start: 2, values: [1, 1, 1, 1]))
        var a: [Float] = [0]
        let taken = (0..<6).map { t -> Float in _ = q.take(tick: Int64(t), into: &a); return a[0] }
        #expect(taken == [0, 0, 1, 1, 1, 1])
    }

    @Test func crossFadeMovesFromOldToNewPlan() {
        let q = ActionQueue(dimension: 1, capacity: 16, blending: .crossFade)
        q.push(Self.chunk(start: 0, values: [0, 0, 0, 0, 0]))
        q.push(Self.chunk(start: 2, values: [1, 1, 1, 1, 1]))  // overlap: ticks 2, 3, 4
        var a: [Float] = [0]
        let taken = (0..<7).map { t -> Float in _ = q.take(tick: Int64(t), into: &a); return a[0] }
        #expect(taken[0] == 0 && taken[1] == 0)
        #expect(abs(taken[2] - 0.25) < 1e-6 && abs(taken[3] - 0.5) < 1e-6 && abs(taken[4] - 0.75) < 1e-6)
        #expect(taken[5] == 1 && taken[6] == 1)
    }

    @Test func temporalEnsembleWeightsOlderChunksMore() {
        let m: Float = 0.5
        let q = ActionQueue(dimension: 1, capacity: 16, blending: .temporalEnsemble(m: m))
        q.push(Self.chunk(start: 0, values: [0, 0, 0]))
        q.push(Self.chunk(start: 1, values: [1, 1, 1]))
        q.push(Self.chunk(start: 2, values: [2, 2, 2]))
        var a: [Float] = [0]
        _ = q.take(tick: 0, into: &a)
        #expect(a == [0])
        _ = q.take(tick: 1, into: &a)
        let w1 = expf(-m)
        #expect(abs(a[0] - w1 / (1 + w1)) < 1e-6)
        _ = q.take(tick: 2, into: &a)
        let w2 = expf(-2 * m)
        #expect(abs(a[0] - (w1 * 1 + w2 * 2) / (1 + w1 + w2)) < 1e-6)
    }
}

#if canImport(Glibc)
import Glibc
#endif
