import Testing
@testable import Policy

/// Observation preprocessing and the end-to-end predictor (normalize → sample → unnormalize).
@Suite("Predictor")
struct PredictorTests {
    static func observation(_ config: PolicyConfig, seed: UInt64) -> RawObservation {
        var rng = RandomSource(seed: seed)
        var images: [String: RGBFrame] = [:]
        for cam in config.io.cameras {
            images[cam.name] = RGBFrame(width: cam.width, height: cam.height,
                                        rgb: (0..<(cam.width * cam.height * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        }
        return RawObservation(images: images, state: (0..<config.io.stateDim).map { _ in rng.gaussian() }, prompt: "pick up the cube")
    }

    @Test func framesBecomeCHWInMinusOneToOne() {
        let frame = RGBFrame(width: 2, height: 1, rgb: [0, 255, 51, 102, 153, 204])
        let chw = frame.chwFloats()
        let expected: [Float] = [-1, 102 / 127.5 - 1, 1, 153 / 127.5 - 1, 51 / 127.5 - 1, 204 / 127.5 - 1]
        for (a, b) in zip(chw, expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func observationErrorsNameCameraAndSizes() throws {
        let config = Support.smallConfig()
        var o = Self.observation(config, seed: 1)
        o.images["wrist"] = nil
        let tokenizer = InstructionTokenizer(vocabularySize: 11)
        #expect(throws: ObservationError.missingCamera(index: 0, camera: "wrist")) {
            _ = try ObservationBatch([o], config: config, tokenizer: tokenizer)
        }
        o = Self.observation(config, seed: 1)
        o.state = [1]
        #expect(throws: ObservationError.badState(index: 0, expected: 3, found: 1)) {
            _ = try ObservationBatch([o], config: config, tokenizer: tokenizer)
        }
    }

    /// With ODE sampling the predictor returns the chain's final state unnormalized with the
    /// checkpoint's action statistics, and the same seed gives the same chunks.
    @Test(arguments: NormalizationKind.allCases) func predictUnnormalizesActions(kind: NormalizationKind) throws {
        var config = Support.smallConfig()
        config.io.normalization = kind
        let policy = try FlowPolicy(config: config)
        policy.initialize(seed: 81)
        var stats = NormStatsFile.identity(for: config)
        stats.normStats["actions"] = NormStats(mean: [5, -1, 0], std: [2, 0.5, 1], q01: [0, -3, -1], q99: [4, 1, 1])
        let predictor = try ChunkPredictor(policy: policy, normStats: stats)
        let observations = [Self.observation(config, seed: 2), Self.observation(config, seed: 3)]
        let chunks = try predictor.predict(observations, method: .ode, steps: 4, seed: 9)
        #expect(chunks == (try predictor.predict(observations, method: .ode, steps: 4, seed: 9)))
        var rng = RandomSource(seed: 9)
        let chain = predictor.sampleChain(try predictor.batch(observations), sampler: FlowSampler(method: .ode), steps: 4, using: &rng)
        let normalizer = kind.normalizer(stats.normStats["actions"]!)
        for b in 0..<2 {
            let normalized = chain.chunk(b)
            #expect(chunks[b].count == 12)
            for (a, e) in zip(chunks[b], normalizer.invert(normalized)) { #expect(abs(a - e) < 1e-5) }
            #expect(chunks[b] != normalized)
        }
    }
}
