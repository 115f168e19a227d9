import Foundation
import Policy
import RobotIO
import Synchronization
import Testing
@testable import Runtime

/// `run --prompt-file`: the instruction comes from a file that `sim serve` rewrites each
/// episode; the inference thread re-reads it before each chunk.
@Suite(.serialized) struct PromptFileTests {
    static func temporaryFile(_ text: String?) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prompt-\(UUID().uuidString).txt").path
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        return path
    }

    /// As `sim serve` writes it: the whole new text under another name, renamed over the old.
    static func replace(_ path: String, with text: String) throws {
        try (text + "\n").write(toFile: path + ".new", atomically: false, encoding: .utf8)
        guard rename(path + ".new", path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    @Test func readsTheFileAndFollowsItsChanges() throws {
        let path = try Self.temporaryFile("put the red cube on the blue plate\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let notices = Mutex<[String]>([])
        let file = try PromptFile(path: path) { line in notices.withLock { $0.append(line) } }
        #expect(file.instruction == "put the red cube on the blue plate")
        #expect(file.current() == "put the red cube on the blue plate")
        try Self.replace(path, with: "put the green cube on the yellow plate")
        #expect(file.current() == "put the green cube on the yellow plate")
        #expect(file.changes == 1)
        #expect(notices.withLock { $0 } == ["instruction now \"put the green cube on the yellow plate\" (from \(path))"])
    }

    @Test func anEmptyOrMissingFileKeepsTheLastInstructionAndSaysSoOnce() throws {
        let path = try Self.temporaryFile("put the red cube on the blue plate")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let notices = Mutex<[String]>([])
        let file = try PromptFile(path: path) { line in notices.withLock { $0.append(line) } }
        try Self.replace(path, with: "  ")
        for _ in 0..<3 { #expect(file.current() == "put the red cube on the blue plate") }
        try FileManager.default.removeItem(atPath: path)  // still bad: nothing more is said
        for _ in 0..<3 { #expect(file.current() == "put the red cube on the blue plate") }
        #expect(notices.withLock { $0 } == ["prompt file \(path): empty; keeping \"put the red cube on the blue plate\""])
        try Self.replace(path, with: "put the cube on the plate")
        #expect(file.current() == "put the cube on the plate")
        try FileManager.default.removeItem(atPath: path)  // a new bad spell is reported again
        for _ in 0..<3 { #expect(file.current() == "put the cube on the plate") }
        #expect(notices.withLock { Array($0.dropFirst()) } == [
            "instruction now \"put the cube on the plate\" (from \(path))",
            "prompt file \(path): no such file; keeping \"put the cube on the plate\"",
        ])
    }

    @Test func aFileWithoutAnInstructionIsRefusedAtStart() throws {
        let missing = try Self.temporaryFile(nil)
        #expect(throws: RuntimeSetupError.promptFile(path: missing, reason: "no such file")) { _ = try PromptFile(path: missing) }
        let empty = try Self.temporaryFile("\n")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: RuntimeSetupError.promptFile(path: empty, reason: "empty")) { _ = try PromptFile(path: empty) }
    }

    /// The loop `run` drives, with the bundled camera policy: the file changes mid-run and the
    /// chunks after it are the policy's answer to the new instruction, not the old one.
    @Test func theInferenceThreadUsesTheNewInstructionAfterTheFileChanges() throws {
        let (virtual, robot) = try ControlLoopTests.setUp()
        defer { virtual.stop() }
        let checkpoint = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("checkpoints/place-camera").path
        let predictor = try ChunkPredictor(checkpoint: checkpoint)
        let images = StillImages(cameras: predictor.policy.config.io.cameras)
        let (before, after) = ("put the red cube on the blue plate", "put the green cube on the purple plate")
        let path = try Self.temporaryFile(before)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try PromptFile(path: path)
        let policy = try PolicyChunkSource(predictor: predictor, images: images, promptSource: { file.current() }, method: .ode)
        let source = RecordingSource(policy)
        let loop = PolicyLoopTests.loop(robot, source: source, seconds: 3)
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.2) { try? Self.replace(path, with: after) }
        let report = try loop.run()
        #expect(report.inferenceFailures == 0)

        let chunks = source.chunks
        let prompts = chunks.map(\.prompt)
        let switched = try #require(prompts.firstIndex(of: after), "no chunk after the change: \(prompts)")
        #expect(switched > 0 && prompts[..<switched].allSatisfy { $0 == before } && prompts[switched...].allSatisfy { $0 == after })
        // Chunk k was sampled with seed k + 1 (PolicyChunkSource counts from its seed, 0): the
        // recorded chunk is what the policy makes of the new instruction, and differs from the old one's.
        for k in [switched, chunks.count - 1] {
            func sampled(_ prompt: String) throws -> [Float] {
                let observation = RawObservation(images: images.frames, state: chunks[k].state, prompt: prompt)
                return try predictor.predict([observation], method: .ode, seed: UInt64(k + 1))[0]
            }
            let new = try sampled(after), old = try sampled(before)
            #expect(zip(new, chunks[k].actions).allSatisfy { abs($0 - $1) <= 1e-4 })
            #expect(zip(old, chunks[k].actions).map { abs($0 - $1) }.max()! > 1e-3)
        }
    }
}

/// The same picture on every camera at every capture: the prompt is all that changes.
private final class StillImages: ImageSource {
    let frames: [String: RGBFrame]
    var cameraNames: [String] { Array(frames.keys) }

    init(cameras: [PolicyConfig.Camera]) {
        frames = Dictionary(uniqueKeysWithValues: cameras.map { camera in
            let rgb = (0..<camera.width * camera.height * 3).map { UInt8(truncatingIfNeeded: $0 * 7 % 251) }
            return (camera.name, RGBFrame(width: camera.width, height: camera.height, rgb: rgb))
        })
    }

    func capture() throws -> (images: [String: RGBFrame], oldestTimestampNanoseconds: UInt64) { (frames, 0) }
}

/// Passes the policy's chunks through, keeping each with the state and instruction behind it.
private final class RecordingSource: ChunkSource, @unchecked Sendable {
    struct Chunk { var state: [Float], prompt: String, actions: [Float] }
    let policy: PolicyChunkSource
    private let recorded = Mutex<[Chunk]>([])
    var horizon: Int { policy.horizon }
    var chunks: [Chunk] { recorded.withLock { $0 } }

    init(_ policy: PolicyChunkSource) { self.policy = policy }

    func chunk(for snapshot: StateSnapshot) throws -> [Float] {
        let actions = try policy.chunk(for: snapshot)
        recorded.withLock { $0.append(Chunk(state: snapshot.state, prompt: policy.lastPrompt, actions: actions)) }
        return actions
    }
}
