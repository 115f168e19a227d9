import Testing
@testable import Training

/// The self-imitation buffer: what it keeps, what it drops, what it returns.
@Suite("Success replay")
struct SuccessReplayTests {
    /// Records one decision whose prefix is `[v, v + 0.5]` and whose chunk is `[v, v, v]`.
    static func record(_ replay: SuccessReplay, env: Int, _ v: Float) {
        let prefix: [Float] = [v, v + 0.5], chunk: [Float] = [v, v, v]
        prefix.withUnsafeBufferPointer { p in chunk.withUnsafeBufferPointer { replay.record(env: env, prefix: p, chunk: $0) } }
    }

    /// The first prefix value of every held decision, after checking each decision's rows agree.
    static func heldValues(_ replay: SuccessReplay) -> [Float] {
        var prefixes = [Float](repeating: 0, count: 2), chunks = [Float](repeating: 0, count: 3)
        return (0..<replay.count).map { index in
            replay.copy(index, row: 0, prefixes: &prefixes, chunks: &chunks)
            #expect(prefixes[1] == prefixes[0] + 0.5 && chunks == [Float](repeating: prefixes[0], count: 3))
            return prefixes[0]
        }
    }

    @Test func keepsSuccessfulEpisodesOnly() {
        let replay = SuccessReplay(capacity: 10, envs: 2, prefixWidth: 2, chunkSize: 3)
        Self.record(replay, env: 0, 1); Self.record(replay, env: 1, 10)
        Self.record(replay, env: 0, 2); Self.record(replay, env: 1, 11)
        replay.finishEpisode(env: 1, success: false)
        #expect(replay.count == 0 && replay.episodesAdded == 0)
        replay.finishEpisode(env: 0, success: true)
        #expect(replay.count == 2 && replay.episodesAdded == 1)
        #expect(Self.heldValues(replay) == [1, 2])
        // env 1's failed decisions are gone: its next success brings only its own.
        Self.record(replay, env: 1, 12)
        replay.finishEpisode(env: 1, success: true)
        #expect(Self.heldValues(replay) == [1, 2, 12])
    }

    @Test func dropsTheOldestDecisionsWhenFull() {
        let replay = SuccessReplay(capacity: 4, envs: 1, prefixWidth: 2, chunkSize: 3)
        for v in 1...6 { Self.record(replay, env: 0, Float(v)) }
        replay.finishEpisode(env: 0, success: true)
        #expect(replay.count == 4)
        #expect(Set(Self.heldValues(replay)) == [3, 4, 5, 6])
    }

    @Test func aResetDiscardsUnfinishedEpisodes() {
        let replay = SuccessReplay(capacity: 4, envs: 2, prefixWidth: 2, chunkSize: 3)
        Self.record(replay, env: 0, 1); Self.record(replay, env: 1, 2)
        replay.discardPending()
        replay.finishEpisode(env: 0, success: true)
        replay.finishEpisode(env: 1, success: true)
        #expect(replay.count == 0 && replay.episodesAdded == 0)
    }
}
