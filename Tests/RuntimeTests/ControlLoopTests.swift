import Foundation
import RobotIO
import Synchronization
import Testing
@testable import Runtime

/// A chunk source that follows a slow sine around the start pose — a real
/// trajectory generator, standing in for the policy so the loop is tested alone.
final class SineSource: ChunkSource, @unchecked Sendable {
    let horizon = 10
    let amplitude: Float
    var delayMicroseconds: UInt32 = 0
    var poisonAfter: Int?
    private(set) var calls = 0
    private var start: [Float]?

    init(amplitude: Float = 0.2) { self.amplitude = amplitude }

    func chunk(for snapshot: StateSnapshot) throws -> [Float] {
        calls += 1
        if delayMicroseconds > 0 { usleep(delayMicroseconds) }
        if start == nil { start = snapshot.state }
        var out: [Float] = []
        for k in 1...horizon {
            let t = Float(snapshot.tick + Int64(k)) / 30
            for (j, s) in start!.enumerated() { out.append(j == 5 ? s : s + amplitude * sinf(t)) }
        }
        if let poisonAfter, calls > poisonAfter { out[3] = .nan }
        return out
    }
}

@Suite(.serialized) struct ControlLoopTests {
    static func calibration(_ robot: RobotSpec = .so101) throws -> Calibration {
        let name = robot.name == "koch" ? "koch_example.json" : "so101_example.json"
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("calibration/\(name)").path
        return try Calibration.load(from: file, robot: robot)
    }

    static func setUp(robot spec: RobotSpec = .so101, faults: VirtualBusFaults = .init()) throws -> (VirtualServoBus, SerialRobot) {
        var options = VirtualBusOptions()
        options.faults = faults
        let virtual = try VirtualServoBus(robot: spec, options: options)
        try virtual.start()
        let bus = try RobotBus.open(robot: spec, port: virtual.path,
                                    options: MotorBusOptions(replyAllowanceMicroseconds: 50_000, retries: 3))
        let calibration = try calibration(spec)
        // The arm was calibrated with this file (its offsets are in the motors' EEPROM) and rests mid-range.
        for joint in calibration.joints {
            virtual.setValue(Int64(joint.homingOffset), of: .homingOffset, id: joint.id)
            virtual.setValue(Int64(joint.rangeMidpoint), of: .presentPosition, id: joint.id)
        }
        return (virtual, try SerialRobot(robotBus: bus, calibration: calibration))
    }

    static func loop(_ robot: any RobotBackend, source: any ChunkSource, ticks: Int, hertz: Double = 100) -> ControlLoop {
        let d = robot.jointNames.count
        let safety = SafetyFilter(limits: robot.limits, maxStep: Array(repeating: 0.05, count: d), rampTicks: 10,
                                  jointNames: robot.jointNames)
        return ControlLoop(robot: robot, source: source, safety: safety, blending: .crossFade,
                           options: LoopOptions(hertz: hertz, maxTicks: ticks, realtime: false))
    }

    @Test(arguments: [RobotSpec.so101, RobotSpec.koch])
    func liveGoalsReachTheMotorsWithinLimits(spec: RobotSpec) throws {
        let (virtual, robot) = try Self.setUp(robot: spec)
        defer { virtual.stop() }
        let source = SineSource()
        let loop = Self.loop(robot, source: source, ticks: 80)
        let commands = Mutex<[[Float]]>([])
        loop.onCommand = { _, _, _, command, _ in commands.withLock { $0.append(command) } }
        let report = try loop.run()
        #expect(report.ticks == 80)
        #expect(report.chunks >= 5)
        #expect(virtual.statistics.packets(of: .syncWrite) >= 80)
        let limits = robot.limits
        #expect(commands.withLock { $0.allSatisfy(limits.contains) })
        // The loop moved the shoulder, and stopping turned torque off.
        let goal = virtual.value(of: .goalPosition, id: 1)!
        #expect(abs(goal - Int64(robot.calibration.joints[0].rangeMidpoint)) > 10)
        #expect(virtual.value(of: .torqueEnable, id: 1) == 0)
        #expect(report.stopReason == "80 ticks done")
    }

