import RobotIO
import Testing
@testable import SimTrainer

@Suite("Joint units")
struct JointUnitTests {
    @Test("Arm joints are radians both ways; the gripper opening 0…1 maps to the jaw gap")
    func mapping() {
        #expect(TwinJointUnits.mjcfValue(fromJointUnits: 0.7, kind: .revolute) == 0.7)
        #expect(TwinJointUnits.mjcfValue(fromJointUnits: 0, kind: .gripper) == 0)
        #expect(TwinJointUnits.mjcfValue(fromJointUnits: 1, kind: .gripper) == SO101Geometry.jawTravel)
        for value in stride(from: 0.0, through: 1.0, by: 0.125) {
            let back = TwinJointUnits.jointUnits(fromMJCF: TwinJointUnits.mjcfValue(fromJointUnits: value, kind: .gripper), kind: .gripper)
            #expect(abs(back - value) < 1e-12)
        }
    }

    @Test("Goals are clamped to the joint's range; NaN becomes 0")
    func clamping() {
        #expect(TwinJointUnits.clamp(5, joint: 0, kind: .revolute) == SO101Geometry.ranges[0].upper)
        #expect(TwinJointUnits.clamp(-5, joint: 2, kind: .revolute) == SO101Geometry.ranges[2].lower)
        #expect(TwinJointUnits.clamp(1.7, joint: 5, kind: .gripper) == 1)
        #expect(TwinJointUnits.clamp(.nan, joint: 1, kind: .revolute) == 0)
    }

    @Test("A goal in joint units is where the simulated servos settle, and what the state reports")
    func servosReachGoals() throws {
        var configuration = EnvironmentConfiguration(task: .reach)
        configuration.randomization = .none
        configuration.renderImages = false
        let environment = try SimEnvironment(configuration: configuration, seed: 3)
        environment.reset()
        let goal: [Float] = [0.3, -0.2, 0.6, 0.9, -0.5, 0.8]
        for _ in 0..<60 { _ = goal.withUnsafeBufferPointer { environment.step($0) } }
        let reached = environment.jointPositions()
        for index in 0..<5 { #expect(abs(reached[index] - Double(goal[index])) < 0.03, "joint \(index): \(reached[index])") }
        #expect(abs(reached[5] - 0.8) < 0.03)
        let observation = try environment.observe(using: nil)
        #expect(observation.state.count == RobotSpec.so101.joints.count)
        #expect(zip(observation.state, reached).allSatisfy { abs(Double($0) - $1) < 1e-6 })
    }
}
