import Foundation
import Testing
@testable import SimTrainer

@Suite("Demonstrations")
struct DemoTests {
    @Test("NPY headers are 64-byte aligned and describe dtype and shape")
    func header() {
        let header = NPYFile.header(element: .float32, shape: [7, 6])
        #expect(header.count % 64 == 0)
        #expect(Array(header.prefix(8)) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let text = String(decoding: header.dropFirst(10), as: UTF8.self)
        #expect(text.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (7, 6), }"))
        #expect(text.hasSuffix("\n"))
        #expect(String(decoding: NPYFile.header(element: .uint8, shape: [5]).dropFirst(10), as: UTF8.self).contains("(5,)"))
    }

    @Test("Recorded episodes read back: arrays sized T × …, JSON with instruction and success")
    func recordAndReadBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-demos-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = EnvironmentConfiguration(task: .lift)
        configuration.cameraWidth = 24
        configuration.cameraHeight = 24
        let info = try DemoRecorder(configuration: configuration, seed: 3, environments: 2, threads: 2)
            .record(episodes: 3, to: directory)
        #expect(info.episodes == 3 && info.episodeDirectories == ["episode_000000", "episode_000001", "episode_000002"])
        #expect(info.successes >= 2)
        for name in info.episodeDirectories {
            let episode = directory.appendingPathComponent(name)
            let meta = try JSONDecoder().decode(DemoEpisodeInfo.self, from: Data(contentsOf: episode.appendingPathComponent("episode.json")))
            #expect(meta.instruction.contains(meta.setup.cubes[0].color.name))
            let t = meta.length
            #expect(t > 10)
            let state = try Data(contentsOf: episode.appendingPathComponent("state.npy"))
            let front = try Data(contentsOf: episode.appendingPathComponent("front.npy"))
            let headerLength = NPYFile.header(element: .float32, shape: [t, 6]).count
            #expect(state.count == headerLength + t * 6 * 4)
            #expect(front.count == NPYFile.header(element: .uint8, shape: [t, 24, 24, 3]).count + t * 24 * 24 * 3)
            let firstJoint = state.subdata(in: headerLength..<(headerLength + 4)).withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
            #expect(abs(firstJoint - Float(SimEnvironment.homePose[0])) < 0.1)
        }
    }
}