    @Test func dryRunNeverWritesAndLogsEveryCommand() throws {
        let (virtual, robot) = try Self.setUp()
        defer { virtual.stop() }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("dry-\(getpid()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let dry = try DryRunRobot(wrapping: robot, logPath: log, ticksFor: { robot.ticks(for: $0, into: &$1) })
        let loop = Self.loop(dry, source: SineSource(), ticks: 50)
        loop.onCommand = { tick, time, _, _, flags in dry.annotate(tick: tick, timeSeconds: time, flags: flags) }
        let before = virtual.statistics
        let report = try loop.run()
        let after = virtual.statistics
        #expect(report.ticks == 50)
        #expect(after.writePackets == before.writePackets)            // no WRITE / SYNC WRITE at all
        #expect(after.packets(of: .syncWrite) == before.packets(of: .syncWrite))
        #expect(after.packets(of: .syncRead) > before.packets(of: .syncRead))  // sensors were read
        #expect((1...6).allSatisfy { virtual.value(of: .torqueEnable, id: MotorID($0)) == 0 })
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 50)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["tick"] as? Int == 0)
        #expect((first["target"] as? [Double])?.count == 6)
        #expect((first["ticks"] as? [Int])?.count == 6)
        #expect(first["flags"] is [String])
    }

    @Test func nonFiniteChunksAreRefusedAndTheArmHolds() throws {
        let (virtual, robot) = try Self.setUp()
        defer { virtual.stop() }
        let source = SineSource()
        source.poisonAfter = 0  // every chunk carries a NaN
        let loop = Self.loop(robot, source: source, ticks: 40)
        let report = try loop.run()
        #expect(report.chunksRefused >= 1)
        #expect(report.holdTicks == 40)
        #expect(report.watchdogTicks > 0)
    }

    @Test func slowInferenceHoldsAndDropsLateActions() throws {
        let (virtual, robot) = try Self.setUp()
        defer { virtual.stop() }
        let source = SineSource()
        source.delayMicroseconds = 150_000  // 15 control periods at 100 Hz
        let loop = Self.loop(robot, source: source, ticks: 60)
        let report = try loop.run()
        #expect(report.actionsDroppedLate > 0)
        #expect(report.holdTicks > 0)
        #expect(report.inferenceMilliseconds.p50 >= 150)
    }

    @Test func busFaultStopsTheLoopAndTurnsTorqueOff() throws {
        let (virtual, robot) = try Self.setUp()
        defer { virtual.stop() }
        let loop = Self.loop(robot, source: SineSource(), ticks: 10_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            var faults = VirtualBusFaults()
            faults.dropReplyProbability = 1
            virtual.setFaults(faults)
        }
        let report = try loop.run()
        #expect(report.stopReason.hasPrefix("bus fault"))
        #expect(report.stopReason.contains("no reply"))
        #expect(report.ticks < 10_000)
    }

    @Test func stopRequestEndsTheRunWithTorqueOff() throws {
        let (virtual, robot) = try Self.setUp()
        defer { virtual.stop() }
        let loop = Self.loop(robot, source: SineSource(), ticks: 100_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { loop.requestStop() }
        let report = try loop.run()
        #expect(report.stopReason == "stop requested")
        #expect(virtual.value(of: .torqueEnable, id: 3) == 0)
    }

    @Test func calibrationOfAnotherArmIsRefusedBeforeAnythingMoves() throws {
        let virtual = try VirtualServoBus(robot: .so101)
        try virtual.start()
        defer { virtual.stop() }
        let bus = try RobotBus.open(robot: .so101, port: virtual.path)
        let robot = try SerialRobot(robotBus: bus, calibration: try Self.calibration())
        let loop = Self.loop(robot, source: SineSource(), ticks: 10)
        #expect {
            _ = try loop.run()
        } throws: { error in
            "\(error)".contains("the calibration file does not match the motors (homing offsets: shoulder_pan file -1470, motor 0")
        }
        #expect(virtual.statistics.writePackets == 0)
    }

    @Test func calibrationForAnotherRobotIsRefused() throws {
        let virtual = try VirtualServoBus(robot: .koch)
        try virtual.start()
        defer { virtual.stop() }
        let bus = try RobotBus.open(robot: .koch, port: virtual.path)
        #expect(throws: RuntimeSetupError.calibrationMismatch(robot: "Koch follower", calibrationRobot: "SO-101 follower")) {
            _ = try SerialRobot(robotBus: bus, calibration: try Self.calibration())
        }
    }
}
