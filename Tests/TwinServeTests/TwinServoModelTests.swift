import Foundation
import RobotIO
import SimTrainer
import Testing
@testable import TwinServe
#if canImport(Glibc)
import Glibc
#endif

/// `sim serve --servo-model FILE`: the servos' loop, top speed, latency and reply timing
/// from YAML, and the twin's step response following them.
@Suite("Twin servo model", .serialized)
struct TwinServoModelTests {
    @Test("an empty file is the twin as built; given keys override it, per joint too")
    func parsing() throws {
        #expect(try TwinServoModel(yaml: "") == .so101)
        #expect(TwinServoModel.so101.loops[0] == .init(kp: 60, damping: 1, armature: 0.03, friction: 0.05, forceLimit: 2.94))
        let model = try TwinServoModel(yaml: """
            arm: {kp: 40, damping: 0.5}
            joints: {shoulder_lift: {kp: 90, torque_limit: 4}}
            gripper: {force_limit: 6}
            speed_limit: 3000
            moving_threshold: 20
            return_delay_us: 100
            latency_ms: 12
            """)
        #expect(model.loops[0] == .init(kp: 40, damping: 0.5, armature: 0.03, friction: 0.05, forceLimit: 2.94))
        #expect(model.loops[1] == .init(kp: 90, damping: 0.5, armature: 0.03, friction: 0.05, forceLimit: 4))
        #expect(model.loops[5].forceLimit == 6 && model.loops[5].kp == 300)
        #expect(model.speedLimitTicksPerSecond == 3000 && model.movingThresholdTicksPerSecond == 20)
        #expect(model.returnDelayMicroseconds == 100 && model.latencySteps(timestep: 0.002) == 6)
        #expect(try TwinServoModel(yaml: "speed_limit: 0").speedLimitTicksPerSecond == nil)
    }

    @Test("unknown keys and bad values are refused in one line that names them")
    func refusals() {
        func message(_ yaml: String) -> String {
            do { _ = try TwinServoModel(yaml: yaml, source: "arm.yaml"); return "accepted" } catch { return "\(error)" }
        }
        #expect(message("arm: {kpp: 3}") == "--servo-model arm.yaml: unknown key 'arm.kpp' (known: kp, damping, armature, friction, torque_limit)")
        #expect(message("latency: 3").hasPrefix("--servo-model arm.yaml: unknown key 'latency' (known: arm, gripper, joints,"))
        #expect(message("gripper: {torque_limit: 3}").hasPrefix("--servo-model arm.yaml: unknown key 'gripper.torque_limit'"))
        #expect(message("joints: {gripper: {kp: 3}}").hasPrefix("--servo-model arm.yaml: unknown joint 'joints.gripper'"))
        #expect(message("arm: {kp: 0}") == "--servo-model arm.yaml: arm.kp must be positive, got 0")
        #expect(message("arm: {damping: -1}") == "--servo-model arm.yaml: arm.damping must be a number ≥ 0, got -1")
        #expect(message("arm: {kp: fast}") == "--servo-model arm.yaml: arm.kp must be a number ≥ 0, got fast")
        #expect(message("return_delay_us: 3.5").hasPrefix("--servo-model arm.yaml: return_delay_us must be a whole number"))
        #expect(message("arm: 3") == "--servo-model arm.yaml: arm must be a mapping of keys to values, got 3")
        #expect(message("arm: [") .hasPrefix("--servo-model arm.yaml: not YAML"))
        #expect(message("- 1") == "--servo-model arm.yaml: the top level must be a mapping of keys to values, got [1]")
    }

    /// Shoulder pan (no gravity on it) stepped by `step` rad from rest: (twin seconds after the
    /// write, position change) samples for `seconds`.
    private func stepResponse(_ model: TwinServoModel, step: Double = 0.4, seconds: Double = 1) throws -> [(t: Double, q: Double)] {
        var settings = TwinHostConfiguration(task: .place)
        settings.environment.randomization = .none
        settings.environment.maxSteps = 100_000
        settings.servoModel = model
        return try withRunningHost(settings) { _, board in
            usleep(300_000)  // settled at rest
            let rest = board.state
            board.drive(joint: 0, goal: rest.positions[0] + step, torqueEnabled: true, speedLimit: .infinity)
            let written = board.state.episodeTime
            var samples: [(t: Double, q: Double)] = []
            while samples.last.map({ $0.t < seconds }) ?? true {
                let now = board.state
                samples.append((now.episodeTime - written, now.positions[0] - rest.positions[0]))
                usleep(1_000)
            }
            return samples
        }
    }

    /// Twin seconds until the joint first covered `fraction` of the step.
    private func riseTime(_ samples: [(t: Double, q: Double)], step: Double = 0.4, fraction: Double) -> Double {
        samples.first { $0.q >= fraction * step }?.t ?? .infinity
    }

    @Test("a lower gain makes a slower step response; latency delays its start")
    func gainAndLatencyShapeTheStepResponse() throws {
        let stiff = try stepResponse(.so101)
        var soft = TwinServoModel.so101
        soft.loops[0].kp = 4  // time constant damping / kp 0.25 s instead of 0.017 s: 90 % after ≈ 0.6 s
        let slow = try stepResponse(soft)
        let (stiffRise, softRise) = (riseTime(stiff, fraction: 0.9), riseTime(slow, fraction: 0.9))
        #expect(stiffRise < 0.3, "kp 60: 90 % after \(stiffRise) s")
        #expect(softRise > stiffRise + 0.25, "kp 4: 90 % after \(softRise) s, kp 60 after \(stiffRise) s")

        var late = TwinServoModel.so101
        late.latencyMilliseconds = 250
        let delayed = try stepResponse(late)
        let (start, lateStart) = (riseTime(stiff, fraction: 0.05), riseTime(delayed, fraction: 0.05))
        #expect(lateStart > start + 0.18, "moved 5 % after \(lateStart) s with 250 ms latency, \(start) s without")
    }

    @Test("the top speed caps the setpoint's travel, in ticks per second")
    func topSpeed() throws {
        var capped = TwinServoModel.so101
        capped.speedLimitTicksPerSecond = 300  // 0.46 rad/s
        let samples = try stepResponse(capped)
        let radiansPerSecond = 300 * 2 * Double.pi / 4095
        let at = samples.first { $0.t >= 0.5 }!
        #expect(at.q > 0.5 * radiansPerSecond * at.t && at.q < 1.1 * radiansPerSecond * at.t, "\(at.q) rad after \(at.t) s")
    }

    @Test("the Moving threshold and the return delay reach the bus")
    func busSide() throws {
        var model = TwinServoModel.so101
        model.movingThresholdTicksPerSecond = 25
        model.returnDelayMicroseconds = 300
        let options = TwinServoBus.options(board: TwinJointBoard(), servoModel: model)
        #expect(options.returnDelayOverrideMicroseconds == 300 && options.returnDelayCapMicroseconds >= 300)
        #expect((options.mechanics as? [TwinServoMechanics])?.allSatisfy { $0.movingThreshold == 25 } == true)
        var base = VirtualBusOptions()
        base.returnDelayOverrideMicroseconds = 40  // --return-delay-us wins
        #expect(TwinServoBus.options(board: TwinJointBoard(), servoModel: model, base: base).returnDelayOverrideMicroseconds == 40)
    }
}
