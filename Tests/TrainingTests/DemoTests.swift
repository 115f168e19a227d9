import Foundation
import Testing
import Policy
@testable import Training

@Suite("Demonstrations: .npy reader and dataset")
struct DemoTests {
    @Test func readsFloatAndByteArrays() throws {
        let f = try NPYReader.parse(DemoWriter.npy(descr: "<f4", shape: [2, 3], data: DemoWriter.floats([1, -2, 3.5, 0, 1e-3, 7])))
        #expect(f.shape == [2, 3])
        #expect(try f.float32() == [1, -2, 3.5, 0, 1e-3, 7])
        let b = try NPYReader.parse(DemoWriter.npy(descr: "|u1", shape: [4], data: [0, 1, 255, 7]))
        #expect(try b.uint8() == [0, 1, 255, 7])
        #expect(throws: NPYError.wrongType(expected: "<f4", found: "|u1")) { try b.float32() }
    }

    @Test func rejectsMalformedFiles() {
        #expect(throws: NPYError.notNPY) { try NPYReader.parse(Data("hello world!".utf8)) }
        var truncated = DemoWriter.npy(descr: "<f4", shape: [4], data: DemoWriter.floats([1, 2, 3, 4]))
        truncated.removeLast(2)
        #expect(throws: NPYError.self) { try NPYReader.parse(truncated) }
        #expect(throws: NPYError.self) { try NPYReader.parse(DemoWriter.npy(descr: "<f8", shape: [1], data: [UInt8](repeating: 0, count: 8))) }
    }

    @Test func datasetServesObservationsChunksAndStats() throws {
        let dir = Support.temporaryDirectory()
        try TargetBackend().recordDemonstrations(Fixtures.config().environment, episodes: 3, seed: 1, to: dir)
        let dataset = try DemoDataset(directory: dir, cameras: ["front", "wrist"], limit: 2)
        #expect(dataset.episodes.count == 2)
        #expect(dataset.samples.count == 12)
        let o = dataset.observation(episode: 1, step: 5)
        #expect(o.images["front"]?.width == 8 && o.state.count == 6 && o.prompt == "reach the target")
        var chunk: [Float] = []
        dataset.chunk(episode: 0, step: 4, horizon: 4, into: &chunk)
        #expect(chunk.count == 24)
        #expect(Array(chunk[18..<24]) == Array(chunk[6..<12]), "past the end the last action repeats")
        let stats = dataset.normStats()
        #expect(stats.normStats["actions"]?.std.allSatisfy { $0 >= 1e-3 } == true)
        #expect(stats.normStats["state"]?.mean.count == 6)
    }
}
