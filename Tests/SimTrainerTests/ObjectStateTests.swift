import Foundation
import Testing
@testable import SimTrainer

/// The object features a state-based policy reads instead of images.
@Suite("Object state")
struct ObjectStateTests {
    @Test("Features are the task cube's position and start yaw, then the goal; absent objects are zeros")
    func layout() {
        let red = NamedColor.palette[0], blue = NamedColor.palette[1]
        let place = EpisodeSetup(instruction: "put the red cube on the blue plate",
                                 cubes: [PlacedCube(position: Vector3(0.2, 0.05, 0), yaw: 0.3, color: red)],
                                 plate: PlacedMarker(position: Vector3(0.15, -0.08, 0), color: blue))
        let scene = SceneState(tcp: .zero, cubes: [Vector3(0.21, 0.04, 0.0125), Vector3(1, 1, 1)])
        let f = ObjectState.features(setup: place, scene: scene)
        #expect(f.count == ObjectState.count && ObjectState.names.count == ObjectState.count)
        #expect(f[0] == 0.21 && f[1] == 0.04 && f[2] == 0.0125)
        #expect(abs(f[3] - Float(sin(0.3))) < 1e-7 && abs(f[4] - Float(cos(0.3))) < 1e-7)
        #expect(f[5] == 0.15 && f[6] == -0.08 && f[7] == 0)
        let reach = EpisodeSetup(instruction: "touch the blue target", target: PlacedMarker(position: Vector3(0.2, 0, 0.1), color: blue))
        let g = ObjectState.features(setup: reach, scene: scene)
        #expect(Array(g[0..<5]) == [0, 0, 0, 0, 0])
        #expect(Array(g[5...]) == [0.2, 0, 0.1])
    }

    @Test("Observations carry the features of the live scene: the cube's position follows the physics")
    func observed() throws {
        var configuration = EnvironmentConfiguration(task: .place)
        configuration.renderImages = false
        let environment = try SimEnvironment(configuration: configuration, seed: 5)
        environment.reset()
        let expert = try ScriptedExpert(seed: 5)
        var action = [Float](repeating: 0, count: 6)
        var observation = try environment.observe(using: nil)
        let start = observation.objectState
        #expect(start == ObjectState.features(setup: observation.privileged.setup, scene: observation.privileged.scene))
        var result = StepResult(reward: 0, terminated: false, truncated: false, success: false, diverged: false, steps: 0)
        while !result.done {
            expert.action(for: observation, into: &action)
            result = action.withUnsafeBufferPointer { environment.step($0) }
            if !result.done { observation = try environment.observe(using: nil) }
        }
        #expect(result.success)
        let end = observation.objectState
        // The cube was carried towards the plate; the plate and the start yaw stay put.
        #expect(hypot(Double(end[0] - end[5]), Double(end[1] - end[6])) < hypot(Double(start[0] - start[5]), Double(start[1] - start[6])))
        #expect(Array(end[3...]) == Array(start[3...]))
    }

    @Test("Demos without images write object_state.npy and no camera arrays")
    func demosWithoutImages() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-objdemos-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let info = try DemoRecorder(configuration: EnvironmentConfiguration(task: .place), seed: 2, environments: 2, threads: 2, images: false)
            .record(episodes: 2, to: directory)
        let episode = directory.appendingPathComponent(info.episodeDirectories[0])
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: episode.path))
        #expect(files == ["state.npy", "object_state.npy", "action.npy", "reward.npy", "episode.json"])
        let meta = try JSONDecoder().decode(DemoEpisodeInfo.self, from: Data(contentsOf: episode.appendingPathComponent("episode.json")))
        #expect(meta.cameras.isEmpty)
        let t = meta.length
        let objects = try Data(contentsOf: episode.appendingPathComponent("object_state.npy"))
        let header = NPYFile.header(element: .float32, shape: [t, ObjectState.count]).count
        #expect(objects.count == header + t * ObjectState.count * 4)
        // First row: the cube where the setup put it (x), resting on the table.
        let row = objects.subdata(in: header..<(header + 12)).withUnsafeBytes { raw in
            (0..<3).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        #expect(abs(Double(row[0]) - meta.setup.cubes[0].position.x) < 0.005)
        #expect(abs(Double(row[2]) - 0.0125) < 0.003)
    }
}
