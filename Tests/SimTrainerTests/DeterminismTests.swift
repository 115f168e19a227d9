import Testing
@testable import SimTrainer

@Suite("Determinism", .serialized)
struct DeterminismTests {
    private func rollout(seed: UInt64, renderer: OffscreenRenderer?) throws -> (qpos: [Double], frames: [UInt8], prompts: [String]) {
        var configuration = EnvironmentConfiguration(task: .pickPlace)
        configuration.cameraWidth = 32
        configuration.cameraHeight = 32
        let environment = try SimEnvironment(configuration: configuration, seed: seed)
        let expert = try ScriptedExpert(seed: seed)
        var action = [Float](repeating: 0, count: 6)
        var frames: [UInt8] = [], prompts: [String] = []
        for episode in 0..<2 {
            environment.reset(episode: episode)
            for _ in 0..<25 {
                let observation = try environment.observe(using: renderer)
                frames += observation.frames["front"]! + observation.frames["wrist"]!
                expert.action(for: observation, into: &action)
                _ = action.withUnsafeBufferPointer { environment.step($0) }
            }
            prompts.append(environment.setup.instruction)
        }
        return (Array(environment.data.qpos), frames, prompts)
    }

    @Test("The same seed gives identical trajectories and renders; another seed does not")
    func sameSeedSameEpisode() throws {
        let probe = try SimEnvironment(configuration: EnvironmentConfiguration(task: .pickPlace), seed: 0)
        let renderer = try OffscreenRenderer(model: probe.model)
        let a = try rollout(seed: 11, renderer: renderer)
        let b = try rollout(seed: 11, renderer: renderer)
        let c = try rollout(seed: 12, renderer: renderer)
        #expect(a.qpos == b.qpos)
        #expect(a.frames == b.frames)
        #expect(a.prompts == b.prompts)
        #expect(a.qpos != c.qpos)
        #expect(a.frames != c.frames)
    }

    @Test("A vector environment gives the same results on one thread or two")
    func threadCountDoesNotMatter() throws {
        var configuration = EnvironmentConfiguration(task: .lift)
        configuration.cameraWidth = 24
        configuration.cameraHeight = 24
        func run(threads: Int) throws -> [[UInt8]] {
            let vector = try VectorEnvironment(configuration: configuration, count: 3, seed: 5, threads: threads)
            let policy = try ExpertPolicy(environments: 3, seed: 5, chunkLength: 5)
            var observations = try vector.reset()
            var chunks = [[Float]](repeating: [], count: 3)
            var frames: [[UInt8]] = []
            for _ in 0..<4 {
                policy.actionChunks(for: observations, into: &chunks)
                observations = try vector.step(chunks: chunks, length: 5).observations
                frames += observations.map { $0.frames["wrist"]! + $0.state.map { UInt8(truncatingIfNeeded: $0.bitPattern) } }
            }
            return frames
        }
        #expect(try run(threads: 1) == run(threads: 2))
    }
}
