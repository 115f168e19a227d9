import Foundation
import Testing
@testable import Policy

/// Config validation, parameter counts, tokenization and the optimizer.
@Suite("Config and training parts")
struct ConfigTests {
    @Test func defaultConfigIsValidAndAboutTwoMillionParameters() throws {
        let policy = try FlowPolicy(config: PolicyConfig())
        let count = policy.parameters.count
        #expect(count >= 1_000_000 && count <= 3_000_000, "default parameter count \(count)")
        let data = try JSONEncoder().encode(PolicyConfig())
        #expect(try JSONDecoder().decode(PolicyConfig.self, from: data) == PolicyConfig())
    }

    @Test func partialConfigsTakeDefaultsAndUnknownKeysAreErrors() throws {
        let partial = #"{"io": {"cameras": [{"name": "top"}], "actionHorizon": 8}, "architecture": {"expertBlocks": 2}}"#
        let c = try JSONDecoder().decode(PolicyConfig.self, from: Data(partial.utf8))
        #expect(c.io.cameras == [.init(name: "top", width: 64, height: 64)])
        #expect(c.io.actionHorizon == 8 && c.io.actionDim == 6 && c.io.executedHorizon == 5)
        #expect(c.architecture.expertBlocks == 2 && c.architecture.expertWidth == 256)
        #expect(c.sampler == PolicyConfig.SamplerDefaults() && c.provenance == PolicyConfig.Provenance())
        #expect(try JSONDecoder().decode(PolicyConfig.self, from: Data("{}".utf8)) == PolicyConfig())
        let typo = #"{"architecture": {"expertWidht": 128}}"#
        do {
            _ = try JSONDecoder().decode(PolicyConfig.self, from: Data(typo.utf8))
            Issue.record("a misspelt key was accepted")
        } catch {
            #expect("\(error)".contains("unknown key 'expertWidht'"))
        }
    }

    @Test func validateNamesTheBadField() {
        var c = PolicyConfig()
        c.io.executedHorizon = 11
        #expect(throws: PolicyConfigError.self) { try c.validate() }
        do { try c.validate() } catch { #expect(error.field == "io.executedHorizon" && error.description.contains("11")) }
        c = PolicyConfig(); c.architecture.timeEmbeddingWidth = 7
        do { try c.validate(); Issue.record("odd time width accepted") } catch { #expect(error.field == "architecture.timeEmbeddingWidth") }
        c = PolicyConfig(); c.io.cameras[1].name = "base"
        do { try c.validate(); Issue.record("duplicate camera accepted") } catch { #expect(error.field == "io.cameras") }
        c = PolicyConfig(); c.io.cameras[0].width = 62
        do { try c.validate(); Issue.record("size not a multiple of the patch accepted") } catch { #expect(error.field == "io.cameras[0]") }
    }

    @Test func layoutIsOneContiguousTable() throws {
        let policy = try FlowPolicy(config: PolicyConfig())
        var next = 0
        for e in policy.parameters.layout.entries {
            #expect(e.offset == next)
            next += e.count
        }
        #expect(next == policy.parameters.count)
        #expect(policy.parameters.layout.entry(named: "expert.blocks.2.fc1.weight")?.shape == [512, 256])
        #expect(policy.parameters.layout.entry(named: "vision.conv0.weight")?.shape == [32, 3, 4, 4])
    }

    @Test func tokenizerIsDeterministicWithWordsAndBigrams() {
        let t = InstructionTokenizer(vocabularySize: 4096)
        let ids = t.tokens("Pick up the cube!")
        #expect(ids.count == 4 + 3)
        #expect(ids == t.tokens("pick  up, the CUBE"))
        #expect(ids.allSatisfy { $0 >= 0 && $0 < 4096 })
        #expect(t.tokens("") == [])
        // FNV-1a 64 of "w:a" reduced mod 4096, computed independently.
        var h: UInt64 = 0xcbf29ce484222325
        for byte in "w:a".utf8 { h = (h ^ UInt64(byte)) &* 0x100000001b3 }
        #expect(t.tokens("a") == [Int32(h % 4096)])
    }

    @Test func adamWMinimizesAQuadraticAndSkipsNonFiniteSteps() {
        var layout = ParameterLayout()
        let a = layout.add("actor.w", shape: [3]), c = layout.add("critic.w", shape: [1])
        let store = ParameterStore(layout: layout)
        let target: [Float] = [1, -2, 0.5]
        var opt = AdamW(groups: [
            .init(name: "actor", layout: layout, learningRate: 0.05, weightDecay: 0, where: { $0.hasPrefix("actor") }),
            .init(name: "critic", layout: layout, learningRate: 0, weightDecay: 0, where: { $0.hasPrefix("critic") }),
        ])
        store.values[c] = 3
        for _ in 0..<400 {
            store.zeroGradients()
            for i in 0..<3 { store.gradients[a + i] = 2 * (store.values[a + i] - target[i]) }
            store.gradients[c] = 1
            #expect(opt.step(store).applied)
        }
        for i in 0..<3 { #expect(abs(store.values[a + i] - target[i]) < 0.02) }
        #expect(store.values[c] == 3, "a zero learning rate freezes the group")
        store.gradients[a] = .nan
        let before = store.values[a + 1]
        let report = opt.step(store)
        #expect(!report.applied && store.values[a + 1] == before)
    }

    @Test func gradientClippingBoundsTheUpdate() {
        var layout = ParameterLayout()
        let w = layout.add("w", shape: [2])
        let store = ParameterStore(layout: layout)
        var opt = AdamW(groups: [.init(name: "all", layout: layout, learningRate: 0.1, weightDecay: 0.5, where: { _ in true })])
        opt.maxGradientNorm = 1
        store.values[w] = 1
        store.gradients[w] = 300; store.gradients[w + 1] = 400
        let report = opt.step(store)
        #expect(abs(report.gradientNorm - 500) < 1e-6)
        // Clipped gradient (0.6, 0.8); the first Adam step moves each entry by ≈ lr·(sign + wd·p).
        #expect(abs(store.values[w] - (1 - 0.1 * (1 + 0.5))) < 1e-3)
        #expect(abs(store.firstMoment[w] - 0.1 * 0.6) < 1e-4)
    }
}
