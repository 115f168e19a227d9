import Foundation
import Policy
import RobotIO
import Testing
@testable import Runtime

/// The whole path the `run` command drives: the virtual bus (pty), the fake
/// V4L2 cameras (libv4l2 plugin), a real flow-policy checkpoint, the loop.
@Suite(.serialized) struct PolicyLoopTests {
    /// A marker file the fake V4L2 plugin serves as a camera.
    static func fakeCamera(_ settings: [String] = []) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-cam-\(UUID().uuidString)").path
        let text = (["PIRL-FAKE-V4L2 1", "formats=MJPG,YUYV", "sizes=640x480", "fps=30"] + settings)
            .joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func predictor(poisoned: Bool = false) throws -> ChunkPredictor {
        var config = PolicyConfig()
        config.io.cameras = [.init(name: "front"), .init(name: "wrist")]
        let policy = try FlowPolicy(config: config)
        policy.initialize(seed: 1)
        if poisoned {  // a corrupt training run: one NaN in the action expert's output layer
            let entry = policy.parameters.layout.entries.first { $0.name == "expert.out.bias" }!
            policy.parameters.values[entry.offset] = .nan
        }
        return try ChunkPredictor(policy: policy, normStats: .identity(for: config))
    }

    static func rig(wristSettings: [String] = []) throws -> (CameraRig, [String]) {
        let front = try fakeCamera()
        let wrist = try fakeCamera(wristSettings)
        let rig = CameraRig(feeds: [
            try CameraFeed(name: "front", device: front, width: 64, height: 64),
            try CameraFeed(name: "wrist", device: wrist, width: 64, height: 64) { $0.byIDDirectory = "/nonexistent" },
        ])
        try rig.start()
        return (rig, [front, wrist])
    }

    static func loop(_ robot: any RobotBackend, source: any ChunkSource, seconds: Double) -> ControlLoop {
        let d = robot.jointNames.count
        let safety = SafetyFilter(limits: robot.limits, maxStep: Array(repeating: 0.05, count: d), rampTicks: 30,
                                  jointNames: robot.jointNames)
        return ControlLoop(robot: robot, source: source, safety: safety, blending: .crossFade,
                           options: LoopOptions(hertz: 30, maxTicks: Int(seconds * 30), refillThreshold: 5,
                                                watchdogTicks: 10, realtime: false))
    }

    @Test func dryRunWithPolicyAndCamerasWritesNothing() throws {
        let (virtual, robot) = try ControlLoopTests.setUp()
        defer { virtual.stop() }
        let (rig, files) = try Self.rig()
        defer { rig.stop(); files.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("dry-\(UUID().uuidString).jsonl").path
        let dry = try DryRunRobot(wrapping: robot, logPath: log, ticksFor: { robot.ticks(for: $0, into: &$1) })
        let source = try PolicyChunkSource(predictor: try Self.predictor(), images: rig, prompt: "reach the red target")
        let loop = Self.loop(dry, source: source, seconds: 2)
        loop.onCommand = { tick, time, _, _, flags in dry.annotate(tick: tick, timeSeconds: time, flags: flags) }
        let before = virtual.statistics
        let report = try loop.run()
        #expect(report.ticks == 60)
        #expect(report.chunks >= 5)
        #expect(report.inferenceFailures == 0)
        #expect(virtual.statistics.writePackets == before.writePackets)
        #expect(virtual.statistics.packets(of: .syncWrite) == before.packets(of: .syncWrite))
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 60)
        let ticks = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.map { $0["tick"] as! Int }
        // One line per executed tick, in order; ticks skipped by an overrun (a loaded CI machine) are absent.
        #expect(ticks == ticks.sorted() && Set(ticks).count == 60)
        #expect(ticks.last == 59 + report.overruns)
        try? FileManager.default.removeItem(atPath: log)
    }

    @Test func liveRunDrivesTheMotorsWithinLimits() throws {
        let (virtual, robot) = try ControlLoopTests.setUp()
        defer { virtual.stop() }
        let (rig, files) = try Self.rig()
        defer { rig.stop(); files.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let source = try PolicyChunkSource(predictor: try Self.predictor(), images: rig, prompt: "lift the cube")
        let loop = Self.loop(robot, source: source, seconds: 2)
        var goals: [[Int64]] = []
        loop.onCommand = { _, _, _, command, _ in
            var ticks = [Int64](repeating: 0, count: 6)
            robot.ticks(for: command, into: &ticks)
            goals.append(ticks)
        }
        let report = try loop.run()
        #expect(report.ticks == 60 && report.chunks >= 5)
        #expect(virtual.statistics.packets(of: .syncWrite) >= 60)
        for (joint, cal) in robot.calibration.joints.enumerated() {
            #expect(goals.allSatisfy { Int($0[joint]) >= cal.rangeMin && Int($0[joint]) <= cal.rangeMax })
        }
        #expect(report.chunkAgeMilliseconds.count > 0)
    }

    @Test func nanFromThePolicyIsRefusedAndTheArmHolds() throws {
        let (virtual, robot) = try ControlLoopTests.setUp()
        defer { virtual.stop() }
        let (rig, files) = try Self.rig()
        defer { rig.stop(); files.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        var start = [Float](repeating: 0, count: 6)
        try robot.readState(into: &start)
        let source = try PolicyChunkSource(predictor: try Self.predictor(poisoned: true), images: rig, prompt: "reach")
        let loop = Self.loop(robot, source: source, seconds: 1)
        var commands: [[Float]] = []
        loop.onCommand = { _, _, _, command, _ in commands.append(command) }
        let report = try loop.run()
        #expect(report.chunksRefused >= 1)
        #expect(report.holdTicks == report.ticks)
        #expect(commands.allSatisfy { $0 == start })
    }

    @Test func unpluggedCameraHoldsPositionWithoutCrashing() throws {
        let (virtual, robot) = try ControlLoopTests.setUp()
        defer { virtual.stop() }
        let (rig, files) = try Self.rig(wristSettings: ["enodev_after=15"])  // the wrist camera dies after 0.5 s
        defer { rig.stop(); files.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        // …and stays unplugged: its device node is gone, so reopening fails.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { try? FileManager.default.removeItem(atPath: files[1]) }
        let source = try PolicyChunkSource(predictor: try Self.predictor(), images: rig, prompt: "reach")
        let loop = Self.loop(robot, source: source, seconds: 3)
        let report = try loop.run()
        #expect(report.ticks == 90)
        #expect(report.inferenceFailures > 0)
        #expect(report.watchdogTicks > 0)
        #expect(loop.lastInferenceError?.hasPrefix("camera wrist: ") == true)
        #expect(virtual.value(of: .torqueEnable, id: 1) == 0)
    }

    @Test func checkpointCamerasMustAllBeGiven() throws {
        let front = try Self.fakeCamera()
        defer { try? FileManager.default.removeItem(atPath: front) }
        let rig = CameraRig(feeds: [try CameraFeed(name: "front", device: front, width: 64, height: 64)])
        #expect(throws: RuntimeSetupError.cameraMismatch(checkpoint: ["front", "wrist"], given: ["front"])) {
            _ = try PolicyChunkSource(predictor: try Self.predictor(), images: rig, prompt: "reach")
        }
    }
}
