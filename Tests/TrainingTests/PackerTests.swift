import Testing
import Policy
@testable import Training

@Suite("Observation packing")
struct PackerTests {
    /// The reusable packer gives exactly the Policy module's own batch layout.
    @Test func matchesObservationBatch() throws {
        let config = Fixtures.config().policyConfig()
        let policy = try FlowPolicy(config: config)
        let stats = NormStats(mean: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], std: [1, 2, 3, 4, 5, 6], q01: .init(repeating: -1, count: 6), q99: .init(repeating: 1, count: 6))
        let normalizer = ZScoreNormalizer(stats: stats)
        let environment = TargetEnvironment(count: 3, seed: 4, imageSize: 8)
        var observations = try environment.reset(groupSize: 1)
        observations[1].prompt = "another instruction"
        observations[2].images["wrist"]!.rgb[5] = 17
        let packer = ObservationPacker(config: config, tokenizer: policy.tokenizer, stateNormalizer: normalizer)
        for _ in 0..<2 {
            let packed = try packer.pack(observations)
            let reference = try ObservationBatch(observations, config: config, tokenizer: policy.tokenizer, stateNormalizer: normalizer)
            #expect(packed.count == reference.count)
            #expect(packed.images == reference.images)
            #expect(packed.state == reference.state)
            #expect(packed.tokens == reference.tokens)
            #expect(packed.tokenOffsets == reference.tokenOffsets)
        }
        observations[0].images["front"] = nil
        #expect(throws: ObservationError.missingCamera(index: 0, camera: "front")) { try packer.pack(observations) }
    }
}
